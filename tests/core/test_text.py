from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addrcheck.contact import find_contact
from addrcheck.text import chinese_to_int, fold, normalize_number


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("浙江省金華市婺城區", "浙江省金华市婺城区"),
        ("１２３号Ａ座", "123号A座"),
        ("⻄湖区", "西湖区"),
        ("a栋", "A栋"),
        ("乾县", "乾县"),  # 乾 stays: it is a place name, not 干
    ],
)
def test_fold_keeps_length(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("九十", 90),
        ("十", 10),
        ("十五", 15),
        ("一百零五", 105),
        ("二〇八", 208),
        ("三", 3),
        ("两千", 2000),
        ("九十A", None),
    ],
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    assert chinese_to_int(numeral) == value


def test_normalize_number() -> None:
    assert normalize_number("九十号") == "90号"
    assert normalize_number("三单元") == "3单元"
    assert normalize_number("12-3号") == "12-3号"


@pytest.mark.parametrize(
    ("text", "phone", "name"),
    [
        ("张三 13800138000 浙江省金华市", "13800138000", "张三"),
        ("浙江省金华市义乌市工人北路1号 李四 138-0013-8000", "13800138000", "李四"),
        ("收货人：王小明，电话：13912345678，地址：浙江省", "13912345678", "王小明"),
        ("浙江省金华市义乌市工人北路1号 0579-85123456", "0579-85123456", None),
        ("+86 13800138000 欧阳娜娜", "13800138000", "欧阳娜娜"),
        ("浙江省金华市义乌市工人北路100号", None, None),
        # Glued to the address: jieba's tagger finds the personal name.
        ("浙江省金华市义乌市工人北路100号张三13800138000", "13800138000", "张三"),
        ("13800138000王小明浙江省金华市", "13800138000", "王小明"),
    ],
)
def test_contact(text: str, phone: str | None, name: str | None) -> None:
    contact = find_contact(fold(text))
    assert (contact.phone[0] if contact.phone else None) == phone
    assert (contact.name[0] if contact.name else None) == name


def test_fold_through_the_list_table_equals_the_dict_table() -> None:
    """fold() uses a code-point list for BMP text; it must map exactly as the dict does."""
    from addrcheck.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    mapped = "".join(chr(code) for code in gazetteer.char_table if code < 0x10000)
    sample = mapped + "浙江省杭州市西湖区文三路90号ａｂｃ區 \u3000⻄"
    assert fold(sample) == sample.translate(gazetteer.char_table)
    # Text beyond the BMP (a compatibility ideograph, an emoji) takes the dict.
    astral = [chr(code) for code in gazetteer.char_table if code >= 0x10000][:3]
    text = "浙江" + "".join(astral) + "\U0001f600"
    assert fold(text) == text.translate(gazetteer.char_table) and len(fold(text)) == len(text)
    assert all(fold(ch) != ch for ch in astral)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-+ 转86张三号", max_size=24))
def test_phone_hint_is_in_every_phone(text: str) -> None:
    """find_contact skips the phone patterns when _PHONE_HINT finds nothing: they must then find nothing."""
    from addrcheck import contact

    if contact._PHONE_HINT.search(text) is None:
        assert contact._MOBILE.search(text) is None and contact._LANDLINE.search(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-+ 转86张三号", max_size=24))
def test_too_few_digits_means_no_phone_hint(text: str) -> None:
    """find_contact runs _PHONE_HINT only on text with seven digits: with fewer it must find nothing."""
    from addrcheck import contact

    if not contact._digits_at_least(text, 7):
        assert contact._PHONE_HINT.search(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="浙江省區東馬ａｂｃabc（）〇0 \u3000⻄\U0001f600", max_size=12))
def test_fold_equals_the_dict_table_with_or_without_anything_to_fold(text: str) -> None:
    """fold() returns text with nothing to fold as it is: the same as translating it."""
    from addrcheck.gazetteer import get_gazetteer

    assert fold(text) == text.translate(get_gazetteer().char_table)


def test_separator_at_is_membership_in_separators() -> None:
    from addrcheck.text import SEPARATORS, separator_at

    sample = "".join(sorted(SEPARATORS)) + "浙江0Aa号\u3000\U0001f600"
    assert [separator_at(sample, i) for i in range(len(sample))] == [ch in SEPARATORS for ch in sample]


@pytest.mark.parametrize(
    ("text", "positions"),
    [
        ("浙江省杭州市", []),
        ("浙江 省\u3000杭州\t市", []),  # white space is not a control character
        ("浙江\x01省\x7f", [2, 4]),
        ("浙江\ufffd省", [2]),  # printable, but a replacement character
        ("a\u200bb", []),  # a format character, not a control character
    ],
)
def test_control_characters(text: str, positions: list[int]) -> None:
    from addrcheck.text import control_characters

    assert control_characters(text) == positions


def test_division_prefix_reads_any_mapping() -> None:
    from types import MappingProxyType

    from addrcheck.models import Component, Origin
    from addrcheck.normalized import division_prefix

    components = {
        "province": Component("北京市", "11", (0, 2), Origin.EXPLICIT),
        "city": Component("北京市", "1101", (0, 2), Origin.EXPLICIT),
        "district": Component("朝阳区", "110105", (2, 5), Origin.EXPLICIT),
        "road": Component("小关北里", None, (5, 9), Origin.EXPLICIT),
    }
    assert division_prefix(components) == "北京市朝阳区"
    assert division_prefix(MappingProxyType(components)) == "北京市朝阳区"


def test_control_characters_by_code_point_is_the_control_pattern() -> None:
    from addrcheck.text import _CONTROL, control_characters

    everything = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF)
    assert control_characters(everything) == [m.start() for m in _CONTROL.finditer(everything)]


def test_no_format_character_is_printable() -> None:
    """build() searches for INVISIBLE only in text that is not printable: no character it matches may be."""
    from addrcheck.normalized import INVISIBLE

    assert not any(chr(code).isprintable() for code in range(0x110000) if INVISIBLE.fullmatch(chr(code)))
