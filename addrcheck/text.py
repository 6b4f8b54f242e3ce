"""Text clean-up that keeps every character in place, so spans in the cleaned text are spans in the input.

Folding is one character to one character: full-width to half-width (１２３ -> 123, Ａ -> A),
compatibility and look-alike radicals to ideographs (⻄ -> 西), traditional to simplified (區 -> 区),
and ASCII letters to upper case. Separators are not removed; the parser treats them as free gaps.
"""

from __future__ import annotations

import re

from addrcheck.gazetteer import get_gazetteer

# Characters that separate parts of an address without meaning anything.
SEPARATORS = frozenset(" \t\r\n,，、;；:：-－—–_/\\|·.。()（）[]【】「」<>《》\"'“”‘’#＃~～!！?？*")

_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "零〇一二三四五六七八九十百千两"
_NUMERAL_RUN = re.compile(f"[{CHINESE_NUMERAL}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def fold(text: str) -> str:
    """Return ``text`` with characters folded; ``len(fold(text)) == len(text)`` always."""
    gazetteer = get_gazetteer()
    if _ASTRAL.search(text) is None:
        return text.translate(gazetteer.bmp_table)  # the same mapping, faster (see Gazetteer.bmp_table)
    return text.translate(gazetteer.char_table)


def control_characters(text: str) -> list[int]:
    """Positions of control characters and U+FFFD replacement characters (signs of binary or mis-decoded input)."""
    if _CONTROL.search(text) is None:  # nearly always: no iterator to build
        return []
    return [match.start() for match in _CONTROL.finditer(text)]


def chinese_to_int(numeral: str) -> int | None:
    """Convert a Chinese numeral (九十, 一百零五, 二〇八) to an int; None if it is not one."""
    if not numeral or any(ch not in _CHINESE_DIGITS and ch not in _CHINESE_UNITS for ch in numeral):
        return None
    if not any(ch in _CHINESE_UNITS for ch in numeral):
        # Digit by digit, as in door numbers written 二〇八.
        return int("".join(str(_CHINESE_DIGITS[ch]) for ch in numeral))
    total, current = 0, 0
    for ch in numeral:
        if ch in _CHINESE_DIGITS:
            current = _CHINESE_DIGITS[ch]
        else:
            unit = _CHINESE_UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def normalize_number(token: str) -> str:
    """Rewrite the Chinese numerals inside a token as digits: 九十号 -> 90号, 三单元 -> 3单元."""
    if _NUMERAL_RUN.search(token) is None:
        return token
    return _NUMERAL_RUN.sub(lambda m: str(chinese_to_int(m.group()) or m.group()), token)
