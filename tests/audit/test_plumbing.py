"""The audit's plumbing (workers, chunking, the verdict cache) never changes a byte of the output."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from addrcheck.audit import AuditOptions, run_audit
from addrcheck.audit._verdict import verdict_for
from addrcheck.policy import PRESETS
from tests.audit.conftest import ADDRESSES, CONTRACT_ROWS

# Repeats inside and across chunks, an unreadable GBK line, a quoted cell, a formula-looking cell.
ROWS = [
    *ADDRESSES,
    "浙江省金华市义乌市稠城街道工人北路100号",
    '"上海市浦东新区张江镇碧波路690号, B座"',
    "=HYPERLINK(1)",
    "北京市朝阳区小关北里00号",
]


def _write_input(path: Path, count: int) -> list[str]:
    addresses = [ROWS[index % len(ROWS)] for index in range(count)]
    lines = [b"id,address"]
    for index, address in enumerate(addresses):
        lines.append(f"{index},{address}".encode())  # the quoted row is already one CSV cell
        if index == count // 2:
            lines.append(f"{index}b,".encode() + "浙江省金华市".encode("gbk"))  # unreadable row
    path.write_bytes(b"\n".join(lines) + b"\n")
    return addresses


def _audit(source: Path, output: Path, **options: Any) -> dict[str, Any]:
    return run_audit(AuditOptions(input=source, output=output, progress=False, **options))


@pytest.mark.parametrize(
    "options",
    [
        {"workers": 2, "chunk_rows": 7, "cache_size": 0},
        {"workers": 2, "chunk_rows": 2000, "cache_size": 0},
        {"workers": 2, "chunk_rows": 13, "cache_size": 3},
        {"workers": 1, "chunk_rows": 500, "cache_size": 0},
    ],
)
def test_output_is_the_same_whatever_the_plumbing(tmp_path: Path, options: dict[str, Any]) -> None:
    source = tmp_path / "in.csv"
    _write_input(source, 300)
    reference = _audit(source, tmp_path / "ref.csv", workers=1, chunk_rows=1, cache_size=100)
    result = _audit(source, tmp_path / "out.csv", **options)
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert result["rows_in"] == result["rows_out"] == reference["rows_out"] == 301
    assert result["by_status"] == reference["by_status"]
    assert result["unreadable_rows"]["count"] == 1


def test_each_row_carries_the_verdict_of_its_own_address(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(f"{index},{address}\n" for index, address in enumerate(ADDRESSES * 50))
    source.write_text("id,address\n" + rows, encoding="utf-8")
    _audit(source, tmp_path / "out.csv", workers=2, chunk_rows=9, cache_size=0)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(ADDRESSES) * 50
    for row in rows:
        verdict = verdict_for(row["address"], PRESETS["default"])
        assert (row["status"], row["reason_codes"]) == (verdict.status, ";".join(verdict.reason_codes))
    assert [row["status"] for row in rows[: len(CONTRACT_ROWS)]] == [status for _, status in CONTRACT_ROWS]
