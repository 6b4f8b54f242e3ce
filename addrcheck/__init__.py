"""addrcheck: validate and normalise Chinese return addresses.

    >>> import addrcheck
    >>> result = addrcheck.validate("浙江省金华市")
    >>> result.status.value, result.reason_codes
    ('vague', ('MISSING_DISTRICT', 'MISSING_STREET'))

Public API: ``parse`` (lenient, never raises on text), ``validate`` (parse plus a verdict under a
policy), ``normalize`` (the canonical string, or ``AddressError``). Division data loads on first use.
"""

from __future__ import annotations

from addrcheck.errors import AddrcheckError, AddressError, ConfigError, RoutingError
from addrcheck.gazetteer import Division, data_version
from addrcheck.models import (
    COMPONENT_NAMES,
    Candidate,
    Component,
    Granularity,
    Origin,
    ParseResult,
    Reason,
    ReasonCode,
    Severity,
    Status,
    Unresolved,
    ValidationResult,
)
from addrcheck.parse import parse
from addrcheck.policy import PRESETS, Policy, get_policy, load_policy
from addrcheck.validate import normalize, validate

__version__ = "0.1.0"

__all__ = [
    "COMPONENT_NAMES",
    "PRESETS",
    "AddrcheckError",
    "AddressError",
    "Candidate",
    "Component",
    "ConfigError",
    "Division",
    "Granularity",
    "Origin",
    "ParseResult",
    "Policy",
    "Reason",
    "ReasonCode",
    "RoutingError",
    "Severity",
    "Status",
    "Unresolved",
    "ValidationResult",
    "__version__",
    "data_version",
    "get_policy",
    "load_policy",
    "normalize",
    "parse",
    "validate",
]
