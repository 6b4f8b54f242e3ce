"""``parse()``: split an address into its components, each with its span in the original input."""

from __future__ import annotations

from addrcheck import messages
from addrcheck.admin import ADDRESS_BREAKS, MAX_MENTIONS, AdminMatch, Node, match_admin
from addrcheck.community import place_community, settle_by_village
from addrcheck.contact import find_contact
from addrcheck.gazetteer import (
    KIND_FULL,
    KIND_HISTORICAL,
    KIND_TRANSFER,
    LEVELS,
    Gazetteer,
    get_gazetteer,
)
from addrcheck.models import (
    ADMIN_LEVELS,
    COMPONENT_NAMES,
    Candidate,
    Component,
    Origin,
    ParseResult,
    Reason,
    ReasonCode,
    Severity,
    Unresolved,
)
from addrcheck.normalized import INVISIBLE, clipped_division, division_prefix
from addrcheck.normalized import build as build_normalized
from addrcheck.street import parse_street
from addrcheck.text import SEPARATORS, fold, separator_at

_CONTACT = ("contact_name", "phone")
_DOOR_NUMBERS = ("road_number", "building", "room")  # what ends a whole street address
_LOCATORS = ("road", "community", "devzone", "poi", "building")
_MIN_PASTED = 8  # shorter texts said twice are not whole addresses (a township or a road named again)
_MAX_PASTE_GAP = 3  # separators between the copies
# parse() reads at most this many characters (validate() stops at the policy's max_length, 200 by default).
MAX_PARSE_LENGTH = 1000
_ORIGIN_OF_KIND = {
    KIND_FULL: Origin.EXPLICIT,
    KIND_HISTORICAL: Origin.HISTORICAL,
    KIND_TRANSFER: Origin.HISTORICAL,
}


def parse(text: str, /) -> ParseResult:
    """Parse a Chinese address into components. Lenient: never raises for any ``str``.

    Args:
        text: the address as typed or pasted; may include a contact name and phone.

    Returns:
        A ParseResult whose components carry canonical values, division codes, spans into ``text``
        and how each was found. Divisions above the finest one named are inferred when unique.
        ``candidates`` lists every reading of an ambiguous region; ``unresolved`` the text not placed.

        Text over MAX_PARSE_LENGTH (1,000) characters is not parsed: a TOO_LONG note, all of it unresolved.

    Raises:
        TypeError: if ``text`` is not a ``str`` (bytes must be decoded by the caller).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    if len(text) > MAX_PARSE_LENGTH:
        # Nothing this long is an address; parsing it would only cost time (a hostile paste).
        return ParseResult(
            original=text,
            normalized="",
            components={},
            unresolved=(Unresolved(text, (0, len(text))),),
            notes=(
                messages.reason(
                    ReasonCode.TOO_LONG,
                    (MAX_PARSE_LENGTH, len(text)),
                    length=len(text),
                    limit=MAX_PARSE_LENGTH,
                ),
            ),
        )
    gazetteer = get_gazetteer()
    folded = fold(text)
    length = len(folded)
    components: dict[str, Component] = {}
    notes: list[Reason] = []
    blocked = [False] * length

    contact = find_contact(folded)
    if contact.phone:
        value, start, end = contact.phone
        components["phone"] = Component(value, None, (start, end), Origin.EXPLICIT)
        blocked[start:end] = [True] * (end - start)
    for start, end in contact.labels:
        blocked[start:end] = [True] * (end - start)
    pasted = _pasted_again(folded)
    for start, end in pasted:
        blocked[start:end] = [True] * (end - start)
    person = contact.name if contact.name and gazetteer.readings(contact.name[0]) is None else None
    unblocked = blocked[:] if person is not None and contact.phone is None else None
    if person is not None:
        blocked[person[1] : person[2]] = [True] * (person[2] - person[1])

    # None when nothing is blocked: most addresses carry no contact, and the admin pass then skips the checks.
    admin = match_admin(folded, gazetteer, blocked=blocked if True in blocked else None)
    if person is not None and unblocked is not None and not _divisions_follow(folded, person[2], admin.chain):
        # 杨峰路（辉林酒家南侧）: a surname-led word before a separator, with no phone and no address after it,
        # is the address's own first word, not a name.
        person, blocked = None, unblocked
        admin = match_admin(folded, gazetteer, blocked=blocked if True in blocked else None)
    if person is not None:
        components["contact_name"] = Component(
            text[person[1] : person[2]], None, (person[1], person[2]), Origin.EXPLICIT
        )
    if admin.alternatives:
        settle_by_village(admin, folded, gazetteer)  # 朝阳区…社区: the reading whose county has it
    candidates = _place_admin(admin, gazetteer, text, components, notes)
    if admin.unconfirmed:
        candidates = _unconfirmed(admin, gazetteer, text, notes)

    claimed = list(blocked)
    for node in (*admin.chain, *admin.conflicts):
        if (node.start, node.end) not in admin.in_names:
            claimed[node.start : node.end] = [True] * (node.end - node.start)
    if admin.retired_town is not None and "town" not in components:
        start, end = admin.retired_town
        _place_retired_town(admin, gazetteer, text, components, notes)
        claimed[start:end] = [True] * (end - start)
    for start, end in (*admin.repeats, *admin.placeholders):
        claimed[start:end] = [True] * (end - start)
    if admin.too_many:
        notes.append(
            messages.reason(
                ReasonCode.TOO_MANY_NAMES, severity=Severity.WARNING, count=admin.too_many, limit=MAX_MENTIONS
            )
        )
    if admin.second_address is not None:
        start, end = admin.second_address
        notes.append(
            messages.reason(
                ReasonCode.INCONSISTENT_HIERARCHY,
                (start, end),
                variant="second",
                name=text[start:end],
                context=_describe(components),
            )
        )
    if admin.unlisted_zone is not None and "district" not in components:
        # 成都市高新区: a zone NBS does not list, which people use as the district; as written, without a code.
        start, end = admin.unlisted_zone
        components["district"] = Component(text[start:end], None, (start, end), Origin.EXPLICIT)
        claimed[start:end] = [True] * (end - start)
        notes.append(
            messages.reason(
                ReasonCode.UNKNOWN_REGION,
                (start, end),
                severity=Severity.WARNING,
                variant="zone",
                name=text[start:end],
                city=components["city"].value if "city" in components else "",
            )
        )
    for start, end in admin.unknown_towns:
        notes.append(
            messages.reason(
                ReasonCode.UNKNOWN_REGION, (start, end), severity=Severity.WARNING, name=text[start:end]
            )
        )
    for start, end, meant in admin.misnamed:
        candidates.append(_candidate(gazetteer, meant))
        notes.append(
            messages.reason(
                ReasonCode.UNCONFIRMED_REGION,
                (start, end),
                variant="misnamed",
                name=text[start:end],
                options=candidates[-1].normalized,
            )
        )

    unresolved: list[Unresolved] = []
    leading: list[tuple[int, int, str]] = []
    street_before = street_after = False  # a road with its door number before the divisions; a locator after
    for seg_start, seg_end in _segments(claimed):
        parts, leftovers, _ = parse_street(folded, seg_start, seg_end, town_known="town" in components)
        if admin.chain and seg_end <= admin.start and not any(p.name == "road" for p in parts):
            # Text before the divisions is a note or a shop name, unless it holds a road (杨府山路12号温州市...).
            # It stays in `normalized` (大润发广东省东莞市虎门镇… keeps 大润发), except the country's name and a
            # division clipped at the front (北省沧州市: 河北省, which the prefix spells).
            item = _add_unresolved(unresolved, text, folded, seg_start, seg_end)
            if item is not None:
                kind = _leading_kind(folded[item.span[0] : item.span[1]], components)
                if kind:
                    leading.append((item.span[0], item.span[1], kind))
            continue
        if admin.chain and seg_end <= admin.start:
            last = parts[-1]
            street_before = street_before or (
                last.name in _DOOR_NUMBERS
                and any(folded[i] in ADDRESS_BREAKS for i in range(last.end, admin.start))
            )
        elif admin.chain and seg_start >= admin.end:
            street_after = street_after or any(p.name in _LOCATORS for p in parts)
        for part in parts:
            if part.name in components:
                leftovers.append((part.start, part.end))
                continue
            components[part.name] = Component(part.value, None, (part.start, part.end), Origin.EXPLICIT)
        for start, end in leftovers:
            _add_unresolved(unresolved, text, folded, start, end)
    if street_before and street_after and admin.second_address is None:
        # 文三路478号/深圳市福田区海外装饰大厦9楼: a whole street address, a separator, then divisions with a
        # street of their own: two addresses, not one road placed under the other's divisions.
        notes.append(
            messages.reason(
                ReasonCode.INCONSISTENT_HIERARCHY,
                (admin.start, admin.end),
                variant="second",
                name=text[admin.start : admin.end],
                context=_describe(components),
            )
        )
    town = components.get("town")
    # A township the street scanner found (the chain's own townships lose their code only to ambiguity).
    if (
        town is not None
        and town.code is None
        and town.span != admin.retired_town
        and not any((node.start, node.end) == town.span for node in admin.chain)
        and not any((start, end) == town.span for start, end, _ in admin.misnamed)  # asked to confirm
    ):
        readings = gazetteer.readings(town.value)
        elsewhere = readings.towns if readings else ()
        # A township name alone (城西街道: dozens of them) contradicts nothing: the policy asks for the
        # levels above it.
        province = admin.chain[0].code[:2] if admin.chain else ""
        deepest = admin.chain[-1].code if admin.chain else ""
        # One under the divisions named, or the chain's own township again (某镇政府某镇委), is no contradiction.
        inside = [e for e in elsewhere if e.code == deepest or deepest in gazetteer.ancestors[e.code]]
        if inside:
            if len(inside) == 1 and inside[0].code != deepest:
                components["town"] = Component(town.value, inside[0].code, town.span, Origin.EXPLICIT)
        elif elsewhere and admin.chain and any(e.code[:2] == province for e in elsewhere):
            # A real township of the province, but not under the divisions named before it; one the province
            # does not have at all is unknown (retired or renamed), not a contradiction.
            notes.append(
                messages.reason(
                    ReasonCode.INCONSISTENT_HIERARCHY,
                    town.span,
                    name=town.value,
                    level_zh=messages.LEVEL_ZH["town"],
                    level_en=messages.LEVEL_EN["town"],
                    context=_describe(components),
                )
            )
        else:
            notes.append(
                messages.reason(
                    ReasonCode.UNKNOWN_REGION, town.span, name=town.value, severity=Severity.WARNING
                )
            )
    place_community(components, gazetteer, text, notes)
    if len(unresolved) > 1:
        unresolved.sort(key=lambda u: u.span)
    ordered = {name: components[name] for name in COMPONENT_NAMES if name in components}
    removals: list[tuple[int, int, str]] = []
    for name in _CONTACT:
        contact_part = ordered.get(name)
        if contact_part is not None and contact_part.span is not None:
            removals.append((contact_part.span[0], contact_part.span[1], "contact"))
    removals.extend((start, end, "contact") for start, end in contact.labels)
    for level in ADMIN_LEVELS:
        division = ordered.get(level)
        if division is not None and division.span is not None:
            removals.append((division.span[0], division.span[1], "division"))
    removals.extend((start, end, "repeat") for start, end in admin.repeats)
    removals.extend((start, end, "placeholder") for start, end in admin.placeholders)
    removals.extend(leading)
    removals.extend((start, end, "pasted") for start, end in pasted)
    normalized, removed = build_normalized(text, folded, division_prefix(ordered), removals)
    hidden = [r for r in removed if r.why == "invisible"]
    if hidden:
        notes.append(
            messages.reason(
                ReasonCode.INVISIBLE_CHARACTER,
                hidden[0].span,
                severity=Severity.WARNING,
                count=sum(len(r.text) for r in hidden),
                position=hidden[0].span[0],
            )
        )
    return ParseResult(
        original=text,
        normalized=normalized,
        components=ordered,
        candidates=tuple(candidates),
        unresolved=tuple(unresolved),
        notes=tuple(notes),
        removed=removed,
    )


def _leading_kind(piece: str, components: dict[str, Component]) -> str:
    """How text before the divisions leaves `normalized`: "country" (中国), "clipped" (the end of a division
    the prefix spells but the text does not name: 北省 before 沧州市), or "" (it stays)."""
    if piece == "中国":
        return "country"
    if len(piece) >= 2 and clipped_division(piece, components):
        return "clipped"
    return ""


def _divisions_follow(folded: str, at: int, chain: list[Node]) -> bool:
    """Whether the first division of ``chain`` starts at ``at``, past separators only."""
    if not chain:
        return False
    start = min(node.start for node in chain)
    return start >= at and all(separator_at(folded, i) for i in range(at, start))


def _pasted_again(folded: str) -> list[tuple[int, int]]:
    """The copies of a whole address pasted again right after it (…100号浙江省…100号, also with separators
    between or four times over), as spans to leave out; [] for nearly every address."""
    copies: list[tuple[int, int]] = []
    end = len(folded)
    while end >= 2 * _MIN_PASTED:
        for gap in range(_MAX_PASTE_GAP + 1):
            half = (end - gap) // 2
            if (
                2 * half + gap == end
                and folded[half - 1] == folded[end - 1]
                and folded.startswith(folded[end - half : end])
                and all(folded[i] in SEPARATORS for i in range(half, half + gap))
            ):
                copies.append((half, end))
                end = half
                break
        else:
            break
    return copies


def _add_unresolved(
    unresolved: list[Unresolved], text: str, folded: str, start: int, end: int
) -> Unresolved | None:
    """Record text nobody placed, trimmed of separators and invisible characters (INVISIBLE_CHARACTER
    reports those); either alone is not worth reporting."""
    while start < end and (folded[start] in SEPARATORS or INVISIBLE.match(folded, start)):
        start += 1
    while end > start and (folded[end - 1] in SEPARATORS or INVISIBLE.match(folded, end - 1)):
        end -= 1
    if start >= end:
        return None
    item = Unresolved(text[start:end], (start, end))
    unresolved.append(item)
    return item


def _segments(claimed: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs of characters nobody has claimed yet."""
    segments = []
    start = None
    for i, is_claimed in enumerate(claimed):
        if not is_claimed and start is None:
            start = i
        elif is_claimed and start is not None:
            segments.append((start, i))
            start = None
    if start is not None:
        segments.append((start, len(claimed)))
    return segments


def _place_admin(
    admin: AdminMatch,
    gazetteer: Gazetteer,
    text: str,
    components: dict[str, Component],
    notes: list[Reason],
) -> list[Candidate]:
    """Turn the chain into province/city/district/town components (inferring parents) and notes."""
    if not admin.chain:
        return []
    by_code = {node.code: node for node in admin.chain}
    deepest = admin.chain[-1].code
    for code in gazetteer.chain(deepest):
        name = gazetteer.name_of[code]
        level = LEVELS[gazetteer.level_of[code]]
        node = by_code.get(code)
        if node is None:
            span = None
            origin = Origin.INFERRED
            if level == "city" and "province" in components and name == components["province"].value:
                # A municipality's city level is the municipality: 北京市 names both.
                span, origin = components["province"].span, components["province"].origin
            components[level] = Component(name, code, span, origin)
            continue
        if (node.start, node.end) in admin.in_names:
            # Read from a zone's name (衢江经济开发区): the division is implied, the text stays the zone's.
            components[level] = Component(name, code, None, Origin.INFERRED)
            continue
        # Written with another suffix (余杭镇, 新街镇 for 新街街道): not the canonical name, so an alias.
        origin = Origin.ALIAS if node.suffixed else _ORIGIN_OF_KIND.get(node.entry.kind, Origin.ALIAS)
        if origin is Origin.ALIAS and text[node.start : node.end] == name:
            origin = Origin.EXPLICIT  # an official name indexed as a word (松山湖, a township-level unit)
        components[level] = Component(name, code, (node.start, node.end), origin)
        # A retired name that several of today's units share is reported once, as AMBIGUOUS_REGION.
        position = admin.chain.index(node)
        contested = any(position < len(a) and a[position].code != node.code for a in admin.alternatives)
        if node.entry.kind in (KIND_HISTORICAL, KIND_TRANSFER) and not contested:
            notes.append(
                messages.reason(
                    ReasonCode.OUTDATED_NAME,
                    (node.start, node.end),
                    severity=Severity.WARNING,
                    name=text[node.start : node.end],
                    current=name,
                    year=node.entry.retired_year or "?",
                )
            )
    if gazetteer.level_of[deepest] == 0 and "city" not in components:
        # 北京市 alone: a municipality is its own city level (NBS 1101 北京市 under 11 北京市).
        cities = gazetteer.children.get(deepest, ())
        if len(cities) == 1 and gazetteer.name_of[cities[0]] == gazetteer.name_of[deepest]:
            province = components["province"]
            components["city"] = Component(province.value, cities[0], province.span, province.origin)
    for node in admin.chain:
        # 苍南县龙港镇: the county named first is the retired reading; the town confirms it.
        if node.entry.kind == KIND_TRANSFER and by_code[node.code] is not node:
            notes.append(
                messages.reason(
                    ReasonCode.OUTDATED_NAME,
                    (node.start, node.end),
                    severity=Severity.WARNING,
                    name=text[node.start : node.end],
                    current=gazetteer.name_of[node.code],
                    year=node.entry.retired_year or "?",
                )
            )
    candidates: list[Candidate] = []
    if admin.alternatives:
        seen: set[str] = set()
        for chain in (admin.chain, *admin.alternatives):
            code = chain[-1].code
            if code in seen:
                continue
            seen.add(code)
            candidates.append(_candidate(gazetteer, code))
        if len(candidates) > 1:
            # The first mention the readings disagree on (they cover the same text, node for node).
            disputed = next(
                (
                    node
                    for i, node in enumerate(admin.chain)
                    if any(a[i].code != node.code for a in admin.alternatives)
                ),
                admin.chain[-1],
            )
            span = (disputed.start, disputed.end)
            retired = disputed.entry.kind in (KIND_HISTORICAL, KIND_TRANSFER)
            notes.append(
                messages.reason(
                    ReasonCode.AMBIGUOUS_REGION,
                    span,
                    variant="split" if retired else "",
                    name=text[span[0] : span[1]],
                    options="、".join(c.normalized for c in candidates),
                    year=disputed.entry.retired_year or "?",
                )
            )
            # Only what every reading agrees on stays: a shared name loses its code; a retired name split
            # between successors (江干区: 上城区 or 钱塘区) stays as written, without a code; others go.
            for level in ADMIN_LEVELS:
                codes = {_code_at(gazetteer, c.code, level) for c in candidates}
                if len(codes) > 1 and level in components:
                    names = {gazetteer.name_of[code] if code else None for code in codes}
                    component = components[level]
                    if component.span is not None and (
                        len(names) == 1 or component.origin is Origin.HISTORICAL
                    ):
                        value = (
                            component.value
                            if len(names) == 1
                            else text[component.span[0] : component.span[1]]
                        )
                        components[level] = Component(value, None, component.span, component.origin)
                    else:
                        del components[level]
        else:
            candidates = []
    for node in admin.conflicts:
        placed = _describe(components)
        notes.append(
            messages.reason(
                ReasonCode.INCONSISTENT_HIERARCHY,
                (node.start, node.end),
                name=text[node.start : node.end],
                level_zh=messages.LEVEL_ZH[LEVELS[gazetteer.level_of[node.code]]],
                level_en=messages.LEVEL_EN[LEVELS[gazetteer.level_of[node.code]]],
                context=placed,
            )
        )
    return candidates


def _place_retired_town(
    admin: AdminMatch,
    gazetteer: Gazetteer,
    text: str,
    components: dict[str, Component],
    notes: list[Reason],
) -> None:
    """A township the county no longer has (admin.retired_town): its successor where it continues (renamed,
    or moved within the city), else the name as written, without a code, under the county. Levels the
    text leaves out above it are inferred from the county."""
    assert admin.retired_town is not None
    start, end = admin.retired_town
    written = text[start:end]
    record = admin.retired
    district = components.get("district")
    county = record.county if record is not None else (district.code or "" if district is not None else "")
    if record is None and not county:
        # 城关镇 after a county the text leaves ambiguous (五华: 梅州's or 昆明's): its seat, of no county yet
        components["town"] = Component(written, None, (start, end), Origin.EXPLICIT)
        return
    if record is not None and record.successor:
        _infer_levels(gazetteer, gazetteer.parent_of[record.successor] or county, components)
        successor = gazetteer.name_of[record.successor]
        components["town"] = Component(successor, record.successor, (start, end), Origin.HISTORICAL)
        moved_to = gazetteer.parent_of[record.successor]
        current = successor
        if moved_to is not None and moved_to != record.county:
            current = gazetteer.name_of[moved_to] + successor  # moved: say where (茂南区羊角镇)
    else:
        _infer_levels(gazetteer, county, components)
        current = gazetteer.name_of[county] if county else ""
        origin = Origin.HISTORICAL if record is not None and record.year else Origin.EXPLICIT
        components["town"] = Component(written, None, (start, end), origin)
    if record is not None and record.year:
        notes.append(
            messages.reason(
                ReasonCode.OUTDATED_NAME,
                (start, end),
                severity=Severity.WARNING,
                variant="town",
                name=written,
                current=current,
                year=record.year,
            )
        )
        return
    # Only the map still lists it (retired before 2016, moved or renamed), or 城关镇 after a county with
    # none (what its seat town is called): kept as written, to check.
    notes.append(
        messages.reason(
            ReasonCode.UNKNOWN_REGION,
            (start, end),
            severity=Severity.WARNING,
            variant="unlisted" if record is not None else "seat",
            name=written,
            county=district.value if district is not None else current,
        )
    )


def _infer_levels(gazetteer: Gazetteer, code: str, components: dict[str, Component]) -> None:
    """Fill the levels down to ``code`` that the text does not name, as inferred; a level named as another
    unit (a township moved to the next county) becomes that unit, keeping where the text names it. An
    empty ``code`` (a county read without one: 江干区, split between successors) fills nothing."""
    if not code:
        return
    for ancestor in gazetteer.chain(code):
        level = LEVELS[gazetteer.level_of[ancestor]]
        present = components.get(level)
        if present is None:
            components[level] = Component(gazetteer.name_of[ancestor], ancestor, None, Origin.INFERRED)
        elif present.code != ancestor:
            components[level] = Component(
                gazetteer.name_of[ancestor], ancestor, present.span, Origin.HISTORICAL
            )


def _unconfirmed(admin: AdminMatch, gazetteer: Gazetteer, text: str, notes: list[Reason]) -> list[Candidate]:
    """A reading on a bare short name alone (东方明珠花园): each reading is a candidate to confirm, none is
    taken, and the text stays as written for the street parts."""
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for chain in admin.unconfirmed:
        code = chain[-1].code
        if code not in seen:
            seen.add(code)
            candidates.append(_candidate(gazetteer, code))
    first = admin.unconfirmed[0]
    span = (first[0].start, max(node.end for node in first))
    notes.append(
        messages.reason(
            ReasonCode.UNCONFIRMED_REGION,
            span,
            name=text[span[0] : span[1]],
            options="、".join(c.normalized for c in candidates),
        )
    )
    return candidates


def _code_at(gazetteer: Gazetteer, code: str, level: str) -> str | None:
    return next((c for c in gazetteer.chain(code) if LEVELS[gazetteer.level_of[c]] == level), None)


def _describe(components: dict[str, Component]) -> str:
    return "".join(
        components[level].value
        for level in ADMIN_LEVELS
        if level in components
        if not (
            level == "city"
            and components.get("province")
            and components["province"].value == components[level].value
        )
    )


def _candidate(gazetteer: Gazetteer, code: str) -> Candidate:
    names: dict[str, str | None] = dict.fromkeys(LEVELS)
    for ancestor in gazetteer.chain(code):
        names[LEVELS[gazetteer.level_of[ancestor]]] = gazetteer.name_of[ancestor]
    components = {
        level: Component(name, None, None, Origin.INFERRED) for level, name in names.items() if name
    }
    return Candidate(
        normalized=division_prefix(components),
        province=names["province"],
        city=names["city"],
        district=names["district"],
        town=names["town"],
        code=code,
    )
