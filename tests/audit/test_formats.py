"""End to end: every input format through the real validate(), rows in == rows out, exit codes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook

import addrcheck
from addrcheck.audit import AuditOptions, run_audit
from tests.audit.conftest import ADDRESSES, CONTRACT_ROWS, REPO_ROOT, core_files_state, skip_if_core_changed

RunCli = Callable[..., subprocess.CompletedProcess[str]]
HOSTILE = '<script>alert("x")</script>浙江省金华市'
SAMPLE = REPO_ROOT / "data" / "examples" / "company-addresses-sample.csv"


def expected_cells(address: str) -> list[str]:
    """The added columns as validate() itself says them (CSV form)."""
    result = addrcheck.validate(address)
    normalized = result.normalized
    if normalized.startswith(("=", "+", "-", "@")):
        normalized = "'" + normalized
    cells = [result.status.value, ";".join(result.reason_codes), normalized]
    cells += [result.get(name) or "" for name in ("province", "city", "district", "town")]
    return cells


def test_contract_examples_have_their_statuses() -> None:
    assert [expected_cells(address)[0] for address in ADDRESSES] == [status for _, status in CONTRACT_ROWS]
    assert expected_cells("浙江省金华市")[:2] == ["vague", "MISSING_DISTRICT;MISSING_STREET"]
    assert expected_cells("")[:2] == ["invalid", "EMPTY"]


@pytest.mark.parametrize(
    ("codec", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_csv_cli_keeps_encoding_rows_and_order(
    tmp_path: Path, run_cli: RunCli, codec: str, bom: bytes
) -> None:
    addresses = [*ADDRESSES, "广东省深圳市南山区东滨路86号B栋第一商务中心2楼"]
    text = "编号,收货地址,备注\r\n" + "".join(f"{i},{a},备注{i}\r\n" for i, a in enumerate(addresses))
    (tmp_path / "in.csv").write_bytes(bom + text.encode(codec))
    core = core_files_state()
    done = run_cli("in.csv", "-o", "out.csv", "--summary", "s.json", "--workers", "1")
    assert done.returncode == 1, done.stderr
    skip_if_core_changed(core)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(bom) and (not bom or raw.count(bom) == 1)
    decoded = raw[len(bom) :].decode("gb18030" if codec == "gbk" else "utf-8")
    assert "\r\n" in decoded  # the input's line ending is kept
    rows = list(csv.reader(io.StringIO(decoded)))
    assert rows[0] == ["编号", "收货地址", "备注", *addrcheck.audit.ADDED_COLUMNS]
    assert [row[:3] for row in rows[1:]] == [[str(i), a, f"备注{i}"] for i, a in enumerate(addresses)]
    assert [row[3:10] for row in rows[1:]] == [expected_cells(a) for a in addresses]
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert (summary["rows_in"], summary["rows_out"], summary["rows_in_equals_rows_out"]) == (5, 5, True)
    assert summary["input"]["encoding"] == ("utf-8-sig" if bom else codec)
    assert "5 rows in, 5 rows out" in done.stderr


def test_unreadable_rows_are_kept_in_place(tmp_path: Path, run_cli: RunCli) -> None:
    data = 'id,address\n1,浙江省金华市\n2,"杭州市婺城区\n3,浙江省金华市义乌市稠城街道工人北路100号\n'.encode()
    (tmp_path / "in.csv").write_bytes(data + "4,浙江省金华市\n".encode("gbk") + b"5,\n")
    done = run_cli("in.csv", "-o", "out.csv", "--summary", "s.json", "--report", "r.html", "--workers", "1")
    assert done.returncode == 1, done.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [row[0] for row in rows[1:]] == ["1", "", "3", "", "5"]
    assert [row[1] for row in rows[1:4]] == [
        "浙江省金华市",
        '2,"杭州市婺城区',
        "浙江省金华市义乌市稠城街道工人北路100号",
    ]
    assert rows[4][1].startswith("4,") and "\ufffd" in rows[4][1]
    assert [(row[2], row[3]) for row in rows[1:]] == [
        ("vague", "MISSING_DISTRICT;MISSING_STREET"),
        ("invalid", "UNREADABLE_ROW"),
        ("ok", ""),
        ("invalid", "UNREADABLE_ROW"),
        ("invalid", "EMPTY"),
    ]
    assert rows[2][-1] == "第 3 行无法读取：引号没有闭合。请在源文件中修正这一行后重新检查。"
    assert rows[4][-1].startswith("第 5 行无法读取：第 3 个字节起不是有效的 UTF-8 编码")
    assert rows[5][2:4] == ["invalid", "EMPTY"]
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == summary["rows_out"] == 5
    assert summary["unreadable_rows"]["count"] == 2
    assert [entry["line"] for entry in summary["unreadable_rows"]["listed"]] == [3, 5]
    assert summary["by_reason"]["UNREADABLE_ROW"] == 2


def test_xlsx_keeps_cell_types_sheet_and_text(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "退货地址表"
    sheet.append(["编号", "退货地址", "金额"])
    for index, address in enumerate(ADDRESSES):
        sheet.append([index, address or None, 1.5 * index])
    sheet.append([None, None, None])  # a formatted but empty row is not a row
    sheet.append([9, "=1+2", 0])  # text that looks like a formula
    sheet["B7"].data_type = "s"
    workbook.save(tmp_path / "in.xlsx")
    summary = run_audit(AuditOptions(input=tmp_path / "in.xlsx", output=tmp_path / "out.xlsx", workers=1))
    assert (summary["rows_in"], summary["rows_out"], summary["blank_lines_skipped"]) == (5, 5, 1)
    out = load_workbook(tmp_path / "out.xlsx")
    assert out.sheetnames == ["退货地址表"]
    rows = [[cell.value for cell in row] for row in out.active.iter_rows()]
    assert rows[0] == ["编号", "退货地址", "金额", *addrcheck.audit.ADDED_COLUMNS]
    assert [row[:3] for row in rows[1:5]] == [[i, a or None, 1.5 * i] for i, a in enumerate(ADDRESSES)]
    assert [[cell or "" for cell in row[3:10]] for row in rows[1:5]] == [expected_cells(a) for a in ADDRESSES]
    assert rows[5][1] == "=1+2"
    assert [cell.data_type for cell in next(out.active.iter_rows(min_row=6, max_row=6))][1] == "s"
    assert not (tmp_path / "out.xlsx.audit-spool").exists()


def test_jsonl_keeps_objects_and_adds_keys(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": i, "address": a, "tags": [i]}, ensure_ascii=False) for i, a in enumerate(ADDRESSES)
    ]
    (tmp_path / "in.jsonl").write_text("\n".join([*lines, "not json"]) + "\n", encoding="utf-8")
    summary = run_audit(AuditOptions(input=tmp_path / "in.jsonl", output=tmp_path / "out.jsonl", workers=1))
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r.get("id"), r.get("tags"), r["address"]) for r in records] == [
        *[(i, [i], a) for i, a in enumerate(ADDRESSES)],
        (None, None, "not json"),
    ]
    for record, address in zip(records, ADDRESSES, strict=False):
        result = addrcheck.validate(address)
        assert (record["status"], record["reason_codes"], record["normalized"], record["district"]) == (
            result.status.value,
            list(result.reason_codes),
            result.normalized,
            result.get("district"),
        )
    assert records[-1]["reason_codes"] == ["UNREADABLE_ROW"]
    assert summary["rows_in"] == summary["rows_out"] == 5


def test_parquet_keeps_schema_and_adds_typed_columns(tmp_path: Path) -> None:
    table = pa.table({"id": pa.array(range(4), pa.int64()), "address": ADDRESSES, "score": [0.5] * 4})
    pq.write_table(table, tmp_path / "in.parquet")
    summary = run_audit(
        AuditOptions(input=tmp_path / "in.parquet", output=tmp_path / "out.parquet", workers=1)
    )
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.schema.field("id").type == pa.int64()
    assert out.schema.field("reason_codes").type == pa.list_(pa.string())
    assert out.column("address").to_pylist() == ADDRESSES
    assert out.column("reason_codes").to_pylist() == [
        list(addrcheck.validate(a).reason_codes) for a in ADDRESSES
    ]
    assert out.column("status").to_pylist() == [status for _, status in CONTRACT_ROWS]
    assert summary["rows_in"] == summary["rows_out"] == 4


def test_sql_table_cli(tmp_path: Path, run_cli: RunCli) -> None:
    database = sqlite3.connect(tmp_path / "shop.db")
    database.execute("create table returns (id integer primary key, 地址 text, note text)")
    database.executemany(
        "insert into returns values (?, ?, ?)", [(i, a, None) for i, a in enumerate(ADDRESSES)]
    )
    database.commit()
    database.close()
    done = run_cli(
        "--sql", f"sqlite:///{tmp_path / 'shop.db'}", "--query", "select * from returns order by id",
        "-o", "out.jsonl", "--summary", "s.json", "--workers", "1",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["地址"], r["note"], r["status"]) for r in records] == [
        (i, a, None, status) for i, (a, status) in enumerate(CONTRACT_ROWS)
    ]
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["input"]["format"] == "sql" and summary["rows_out"] == 4


def test_all_ok_exits_0_and_report_escapes_hostile_text(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "ok.csv").write_text("address\n浙江省金华市义乌市稠城街道工人北路100号\n", encoding="utf-8")
    assert run_cli("ok.csv", "-o", "ok.out.csv", "--workers", "1").returncode == 0
    (tmp_path / "bad.csv").write_text(f'address\n{HOSTILE}\n"a</td><img src=x>"\n', encoding="utf-8")
    done = run_cli("bad.csv", "-o", "bad.out.csv", "--report", "r.html", "--workers", "1")
    assert done.returncode == 1, done.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<svg") == 3  # status, reason and province charts


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({}, ["missing.csv", "-o", "o.csv"], "missing.csv: no such file or directory"),
        ({"g.csv": b"\x00\x9f\x92\x96garbage\x00" * 50}, ["g.csv", "-o", "o.csv"], "binary file"),
        ({"n.csv": b"id,name\n1,x\n"}, ["n.csv", "-o", "o.csv"], "no address column found"),
        ({"a.csv": b"address\nx\n"}, ["a.csv", "-o", "o.csv", "--policy", "lax"], "unknown policy 'lax'"),
        ({"a.csv": b"address\nx\n"}, ["a.csv", "-o", "o.parquet"], "written in the input's format (csv)"),
        ({"a.csv": b"address\nx\n"}, ["-o", "o.csv"], "give an INPUT file, or --sql URL --query Q"),
        ({"a.csv": b"address\nx\n"}, ["a.csv", "-o", "o.csv", "--engine", "dask"], "needs --scheduler"),
        ({"a.xlsx": b"PK\x03\x04 not a zip"}, ["a.xlsx", "-o", "o.xlsx"], "not a readable .xlsx workbook"),
    ],
)
def test_usage_and_unreadable_input_exit_2(
    tmp_path: Path, run_cli: RunCli, files: dict[str, bytes], args: list[str], message: str
) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    done = run_cli(*args)
    assert done.returncode == 2
    assert message in done.stderr


def test_empty_file_gives_empty_output(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(b"")
    summary = run_audit(AuditOptions(input=tmp_path / "in.csv", output=tmp_path / "out.csv", workers=1))
    assert (summary["rows_in"], summary["rows_out"], summary["all_ok"]) == (0, 0, True)
    assert (tmp_path / "out.csv").read_bytes() == b""


def test_parallel_workers_write_the_same_bytes(tmp_path: Path) -> None:
    outputs: list[bytes] = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.csv"
        summary: dict[str, Any] = run_audit(
            AuditOptions(input=SAMPLE, output=out, column="原始地址", workers=workers, chunk_rows=50)
        )
        assert summary["rows_in"] == summary["rows_out"] == 497
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
