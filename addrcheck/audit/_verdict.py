"""The per-row work, run in worker processes: validate an address and turn the result into a Verdict.

Saved-address tables repeat themselves (one merchant, many orders), so each worker keeps an LRU
cache of verdicts keyed by the exact address text; ``cache_size=0`` turns it off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from addrcheck import validate as _validate
from addrcheck.audit._types import AUDIT_ERROR, Verdict
from addrcheck.models import ValidationResult
from addrcheck.policy import Policy

MAX_CANDIDATES_SHOWN = 3

_judges: dict[tuple[Policy, int], Callable[[str], Verdict]] = {}


def audit_addresses(addresses: Sequence[str], policy: Policy, cache_size: int) -> list[Verdict]:
    """Verdicts for ``addresses``, in order. Never raises for an address (see ``verdict_for``)."""
    judge = _judge(policy, cache_size)
    return [judge(address) for address in addresses]


def _judge(policy: Policy, cache_size: int) -> Callable[[str], Verdict]:
    key = (policy, cache_size)
    judge = _judges.get(key)
    if judge is None:

        def judge_one(address: str) -> Verdict:
            return verdict_for(address, policy)

        judge = lru_cache(maxsize=cache_size)(judge_one) if cache_size > 0 else judge_one
        _judges.clear()  # one policy per run: drop an old cache rather than keep two
        _judges[key] = judge
    return judge


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
