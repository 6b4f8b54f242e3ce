"""Whole-process throughput of ``addrcheck check --json`` on stdin against a process calling cpca.transform.

Usage (from the repository root)::

    python bench/cli_throughput.py [--count 20000] [--repeat 5] [--data FILE] [--json OUT]

Input: the first ``--count`` distinct addresses of ``../shared/data/ccks2021/final_test.txt``
(``id\\x01address`` per line), in file order, written to a temporary file (read at run time, never
copied into the repository). Each repetition runs, back to back, the two whole processes on that list:

* ``addrcheck check --json`` with the file on its standard input and its standard output read by this
  process (one JSON object per line; the run fails if there is not exactly one line per address);
* ``python -c 'import cpca; cpca.transform(lines)'`` reading the same file (cpca's users call it on the
  whole list; it uses one core and only resolves province, city and district).

Each time is the wall time of the whole process (interpreter start, imports, data load, work, exit).
Prints the median of ``--repeat`` runs of each, their spread, and the ratio cpca time / addrcheck time
(above 1.0: addrcheck's whole process is the faster), also per repetition, since the machine is shared
and a pair run back to back sees the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# CCKS_DIR overrides where the data is, as for the other benchmarks (bench/ccks.py).
CCKS_TEST = (
    Path(os.environ.get("CCKS_DIR") or REPO_ROOT.parent / "shared" / "data" / "ccks2021") / "final_test.txt"
)
CPCA_PROGRAM = """
import sys, warnings
warnings.simplefilter("ignore")  # cpca imports pkg_resources
import cpca
with open(sys.argv[1], encoding="utf-8") as handle:
    lines = handle.read().split("\\n")[:-1]
frame = cpca.transform(lines)
assert len(frame) == len(lines), len(frame)
"""


def distinct_addresses(path: Path, count: int) -> list[str]:
    """The first ``count`` distinct non-empty addresses of a CCKS ``id\\x01address`` file, in file order."""
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            address = line.rstrip("\n").partition("\x01")[2].strip()
            if address and "\r" not in address:
                seen[address] = None
                if len(seen) >= count:
                    break
    return list(seen)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished children of this process and all they waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_addrcheck(input_path: Path, expected: int, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its workers)."""
    command = [sys.executable, "-m", "addrcheck", "check", "--json"]
    with input_path.open("rb") as stdin:
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(command, stdin=stdin, capture_output=True, env=env, check=False)
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(f"addrcheck check exited {done.returncode}: {done.stderr.decode()[-500:]}")
    lines = done.stdout.count(b"\n")
    if lines != expected:
        raise RuntimeError(f"addrcheck check wrote {lines} lines for {expected} addresses")
    return elapsed, cpu


def time_cpca(input_path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CPCA_PROGRAM, str(input_path)], check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="distinct addresses (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each process (default 5)")
    parser.add_argument("--data", type=Path, default=CCKS_TEST)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")

    addresses = distinct_addresses(args.data, args.count)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    addrcheck_times: list[float] = []
    cpca_times: list[float] = []
    addrcheck_cpu: list[float] = []
    cpca_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="addrcheck-bench-cli-") as temporary:
        input_path = Path(temporary) / "addresses.txt"
        input_path.write_text("".join(address + "\n" for address in addresses), encoding="utf-8")
        time_addrcheck(input_path, len(addresses), env)  # warm the page cache for both
        time_cpca(input_path)
        for _ in range(args.repeat):
            wall, cpu = time_addrcheck(input_path, len(addresses), env)
            addrcheck_times.append(wall)
            addrcheck_cpu.append(cpu)
            wall, cpu = time_cpca(input_path)
            cpca_times.append(wall)
            cpca_cpu.append(cpu)

    pair_ratios = [c / a for a, c in zip(addrcheck_times, cpca_times, strict=True)]
    median_a, median_c = statistics.median(addrcheck_times), statistics.median(cpca_times)
    result: dict[str, Any] = {
        "addresses": len(addresses),
        "cpus": len(os.sched_getaffinity(0)),
        "repeat": args.repeat,
        "addrcheck_seconds": [round(t, 3) for t in addrcheck_times],
        "cpca_seconds": [round(t, 3) for t in cpca_times],
        "addrcheck_cpu_seconds": [round(t, 3) for t in addrcheck_cpu],
        "cpca_cpu_seconds": [round(t, 3) for t in cpca_cpu],
        "ratio_cpca_over_addrcheck": round(median_c / median_a, 2),
        "pair_ratios": [round(r, 2) for r in pair_ratios],
    }
    count = len(addresses)
    print(
        f"| whole process, {count:,} distinct addresses, median of {args.repeat} | wall s (spread) | per second | CPU s |"
    )
    print("|---|---|---|---|")
    for label, walls, cpus in (
        ("`addrcheck check --json` < file", addrcheck_times, addrcheck_cpu),
        ("`cpca.transform(list)`", cpca_times, cpca_cpu),
    ):
        wall = statistics.median(walls)
        spread = f"{min(walls):.2f}-{max(walls):.2f}"
        print(f"| {label} | {wall:.2f} ({spread}) | {count / wall:,.0f} | {statistics.median(cpus):.2f} |")
    pairs = ", ".join(f"{r:.2f}" for r in pair_ratios)
    ratio = result["ratio_cpca_over_addrcheck"]
    print(
        f"| cpca wall time / addrcheck wall time (≥ 1.0: addrcheck is faster) | {ratio} | pairs: {pairs} | |"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
