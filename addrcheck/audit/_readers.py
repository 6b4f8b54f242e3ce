"""Streaming readers: CSV/TSV, JSONL, XLSX, Parquet and SQL queries, yielding chunks of rows.

Every reader keeps memory flat (one chunk at a time), counts every row it meets, and can start
again at a ``Position`` it handed out earlier (``--resume``). A row that cannot be read becomes a
row with ``address=None`` and a problem message, never a gap.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from addrcheck.audit._encoding import detect_encoding
from addrcheck.audit._types import MAX_RECORD_BYTES, MAX_RECORD_LINES, AuditError, Chunk, Position

# Header names that hold the address, in order of preference; compared case-insensitively.
ADDRESS_COLUMN_NAMES: tuple[str, ...] = ("address", "地址", "退货地址", "收货地址")

TEXT_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv"}
FORMAT_BY_SUFFIX: dict[str, str] = {
    **TEXT_SUFFIXES,
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class Reader(Protocol):
    format: str  # "csv", "tsv", "jsonl", "xlsx", "parquet" or "sql"
    columns: list[str]
    address_column: str

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]: ...

    def fraction_done(self, position: Position) -> float | None: ...

    def fingerprint(self) -> dict[str, Any]: ...

    def describe(self) -> dict[str, Any]: ...


def find_address_column(columns: Sequence[str], requested: str | None, where: str) -> str:
    """Pick the address column: ``requested`` if given, else a known name, else the one "地址"/"address".

    Errors: ``AuditError`` (code ``NO_ADDRESS_COLUMN`` or ``AMBIGUOUS_ADDRESS_COLUMN``) listing the columns.
    """
    listing = ", ".join(repr(name) for name in columns) or "(none)"
    if requested is not None:
        if requested in columns:
            return requested
        folded = [name for name in columns if name.strip().casefold() == requested.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        raise AuditError(
            f"{where}: no column named {requested!r}; columns are {listing}", code="NO_ADDRESS_COLUMN"
        )
    known = [name for name in columns if name.strip().casefold() in ADDRESS_COLUMN_NAMES]
    if not known:
        known = [name for name in columns if "地址" in name or "address" in name.casefold()]
    if len(known) == 1:
        return known[0]
    if not known:
        raise AuditError(
            f"{where}: no address column found (looked for {', '.join(ADDRESS_COLUMN_NAMES)}); "
            f"name it with --column; columns are {listing}",
            code="NO_ADDRESS_COLUMN",
        )
    raise AuditError(
        f"{where}: several address columns ({', '.join(map(repr, known))}); choose one with --column",
        code="AMBIGUOUS_ADDRESS_COLUMN",
    )


def cell_text(value: Any) -> str | None:
    """The address text of a cell, or None if the cell cannot hold an address (a list, a mapping)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple, bytes, bytearray)):
        return None
    return str(value)


def _natural_key(path: Path) -> list[Any]:
    # part.10.csv sorts after part.9.csv, as the partition writer meant.
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", path.name)]


def input_files(input_path: Path) -> tuple[str, list[Path]]:
    """The format and the ordered file list of an input file, a directory of partitions, or a glob.

    Errors: ``AuditError`` when nothing matches, the format is unknown, or partitions mix formats.
    """
    text = str(input_path)
    if any(char in text for char in "*?["):
        paths = sorted((Path(name) for name in glob.glob(text) if Path(name).is_file()), key=_natural_key)
    elif input_path.is_dir():
        paths = sorted(
            (p for p in input_path.iterdir() if p.is_file() and p.suffix.lower() in FORMAT_BY_SUFFIX),
            key=_natural_key,
        )
    elif input_path.is_file():
        paths = [input_path]
    else:
        raise AuditError(f"{input_path}: no such file or directory", code="INPUT_NOT_FOUND")
    if not paths:
        raise AuditError(f"{input_path}: no CSV/TSV/JSONL/XLSX/Parquet files found", code="INPUT_NOT_FOUND")
    formats = {FORMAT_BY_SUFFIX.get(p.suffix.lower()) for p in paths}
    if None in formats:
        suffixes = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise AuditError(
            f"{input_path}: unknown file type; expected one of {suffixes}", code="UNKNOWN_FORMAT"
        )
    if len(formats) > 1:
        raise AuditError(
            f"{input_path}: partitions mix formats ({', '.join(sorted(map(str, formats)))})",
            code="MIXED_PARTITIONS",
        )
    fmt = formats.pop()
    assert fmt is not None
    if fmt in ("xlsx",) and len(paths) > 1:
        raise AuditError(
            f"{input_path}: partitioned input must be CSV, TSV, JSONL or Parquet", code="UNKNOWN_FORMAT"
        )
    return fmt, paths


def _file_fingerprint(paths: Sequence[Path]) -> list[dict[str, Any]]:
    return [
        {"path": str(p.resolve()), "size": p.stat().st_size, "mtime_ns": p.stat().st_mtime_ns} for p in paths
    ]


# --------------------------------------------------------------------------------------------------- text


@dataclass(slots=True)
class _TextFile:
    path: Path
    encoding: str
    data_start: int  # byte offset after the header line (or 0 for JSONL)
    first_line: int  # line number of the first data line
    size: int


class _LineSource:
    """Physical lines of a binary file with their numbers, a size cap, and a push-back stack."""

    def __init__(self, handle: Any, first_line: int) -> None:
        self.handle = handle
        self.next_line = first_line
        self.pushed: list[tuple[int, bytes, bool]] = []

    def get(self) -> tuple[int, bytes, bool] | None:
        """(line number, raw bytes, oversized) or None at the end of the file."""
        if self.pushed:
            return self.pushed.pop()
        raw: bytes = self.handle.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return None
        number = self.next_line
        self.next_line += 1
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            # Skip the rest of the line without holding it: a 2 GB "line" must not fill memory.
            while True:
                more = self.handle.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            return number, raw[:200], True
        return number, raw, False

    def push(self, items: list[tuple[int, bytes, bool]]) -> None:
        self.pushed.extend(reversed(items))


def _strip_newline(text: str) -> str:
    if text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    return text


def _describe_decode_error(raw: bytes, encoding: str, error: UnicodeDecodeError) -> str:
    bad = raw[error.start : error.start + 4].hex(" ")
    return f"第 {error.start + 1} 个字节起不是有效的 {encoding.upper()} 编码（{bad}）"


class _TextFilesReader:
    """What the line-based readers share: files read by byte offset, so progress and resume are offsets."""

    paths: list[Path]
    files: list[_TextFile]
    address_column: str

    def fingerprint(self) -> dict[str, Any]:
        return {"files": _file_fingerprint(self.paths), "column": self.address_column}

    def fraction_done(self, position: Position) -> float | None:
        total = sum(f.size for f in self.files) or 1
        done = sum(f.size for f in self.files[: position["part"]]) + position["offset"]
        return min(done / total, 1.0)


class TextTableReader(_TextFilesReader):
    """CSV or TSV, in UTF-8, UTF-8 with BOM, GBK/GB18030 or another ASCII-compatible encoding.

    Lines are split on bytes and decoded one by one, so a row in a different encoding is reported
    alone. A line without quotes is split directly (fast path); a quoted one goes through the csv
    module, and an unclosed quote may take at most ``MAX_RECORD_LINES`` lines before the first line
    is reported as unreadable and the others are read again on their own.
    """

    def __init__(self, paths: list[Path], fmt: str, column: str | None) -> None:
        self.format = fmt
        self.paths = paths
        self.files: list[_TextFile] = []
        self.columns: list[str] = []
        self.delimiter = "\t" if fmt == "tsv" else ","
        self.lineterminator = "\n"
        for path in paths:
            size = path.stat().st_size
            if size == 0:
                self.files.append(_TextFile(path, "utf-8", 0, 1, 0))
                continue
            encoding = detect_encoding(path)
            with path.open("rb") as handle:
                raw = handle.readline(MAX_RECORD_BYTES)
                data_start = handle.tell()
            try:
                header_text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise AuditError(
                    f"{path}: the header line is not valid {encoding}", code="UNREADABLE_HEADER"
                ) from exc
            if fmt == "csv" and "\t" in header_text and "," not in header_text:
                self.delimiter = "\t"
            try:
                header = next(
                    csv.reader([_strip_newline(header_text)], delimiter=self.delimiter, strict=True)
                )
            except (csv.Error, StopIteration) as exc:
                raise AuditError(
                    f"{path}: cannot parse the header line: {exc}", code="UNREADABLE_HEADER"
                ) from exc
            if not self.columns:
                self.columns = header
                self.encoding = encoding
                self.lineterminator = "\r\n" if header_text.endswith("\r\n") else "\n"
            elif header != self.columns:
                raise AuditError(f"{path}: header differs from {paths[0].name}'s", code="MIXED_PARTITIONS")
            self.files.append(_TextFile(path, encoding, data_start, 2, size))
        if not self.columns:
            self.encoding = "utf-8"
            self.address_column = ""
            self.address_index = -1
            return
        self.address_column = find_address_column(self.columns, column, str(paths[0]))
        self.address_index = self.columns.index(self.address_column)

    @property
    def empty(self) -> bool:
        return not self.columns

    def describe(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "files": [str(p) for p in self.paths],
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "column": self.address_column,
        }

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]:
        if self.empty:
            return
        for part, info in enumerate(self.files):
            if start is not None and part < start["part"]:
                continue
            if info.size == 0:
                continue
            with info.path.open("rb") as handle:
                if start is not None and part == start["part"]:
                    handle.seek(start["offset"])
                    first_line = start["line"]
                else:
                    handle.seek(info.data_start)
                    first_line = info.first_line
                yield from self._file_chunks(handle, part, info, first_line, size)

    def _file_chunks(
        self, handle: Any, part: int, info: _TextFile, first_line: int, size: int
    ) -> Iterator[Chunk]:
        source = info.path.name if len(self.files) > 1 else ""
        encoding = info.encoding
        delimiter = self.delimiter
        ncols = len(self.columns)
        address_index = self.address_index
        lines = _LineSource(handle, first_line)
        chunk = Chunk(source, [], [], [], {})
        while True:
            item = lines.get()
            if item is None:
                break
            number, raw, oversized = item
            problem: str | None = None
            fields: list[str] | None = None
            text = ""
            if oversized:
                text = raw.decode(encoding, "replace") + "…"
                problem = f"这一行超过 {MAX_RECORD_BYTES // (1 << 20)} MiB"
            else:
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    text = raw.decode(encoding, "replace")
                    problem = _describe_decode_error(raw, encoding, exc)
            body = _strip_newline(text)
            if problem is None:
                if not body:
                    chunk.blank_lines += 1
                    continue
                if '"' not in body:
                    fields = body.split(delimiter)
                else:
                    fields, problem = self._quoted(text, lines, encoding)
                if fields is not None and len(fields) != ncols:
                    problem = f"有 {len(fields)} 个字段，表头有 {ncols} 个（可能是引号或分隔符有误）"
                    fields = None
            if problem is not None or fields is None:
                row = [""] * ncols
                row[address_index] = body
                chunk.problems[len(chunk.lines)] = problem or "无法解析"
                chunk.raw[len(chunk.lines)] = body
                chunk.lines.append(number)
                chunk.addresses.append(None)
                chunk.rows.append(row)
            else:
                chunk.lines.append(number)
                chunk.addresses.append(fields[address_index])
                chunk.rows.append(fields)
            if len(chunk.lines) >= size and not lines.pushed:
                chunk.end = {"part": part, "offset": handle.tell(), "line": lines.next_line}
                yield chunk
                chunk = Chunk(source, [], [], [], {})
        chunk.end = {"part": part, "offset": handle.tell(), "line": lines.next_line}
        if chunk.lines or chunk.blank_lines:
            yield chunk

    def _quoted(self, text: str, lines: _LineSource, encoding: str) -> tuple[list[str] | None, str | None]:
        try:
            return next(csv.reader((text,), delimiter=self.delimiter, strict=True)), None
        except csv.Error as exc:
            if "unexpected end of data" not in str(exc):
                return None, f"引号格式错误（{exc}）"
        # An open quote: the field may continue on the next lines (a line break inside a cell).
        taken: list[tuple[int, bytes, bool]] = []
        parts = [text]
        total = len(text)
        while len(taken) < MAX_RECORD_LINES and total <= MAX_RECORD_BYTES:
            item = lines.get()
            if item is None:
                break
            taken.append(item)
            _, raw, oversized = item
            if oversized:
                break
            try:
                parts.append(raw.decode(encoding))
            except UnicodeDecodeError:
                break
            total += len(raw)
            try:
                return next(csv.reader(("".join(parts),), delimiter=self.delimiter, strict=True)), None
            except csv.Error as exc:
                if "unexpected end of data" not in str(exc):
                    break
        lines.push(taken)
        return None, "引号没有闭合"


class JsonlReader(_TextFilesReader):
    """JSON Lines: one JSON object per line; the address is one of its keys."""

    format = "jsonl"

    def __init__(self, paths: list[Path], column: str | None) -> None:
        self.paths = paths
        self.files: list[_TextFile] = []
        keys: list[str] = []
        for path in paths:
            size = path.stat().st_size
            encoding = detect_encoding(path) if size else "utf-8"
            self.files.append(_TextFile(path, encoding, 0, 1, size))
            if not keys and size:
                keys = _first_object_keys(path, encoding)
        self.encoding = self.files[0].encoding if self.files else "utf-8"
        self.columns = keys
        self.address_column = find_address_column(keys, column, str(paths[0])) if keys else ""

    @property
    def empty(self) -> bool:
        return not self.address_column

    def describe(self) -> dict[str, Any]:
        return {
            "format": "jsonl",
            "files": [str(p) for p in self.paths],
            "encoding": self.encoding,
            "column": self.address_column,
        }

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]:
        if self.empty:
            return
        key = self.address_column
        for part, info in enumerate(self.files):
            if (start is not None and part < start["part"]) or info.size == 0:
                continue
            source = info.path.name if len(self.files) > 1 else ""
            with info.path.open("rb") as handle:
                first_line = 1
                if start is not None and part == start["part"]:
                    handle.seek(start["offset"])
                    first_line = start["line"]
                lines = _LineSource(handle, first_line)
                chunk = Chunk(source, [], [], [], {})
                while (item := lines.get()) is not None:
                    number, raw, oversized = item
                    problem: str | None = None
                    record: Any = None
                    text = raw.decode(info.encoding, "replace")
                    if oversized:
                        problem = f"这一行超过 {MAX_RECORD_BYTES // (1 << 20)} MiB"
                    else:
                        try:
                            text = raw.decode(info.encoding)
                        except UnicodeDecodeError as exc:
                            problem = _describe_decode_error(raw, info.encoding, exc)
                    if problem is None and not text.strip():
                        chunk.blank_lines += 1
                        continue
                    if problem is None:
                        try:
                            record = json.loads(text)
                        except ValueError as exc:
                            problem = f"不是有效的 JSON（{exc.args[0] if exc.args else exc}）"
                        else:
                            if not isinstance(record, dict):
                                problem = "不是 JSON 对象"
                    address = cell_text(record.get(key)) if problem is None else None
                    if problem is None and address is None:
                        problem = f"字段 {key} 不是文本"
                    if problem is not None:
                        chunk.problems[len(chunk.lines)] = problem
                        chunk.raw[len(chunk.lines)] = _strip_newline(text)
                        record = {key: _strip_newline(text)}
                        address = None
                    chunk.lines.append(number)
                    chunk.addresses.append(address)
                    chunk.rows.append(record)
                    if len(chunk.lines) >= size:
                        chunk.end = {"part": part, "offset": handle.tell(), "line": lines.next_line}
                        yield chunk
                        chunk = Chunk(source, [], [], [], {})
                chunk.end = {"part": part, "offset": handle.tell(), "line": lines.next_line}
                if chunk.lines or chunk.blank_lines:
                    yield chunk


def _first_object_keys(path: Path, encoding: str) -> list[str]:
    with path.open("rb") as handle:
        for _ in range(1000):
            raw = handle.readline(MAX_RECORD_BYTES)
            if not raw:
                break
            try:
                record = json.loads(raw.decode(encoding))
            except ValueError:
                continue
            if isinstance(record, dict):
                return [str(key) for key in record]
    raise AuditError(f"{path}: no JSON object in the first 1000 lines", code="UNREADABLE_INPUT")


# --------------------------------------------------------------------------------------------------- xlsx


class XlsxReader:
    """The first worksheet of an .xlsx workbook, streamed (openpyxl read-only); row 1 is the header."""

    format = "xlsx"

    def __init__(self, path: Path, column: str | None) -> None:
        from openpyxl import load_workbook

        self.path = path
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors... for damaged files
            raise AuditError(
                f"{path}: not a readable .xlsx workbook ({exc})", code="UNREADABLE_INPUT"
            ) from exc
        try:
            sheet = workbook.worksheets[0]
            self.sheet_title = sheet.title
            self.total_rows = sheet.max_row
            header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        finally:
            workbook.close()
        while header and header[-1] is None:
            header = header[:-1]
        self.columns = ["" if value is None else str(value) for value in header]
        self.address_column = find_address_column(self.columns, column, str(path)) if self.columns else ""
        self.address_index = self.columns.index(self.address_column) if self.columns else -1

    @property
    def empty(self) -> bool:
        return not self.columns

    def describe(self) -> dict[str, Any]:
        return {
            "format": "xlsx",
            "files": [str(self.path)],
            "sheet": self.sheet_title,
            "column": self.address_column,
        }

    def fingerprint(self) -> dict[str, Any]:
        return {"files": _file_fingerprint([self.path]), "column": self.address_column}

    def fraction_done(self, position: Position) -> float | None:
        return min(position["row"] / self.total_rows, 1.0) if self.total_rows else None

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]:
        if self.empty:
            return
        from openpyxl import load_workbook

        ncols = len(self.columns)
        first_row = start["row"] if start is not None else 2
        workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            chunk = Chunk("", [], [], [], {})
            number = first_row - 1
            for number, values in enumerate(sheet.iter_rows(min_row=first_row, values_only=True), first_row):
                row = list(values[:ncols])
                if all(value is None or value == "" for value in values):
                    chunk.blank_lines += 1
                    continue
                row.extend([None] * (ncols - len(row)))
                address = cell_text(row[self.address_index])
                extra = [value for value in values[ncols:] if value is not None]
                if extra or address is None:
                    chunk.problems[len(chunk.lines)] = "表头之外还有单元格" if extra else "地址单元格不是文本"
                    chunk.raw[len(chunk.lines)] = " | ".join(
                        "" if value is None else str(value) for value in values
                    )
                    address = None
                chunk.lines.append(number)
                chunk.addresses.append(address)
                chunk.rows.append(row)
                if len(chunk.lines) >= size:
                    chunk.end = {"row": number + 1}
                    yield chunk
                    chunk = Chunk("", [], [], [], {})
            chunk.end = {"row": number + 1}
            if chunk.lines or chunk.blank_lines:
                yield chunk
        finally:
            workbook.close()


# ------------------------------------------------------------------------------------------------ parquet


class ParquetReader:
    """One Parquet file or ordered partitions with the same schema, read in record batches."""

    format = "parquet"

    def __init__(self, paths: list[Path], column: str | None) -> None:
        import pyarrow.parquet as pq

        self.paths = paths
        self.row_counts: list[int] = []
        self.schema = None
        for path in paths:
            try:
                parquet_file = pq.ParquetFile(path)
            except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
                raise AuditError(
                    f"{path}: not a readable Parquet file ({exc})", code="UNREADABLE_INPUT"
                ) from exc
            schema = parquet_file.schema_arrow
            if self.schema is None:
                self.schema = schema
            elif not schema.equals(self.schema):
                raise AuditError(f"{path}: schema differs from {paths[0].name}'s", code="MIXED_PARTITIONS")
            self.row_counts.append(parquet_file.metadata.num_rows)
        assert self.schema is not None
        self.columns = list(self.schema.names)
        self.address_column = find_address_column(self.columns, column, str(paths[0]))
        self.total_rows = sum(self.row_counts)

    def describe(self) -> dict[str, Any]:
        return {"format": "parquet", "files": [str(p) for p in self.paths], "column": self.address_column}

    def fingerprint(self) -> dict[str, Any]:
        return {"files": _file_fingerprint(self.paths), "column": self.address_column}

    def fraction_done(self, position: Position) -> float | None:
        done = sum(self.row_counts[: position["part"]]) + position["row"]
        return min(done / self.total_rows, 1.0) if self.total_rows else None

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        for part, path in enumerate(self.paths):
            if start is not None and part < start["part"]:
                continue
            skip = start["row"] if start is not None and part == start["part"] else 0
            source = path.name if len(self.paths) > 1 else ""
            parquet_file = pq.ParquetFile(path)
            row = 0
            for batch in parquet_file.iter_batches(batch_size=size):
                if row + batch.num_rows <= skip:
                    row += batch.num_rows
                    continue
                if row < skip:
                    batch = batch.slice(skip - row)
                    row = skip
                addresses: list[str | None] = []
                problems: dict[int, str] = {}
                raw: dict[int, str] = {}
                for index, value in enumerate(batch.column(self.address_column).to_pylist()):
                    text = cell_text(value)
                    if text is None:
                        problems[index] = "地址单元格不是文本"
                        raw[index] = repr(value)
                    addresses.append(text)
                lines = list(range(row + 1, row + batch.num_rows + 1))
                row += batch.num_rows
                yield Chunk(source, lines, addresses, batch, {"part": part, "row": row}, problems, raw)


# ---------------------------------------------------------------------------------------------------- sql


class SqlReader:
    """The rows of a SQL query, streamed with a server-side cursor where the driver has one.

    Caveat: ``--resume`` skips the rows already done, so the query must return rows in a stable order
    (``ORDER BY`` a key).
    """

    format = "sql"

    def __init__(self, url: str, query: str, column: str | None) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import SQLAlchemyError

        self.url = url
        self.query = query
        self._text = text
        try:
            self.engine = create_engine(url)
            with self.engine.connect() as connection:
                result = connection.execute(text(query))
                self.columns = [str(key) for key in result.keys()]  # noqa: SIM118 (a Result, not a dict)
                result.close()
        except (SQLAlchemyError, ImportError) as exc:
            raise AuditError(
                f"--sql: cannot run the query: {exc}".splitlines()[0], code="UNREADABLE_INPUT"
            ) from exc
        self.address_column = find_address_column(self.columns, column, "--query")
        self.address_index = self.columns.index(self.address_column)

    def _safe_url(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def describe(self) -> dict[str, Any]:
        return {"format": "sql", "url": self._safe_url(), "query": self.query, "column": self.address_column}

    def fingerprint(self) -> dict[str, Any]:
        digest = hashlib.sha256(f"{self._safe_url()}\n{self.query}".encode()).hexdigest()
        return {"sql": digest, "column": self.address_column}

    def fraction_done(self, position: Position) -> float | None:
        return None

    def chunks(self, size: int, start: Position | None) -> Iterator[Chunk]:
        skip = start["row"] if start is not None else 0
        with self.engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=size).execute(
                self._text(self.query)
            )
            row_number = 0
            for rows in result.partitions(size):
                if row_number + len(rows) <= skip:
                    row_number += len(rows)
                    continue
                if row_number < skip:
                    rows = rows[skip - row_number :]
                    row_number = skip
                chunk = Chunk("", [], [], [], {})
                for row in rows:
                    row_number += 1
                    values = list(row)
                    address = cell_text(values[self.address_index])
                    if address is None:
                        chunk.problems[len(chunk.lines)] = "地址单元格不是文本"
                        chunk.raw[len(chunk.lines)] = repr(values[self.address_index])
                    chunk.lines.append(row_number)
                    chunk.addresses.append(address)
                    chunk.rows.append(values)
                chunk.end = {"row": row_number}
                yield chunk


def open_reader(
    input_path: Path | None, *, column: str | None, sql_url: str | None, query: str | None
) -> Reader:
    """Open the input named on the command line.

    Errors: ``AuditError`` for missing or unreadable files, unknown formats, missing address column.
    """
    if sql_url is not None:
        if not query:
            raise AuditError("--sql needs --query", code="USAGE")
        return SqlReader(sql_url, query, column)
    if input_path is None:
        raise AuditError("give an INPUT file or --sql URL --query Q", code="USAGE")
    fmt, paths = input_files(input_path)
    if fmt in ("csv", "tsv"):
        return TextTableReader(paths, fmt, column)
    if fmt == "jsonl":
        return JsonlReader(paths, column)
    if fmt == "xlsx":
        return XlsxReader(paths[0], column)
    return ParquetReader(paths, column)
