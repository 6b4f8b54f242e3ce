"""Batch audit: check every saved address in a file or table, write it back with verdicts, report.

    >>> from pathlib import Path
    >>> from addrcheck.audit import AuditOptions, run_audit
    >>> summary = run_audit(AuditOptions(input=Path("addresses.csv"), output=Path("audited.csv")))
    >>> summary["rows_in"] == summary["rows_out"]
    True

Inputs: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, JSONL, Parquet (a file, a directory of
partitions or a glob), or a SQL query. The output has the input's rows, in order, in the input's
format, with the columns of ``ADDED_COLUMNS`` appended. Rows that cannot be read become ``invalid``
rows with reason ``UNREADABLE_ROW`` and their line number; nothing is dropped.
"""

from __future__ import annotations

from addrcheck.audit._engine import (
    DEFAULT_CACHE_SIZE,
    DEFAULT_CHUNK_ROWS,
    AuditOptions,
    checkpoint_path,
    run_audit,
)
from addrcheck.audit._readers import ADDRESS_COLUMN_NAMES
from addrcheck.audit._report import render_report
from addrcheck.audit._types import ADDED_COLUMNS, AUDIT_ERROR, UNREADABLE_ROW, AuditError, Verdict

__all__ = [
    "ADDED_COLUMNS",
    "ADDRESS_COLUMN_NAMES",
    "AUDIT_ERROR",
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_CHUNK_ROWS",
    "UNREADABLE_ROW",
    "AuditError",
    "AuditOptions",
    "Verdict",
    "checkpoint_path",
    "render_report",
    "run_audit",
]
