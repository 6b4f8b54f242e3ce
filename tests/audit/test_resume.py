"""--resume: an interrupted run continues without redoing or duplicating rows, byte for byte."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from addrcheck.audit import AuditError, AuditOptions, checkpoint_path, run_audit
from addrcheck.audit._summary import SummaryBuilder
from tests.audit.conftest import REPO_ROOT, cli_env, core_files_state, skip_if_core_changed

SAMPLE = REPO_ROOT / "data" / "examples" / "company-addresses-sample.csv"
VOLATILE = ("elapsed_seconds", "resumed_from_row", "output")


def _sample_addresses() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return [row[0] for row in list(csv.reader(handle))[1:]]


def _stable(summary: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in summary.items() if key not in VOLATILE}


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_killed_process_resumes_to_identical_output(tmp_path: Path) -> None:
    core = core_files_state()
    addresses = _sample_addresses()
    rows = 20_000
    with (tmp_path / "in.csv").open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "退货地址"])
        writer.writerows([i, addresses[i % len(addresses)]] for i in range(rows))
    command = [
        sys.executable,
        "-m",
        "addrcheck",
        "audit",
        "in.csv",
        "--workers",
        "2",
        "--chunk-rows",
        "500",
        "--cache-size",
        "0",
    ]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, *args], cwd=tmp_path, env=cli_env(), capture_output=True, text=True,
                              timeout=300)  # fmt: skip

    reference = run("-o", "ref.csv", "--summary", "ref.json")
    assert reference.returncode == 1, reference.stderr

    checkpoint = checkpoint_path(tmp_path / "out.csv")
    victim = subprocess.Popen(
        [*command, "-o", "out.csv", "--summary", "out.json"], cwd=tmp_path, env=cli_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and victim.poll() is None:
            try:
                done = json.loads(checkpoint.read_text(encoding="utf-8"))["rows_done"]
            except (FileNotFoundError, ValueError):
                done = 0
            if done >= rows // 4:
                break
            time.sleep(0.02)
        assert victim.poll() is None, "the run finished before it could be killed; make the input bigger"
        os.kill(victim.pid, signal.SIGKILL)  # the main process only: its workers must follow by themselves
        victim.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group_alive(victim.pid):
            time.sleep(0.05)
        assert not _group_alive(victim.pid), "pool workers outlived the killed audit"
    finally:
        if _group_alive(victim.pid):
            os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
    state = json.loads(checkpoint.read_text(encoding="utf-8"))
    assert 0 < state["rows_done"] < rows and not state["complete"]
    assert (tmp_path / "out.csv").stat().st_size >= state["output_offset"]

    refused = run("-o", "out.csv")
    assert refused.returncode == 2 and "add --resume to continue it" in refused.stderr

    resumed = run("-o", "out.csv", "--summary", "out.json", "--resume")
    assert resumed.returncode == 1, resumed.stderr
    skip_if_core_changed(core)
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert not checkpoint.exists()
    first = json.loads((tmp_path / "ref.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert second["resumed_from_row"] == state["rows_done"]
    assert _stable(second) == _stable(first)
    assert second["rows_in"] == second["rows_out"] == rows


class _Interrupt(KeyboardInterrupt):
    pass


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, chunks: int) -> None:
    original = SummaryBuilder.add
    calls = {"n": 0}

    def add(self: SummaryBuilder, *args: Any) -> None:
        calls["n"] += 1
        if calls["n"] > chunks:
            raise _Interrupt
        original(self, *args)

    monkeypatch.setattr(SummaryBuilder, "add", add)


def _write_xlsx(path: Path, addresses: list[str]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "地址"])
    for index, address in enumerate(addresses):
        sheet.append([index, address])
    workbook.save(path)


def _write_parquet(path: Path, addresses: list[str]) -> None:
    pq.write_table(pa.table({"id": list(range(len(addresses))), "地址": addresses}), path, row_group_size=97)


@pytest.mark.parametrize(
    ("suffix", "write"),
    [(".xlsx", _write_xlsx), (".parquet", _write_parquet), (".jsonl", None)],
)
def test_interrupted_container_formats_resume(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    write: Callable[[Path, list[str]], None] | None,
) -> None:
    addresses = _sample_addresses()[:300]
    source = tmp_path / f"in{suffix}"
    if write is None:
        lines = (json.dumps({"id": i, "地址": a}, ensure_ascii=False) for i, a in enumerate(addresses))
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        write(source, addresses)

    def options(name: str, resume: bool = False) -> AuditOptions:
        return AuditOptions(input=source, output=tmp_path / name, workers=1, chunk_rows=40, resume=resume)

    reference = run_audit(options(f"ref{suffix}"))
    with monkeypatch.context() as patch:
        _interrupt_after(patch, 3)
        with pytest.raises(_Interrupt):
            run_audit(options(f"out{suffix}"))
    assert (
        json.loads(checkpoint_path(tmp_path / f"out{suffix}").read_text(encoding="utf-8"))["rows_done"] == 120
    )
    with pytest.raises(AuditError, match="add --resume"):
        run_audit(options(f"out{suffix}"))
    resumed = run_audit(options(f"out{suffix}", resume=True))
    assert resumed["resumed_from_row"] == 120
    assert _stable(resumed) == _stable(reference)
    if suffix == ".xlsx":  # the zip inside stores timestamps; compare the cells
        from openpyxl import load_workbook

        def cells(path: Path) -> list[list[Any]]:
            return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]

        assert cells(tmp_path / f"out{suffix}") == cells(tmp_path / f"ref{suffix}")
    else:
        assert (tmp_path / f"out{suffix}").read_bytes() == (tmp_path / f"ref{suffix}").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, f"out{suffix}", f"ref{suffix}"])


def test_checkpoint_of_another_input_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.csv"
    source.write_text("address\n" + "浙江省金华市\n" * 100, encoding="utf-8")
    with monkeypatch.context() as patch:
        _interrupt_after(patch, 1)
        with pytest.raises(_Interrupt):
            run_audit(AuditOptions(input=source, output=tmp_path / "out.csv", workers=1, chunk_rows=10))
    source.write_text("address\n" + "杭州市婺城区\n" * 100, encoding="utf-8")
    with pytest.raises(AuditError, match="belongs to a run with another input"):
        run_audit(AuditOptions(input=source, output=tmp_path / "out.csv", workers=1, resume=True))
