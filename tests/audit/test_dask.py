"""--engine dask: the same audit on a (local) Dask cluster writes the same output as the local engine."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from addrcheck.audit import AuditOptions, run_audit
from tests.audit.conftest import REPO_ROOT

distributed = pytest.importorskip("distributed")

SAMPLE = REPO_ROOT / "data" / "examples" / "company-addresses-sample.csv"
RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    # Workers are threads of this test process, reachable over TCP on 127.0.0.1 by the CLI process.
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        yield cluster.scheduler_address


def _local(source: Path, output: Path) -> None:
    # In this process, so the reference uses the very code the cluster's worker threads run.
    summary = run_audit(AuditOptions(input=source, output=output, workers=1, chunk_rows=50))
    assert summary["rows_in"] == summary["rows_out"]


def _addresses() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return [row[0] for row in list(csv.reader(handle))[1:]]


@pytest.mark.slow
def test_partitioned_csv_on_dask_matches_local(tmp_path: Path, run_cli: RunCli, scheduler: str) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    addresses = _addresses()
    for index in range(12):  # part.10 and part.11 must come after part.9
        with (parts / f"part.{index}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "address"])
            writer.writerows(
                [f"{index}-{i}", a] for i, a in enumerate(addresses[index * 40 : index * 40 + 40])
            )
    _local(parts, tmp_path / "local.csv")
    options = ("--chunk-rows", "64", "--cache-size", "0", "--summary", "dask.json")
    dask = run_cli("parts", "-o", "dask.csv", *options, "--engine", "dask", "--scheduler", scheduler)
    assert dask.returncode == 1, dask.stderr
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    summary = json.loads((tmp_path / "dask.json").read_text(encoding="utf-8"))
    assert (summary["engine"], summary["rows_in"], summary["rows_out"]) == ("dask", 480, 480)
    first_ids = [
        row[0] for row in csv.reader((tmp_path / "dask.csv").read_text(encoding="utf-8").splitlines())
    ][1:]
    assert first_ids[0] == "0-0" and first_ids[-1] == "11-39" and first_ids[400] == "10-0"


@pytest.mark.slow
def test_partitioned_parquet_on_dask_matches_local(tmp_path: Path, run_cli: RunCli, scheduler: str) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    addresses = _addresses()[:300]
    for index in range(3):
        chunk = addresses[index * 100 : index * 100 + 100]
        pq.write_table(pa.table({"id": [index * 100 + i for i in range(100)], "address": chunk}),
                       parts / f"part.{index}.parquet")  # fmt: skip
    _local(parts, tmp_path / "local.parquet")
    dask = run_cli("parts", "-o", "dask.parquet", "--engine", "dask", "--scheduler", scheduler)
    assert dask.returncode == 1, dask.stderr
    assert pq.read_table(tmp_path / "dask.parquet").equals(pq.read_table(tmp_path / "local.parquet"))
    assert pq.read_table(tmp_path / "dask.parquet").column("id").to_pylist() == list(range(300))


@pytest.mark.slow  # waits out the 10 s connect timeout
def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "in.csv").write_text("address\n浙江省金华市\n", encoding="utf-8")
    done = run_cli(
        "in.csv", "-o", "out.csv", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", timeout=120
    )
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
