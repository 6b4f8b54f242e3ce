"""Metric functions of bench/metrics.py and the scoring in bench/accuracy.py, with exact values."""

from __future__ import annotations

import pytest

from bench.accuracy import score_spans
from bench.ccks import Mention, Sample
from bench.gold import GoldAdmin
from bench.metrics import AdminTally, SpanCounts, admin_value_right, span_counts
from bench.systems import Prediction


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([(0, 2)], [(0, 2)], (1, 0, 0)),
        ([(0, 2)], [(0, 3)], (0, 1, 1)),
        ([(0, 2), (5, 7)], [(5, 7)], (1, 0, 1)),
        ([], [(1, 2)], (0, 1, 0)),
        ([(1, 2)], [], (0, 0, 1)),
        ([(1, 2), (1, 2)], [(1, 2)], (1, 0, 0)),
        ([], [], (0, 0, 0)),
    ],
)
def test_span_counts(
    gold: list[tuple[int, int]], predicted: list[tuple[int, int]], expected: tuple[int, int, int]
) -> None:
    counts = span_counts(gold, predicted)
    assert (counts.tp, counts.fp, counts.fn) == expected


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "precision", "recall", "f1"),
    [
        (3, 1, 2, 0.75, 0.6, 2 * 0.75 * 0.6 / 1.35),
        (0, 0, 0, 0.0, 0.0, 0.0),
        (0, 2, 2, 0.0, 0.0, 0.0),
        (4, 0, 0, 1.0, 1.0, 1.0),
    ],
)
def test_span_counts_ratios(tp: int, fp: int, fn: int, precision: float, recall: float, f1: float) -> None:
    counts = SpanCounts(tp, fp, fn)
    assert (counts.precision, counts.recall) == (precision, recall)
    assert counts.f1 == pytest.approx(f1, abs=1e-12)


def _gold(
    label_level: str, names: set[str], level: str | None = None, codes: set[str] | None = None
) -> GoldAdmin:
    return GoldAdmin(
        label_level,
        level or label_level,
        "x",
        (0, 1),
        frozenset(codes if codes is not None else {"1"} if names else set()),
        frozenset(names),
        "name" if names else "unresolved",
        0,
    )


@pytest.mark.parametrize(
    ("gold", "values", "right"),
    [
        (_gold("district", {"上城区", "江干区"}), {"district": "江干区"}, True),
        (_gold("district", {"上城区"}), {"district": "上城"}, False),
        (_gold("district", {"上城区"}), {"district": None}, False),
        (_gold("district", {"上城区"}), {}, False),
        # Compared at the resolved level: 仙桃市 labelled city is a county-level unit.
        (_gold("city", {"仙桃市"}, level="district"), {"city": None, "district": "仙桃市"}, True),
    ],
)
def test_admin_value_right(gold: GoldAdmin, values: dict[str, str | None], right: bool) -> None:
    assert admin_value_right(gold, values) is right


def test_admin_tally() -> None:
    tally = AdminTally()
    province, city, town = (
        _gold("province", {"浙江省"}),
        _gold("city", {"杭州市"}),
        _gold("town", {"乔司街道"}),
    )
    unknown = _gold("town", set())
    assert tally.add([province, city, town, unknown], {"province": "浙江省", "city": "杭州市"}) == [
        True,
        True,
        False,
    ]
    assert tally.add([province, city], {"province": "浙江省", "city": "金华市"}) == [True, False]
    assert tally.add([unknown], {}) == []
    assert tally.to_dict() == {
        "levels": {
            "province": {"right": 2, "total": 2, "share": 1.0, "unresolved_gold": 0},
            "city": {"right": 1, "total": 2, "share": 0.5, "unresolved_gold": 0},
            "district": {"right": 0, "total": 0, "share": None, "unresolved_gold": 0},
            "town": {"right": 0, "total": 1, "share": 0.0, "unresolved_gold": 2},
        },
        "addresses": 2,
        "exact_match": 0.0,
        "addresses_without_town": 2,
        "exact_match_without_town": 0.5,
    }
    assert tally.share("city") == 0.5
    assert tally.share("district") is None


def test_score_spans() -> None:
    # 甲路0号乙大厦: road 甲路, roadno 0号, poi 乙大厦
    sample = Sample(
        "甲路0号乙大厦",
        (Mention("road", 0, 2, "甲路"), Mention("roadno", 2, 4, "0号"), Mention("poi", 4, 7, "乙大厦")),
        1,
    )
    prediction = Prediction({}, {"road": (0, 2), "road_number": (2, 3), "building": (4, 7)})
    counts = score_spans([sample], [prediction])
    assert counts["road"].to_dict() == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert (counts["road_number"].tp, counts["road_number"].fp, counts["road_number"].fn) == (0, 1, 1)
    assert (counts["poi"].tp, counts["poi"].fp, counts["poi"].fn) == (0, 0, 1)
    assert (counts["building"].tp, counts["building"].fp, counts["building"].fn) == (0, 1, 0)
    assert (counts["micro"].tp, counts["micro"].fp, counts["micro"].fn) == (1, 2, 2)
    # A system without spans scores nothing, it is not skipped.
    assert score_spans([sample], [Prediction({})])["micro"].fn == 3


def test_a_second_road_counts_as_a_gold_road() -> None:
    # 甲路与乙路: CCKS labels both roads `road`; addrcheck gives road and second_road.
    sample = Sample("甲路与乙路", (Mention("road", 0, 2, "甲路"), Mention("road", 3, 5, "乙路")), 1)
    both = score_spans([sample], [Prediction({}, {"road": (0, 2), "second_road": (3, 5)})])["road"]
    assert (both.tp, both.fp, both.fn) == (2, 0, 0)
    wrong = score_spans([sample], [Prediction({}, {"road": (0, 2), "second_road": (2, 5)})])["road"]
    assert (wrong.tp, wrong.fp, wrong.fn) == (1, 1, 1)
