"""Fuzz the audit readers: CSV in UTF-8, UTF-8 with BOM, GBK and GB18030, raw bytes, JSONL lines and XLSX
sheets. Every file gives as many rows out as it had rows in, never an exception other than a usage error
(``AuditError``) about the file as a whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from fuzz_profiles import FUZZ, scaled
from hypothesis import given
from hypothesis import strategies as st

from addrcheck.audit import AuditError, AuditOptions, run_audit

# Text every encoding under test can carry (GBK has no emoji and no rare CJK), plus the awkward bits of
# CSV: quotes, separators, newlines inside fields.
CELL_ALPHABET = [*"浙江省金华市义乌稠城街道工人北路号栋鼓楼区0123456789-# ,;\t\"'\n\r", "北京市朝阳区"]
cells = st.lists(st.sampled_from(CELL_ALPHABET), max_size=12).map("".join)
rows = st.lists(st.lists(cells, min_size=2, max_size=2), max_size=8)


def audit(path: Path) -> dict[str, object] | None:
    try:
        return run_audit(
            AuditOptions(input=path, output=path.with_name("out" + path.suffix), workers=1, progress=False)
        )
    except AuditError:
        return None  # the file as a whole is unusable (no address column, empty...): a clear usage error


def _rows_kept(summary: dict[str, object] | None) -> None:
    if summary is not None:
        assert summary["rows_in"] == summary["rows_out"]
        assert summary["rows_in_equals_rows_out"] is True


@FUZZ
@given(body=rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]))
def test_csv_in_each_encoding(body: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["id", "地址"], *body])
    with TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        summary = audit(path)
        assert summary is not None
        _rows_kept(summary)


@FUZZ
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]))
def test_raw_bytes(raw: bytes, suffix: str) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes("地址\n".encode() + raw if suffix != ".jsonl" else raw)
        _rows_kept(audit(path))


json_lines = st.lists(
    st.one_of(
        st.builds(lambda a: json.dumps({"address": a}, ensure_ascii=False), cells),
        st.builds(
            lambda a: json.dumps({"address": a, "n": 1}), st.one_of(st.integers(), st.none(), st.lists(cells))
        ),
        # any text a file can hold but NUL: a NUL byte makes the whole file binary (AuditError
        # BINARY_INPUT, by design); raw bytes are test_raw_bytes' job
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
        ),
    ),
    max_size=8,
)


@FUZZ
@given(lines=json_lines)
def test_jsonl_lines(lines: list[str]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_text('{"address": "浙江省"}\n' + "\n".join(lines), encoding="utf-8")
        summary = audit(path)
        assert summary is not None
        _rows_kept(summary)


xlsx_cells = st.one_of(
    cells,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
)


@scaled(15)
@given(body=st.lists(st.lists(xlsx_cells, min_size=1, max_size=3), max_size=6))
def test_xlsx_sheets(body: list[list[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["地址", "id"])
    for row in body:
        # openpyxl refuses control characters in cells, as Excel would
        sheet.append([c.replace("\r", " ") if isinstance(c, str) else c for c in row])
    with TemporaryDirectory() as folder:
        path = Path(folder) / "in.xlsx"
        workbook.save(path)
        summary = audit(path)
        assert summary is not None
        _rows_kept(summary)
