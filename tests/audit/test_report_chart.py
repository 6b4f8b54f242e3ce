"""The report's bar charts leave room for their longest label and value (issue 14: "SSING_HOUSE_NUMBER")."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from addrcheck.audit._report import NARROW_CHAR_PX, WIDE_CHAR_PX, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def geometry(svg: str) -> tuple[int, list[tuple[float, str, str | None]]]:
    root = ET.fromstring(svg)
    texts = [(float(t.get("x", 0)), t.text or "", t.get("text-anchor")) for t in root.iter(f"{SVG}text")]
    return int(root.get("width", 0)), texts[1:]  # the first text is the title


def width_at_least(text: str) -> int:
    # the widest reading of each character: a CJK one is one em, any other at most two thirds of one
    return sum(WIDE_CHAR_PX if "\u2e80" <= char <= "\uffef" else NARROW_CHAR_PX for char in text)


@pytest.mark.parametrize(
    "counts",
    [
        {"MISSING_HOUSE_NUMBER": 135, "INCONSISTENT_HIERARCHY": 43, "EMPTY": 1},
        {"新疆维吾尔自治区": 3, "内蒙古自治区": 1_000_000},
        {"A": 1},
    ],
)
def test_every_label_and_value_fits_inside_the_chart(counts: dict[str, int]) -> None:
    width, texts = geometry(bar_chart(counts, title="By reason"))
    labels = [(x, text) for x, text, anchor in texts if anchor == "end"]
    values = [(x, text) for x, text, anchor in texts if anchor is None]
    assert [text for _, text in labels] == list(counts)
    for x, text in labels:  # right-aligned at x: it starts at x minus its width
        assert x - width_at_least(text) >= 0, text
    for x, text in values:  # left-aligned at x
        assert x + width_at_least(text) <= width, text


def test_the_reason_the_issue_saw_clipped() -> None:
    _width, texts = geometry(bar_chart({"MISSING_HOUSE_NUMBER": 1}, title="t"))
    [(x, text, _anchor)] = [t for t in texts if t[2] == "end"]
    assert (text, x - width_at_least(text)) == ("MISSING_HOUSE_NUMBER", 8)
