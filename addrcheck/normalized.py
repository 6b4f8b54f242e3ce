"""The normalised address: the divisions spelled in full, then the rest of the input as written.

``normalized`` must never rewrite what the parser did not understand. So it is not reassembled from the
components: it is the canonical division prefix (province, city, county, township by their official
names) followed by the *folded input* (full-width → half-width, traditional → simplified, look-alikes:
``text.fold``) with only these spans taken out, each recorded in the result's ``removed``:

- ``division``: a division the prefix spells in full (its text as written is replaced by the canonical name);
- ``repeat``: a division named again next to the divisions (浙江省浙江省, 宝安区深圳), or an NBS placeholder
  (市辖区) — ``placeholder``;
- ``contact``: the contact name, phone and their labels (收件人:);
- ``country``: 中国 before the divisions; ``clipped``: text before the divisions that is the end of a division
  the prefix spells and the text does not name (北省沧州市: 河北省); both also in ``unresolved``. Any other
  text before the divisions (a shop's or a building's name, a note) stays;
- ``pasted``: the whole address pasted again right after itself (with the separators between the copies);
- ``invisible``: format characters (U+200B, U+202E, U+FEFF…), which can hide or reorder text;
- ``separator``: separators (text.SEPARATORS: white space, punctuation, dashes), except inside a number:
  between an ASCII letter, a digit or 号 before and an ASCII letter or digit after (23-4-502, 12号-301).

Everything else stays, in order: the separators in 23-4-502 and 12号-301, a division's name inside a
hospital's or a company's name after the road (…100号金华市第一人民医院), Chinese numerals as written.
``check_invariant`` tests exactly this on any result (bench/trust.py runs it on 50,000 real addresses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from addrcheck.models import ADMIN_LEVELS, Component, ParseResult, Removal
from addrcheck.text import SEPARATORS, fold, separator_at

REMOVAL_KINDS: Final = (
    "division",
    "repeat",
    "placeholder",
    "contact",
    "country",
    "clipped",
    "pasted",
    "invisible",
    "separator",
)
# Unicode format characters (category Cf) that turn up in pasted text: zero-width spaces and joiners,
# direction marks, embeddings, overrides and isolates, the word joiner family, the byte-order mark.
INVISIBLE: Final = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_ADMIN_LEVELS: Final = ADMIN_LEVELS  # a C static when compiled, not a lookup in the module's globals


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def division_prefix(components: Mapping[str, Component]) -> str:
    """The divisions by their full names, top down (北京市北京市 is written once)."""
    # A dict (as parse() passes) is read with dict operations when compiled, not Mapping method calls.
    table = components if isinstance(components, dict) else dict(components)
    pieces = []
    province = table.get("province")
    for level in _ADMIN_LEVELS:
        component = table.get(level)
        if component is None:
            continue
        if level == "city" and province is not None and component.value == province.value:
            continue
        pieces.append(component.value)
    return "".join(pieces)


def clipped_division(piece: str, components: Mapping[str, Component]) -> bool:
    """Whether ``piece`` is the end of a division the text does not name (inferred), clipped at the front:
    北省 of 河北省, 阳市 of 安阳市."""
    for level in _ADMIN_LEVELS:
        component = components.get(level)
        if component is not None and component.span is None:
            value = component.value
            if len(value) > len(piece) and value.endswith(piece):
                return True
    return False


def build(
    text: str, folded: str, prefix: str, spans: list[tuple[int, int, str]]
) -> tuple[str, tuple[Removal, ...]]:
    """``normalized`` and its removals, from the divisions' prefix and the spans to take out.

    Args:
        text: the input as typed (removals quote it); folded: ``fold(text)``, same length.
        prefix: ``division_prefix(components)``.
        spans: (start, end, why) to take out; where two overlap, the first listed wins.
    """
    length = len(folded)
    why: list[str] = [""] * length
    # Invisible characters first, whatever span holds them (a zero-width space before the address is
    # invisible, not leading text). Format characters are not printable: a printable text (nearly all)
    # needs no search for them.
    if not folded.isprintable() and INVISIBLE.search(folded) is not None:
        for match in INVISIBLE.finditer(folded):
            why[match.start()] = "invisible"
    for start, end, kind in spans:
        for i in range(start, end):
            if not why[i]:
                why[i] = kind
    # Separators go, except inside a number (23-4-502, 12号-301, B-3): where an ASCII letter or digit (or
    # 号, for a mark other than a space) stands before and an ASCII letter or digit after.
    i = 0
    while i < length:
        if why[i] or not separator_at(folded, i):
            i += 1
            continue
        run_end = i
        while run_end < length and not why[run_end] and separator_at(folded, run_end):
            run_end += 1
        inside_number = (
            i > 0
            and run_end < length
            and not why[i - 1]
            and not why[run_end]
            and (_word_char(folded[i - 1]) or (folded[i - 1] == "号" and folded[i] != " "))
            and _word_char(folded[run_end])
        )
        if not inside_number:
            for j in range(i, run_end):
                why[j] = "separator"
        i = run_end
    body: list[str] = []
    removals: list[Removal] = []
    i = 0
    while i < length:
        kind = why[i]
        j = i + 1
        while j < length and why[j] == kind:
            j += 1
        if kind:
            # Divisions and contact details are reported as components already; list the rest.
            removals.append(Removal(text[i:j], (i, j), kind))
        else:
            body.append(folded[i:j])
        i = j
    return prefix + "".join(body), tuple(removals)


def check_invariant(result: ParseResult) -> str:
    """ "" when ``result.normalized`` is its division prefix plus the folded input minus ``removed``, and
    every removal is of a documented kind; else what is wrong. For tests and bench/trust.py."""
    text = result.original
    if not result.normalized and any(n.code.value == "TOO_LONG" for n in result.notes):
        return ""  # not parsed at all
    folded = fold(text)
    prefix = division_prefix(result.components)
    if not result.normalized.startswith(prefix):
        return f"normalized {result.normalized!r} does not start with its divisions {prefix!r}"
    out = [True] * len(folded)
    division_spans = {c.span for name, c in result.components.items() if name in ADMIN_LEVELS and c.span}
    contact_spans = {
        c.span for name, c in result.components.items() if name in ("contact_name", "phone") and c.span
    }
    for removal in result.removed:
        start, end = removal.span
        if removal.why not in REMOVAL_KINDS:
            return f"removal of unknown kind {removal.why!r}"
        if text[start:end] != removal.text:
            return f"removal {removal.text!r} does not match the input at {start}-{end}"
        piece = folded[start:end]
        if removal.why == "separator" and not all(c in SEPARATORS for c in piece):
            return f"separator removal {removal.text!r} holds other characters"
        if removal.why == "invisible" and not all(INVISIBLE.fullmatch(c) for c in piece):
            return f"invisible removal {removal.text!r} holds visible characters"
        if removal.why == "division" and not all(
            any(s <= i < e for s, e in division_spans) for i in range(start, end)
        ):
            return f"division removal {removal.text!r} is not a division component"
        marks = "".join(SEPARATORS)
        if removal.why == "pasted" and not folded.lstrip(marks).startswith(piece.lstrip(marks)):
            return f"pasted removal {removal.text!r} does not repeat the start of the address"
        if removal.why in ("country", "clipped") and not all(
            any(u.span[0] <= i < u.span[1] for u in result.unresolved) for i in range(start, end)
        ):
            return f"{removal.why} removal {removal.text!r} is not reported as unresolved"
        if removal.why == "country" and piece != "中国":
            return f"country removal {removal.text!r} is not 中国"
        if removal.why == "clipped" and not clipped_division(piece, result.components):
            return f"clipped removal {removal.text!r} is not the end of an inferred division"
        for i in range(start, end):
            out[i] = False
    for span in division_spans | contact_spans:
        for i in range(span[0], span[1]):
            if out[i] and folded[i] not in SEPARATORS:
                return f"component text {text[span[0] : span[1]]!r} at {span} is kept and removed at once"
    body = "".join(c for c, keep in zip(folded, out, strict=True) if keep)
    if result.normalized[len(prefix) :] != body:
        return f"normalized body {result.normalized[len(prefix) :]!r} != folded input less removals {body!r}"
    return ""


__all__ = ["INVISIBLE", "REMOVAL_KINDS", "build", "check_invariant", "clipped_division", "division_prefix"]
