"""Fuzz ``parse`` and ``validate``: any string gives a result with honest spans, JSON-ready, quickly.

The parser is the lead's (issue 14 items 3 and 4); this target only watches it. Inputs mix division
names, address words, digits, punctuation, invisible and bidi characters, surrogates and controls.
"""

from __future__ import annotations

import json

from fuzz_profiles import FUZZ
from hypothesis import given
from hypothesis import strategies as st

import addrcheck
from addrcheck.models import Status

WORDS = [
    "浙江省",
    "金华市",
    "义乌市",
    "稠城街道",
    "工人北路",
    "100号",
    "鼓楼区",
    "城关镇",
    "朝阳区",
    "北京市",
    "襄樊市",
    "江干区",
    "开发区",
    "工业区",
    "花园",
    "小区",
    "3栋",
    "2单元",
    "501室",
    "张三",
    "13800138000",
    "与",
    "交叉口",
    "弄",
    "巷",
    "号",
    "村",
    "社区",
    "(",
    ")",
    "，",
    "#",
    "-",
    " ",
]
ODD = ["\u202e", "\u200b", "\u2066", "\ufeff", "\x00", "\t", "\ud800", "\ufffd", "０", "一百", "a" * 30]
addresses = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=6)), max_size=40
).map("".join)

# Inputs earlier runs found; each stays as a regression example (none so far for the parser).
# Found by fuzzing: the last two crashed parse() (a county read without a code, or left ambiguous, then
# 城关镇, a county's seat).
REGRESSIONS: list[str] = ["", "\ud800", "城关镇" * 3, "江干区城关镇", "五华城关镇人民路1号"]


def _check(text: str) -> None:
    parsed = addrcheck.parse(text)
    assert parsed.original == text
    for component in parsed.components.values():
        if component.span is not None:
            start, end = component.span
            assert 0 <= start <= end <= len(text)
    for policy in ("default", "strict", "loose"):
        result = addrcheck.validate(text, policy=policy)
        assert isinstance(result.status, Status)
        json.dumps(result.to_dict())  # the API and the CLI serialise exactly this


@FUZZ
@given(text=addresses)
def test_parse_and_validate_any_text(text: str) -> None:
    _check(text)


@FUZZ
@given(text=st.text(max_size=300))
def test_parse_and_validate_any_unicode(text: str) -> None:
    _check(text)


def test_regressions() -> None:
    for text in REGRESSIONS:
        _check(text)


def test_every_retired_name_before_a_seat_town_or_a_road() -> None:
    """The family of the crashes above, swept whole: each retired or moved name of the gazetteer (counties
    and townships, about 5,000) before 城关镇 and before a road parses, validates and keeps the invariant."""
    from addrcheck.gazetteer import get_gazetteer
    from addrcheck.normalized import check_invariant

    raw = get_gazetteer()._raw_names
    retired = [name for name, readings in raw.items() if any(f":{k}" in readings for k in (2, 3, 4))]
    assert len(retired) > 4000
    for name in retired:
        for text in (name + "城关镇", name + "人民路1号"):
            assert check_invariant(addrcheck.parse(text)) == "", text
            assert isinstance(addrcheck.validate(text).status, Status)
