"""Types shared by the audit readers, writers and engines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from addrcheck.errors import AddrcheckError

# Reason codes that only the audit produces: the row never reached validate(), or validate() broke.
UNREADABLE_ROW = "UNREADABLE_ROW"
AUDIT_ERROR = "AUDIT_ERROR"

# Columns appended to every output row, in this order (prefixed with "audit_" if the input already has one).
ADDED_COLUMNS: tuple[str, ...] = (
    "status",
    "reason_codes",
    "normalized",
    "province",
    "city",
    "district",
    "town",
    "suggestion",
)

# A row larger than this is not parsed (it is reported as unreadable); it also caps memory per row.
MAX_RECORD_BYTES = 1 << 20
# A quoted CSV field may span lines, but not more than this many: an unclosed quote must not eat the file.
MAX_RECORD_LINES = 20

Position = dict[str, int]  # where to resume reading: JSON-able, format-specific keys


class AuditError(AddrcheckError):
    """The audit cannot start or continue: unreadable input file, bad options, stale checkpoint."""

    code = "AUDIT_ERROR"


class Verdict(NamedTuple):
    """What the audit says about one row: the values of the added columns."""

    status: str
    reason_codes: tuple[str, ...]
    normalized: str
    province: str | None
    city: str | None
    district: str | None
    town: str | None
    suggestion: str


@dataclass(slots=True)
class Chunk:
    """Consecutive rows of one input file, as read.

    ``addresses[i]`` is None for a row that could not be read; ``problems[i]`` then says why
    (Chinese, for the merchant) and ``raw[i]`` holds the row's text as far as it could be decoded.
    ``rows`` is format-specific: lists of cell values aligned with the reader's columns, dicts
    (JSONL) or a ``pyarrow.RecordBatch`` (Parquet). ``end`` is where reading resumes after this chunk.
    """

    source: str
    lines: list[int]
    addresses: list[str | None]
    rows: Any
    end: Position
    problems: dict[int, str] = field(default_factory=dict)
    raw: dict[int, str] = field(default_factory=dict)
    blank_lines: int = 0

    def __len__(self) -> int:
        return len(self.lines)


def unreadable_verdict(source: str, line: int, problem: str) -> Verdict:
    where = f"{source} 第 {line} 行" if source else f"第 {line} 行"
    return Verdict(
        status="invalid",
        reason_codes=(UNREADABLE_ROW,),
        normalized="",
        province=None,
        city=None,
        district=None,
        town=None,
        suggestion=f"{where}无法读取：{problem}。请在源文件中修正这一行后重新检查。",
    )
