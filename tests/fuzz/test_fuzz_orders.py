"""Fuzz the order body: any JSON value is an ``Order`` or a ``RoutingError``; routing any SKU against
globs that backtrack in a naive regex stays fast (the profile's deadline)."""

from __future__ import annotations

from typing import Any

from fuzz_profiles import FUZZ
from hypothesis import example, given
from hypothesis import strategies as st

from addrcheck.errors import RoutingError
from addrcheck.warehouses import load_config_text
from addrcheck.warehouses.hook import ORDER_ID_PATTERN, parse_order, plan_order

CONFIG = load_config_text(
    """
[[warehouses]]
id = "yiwu"
name = "义乌主仓"
contact = "王建国"
phone = "0579-85551234"
address = "浙江省金华市义乌市稠城街道工人北路100号"

[[rules]]
warehouse = "yiwu"
priority = 1
sku_glob = "*a*a*a*a*a*a*a*a*a*a*b"

[[rules]]
warehouse = "yiwu"
priority = 2
sku_glob = ["*-*-*-*-*-*-*-*-[0-9]", "??*?*?*?*?*?*?*?*X"]

[routing]
default = "yiwu"
""",
    "toml",
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
skus = st.one_of(st.text(alphabet="a-b0X", min_size=1, max_size=128), st.text(min_size=1, max_size=20))
items = st.lists(
    st.fixed_dictionaries({"sku": skus, "qty": st.one_of(st.integers(-1, 3), json_values)}),
    min_size=0,
    max_size=5,
)
orders = st.fixed_dictionaries(
    {
        "order_id": st.one_of(st.from_regex(f"\\A{ORDER_ID_PATTERN}\\Z"), st.text(max_size=10), json_values),
        "shop": st.one_of(st.text(max_size=8), json_values),
        "items": st.one_of(items, json_values),
    },
    optional={"buyer_address": st.one_of(st.text(max_size=40), json_values), "note": json_values},
)


@FUZZ
@given(order=st.one_of(orders, json_values))
@example(order={"order_id": "T-1", "shop": "s", "items": [{"sku": "a" * 128, "qty": 1}]})
@example(order={"order_id": "T-1", "shop": "s", "items": [{"sku": "-" * 127 + "x", "qty": 1}]})
def test_any_order_body(order: Any) -> None:
    try:
        parsed = parse_order(order)
    except RoutingError as error:
        assert error.code == "INVALID_ORDER"
        return
    plan = plan_order(CONFIG, parsed)
    assert [match.warehouse.id for match in plan.matches] == ["yiwu"] * len(parsed.items)
