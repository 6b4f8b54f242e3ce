"""Exceptions raised by addrcheck.

Every exception is a ``ValueError`` underneath, so callers that already catch bad input keep working::

    ValueError
     └── AddrcheckError                 base of everything raised here; carries a stable ``code``
          ├── AddressError              an address that cannot be used (raised by ``normalize``)
          ├── ConfigError               a warehouse or policy file with problems (lists every one)
          └── RoutingError              no warehouse for a SKU, or an order that cannot be routed

Validation itself never raises for bad addresses: ``validate`` returns a result whose ``status`` and
``reasons`` say what is wrong. Exceptions are for callers that asked for a value they cannot have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from addrcheck.models import Reason


class AddrcheckError(ValueError):
    """Base class; ``code`` is a stable machine-readable string."""

    code: str = "ADDRCHECK_ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message


class AddressError(AddrcheckError):
    """An address that has no usable normalised form; ``reasons`` says why."""

    code = "ADDRESS_ERROR"

    def __init__(self, message: str, *, reasons: Sequence[Reason] = (), code: str | None = None) -> None:
        super().__init__(message, code=code or (reasons[0].code.value if reasons else None))
        self.reasons = tuple(reasons)


class ConfigError(AddrcheckError):
    """A configuration file with one or more problems; ``problems`` lists them all."""

    code = "CONFIG_INVALID"

    def __init__(self, message: str, *, problems: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class RoutingError(AddrcheckError):
    """An order item that cannot be given a warehouse."""

    code = "ROUTING_ERROR"
