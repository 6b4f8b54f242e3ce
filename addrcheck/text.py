"""Text clean-up that keeps every character in place, so spans in the cleaned text are spans in the input.

Folding is one character to one character: full-width to half-width (１２３ -> 123, Ａ -> A),
compatibility and look-alike radicals to ideographs (⻄ -> 西), traditional to simplified (區 -> 区),
and ASCII letters to upper case. Separators are not removed; the parser treats them as free gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from addrcheck.gazetteer import Gazetteer, get_gazetteer

# Characters that separate parts of an address without meaning anything.
SEPARATORS: Final = frozenset(" \t\r\n,，、;；:：-－—–_/\\|·.。()（）[]【】「」<>《》\"'“”‘’#＃~～!！?？*")

_CHINESE_DIGITS: Final = {
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
_CHINESE_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL: Final = "零〇一二三四五六七八九十百千两"
_NUMERAL_RUN: Final = re.compile(f"[{CHINESE_NUMERAL}]+")
_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def char_table(chars: Iterable[str]) -> bytes:
    """One byte per Basic Multilingual Plane code point, 1 where ``chars`` holds its character: a test of
    ``ord(text[i])`` against it makes no one-character string and looks up no set."""
    table = bytearray(0x10000)
    for ch in chars:
        table[ord(ch)] = 1
    return bytes(table)


_SEPARATOR_TABLE: Final = char_table(SEPARATORS)
_NUMERAL_TABLE: Final = char_table(CHINESE_NUMERAL)


def separator_at(text: str, i: int) -> bool:
    """``text[i] in SEPARATORS``, without making the one-character string."""
    code = ord(text[i])
    return code < 0x10000 and _SEPARATOR_TABLE[code] == 1


# The last gazetteer's table of the characters folding changes (tests swap gazetteers, so keyed by it).
_FOLDABLE: Final[list[tuple[Gazetteer, bytes]]] = []


def _foldable(gazetteer: Gazetteer) -> bytes:
    if _FOLDABLE and _FOLDABLE[-1][0] is gazetteer:
        return _FOLDABLE[-1][1]
    table = char_table(
        chr(code) for code, folded in gazetteer.char_table.items() if code < 0x10000 and ord(folded) != code
    )
    _FOLDABLE[:] = [(gazetteer, table)]
    return table


def fold(text: str) -> str:
    """Return ``text`` with characters folded; ``len(fold(text)) == len(text)`` always."""
    gazetteer = get_gazetteer()
    # About 98% of addresses hold no character that folding changes (nor an astral one): one pass over the
    # code points says so for less than str.translate, which looks up every character.
    table = _foldable(gazetteer)
    for i in range(len(text)):
        code = ord(text[i])
        if code >= 0x10000 or table[code]:
            break
    else:
        return text  # what translate would return
    if _ASTRAL.search(text) is None:
        return text.translate(gazetteer.bmp_table)  # the same mapping, faster (see Gazetteer.bmp_table)
    return text.translate(gazetteer.char_table)


def control_characters(text: str) -> list[int]:
    """Positions of control characters and U+FFFD replacement characters (signs of binary or mis-decoded input)."""
    for i in range(len(text)):
        # _CONTROL by code point: nearly every text has none, and this pass costs less than its search.
        code = ord(text[i])
        if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code == 0x7F or code == 0xFFFD:
            break
    else:
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
    for i in range(len(token)):
        code = ord(token[i])
        if code < 0x10000 and _NUMERAL_TABLE[code]:
            break
    else:
        return token  # no numeral (nearly always): no regex call
    return _NUMERAL_RUN.sub(_numeral_as_digits, token)


def _numeral_as_digits(match: re.Match[str]) -> str:
    # A module function, not a lambda: a lambda makes normalize_number build a closure on every call.
    return str(chinese_to_int(match.group()) or match.group())
