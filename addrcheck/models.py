"""Result types: frozen dataclasses and string enums, stable when serialised.

After validation, use ``normalized`` and the components; ``original`` is kept only to point spans into.

The constructors are written out (``init=False``): the parser builds about a dozen of these per address,
and a generated dataclass ``__init__`` runs as interpreted Python even in the compiled build (about
850 ns per object), where a written one is compiled (about 70 ns). They do exactly what the generated
one would: set each field with ``object.__setattr__``, since the classes are frozen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

# Component names in the order they appear in an address; these strings are part of the public API.
COMPONENT_NAMES: tuple[str, ...] = (
    "province",
    "city",
    "district",
    "town",
    "community",
    "devzone",
    "road",
    "second_road",
    "road_number",
    "poi",
    "building",
    "unit",
    "floor",
    "room",
    "contact_name",
    "phone",
)
ADMIN_LEVELS: tuple[str, ...] = ("province", "city", "district", "town")


class Status(StrEnum):
    OK = "ok"
    VAGUE = "vague"
    AMBIGUOUS = "ambiguous"
    INCONSISTENT = "inconsistent"
    INVALID = "invalid"


class Granularity(StrEnum):
    """The finest level an address reaches, coarse to fine."""

    NONE = "none"
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    ROAD = "road"
    PREMISE = "premise"
    SUB_PREMISE = "sub_premise"

    @property
    def rank(self) -> int:
        return list(Granularity).index(self)


class Origin(StrEnum):
    """How a component was found."""

    EXPLICIT = "explicit"  # its canonical name (or the name with its suffix) is in the text
    ALIAS = "alias"  # a short or alternative name (金华 for 金华市, 恩施州, 土右旗)
    HISTORICAL = "historical"  # a retired name mapped to today's unit (襄樊 -> 襄阳市)
    INFERRED = "inferred"  # not in the text; implied by a unique child


class ReasonCode(StrEnum):
    EMPTY = "EMPTY"
    TOO_LONG = "TOO_LONG"
    BINARY_INPUT = "BINARY_INPUT"
    NOT_AN_ADDRESS = "NOT_AN_ADDRESS"
    MISSING_PROVINCE = "MISSING_PROVINCE"
    MISSING_CITY = "MISSING_CITY"
    MISSING_DISTRICT = "MISSING_DISTRICT"
    MISSING_TOWN = "MISSING_TOWN"
    MISSING_STREET = "MISSING_STREET"
    MISSING_HOUSE_NUMBER = "MISSING_HOUSE_NUMBER"
    AMBIGUOUS_REGION = "AMBIGUOUS_REGION"
    INCONSISTENT_HIERARCHY = "INCONSISTENT_HIERARCHY"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    OUTDATED_NAME = "OUTDATED_NAME"
    UNRESOLVED_TEXT = "UNRESOLVED_TEXT"
    UNCONFIRMED_REGION = "UNCONFIRMED_REGION"
    INVISIBLE_CHARACTER = "INVISIBLE_CHARACTER"
    TOO_MANY_NAMES = "TOO_MANY_NAMES"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


Span = tuple[int, int]


def _constructor_call(instance: Any) -> tuple[Any, ...]:
    """How to pickle a result: call the constructor again. The frozen dataclasses' default path sets
    fields after construction, which the compiled (mypyc) build's frozen classes refuse."""
    return (type(instance), tuple(getattr(instance, f.name) for f in fields(instance)))


@dataclass(frozen=True, slots=True, init=False)
class Component:
    """One part of an address.

    ``value`` is canonical (full official name for divisions, normalised digits for numbers);
    ``span`` is ``[start, end)`` in the ORIGINAL input, or None when inferred.
    """

    value: str
    code: str | None
    span: Span | None
    origin: Origin

    def __init__(self, value: str, code: str | None, span: Span | None, origin: Origin) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "origin", origin)

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "code": self.code,
            "span": list(self.span) if self.span else None,
            "origin": self.origin.value,
        }


@dataclass(frozen=True, slots=True, init=False)
class Reason:
    code: ReasonCode
    message: str  # Chinese, for merchants
    message_en: str
    span: Span | None = None
    severity: Severity = Severity.ERROR

    def __init__(
        self,
        code: ReasonCode,
        message: str,
        message_en: str,
        span: Span | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "message_en", message_en)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "severity", severity)

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "severity": self.severity.value,
            "message": self.message,
            "message_en": self.message_en,
            "span": list(self.span) if self.span else None,
        }


@dataclass(frozen=True, slots=True, init=False)
class Candidate:
    """One reading of an ambiguous address: a full division chain."""

    normalized: str
    province: str | None
    city: str | None
    district: str | None
    town: str | None
    code: str

    def __init__(
        self,
        normalized: str,
        province: str | None,
        city: str | None,
        district: str | None,
        town: str | None,
        code: str,
    ) -> None:
        object.__setattr__(self, "normalized", normalized)
        object.__setattr__(self, "province", province)
        object.__setattr__(self, "city", city)
        object.__setattr__(self, "district", district)
        object.__setattr__(self, "town", town)
        object.__setattr__(self, "code", code)

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "normalized": self.normalized,
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "town": self.town,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True, init=False)
class Unresolved:
    """Input text the parser could not place."""

    text: str
    span: Span

    def __init__(self, text: str, span: Span) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "span", span)

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span)}


@dataclass(frozen=True, slots=True, init=False)
class Removal:
    """Input text that ``normalized`` leaves out, and why (``addrcheck.normalized.REMOVAL_KINDS``)."""

    text: str
    span: Span
    why: str

    def __init__(self, text: str, span: Span, why: str) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "why", why)

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "why": self.why}


@dataclass(frozen=True, slots=True, init=False)
class ParseResult:
    original: str
    normalized: str
    components: Mapping[str, Component]
    candidates: tuple[Candidate, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    # Problems found while parsing (unknown or conflicting divisions, retired names); validate() adds policy ones.
    notes: tuple[Reason, ...] = ()
    # What ``normalized`` leaves out of the input beyond the divisions it spells in full (contact, repeats...).
    removed: tuple[Removal, ...] = ()

    def __init__(
        self,
        original: str,
        normalized: str,
        components: Mapping[str, Component],
        candidates: tuple[Candidate, ...] = (),
        unresolved: tuple[Unresolved, ...] = (),
        notes: tuple[Reason, ...] = (),
        removed: tuple[Removal, ...] = (),
    ) -> None:
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "normalized", normalized)
        object.__setattr__(self, "components", components)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "unresolved", unresolved)
        object.__setattr__(self, "notes", notes)
        object.__setattr__(self, "removed", removed)

    def get(self, name: str) -> str | None:
        component = self.components.get(name)
        return component.value if component else None

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``POST /v1/addresses/parse``."""
        return {
            "input": self.original,
            "normalized": self.normalized,
            "components": components_to_dict(self.components),
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "unresolved": [item.to_dict() for item in self.unresolved],
            "notes": [reason.to_dict() for reason in self.notes],
            "removed": [item.to_dict() for item in self.removed],
        }


def components_to_dict(components: Mapping[str, Component]) -> dict[str, dict[str, Any]]:
    """Components in their canonical order, as JSON objects."""
    return {name: components[name].to_dict() for name in COMPONENT_NAMES if name in components}


@dataclass(frozen=True, slots=True, init=False)
class ValidationResult:
    original: str
    normalized: str
    status: Status
    granularity: Granularity
    components: Mapping[str, Component]
    reasons: tuple[Reason, ...]
    candidates: tuple[Candidate, ...]
    unresolved: tuple[Unresolved, ...]
    policy: str
    removed: tuple[Removal, ...] = ()

    def __init__(
        self,
        original: str,
        normalized: str,
        status: Status,
        granularity: Granularity,
        components: Mapping[str, Component],
        reasons: tuple[Reason, ...],
        candidates: tuple[Candidate, ...],
        unresolved: tuple[Unresolved, ...],
        policy: str,
        removed: tuple[Removal, ...] = (),
    ) -> None:
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "normalized", normalized)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "granularity", granularity)
        object.__setattr__(self, "components", components)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "unresolved", unresolved)
        object.__setattr__(self, "policy", policy)
        object.__setattr__(self, "removed", removed)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code.value for reason in self.reasons)

    def get(self, name: str) -> str | None:
        component = self.components.get(name)
        return component.value if component else None

    def __reduce__(self) -> tuple[Any, ...]:
        return _constructor_call(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI (``check --json``) and the HTTP API."""
        return {
            "input": self.original,
            "status": self.status.value,
            "granularity": self.granularity.value,
            "normalized": self.normalized,
            "policy": self.policy,
            "components": components_to_dict(self.components),
            "reasons": [reason.to_dict() for reason in self.reasons],
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "unresolved": [item.to_dict() for item in self.unresolved],
            "removed": [item.to_dict() for item in self.removed],
        }
