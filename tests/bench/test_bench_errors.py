"""Error causes of bench/errors.py, on synthetic samples."""

from __future__ import annotations

import pytest

from bench.ccks import Mention, Sample
from bench.errors import admin_cause, analyse, span_cause
from bench.gold import GoldAdmin
from bench.systems import Prediction


def _gold(how: str, relaxed: int = 0, level: str = "district", label_level: str = "district") -> GoldAdmin:
    return GoldAdmin(
        label_level, level, "余杭", (2, 4), frozenset({"330110"}), frozenset({"余杭区"}), how, relaxed
    )


def _prediction(
    value: str | None, span: tuple[int, int] | None = None, origin: str = "explicit"
) -> Prediction:
    spans = {"district": span} if span else {}
    return Prediction({"district": value}, spans, extra={"origins": {"district": origin}} if value else {})


@pytest.mark.parametrize(
    ("gold", "prediction", "cause"),
    [
        (_gold("stem"), _prediction("余杭区", (2, 4)), None),
        (_gold("stem"), _prediction(None), "missed: short name without suffix"),
        (_gold("name"), _prediction(None), "missed: full name"),
        (_gold("historical"), _prediction(None), "missed: retired name"),
        (_gold("name", relaxed=1), _prediction(None), "missed: unit moved to another parent since"),
        (
            _gold("name", level="district", label_level="city"),
            _prediction(None),
            "missed: gold city is a district-level unit",
        ),
        (_gold("stem"), _prediction("望江县", (8, 10)), "wrong: other text read as this level"),
        (_gold("stem"), _prediction("临平区", None, "inferred"), "wrong: inferred from another component"),
        (_gold("historical"), _prediction("上城区", (2, 4)), "wrong: retired name mapped elsewhere"),
        (_gold("stem"), _prediction("余杭县", (2, 4)), "wrong: same text resolved to another unit"),
    ],
)
def test_admin_cause(gold: GoldAdmin, prediction: Prediction, cause: str | None) -> None:
    assert admin_cause(gold, prediction) == cause


SAMPLE = Sample(
    "甲路0号乙大厦0幢",
    (
        Mention("road", 0, 2, "甲路"),
        Mention("roadno", 2, 4, "0号"),
        Mention("poi", 4, 7, "乙大厦"),
        Mention("houseno", 7, 9, "0幢"),
    ),
    1,
)


@pytest.mark.parametrize(
    ("label", "gold", "predicted", "spans", "expected"),
    [
        ("road", (0, 2), (0, 4), {"road": (0, 4)}, ("road: boundary off at end", "end +0号")),
        ("poi", (4, 7), (5, 7), {"poi": (5, 7)}, ("poi: boundary off at start", "start -乙")),
        ("poi", (4, 7), (3, 8), {"poi": (3, 8)}, ("poi: boundary off at both ends", "start +号, end +0")),
        ("poi", (4, 7), None, {"road": (4, 7)}, ("poi: gold poi read as road", "乙大厦")),
        ("poi", (4, 7), (0, 2), {"poi": (0, 2)}, ("poi: predicted elsewhere", "甲路")),
        ("houseno", (7, 9), None, {}, ("building: missed", "0幢")),
        ("cellno", None, (7, 9), {"unit": (7, 9)}, ("unit: spurious on gold houseno", "0幢")),
        ("floorno", None, (2, 3), {"floor": (2, 3)}, ("floor: spurious on gold roadno", "0")),
    ],
)
def test_span_cause(
    label: str,
    gold: tuple[int, int] | None,
    predicted: tuple[int, int] | None,
    spans: dict[str, tuple[int, int]],
    expected: tuple[str, str],
) -> None:
    assert span_cause(label, gold, predicted, SAMPLE, spans) == expected


def test_analyse_groups_by_cause() -> None:
    gold = GoldAdmin(
        "district", "district", "余杭", (0, 2), frozenset({"1"}), frozenset({"余杭区"}), "stem", 0
    )
    prediction = Prediction({"district": None}, {"road": (0, 4), "building": (7, 9)})
    found = analyse([SAMPLE], [[gold]], [prediction])
    assert {cause: len(items) for cause, items in found["admin"].items()} == {
        "district: missed: short name without suffix": 1
    }
    assert {cause: len(items) for cause, items in found["spans"].items()} == {
        "road: boundary off at end": 1,
        "road_number: gold roadno read as road": 1,
        "poi: missed": 1,
    }
    assert found["spans"]["road: boundary off at end"] == ["[甲路]0号乙大厦0幢 | end +0号"]


def test_analyse_counts_a_second_road_as_a_road() -> None:
    sample = Sample("甲路与乙路0号", (Mention("road", 0, 2, "甲路"), Mention("road", 3, 5, "乙路")), 1)
    right = analyse([sample], [[]], [Prediction({}, {"road": (0, 2), "second_road": (3, 5)})])
    assert right["spans"] == {}
    # A second road that is not the gold one is a boundary error of that gold road, not a confusion.
    off = analyse([sample], [[]], [Prediction({}, {"road": (0, 2), "second_road": (3, 6)})])
    assert off["spans"] == {"road: boundary off at end": ["甲路与[乙路]0号 | end +0"]}
