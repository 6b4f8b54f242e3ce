"""The ledger: one decision per (merchant, order); recomputation keeps history; failures record nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from addrcheck import RoutingError
from addrcheck.storage import (
    DecisionItem,
    DecisionItemRow,
    DecisionRow,
    NewDecision,
    decide_once,
    get_decision,
    get_history,
    session_scope,
)


class Decider:
    """A decision function that counts its calls."""

    def __init__(
        self,
        config_hash: str = "c1",
        order_hash: str = "o1",
        address: str = "浙江省金华市义乌市稠城街道工人北路100号",
    ) -> None:
        self.calls = 0
        self.config_hash, self.order_hash, self.address = config_hash, order_hash, address

    def __call__(self) -> NewDecision:
        self.calls += 1
        items = [
            DecisionItem(
                0, "YW-1", 2, None, "yiwu", "yiwu-stock", 0, self.address, "王建国", "0579-85551234"
            ),
            DecisionItem(
                1,
                "GZ-A-01",
                1,
                "鞋",
                "gz",
                "glob",
                1,
                "广东省广州市天河区天河南街道体育东路108号",
                "陈志强",
                "020-38881234",
            ),
        ]
        return NewDecision(
            self.config_hash, self.order_hash, {"address": self.address, "calls": self.calls}, items
        )


def decide(
    engine: Engine, decider: Decider, *, order: str = "TB-1", merchant: str = "m1", recompute: bool = False
):  # type: ignore[no-untyped-def]
    return decide_once(
        engine,
        merchant,
        order,
        config_hash=decider.config_hash,
        order_hash=decider.order_hash,
        decide=decider,
        recompute=recompute,
    )


def counts(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(DecisionRow)) or 0,
            session.scalar(select(func.count()).select_from(DecisionItemRow)) or 0,
        )


def test_second_request_returns_the_recorded_decision(engine: Engine) -> None:
    decider = Decider()
    first = decide(engine, decider)
    second = decide(engine, decider)
    assert (first.created, second.created, decider.calls) == (True, False, 1)
    assert second.entry == first.entry
    assert first.entry.revision == 1
    assert first.entry.payload == {"address": "浙江省金华市义乌市稠城街道工人北路100号", "calls": 1}
    assert [(i.sku, i.warehouse_id, i.return_address) for i in first.entry.items] == [
        ("YW-1", "yiwu", "浙江省金华市义乌市稠城街道工人北路100号"),
        ("GZ-A-01", "gz", "广东省广州市天河区天河南街道体育东路108号"),
    ]
    assert first.entry.decided_at.tzinfo is not None
    assert counts(engine) == (1, 2)


def test_orders_are_separate_per_merchant(engine: Engine) -> None:
    decide(engine, Decider(), merchant="m1")
    other = decide(engine, Decider(), merchant="m2")
    assert (other.created, other.entry.merchant_id) == (True, "m2")
    assert get_decision(engine, "m3", "TB-1") is None
    assert get_history(engine, "m3", "TB-1") == []


def test_changed_config_without_recompute_keeps_the_recorded_decision(engine: Engine) -> None:
    decide(engine, Decider())
    changed = Decider(config_hash="c2", address="浙江省杭州市西湖区西溪街道文三路90号")
    again = decide(engine, changed)
    assert (again.created, again.entry.config_hash, changed.calls) == (False, "c1", 0)


def test_recompute_with_a_changed_config_records_a_new_revision_and_keeps_history(engine: Engine) -> None:
    decide(engine, Decider())
    changed = Decider(config_hash="c2", address="浙江省杭州市西湖区西溪街道文三路90号")
    second = decide(engine, changed, recompute=True)
    assert (second.created, second.entry.revision, second.entry.config_hash) == (True, 2, "c2")
    same = decide(engine, changed, recompute=True)  # nothing changed since: no third revision
    assert (same.created, same.entry.revision, changed.calls) == (False, 2, 1)
    history = get_history(engine, "m1", "TB-1")
    assert [(e.revision, e.config_hash, e.items[0].return_address) for e in history] == [
        (1, "c1", "浙江省金华市义乌市稠城街道工人北路100号"),
        (2, "c2", "浙江省杭州市西湖区西溪街道文三路90号"),
    ]
    assert get_decision(engine, "m1", "TB-1") == history[-1]
    assert counts(engine) == (2, 4)


def test_same_order_id_with_other_contents_is_refused(engine: Engine) -> None:
    decide(engine, Decider())
    with pytest.raises(RoutingError) as caught:
        decide(engine, Decider(order_hash="o2"))
    assert caught.value.code == "ORDER_CHANGED"
    assert caught.value.message == (
        "order 'TB-1' was already decided (revision 1) with different contents; "
        "ask again with recompute to record a new decision"
    )
    assert decide(engine, Decider(order_hash="o2"), recompute=True).entry.revision == 2


def test_a_failing_decision_records_nothing(engine: Engine) -> None:
    def failing() -> NewDecision:
        raise RoutingError("no warehouse", code="NO_WAREHOUSE_FOR_SKU")

    with pytest.raises(RoutingError):
        decide_once(engine, "m1", "TB-9", config_hash="c1", order_hash="o1", decide=failing)
    assert counts(engine) == (0, 0)


def test_a_failure_inside_the_write_records_nothing(engine: Engine) -> None:
    decider = Decider()
    duplicate_items = Decider()

    def broken() -> NewDecision:
        good = decider()
        return NewDecision(good.config_hash, good.order_hash, good.payload, [good.items[0], good.items[0]])

    with pytest.raises(Exception, match=r"UNIQUE|unique|duplicate"):
        decide_once(engine, "m1", "TB-1", config_hash="c1", order_hash="o1", decide=broken)
    assert counts(engine) == (0, 0)  # the decision row was flushed, then rolled back with the failing items
    assert decide(engine, duplicate_items).created is True
