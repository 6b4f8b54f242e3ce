"""``validate()`` and ``normalize()``: a verdict on whether an address is good enough to be a return address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from addrcheck import messages
from addrcheck.errors import AddressError
from addrcheck.gazetteer import get_gazetteer
from addrcheck.models import (
    Component,
    Granularity,
    ParseResult,
    Reason,
    ReasonCode,
    Severity,
    Status,
    ValidationResult,
)
from addrcheck.parse import parse
from addrcheck.policy import Policy, get_policy
from addrcheck.street import past_landmark
from addrcheck.text import control_characters, fold

# An industrial zone locates a place as a POI does (长山工业区11号; with no number: MISSING_HOUSE_NUMBER).
_LOCATORS: Final = ("road", "poi", "community", "devzone")
_STATUS_OF: Final = {
    ReasonCode.EMPTY: Status.INVALID,
    ReasonCode.TOO_LONG: Status.INVALID,
    ReasonCode.BINARY_INPUT: Status.INVALID,
    ReasonCode.NOT_AN_ADDRESS: Status.INVALID,
    ReasonCode.INCONSISTENT_HIERARCHY: Status.INCONSISTENT,
    ReasonCode.AMBIGUOUS_REGION: Status.AMBIGUOUS,
}
_STATUS_ORDER: Final = (Status.INVALID, Status.INCONSISTENT, Status.AMBIGUOUS, Status.VAGUE)


def validate(text: str, /, *, policy: Policy | str | None = None) -> ValidationResult:
    """Parse ``text`` and judge it against ``policy`` (a preset name, a Policy, or None for "default").

    Returns:
        A ValidationResult: ``status`` (ok, vague, ambiguous, inconsistent, invalid), ``reasons`` with
        stable codes and spans, ``granularity``, ``normalized`` and the parsed components.
        Warnings (OUTDATED_NAME, UNRESOLVED_TEXT, UNKNOWN_REGION for a township) do not change the status.

    Raises:
        TypeError: ``text`` is not a str. ConfigError: unknown policy name.
    """
    if not isinstance(text, str):
        raise TypeError(f"validate() takes a str, not {type(text).__name__}")
    rules = get_policy(policy)
    early = _input_problem(text, rules)
    if early is not None:
        return ValidationResult(
            original=text,
            normalized="",
            status=Status.INVALID,
            granularity=Granularity.NONE,
            components={},
            reasons=(early,),
            candidates=(),
            unresolved=(),
            policy=rules.name,
        )
    parsed = parse(text)
    reasons = list(parsed.notes)
    reasons.extend(_policy_reasons(parsed, rules))
    for item in parsed.unresolved:
        reasons.append(
            messages.reason(ReasonCode.UNRESOLVED_TEXT, item.span, severity=Severity.WARNING, text=item.text)
        )
    if not rules.allow_outdated_names:
        reasons = [
            Reason(r.code, r.message, r.message_en, r.span, Severity.ERROR)
            if r.code is ReasonCode.OUTDATED_NAME
            else r
            for r in reasons
        ]
    return ValidationResult(
        original=text,
        normalized=parsed.normalized,
        status=_status(reasons),
        granularity=granularity(parsed.components),
        components=parsed.components,
        reasons=tuple(reasons),
        candidates=parsed.candidates,
        unresolved=parsed.unresolved,
        policy=rules.name,
        removed=parsed.removed,
    )


def normalize(text: str, /, *, policy: Policy | str | None = None) -> str:
    """Return the canonical one-line form of ``text``.

    Raises:
        AddressError: the address is invalid, ambiguous or inconsistent, so it has no single
        normalised form; ``reasons`` says why. Vague addresses still normalise.
    """
    result = validate(text, policy=policy)
    if result.status in (Status.INVALID, Status.AMBIGUOUS, Status.INCONSISTENT):
        errors = [r for r in result.reasons if r.severity is Severity.ERROR]
        raise AddressError(errors[0].message_en if errors else result.status.value, reasons=errors)
    return result.normalized


def _input_problem(text: str, rules: Policy) -> Reason | None:
    if not text.strip():
        return messages.reason(ReasonCode.EMPTY)
    if len(text) > rules.max_length:
        return messages.reason(
            ReasonCode.TOO_LONG, (rules.max_length, len(text)), length=len(text), limit=rules.max_length
        )
    bad = control_characters(text)
    if bad:
        return messages.reason(ReasonCode.BINARY_INPUT, (bad[0], bad[0] + 1), position=bad[0])
    return None


def _policy_reasons(parsed: ParseResult, rules: Policy) -> list[Reason]:
    components = parsed.components
    # Without any division and with nothing shaped like an address part, a bare "POI" is just text.
    if all(name in ("contact_name", "phone", "poi") for name in components) and not parsed.candidates:
        return [messages.reason(ReasonCode.NOT_AN_ADDRESS)]
    reasons: list[Reason] = []
    # With rival readings or contradicting names, "missing" admin levels would be noise: the conflict is the fix.
    unsettled = bool(parsed.candidates) or any(
        r.code is ReasonCode.INCONSISTENT_HIERARCHY for r in parsed.notes
    )
    gazetteer = get_gazetteer()
    city_code = components["city"].code if "city" in components else None
    district = components.get("district")
    if not unsettled:
        if rules.require_province and "province" not in components:
            reasons.append(messages.reason(ReasonCode.MISSING_PROVINCE))
        # Counties run by a province directly (仙桃, 石河子) have no city level to miss.
        no_city_level = district is not None and district.code is not None and "city" not in components
        if rules.require_city and "city" not in components and not no_city_level:
            reasons.append(messages.reason(ReasonCode.MISSING_CITY))
        # Cities with no county level (东莞, 中山, 儋州, 嘉峪关): their townships stand where counties would, so
        # the township is what is missing (the marketplaces' pickers list them at the county level).
        countyless = city_code is not None and city_code in gazetteer.countyless_cities
        if rules.require_district and district is None and not countyless:
            reasons.append(messages.reason(ReasonCode.MISSING_DISTRICT))
        if "town" not in components and (rules.require_town or (rules.require_district and countyless)):
            reasons.append(messages.reason(ReasonCode.MISSING_TOWN))
    if rules.require_locator and not any(name in components for name in _LOCATORS):
        reasons.append(messages.reason(ReasonCode.MISSING_STREET))
    elif rules.require_house_number and not _numbered(parsed):
        anchor = next((components[n] for n in _LOCATORS if n in components), None)
        reasons.append(messages.reason(ReasonCode.MISSING_HOUSE_NUMBER, anchor.span if anchor else None))
    return reasons


def _numbered(parsed: ParseResult) -> bool:
    """Whether the address numbers its premises: a door or building number, or a floor or room in a named
    place (仁恒置地广场35F, 金茂大厦42层: the courier asks at the tower's desk). A POI given as a landmark
    (某超市对面三楼) names no place: a unit, floor or room right after the landmark word is in a building
    the address does not name. One written before it (某大厦二楼(苏园对面)) or after another name (某超市对面
    星光广场3楼) is not."""
    components = parsed.components
    if "road_number" in components or "building" in components:
        return True
    if "floor" not in components and "room" not in components:
        return False
    poi = components.get("poi")
    if poi is None or poi.span is None:
        return True
    end = poi.span[1]
    skipped = past_landmark(fold(parsed.original[end : end + 10]), 0)
    if skipped < 0:
        return True
    after = end + skipped
    for name in ("unit", "floor", "room"):
        number = components.get(name)
        if number is not None and number.span is not None and number.span[0] == after:
            return False
    return True


def _status(reasons: list[Reason]) -> Status:
    worst = len(_STATUS_ORDER)
    for r in reasons:
        if r.severity is Severity.ERROR:
            worst = min(worst, _STATUS_ORDER.index(_STATUS_OF.get(r.code, Status.VAGUE)))
    return _STATUS_ORDER[worst] if worst < len(_STATUS_ORDER) else Status.OK


def granularity(components: Mapping[str, Component]) -> Granularity:
    """The finest level the components reach."""
    # Plain membership tests, finest first: compiled, a loop over a table of name tuples boxes every row.
    if "unit" in components or "floor" in components or "room" in components:
        return Granularity.SUB_PREMISE
    if "road_number" in components or "building" in components:
        return Granularity.PREMISE
    if "road" in components or "poi" in components or "community" in components:
        return Granularity.ROAD
    if "town" in components:
        return Granularity.TOWN
    if "district" in components:
        return Granularity.DISTRICT
    if "city" in components:
        return Granularity.CITY
    if "province" in components:
        return Granularity.PROVINCE
    return Granularity.NONE
