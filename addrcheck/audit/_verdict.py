"""The per-row work, run in worker processes: validate an address and turn the result into a Verdict."""

from __future__ import annotations

from collections.abc import Sequence

from addrcheck import validate as _validate
from addrcheck.audit._types import AUDIT_ERROR, Verdict
from addrcheck.models import ValidationResult
from addrcheck.policy import Policy

MAX_CANDIDATES_SHOWN = 3


def audit_addresses(addresses: Sequence[str], policy: Policy) -> list[Verdict]:
    """Verdicts for ``addresses``, in order. Never raises for an address (see ``verdict_for``)."""
    return [verdict_for(address, policy) for address in addresses]


def verdict_for(address: str, policy: Policy) -> Verdict:
    """Validate one address under ``policy``.

    validate() promises not to raise on any string; if it does anyway, the row gets status invalid
    with ``AUDIT_ERROR`` instead of stopping a run of millions of rows.
    """
    try:
        result = _validate(address, policy=policy)
    except Exception as exc:
        return Verdict(
            "invalid",
            (AUDIT_ERROR,),
            "",
            None,
            None,
            None,
            None,
            f"检查这一行时程序出错（{type(exc).__name__}: {exc}），请把这条地址报告给维护者。",
        )
    return verdict_from_result(result)


def verdict_from_result(result: ValidationResult) -> Verdict:
    return Verdict(
        result.status.value,
        result.reason_codes,
        result.normalized,
        result.get("province"),
        result.get("city"),
        result.get("district"),
        result.get("town"),
        suggestion(result),
    )


def suggestion(result: ValidationResult) -> str:
    """What to do about the address: the reasons' messages, then the candidate readings, if any."""
    parts: list[str] = []
    for reason in result.reasons:
        message = reason.message.rstrip("。；;.")
        if message and message not in parts:
            parts.append(message)
    if result.candidates:
        shown = " / ".join(candidate.normalized for candidate in result.candidates[:MAX_CANDIDATES_SHOWN])
        more = " 等" if len(result.candidates) > MAX_CANDIDATES_SHOWN else ""
        parts.append(f"可能是：{shown}{more}")
    return "；".join(parts)
