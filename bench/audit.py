"""Wall time and peak memory of ``addrcheck audit`` on a million real addresses, against cpca.transform.

Usage (from the repository root)::

    python bench/audit.py [--rows 1000000] [--workers 2] [--cache-size N] [--distinct] [--skip-cpca]
                          [--json OUT]

The rows are built at run time, in a temporary directory, from the addresses of
``../shared/data/ccks2021/final_test.txt`` (``id\\x01address`` per line; 50,000 lines, 41,621 distinct
addresses), cycled in file order until ``--rows`` is reached, written as a UTF-8 CSV ``id,address``.
With ``--distinct`` every row is a different address: the distinct addresses are cycled and each pass
appends its own room number (101室, 102室, …), so no verdict can be reused (see ``row_addresses``).
That data is for measurement only and is never copied into the repository.

Measured, in one run on the same rows:

* ``addrcheck audit``: the real CLI as a subprocess (``--quiet``); wall time from start to exit, and
  the peak memory of its whole process tree (main process plus workers), sampled every 50 ms from
  /proc: the sum of RSS (counts pages shared by the forked workers once per process, so an upper
  bound) and the sum of PSS (shared pages split between processes: the honest total).
* ``cpca.transform``: the same addresses, in this process, in slices of 100,000 (one call on a million
  rows builds a DataFrame of several GB); time of the calls only, after importing cpca. cpca is
  single-process and only resolves province/city/district: a speed reference, not a like-for-like
  check.

Prints a Markdown table and writes ``--json`` if asked. Exit code 0; 1 if the audit did not write
every row.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# CCKS_DIR overrides where the data is, as for the other benchmarks (bench/ccks.py).
CCKS_TEST = (
    Path(os.environ.get("CCKS_DIR") or REPO_ROOT.parent / "shared" / "data" / "ccks2021") / "final_test.txt"
)
CPCA_SLICE = 100_000
SAMPLE_SECONDS = 0.05


def load_addresses(path: Path) -> list[str]:
    addresses = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            _, _, address = line.rstrip("\n").partition("\x01")
            addresses.append(address)
    return addresses


def row_addresses(addresses: list[str], rows: int, distinct: bool) -> list[str]:
    """The address of every row: the file's addresses cycled in order, or (``distinct``) all different.

    Distinct rows cycle the file's distinct addresses in order and append a room number that changes
    with each pass (第 1 遍 101室, 第 2 遍 102室, …): a million rows from 41,621 addresses take 25
    passes, every row is a different string, and each is still a real address with one more part.
    """
    if not distinct:
        return [addresses[index % len(addresses)] for index in range(rows)]
    unique = list(dict.fromkeys(addresses))
    return [f"{unique[index % len(unique)]}{101 + index // len(unique)}室" for index in range(rows)]


def build_rows(addresses: list[str], target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "address"])
        writer.writerows(enumerate(addresses))


def _tree(pid: int) -> list[int]:
    found = [pid]
    for current in found:
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
                found.extend(int(child) for child in text.split())
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, 0 if it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {
        line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.endswith("kB")
    }
    return values.get("Rss", 0), values.get("Pss", 0)


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_processes = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            pids = _tree(self.pid)
            samples = [_memory_kb(pid) for pid in pids]
            self.peak_rss_kb = max(self.peak_rss_kb, sum(rss for rss, _ in samples))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(pss for _, pss in samples))
            self.peak_processes = max(self.peak_processes, len([s for s in samples if s[0]]))
            self.stopped.wait(SAMPLE_SECONDS)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished children of this process and all they waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def run_audit(csv_path: Path, out_dir: Path, workers: int, cache_size: int | None) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "addrcheck", "audit", str(csv_path), "-o", str(out_dir / "out.csv"),
        "--summary", str(out_dir / "summary.json"), "--report", str(out_dir / "report.html"),
        "--workers", str(workers), "--quiet",
    ]  # fmt: skip
    if cache_size is not None:
        command += ["--cache-size", str(cache_size)]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    memory.stopped.set()
    memory.join()
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return {
        "exit_code": process.returncode,
        "stderr_tail": stderr.strip().splitlines()[-1:] if stderr else [],
        "wall_seconds": round(wall, 2),
        "audit_seconds": summary["elapsed_seconds"],
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(memory.peak_rss_kb / 1024, 1),
        "peak_pss_mb": round(memory.peak_pss_kb / 1024, 1),
        "processes": memory.peak_processes,
        "rows_in": summary["rows_in"],
        "rows_out": summary["rows_out"],
        "by_status": summary["by_status"],
        "output_mb": round((out_dir / "out.csv").stat().st_size / 2**20, 1),
        "output_sha256": _sha256(out_dir / "out.csv"),
    }


def run_cpca(batch: list[str]) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports pkg_resources
        import cpca

    rows = len(batch)
    started = time.perf_counter()
    for start in range(0, rows, CPCA_SLICE):
        cpca.transform(batch[start : start + CPCA_SLICE])
    return {"seconds": round(time.perf_counter() - started, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--cache-size", type=int, default=None, help="passed to addrcheck audit (0: off)")
    parser.add_argument("--skip-cpca", action="store_true")
    parser.add_argument(
        "--distinct", action="store_true", help="make every row a different address (defeats the cache)"
    )
    parser.add_argument("--data", type=Path, default=CCKS_TEST)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    batch = row_addresses(load_addresses(args.data), args.rows, args.distinct)
    distinct = len(set(batch))
    with tempfile.TemporaryDirectory(prefix="addrcheck-bench-audit-") as temporary:
        folder = Path(temporary)
        csv_path = folder / "in.csv"
        build_rows(batch, csv_path)
        audit = run_audit(csv_path, folder, args.workers, args.cache_size)
        input_mb = round(csv_path.stat().st_size / 2**20, 1)
    cpca_result = None if args.skip_cpca else run_cpca(batch)
    result = {
        "rows": args.rows,
        "distinct_addresses": distinct,
        "cpus": len(os.sched_getaffinity(0)),
        "workers": args.workers,
        "cache_size": args.cache_size,
        "input_mb": input_mb,
        "audit": audit,
        "cpca_transform": cpca_result,
        "ratio_audit_to_cpca": round(audit["wall_seconds"] / cpca_result["seconds"], 2)
        if cpca_result
        else None,
    }
    print("| measure | value |\n|---|---|")
    print(f"| rows (distinct addresses) | {args.rows:,} ({result['distinct_addresses']:,}) |")
    print(f"| input CSV | {input_mb} MB |")
    print(f"| workers / CPUs | {args.workers} / {result['cpus']} |")
    rate = args.rows / audit["wall_seconds"]
    print(f"| `addrcheck audit` wall time | {audit['wall_seconds']} s ({rate:,.0f} rows/s) |")
    cpu = audit["cpu_seconds"]
    print(
        f"| CPU time of the process tree (÷ workers: the wall time on idle cores) | {cpu} s ({cpu / args.workers:.1f} s) |"
    )
    memory = f"{audit['peak_pss_mb']} / {audit['peak_rss_mb']} MB"
    print(f"| peak memory of the process tree: PSS / RSS sum | {memory} |")
    print(f"| rows in / rows out | {audit['rows_in']:,} / {audit['rows_out']:,} |")
    if cpca_result:
        print(f"| `cpca.transform` (1 process) | {cpca_result['seconds']} s |")
        print(f"| audit / cpca wall time | {result['ratio_audit_to_cpca']} |")
    print(f"| statuses | {audit['by_status']} |")
    print(f"| output SHA-256 | `{audit['output_sha256'][:16]}` |")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if audit["rows_in"] == audit["rows_out"] == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
