"""Running totals of an audit, small enough to live in the checkpoint, and the JSON summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from addrcheck.audit._types import Chunk, Verdict

STATUS_ORDER: tuple[str, ...] = ("ok", "vague", "ambiguous", "inconsistent", "invalid")
SEVERITY = {status: rank for rank, status in enumerate(STATUS_ORDER)}
UNKNOWN_PROVINCE = "（未识别）"
WORST_EXAMPLES = 50
UNREADABLE_LISTED = 1000
EXAMPLE_CHARS = 300  # an address shown in the report is cut here: a hostile 1 MB cell must not bloat it


def _clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + "…"


class SummaryBuilder:
    """Counts by status, reason and province; the worst distinct examples; the unreadable rows."""

    def __init__(self) -> None:
        self.rows_in = 0
        self.rows_out = 0
        self.blank_lines = 0
        self.by_status: Counter[str] = Counter()
        self.by_reason: Counter[str] = Counter()
        self.by_province: Counter[str] = Counter()
        self.reason_examples: dict[str, dict[str, Any]] = {}
        self.worst: list[dict[str, Any]] = []
        self.unreadable: list[dict[str, Any]] = []
        self.unreadable_count = 0

    def add(self, chunk: Chunk, verdicts: Sequence[Verdict], written: int) -> None:
        by_status = self.by_status
        by_reason = self.by_reason
        by_province = self.by_province
        for index, verdict in enumerate(verdicts):
            status = verdict.status
            by_status[status] += 1
            by_province[verdict.province or UNKNOWN_PROVINCE] += 1
            if status == "ok" and not verdict.reason_codes:
                continue
            for code in verdict.reason_codes:
                by_reason[code] += 1
                if code not in self.reason_examples:
                    self.reason_examples[code] = self._example(chunk, index, verdict)
            if status != "ok":
                self._consider_worst(chunk, index, verdict)
            if index in chunk.problems:
                self.unreadable_count += 1
                if len(self.unreadable) < UNREADABLE_LISTED:
                    self.unreadable.append(
                        {"source": chunk.source, "line": chunk.lines[index], "problem": chunk.problems[index]}
                    )
        self.rows_in += len(chunk)
        self.rows_out += written
        self.blank_lines += chunk.blank_lines

    def _example(self, chunk: Chunk, index: int, verdict: Verdict) -> dict[str, Any]:
        address = chunk.addresses[index]
        return {
            "row": self.rows_in + index + 1,
            "source": chunk.source,
            "line": chunk.lines[index],
            "address": _clip(address if address is not None else chunk.raw.get(index, "")),
            "status": verdict.status,
            "reason_codes": list(verdict.reason_codes),
            "normalized": _clip(verdict.normalized),
            "suggestion": _clip(verdict.suggestion),
        }

    def _consider_worst(self, chunk: Chunk, index: int, verdict: Verdict) -> None:
        # Worse first: status severity, then more reasons, then the earlier row; one entry per address.
        key = (
            SEVERITY.get(verdict.status, len(STATUS_ORDER)),
            len(verdict.reason_codes),
            -(self.rows_in + index + 1),
        )
        if len(self.worst) >= WORST_EXAMPLES and key <= _worst_key(self.worst[-1]):
            return
        example = self._example(chunk, index, verdict)
        if any(entry["address"] == example["address"] for entry in self.worst):
            return
        self.worst.append(example)
        self.worst.sort(key=_worst_key, reverse=True)
        del self.worst[WORST_EXAMPLES:]

    def to_state(self) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "blank_lines": self.blank_lines,
            "by_status": dict(self.by_status),
            "by_reason": dict(self.by_reason),
            "by_province": dict(self.by_province),
            "reason_examples": self.reason_examples,
            "worst": self.worst,
            "unreadable": self.unreadable,
            "unreadable_count": self.unreadable_count,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SummaryBuilder:
        builder = cls()
        builder.rows_in = int(state["rows_in"])
        builder.rows_out = int(state["rows_out"])
        builder.blank_lines = int(state["blank_lines"])
        builder.by_status = Counter(state["by_status"])
        builder.by_reason = Counter(state["by_reason"])
        builder.by_province = Counter(state["by_province"])
        builder.reason_examples = dict(state["reason_examples"])
        builder.worst = list(state["worst"])
        builder.unreadable = list(state["unreadable"])
        builder.unreadable_count = int(state["unreadable_count"])
        return builder

    @property
    def all_ok(self) -> bool:
        return self.by_status.get("ok", 0) == self.rows_in

    def result(self) -> dict[str, Any]:
        """The counts part of the JSON summary (the engine adds input, output, timing)."""

        def ranked(counter: Counter[str]) -> dict[str, int]:
            return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))

        statuses = {status: self.by_status.get(status, 0) for status in STATUS_ORDER}
        statuses.update({key: value for key, value in self.by_status.items() if key not in statuses})
        return {
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "rows_in_equals_rows_out": self.rows_in == self.rows_out,
            "blank_lines_skipped": self.blank_lines,
            "by_status": statuses,
            "by_reason": ranked(self.by_reason),
            "by_province": ranked(self.by_province),
            "unreadable_rows": {"count": self.unreadable_count, "listed": self.unreadable},
            "reason_examples": {code: self.reason_examples[code] for code in ranked(self.by_reason)},
            "worst_examples": self.worst,
        }


def _worst_key(entry: dict[str, Any]) -> tuple[int, int, int]:
    return (SEVERITY.get(entry["status"], len(STATUS_ORDER)), len(entry["reason_codes"]), -int(entry["row"]))
