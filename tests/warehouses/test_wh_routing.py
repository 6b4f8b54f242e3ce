"""match_sku over the example file, the pre-ship plan, and the errors that are never silent."""

from __future__ import annotations

from typing import Any

import pytest
from wh_fixtures import HANGZHOU, YIWU

from addrcheck import RoutingError
from addrcheck.warehouses import WarehouseConfig, load_config_text, match_sku, parse_order, plan_order
from addrcheck.warehouses.config import Rule
from addrcheck.warehouses.routing import distance_km

# (sku, keyword arguments, warehouse, rule)
ROUTES: list[tuple[str, dict[str, Any], str, str]] = [
    ("GIFT-BOX-01", {}, "hangzhou", "gift-boxes"),  # exact SKU
    (
        "GIFT-BOX-01",
        {"shop": "tmall-hz-flagship", "category": "数码"},
        "hangzhou",
        "gift-boxes",
    ),  # 100 beats 30, 20
    ("GIFT-BOX-03", {}, "yiwu", "default"),  # not in the exact list
    ("YW-1001", {"shop": "tmall-hz-flagship"}, "hangzhou", "tmall-flagship"),  # shop (30) beats prefix (10)
    ("YW-1001", {"category": "家电"}, "guangzhou", "electronics"),  # category (20) beats prefix (10)
    ("YW-1001", {}, "yiwu", "yiwu-stock"),  # prefix
    ("yw-1001", {}, "yiwu", "default"),  # SKUs are case-sensitive
    ("GZ-SHOE-42", {}, "guangzhou", "guangzhou-lines"),  # glob
    ("GZ-SHOE-4", {}, "yiwu", "default"),  # the glob wants two digits
    ("CLOTH-T01", {}, "yiwu", "clothing"),  # several warehouses, no buyer: the first listed
    ("CLOTH-T01", {"buyer_district_code": "440305"}, "guangzhou", "clothing"),  # Shenzhen buyer: Guangzhou
    ("CLOTH-T01", {"buyer_district_code": "330782001"}, "yiwu", "clothing"),  # a town code in Yiwu
    ("CLOTH-T01", {"buyer_district_code": "999999"}, "yiwu", "clothing"),  # unknown county: the first listed
    ("ANYTHING", {"category": "玩具", "shop": "pdd"}, "yiwu", "default"),
]


@pytest.mark.parametrize(("sku", "kwargs", "warehouse", "rule"), ROUTES)
def test_match_sku(
    example_config: WarehouseConfig, sku: str, kwargs: dict[str, Any], warehouse: str, rule: str
) -> None:
    found = match_sku(example_config, sku, **kwargs)
    assert (found.warehouse.id, found.rule.id) == (warehouse, rule)


@pytest.mark.parametrize(
    ("sku", "kwargs", "explanation"),
    [
        (
            "YW-1",
            {},
            'SKU "YW-1" matched rule "yiwu-stock" (line 50, priority 10: sku_prefix "YW-"): warehouse "yiwu"',
        ),
        ("Z", {}, 'SKU "Z" matched no rule; the default warehouse ([routing] default): warehouse "yiwu"'),
        (
            "CLOTH-1",
            {},
            'SKU "CLOTH-1" matched rule "clothing" (line 64, '
            'priority 10: sku_prefix "CLOTH-"): warehouse "yiwu", '
            'the first of "yiwu", "guangzhou" (buyer district not given)',
        ),
        (
            "CLOTH-1",
            {"buyer_district_code": "440305"},
            'SKU "CLOTH-1" matched rule "clothing" (line 64, priority '
            '10: sku_prefix "CLOTH-"): warehouse "guangzhou", '
            'the nearest to buyer district 440305 ("yiwu" 972 km, "guangzhou" 88 km)',
        ),
    ],
)
def test_match_explains_itself(
    example_config: WarehouseConfig, sku: str, kwargs: dict[str, Any], explanation: str
) -> None:
    assert match_sku(example_config, sku, **kwargs).explanation == explanation


def test_unknown_sku_without_default_is_an_error() -> None:
    config = load_config_text(YIWU + '[[rules]]\nwarehouse = "yiwu"\nsku_prefix = "YW-"\n', "toml")
    assert match_sku(config, "YW-1").warehouse.id == "yiwu"
    with pytest.raises(RoutingError) as caught:
        match_sku(config, "ZZ-1", category="玩具")
    assert caught.value.code == "NO_WAREHOUSE_FOR_SKU"
    assert caught.value.message == (
        'no warehouse for SKU "ZZ-1", category "玩具": no rule matches and the file has no [routing] default'
    )


def test_equal_priority_matches_are_refused_even_if_a_config_was_built_by_hand() -> None:
    loaded = load_config_text(YIWU + HANGZHOU, "toml")
    clash = WarehouseConfig(
        warehouses=loaded.warehouses,
        rules=(Rule("a", ("yiwu",), sku_prefixes=("A",)), Rule("b", ("hz",), shops=("s",))),
        default=None,
        config_hash="x",
    )
    with pytest.raises(RoutingError) as caught:
        match_sku(clash, "A1", shop="s")
    assert (caught.value.code, caught.value.message) == (
        "AMBIGUOUS_RULES",
        'SKU "A1" matches rules "a", "b" of equal priority 0',
    )


def test_distance() -> None:
    beijing, shanghai = (39.9042, 116.4074), (31.2304, 121.4737)
    assert round(distance_km(beijing, shanghai)) == 1067
    assert distance_km(beijing, beijing) == 0.0


ORDER = {
    "order_id": "TB-1",
    "shop": "taobao-main",
    "buyer_address": "广东省深圳市南山区粤海街道科技园路1号",
    "items": [
        {"sku": "YW-1001", "qty": 2},
        {"sku": "GZ-SHOE-42", "qty": 1},
        {"sku": "CLOTH-T01", "qty": 1, "category": "服装"},
        {"sku": "OTHER", "qty": 3},
    ],
}


def test_plan_groups_items_into_one_shipment_per_warehouse(example_config: WarehouseConfig) -> None:
    plan = plan_order(example_config, ORDER).to_dict()
    assert plan["buyer_district_code"] == "440305"
    assert [(i["sku"], i["warehouse_id"], i["rule_id"], i["shipment"]) for i in plan["items"]] == [
        ("YW-1001", "yiwu", "yiwu-stock", 0),
        ("GZ-SHOE-42", "guangzhou", "guangzhou-lines", 1),
        ("CLOTH-T01", "guangzhou", "clothing", 1),
        ("OTHER", "yiwu", "default", 0),
    ]
    assert plan["shipments"] == [
        {
            "index": 0,
            "warehouse_id": "yiwu",
            "warehouse_name": "义乌主仓",
            "contact_name": "王建国",
            "phone": "0579-85551234",
            "return_address": "浙江省金华市义乌市稠城街道工人北路100号",
            "items": [0, 3],
        },
        {
            "index": 1,
            "warehouse_id": "guangzhou",
            "warehouse_name": "广州华南仓",
            "contact_name": "陈志强",
            "phone": "020-38881234",
            "return_address": "广东省广州市天河区天河南街道体育东路108号",
            "items": [1, 2],
        },
    ]


def test_unreadable_buyer_address_only_drops_the_tie_break(example_config: WarehouseConfig) -> None:
    plan = plan_order(example_config, {**ORDER, "buyer_address": "杭州市婺城区"})  # inconsistent: no district
    assert plan.buyer_district_code is None
    assert plan.matches[2].warehouse.id == "yiwu"


def test_plan_lists_every_sku_without_a_warehouse() -> None:
    config = load_config_text(YIWU + '[[rules]]\nwarehouse = "yiwu"\nsku_prefix = "YW-"\n', "toml")
    order = {
        "order_id": "9",
        "shop": "s",
        "items": [{"sku": "A", "qty": 1}, {"sku": "YW-1", "qty": 1}, {"sku": "B", "qty": 1}],
    }
    with pytest.raises(RoutingError) as caught:
        plan_order(config, order)
    assert caught.value.code == "NO_WAREHOUSE_FOR_SKU"
    assert caught.value.message == (
        "order '9' cannot be routed: "
        'items[0] no warehouse for SKU "A", shop "s": no rule matches and the file has no [routing] default; '
        'items[2] no warehouse for SKU "B", shop "s": no rule matches and the file has no [routing] default'
    )


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ([], "an order must be a JSON object"),
        (
            {},
            "invalid order: order_id must be a non-empty string; shop must be a non-empty string; "
            "items must be a non-empty list",
        ),
        ({"order_id": "1", "shop": "s", "items": []}, "invalid order: items must be a non-empty list"),
        (
            {"order_id": 1, "shop": "s", "items": [{"sku": "A", "qty": 0}, {"sku": "", "qty": True}, "x"]},
            "invalid order: order_id must be a non-empty string; items[0].qty must be a positive integer "
            "(at most 1000000); items[1].sku must be a non-empty "
            "string; items[1].qty must be a positive integer "
            "(at most 1000000); items[2] must be an object",
        ),
        (
            {
                "order_id": "1",
                "shop": "s",
                "items": [{"sku": "A", "qty": 1, "category": 5}],
                "buyer_address": "",
            },
            "invalid order: buyer_address must be a non-empty "
            "string; items[0].category must be a non-empty string",
        ),
        (
            {"order_id": "x" * 129, "shop": "s", "items": [{"sku": "A", "qty": 1}]},
            "invalid order: order_id is longer than 128 characters",
        ),
    ],
)
def test_invalid_orders(order: object, message: str) -> None:
    with pytest.raises(RoutingError) as caught:
        parse_order(order)
    assert (caught.value.code, caught.value.message) == ("INVALID_ORDER", message)


def test_order_hash_ignores_extra_keys_but_not_items() -> None:
    base = parse_order(ORDER)
    assert parse_order({**ORDER, "note": "gift wrap"}).order_hash == base.order_hash
    changed = {**ORDER, "items": [*ORDER["items"], {"sku": "X", "qty": 1}]}  # type: ignore[list-item]
    assert parse_order(changed).order_hash != base.order_hash
