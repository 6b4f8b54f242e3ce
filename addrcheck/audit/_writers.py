"""Writers: the input rows, in order, with the added columns, in the input's format.

CSV/TSV and JSONL are appended to the output file directly. XLSX and Parquet cannot be appended to
or cut short, so their rows go to a spool file next to the output (one pickled chunk after another)
and are turned into the real file at the end. Either way ``offset()`` is a byte position that
``--resume`` can truncate back to.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from addrcheck.audit._types import ADDED_COLUMNS, AuditError, Chunk, Verdict

# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_ROW_GROUP_ROWS = 65_536


def added_column_names(columns: Sequence[str]) -> list[str]:
    """The names of the added columns: plain, or all prefixed with ``audit_`` if one is taken.

    Errors: ``AuditError`` if even the prefixed names are taken.
    """
    taken = set(columns)
    for prefix in ("", "audit_"):
        names = [prefix + name for name in ADDED_COLUMNS]
        if not taken.intersection(names):
            return names
    raise AuditError("the input already has the columns status, audit_status, ...; rename them", code="USAGE")


def defuse(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading ``'`` stops ``=HYPERLINK(...)`` from running."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _text_cells(verdict: Verdict) -> list[str]:
    return [
        verdict.status,
        ";".join(verdict.reason_codes),
        defuse(verdict.normalized),
        verdict.province or "",
        verdict.city or "",
        verdict.district or "",
        verdict.town or "",
        defuse(verdict.suggestion),
    ]


class Writer(Protocol):
    path: Path

    def open(self, resume_offset: int | None) -> None: ...

    def write(self, chunk: Chunk, verdicts: Sequence[Verdict]) -> int: ...

    def offset(self) -> int: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


class _AppendingFile:
    """An output (or spool) file that is created fresh or truncated back to a checkpoint offset."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: BinaryIO | None = None

    def _open(self, resume_offset: int | None) -> bool:
        """Open for appending; True if the file is new."""
        if resume_offset is None:
            self.handle = self.path.open("wb")
            return True
        try:
            handle = self.path.open("r+b")
        except FileNotFoundError as exc:
            raise AuditError(
                f"{self.path}: the partial output to resume is missing", code="BAD_CHECKPOINT"
            ) from exc
        size = handle.seek(0, os.SEEK_END)
        if size < resume_offset:
            handle.close()
            raise AuditError(
                f"{self.path}: shorter ({size} bytes) than the checkpoint says ({resume_offset}); "
                "it was changed since the interrupted run: start again without --resume",
                code="BAD_CHECKPOINT",
            )
        # Rows after the last checkpoint were written but not committed: they are written again.
        handle.truncate(resume_offset)
        handle.seek(resume_offset)
        self.handle = handle
        return False

    def offset(self) -> int:
        assert self.handle is not None
        self.handle.flush()
        return self.handle.tell()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


class TextTableWriter(_AppendingFile):
    def __init__(
        self, path: Path, columns: Sequence[str], encoding: str, delimiter: str, lineterminator: str
    ) -> None:
        super().__init__(path)
        self.header = [*columns, *added_column_names(columns)]
        self.has_columns = bool(columns)  # an empty input (no header either) gives an empty output
        self.bom = encoding == "utf-8-sig"
        self.codec = "utf-8" if self.bom else encoding
        self.delimiter = delimiter
        self.lineterminator = lineterminator

    def _render(self, rows: Any) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.lineterminator).writerows(rows)
        return buffer.getvalue().encode(self.codec, "replace")

    def open(self, resume_offset: int | None) -> None:
        if self._open(resume_offset) and self.has_columns:
            assert self.handle is not None
            if self.bom:
                self.handle.write(b"\xef\xbb\xbf")
            self.handle.write(self._render([self.header]))

    def write(self, chunk: Chunk, verdicts: Sequence[Verdict]) -> int:
        assert self.handle is not None
        self.handle.write(
            self._render([*row, *_text_cells(v)] for row, v in zip(chunk.rows, verdicts, strict=True))
        )
        return len(verdicts)

    def finish(self) -> None:
        self.close()


class JsonlWriter(_AppendingFile):
    def __init__(self, path: Path, columns: Sequence[str], encoding: str) -> None:
        super().__init__(path)
        self.columns = list(columns)
        self.added = added_column_names(columns)
        self.codec = "utf-8" if encoding == "utf-8-sig" else encoding

    def open(self, resume_offset: int | None) -> None:
        self._open(resume_offset)

    def write(self, chunk: Chunk, verdicts: Sequence[Verdict]) -> int:
        assert self.handle is not None
        lines = []
        for row, verdict in zip(chunk.rows, verdicts, strict=True):
            record = dict(row) if isinstance(row, dict) else dict(zip(self.columns, row, strict=True))
            record.update(
                zip(self.added, (*verdict[:1], list(verdict.reason_codes), *verdict[2:]), strict=True)
            )
            lines.append(json.dumps(record, ensure_ascii=False, default=str))
        lines.append("")
        self.handle.write("\n".join(lines).encode(self.codec, "replace"))
        return len(verdicts)

    def finish(self) -> None:
        self.close()


class _SpoolWriter(_AppendingFile):
    """Chunks pickled one after another into ``OUTPUT.audit-spool``; ``finish`` builds OUTPUT from them."""

    def __init__(self, output: Path) -> None:
        super().__init__(output.with_name(output.name + ".audit-spool"))
        self.output = output

    def open(self, resume_offset: int | None) -> None:
        self._open(resume_offset)

    def _append(self, payload: Any) -> None:
        assert self.handle is not None
        pickle.dump(payload, self.handle, protocol=pickle.HIGHEST_PROTOCOL)

    def _spooled(self) -> Any:
        with self.path.open("rb") as spool:
            while True:
                try:
                    yield pickle.load(spool)
                except EOFError:
                    return

    def finish(self) -> None:
        self.close()
        partial = self.output.with_name(self.output.name + ".partial")
        self._build(partial)
        os.replace(partial, self.output)
        self.path.unlink()

    def _build(self, target: Path) -> None:
        raise NotImplementedError


class XlsxWriter(_SpoolWriter):
    def __init__(self, path: Path, columns: Sequence[str], sheet_title: str) -> None:
        super().__init__(path)
        self.header = [*columns, *added_column_names(columns)]
        self.sheet_title = sheet_title

    def write(self, chunk: Chunk, verdicts: Sequence[Verdict]) -> int:
        self._append([[*row, *_text_cells(v)] for row, v in zip(chunk.rows, verdicts, strict=True)])
        return len(verdicts)

    def _build(self, target: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.sheet_title)

        def cell(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            if value.startswith("="):
                # openpyxl would store "=..." as a formula; the input had it as text, so keep it text.
                text_cell = WriteOnlyCell(sheet, value=value)
                text_cell.data_type = "s"
                return text_cell
            return value

        sheet.append([cell(value) for value in self.header])
        for rows in self._spooled():
            for row in rows:
                sheet.append([cell(value) for value in row])
        workbook.save(target)


class ParquetWriter(_SpoolWriter):
    """Parquet with the input's schema plus the added columns (``reason_codes`` is a list of strings).

    Rows that came from SQL are stored with every original column as text.
    """

    def __init__(self, path: Path, columns: Sequence[str], schema: Any | None) -> None:
        import pyarrow as pa

        super().__init__(path)
        self.columns = list(columns)
        self.added = added_column_names(columns)
        base = schema if schema is not None else pa.schema([(name, pa.string()) for name in columns])
        added_types = [pa.string(), pa.list_(pa.string()), *[pa.string()] * (len(ADDED_COLUMNS) - 2)]
        self.schema = base
        for name, kind in zip(self.added, added_types, strict=True):
            self.schema = self.schema.append(pa.field(name, kind))
        self.from_rows = schema is None

    def write(self, chunk: Chunk, verdicts: Sequence[Verdict]) -> int:
        import pyarrow as pa

        if self.from_rows:
            arrays = [
                pa.array([None if row[i] is None else str(row[i]) for row in chunk.rows], pa.string())
                for i in range(len(self.columns))
            ]
        else:
            arrays = list(chunk.rows.columns)
        for index, name in enumerate(ADDED_COLUMNS):
            if name == "reason_codes":
                codes = [list(verdict.reason_codes) for verdict in verdicts]
                arrays.append(pa.array(codes, pa.list_(pa.string())))
            else:
                arrays.append(pa.array([verdict[index] for verdict in verdicts], pa.string()))
        self._append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        return len(verdicts)

    def _build(self, target: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pending: list[Any] = []
        rows = 0
        written = False
        with pq.ParquetWriter(target, self.schema) as writer:
            for batch in self._spooled():
                pending.append(batch)
                rows += batch.num_rows
                if rows >= PARQUET_ROW_GROUP_ROWS:
                    # Fixed-size row groups whatever the chunking: a resumed run writes the same file.
                    table = pa.Table.from_batches(pending, self.schema)
                    cut = rows - rows % PARQUET_ROW_GROUP_ROWS
                    writer.write_table(table.slice(0, cut), row_group_size=PARQUET_ROW_GROUP_ROWS)
                    pending = table.slice(cut).to_batches()
                    rows, written = rows - cut, True
            if pending or not written:
                table = pa.Table.from_batches(pending, self.schema)
                writer.write_table(table, row_group_size=PARQUET_ROW_GROUP_ROWS)


OUTPUT_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def output_format(input_format: str, output: Path) -> str:
    """The output's format: the input's; for SQL input, the one the output's suffix names.

    Errors: ``AuditError`` if the suffix names another format than the input's.
    """
    named = OUTPUT_FORMATS.get(output.suffix.lower())
    if input_format == "sql":
        if named is None:
            raise AuditError(f"{output}: name the output .csv, .tsv, .jsonl, .xlsx or .parquet", code="USAGE")
        return named
    family = {"csv": "text", "tsv": "text"}
    if named is not None and family.get(named, named) != family.get(input_format, input_format):
        raise AuditError(
            f"{output}: the output is written in the input's format ({input_format}); name it accordingly",
            code="USAGE",
        )
    return input_format


def spool_path(output: Path, fmt: str) -> Path | None:
    return output.with_name(output.name + ".audit-spool") if fmt in ("xlsx", "parquet") else None
