"""CPU instructions per address, counted by valgrind's callgrind: a speed figure the machine's load does not move.

Usage (from the repository root; needs valgrind, Debian package ``valgrind``)::

    python bench/instructions.py [--count 3000] [--systems addrcheck,cpca]

For each system, two runs under ``valgrind --tool=callgrind``: one that imports it and parses the warm-up
address, one that also runs ``--count`` addresses of ``final_test.txt`` (from the 5,001st on, the way
bench/speed.py calls each system). The difference divided by the count is the instructions per address,
import, data load and interpreter teardown excluded (each run exits as ``addrcheck check`` does, without
tearing down its caches). Slow: valgrind runs about 50 times slower than the CPU (2 minutes for both
systems). Instructions are not seconds (cache misses and branch mispredictions differ between programs),
and the count still moves a little between runs (addrcheck about 1%, cpca up to 10%: memory layout), but
far less than timings on a shared machine, so it shows whether a change made the parser faster.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.speed import REPO_ROOT, WARM_UP, _importer, load_addresses

SYSTEMS = ("addrcheck", "cpca")
FIRST = 5000  # skip the start of the file, the same addresses every time


# Warm-up addresses that load, once, what addrcheck loads only when an address needs it: the village
# table (a community after its township) and jieba (a contact name glued to the address). Loaded in both
# runs, their cost cancels out; otherwise whichever of the ``count`` addresses first needs them would
# bill the load to the per-address figure (the village table alone is about 100,000 per address here).
WARM_UPS = [
    WARM_UP,
    "北京市东城区东华门街道多福巷社区1号",
    "浙江省金华市义乌市稠城街道工人北路100号张三13800138000",
]


def worker(system: str, count: int) -> None:
    """Runs under valgrind: import, the warm-up parses, then ``count`` addresses."""
    run = _importer(system)()
    run(WARM_UPS)
    texts = load_addresses(FIRST + count, False)[FIRST:]  # read in both runs, so reading cancels out
    if count:
        run(texts)
    # Leave the way `addrcheck check` and the pool's workers do, without tearing down the tables and the
    # caches: the teardown grows with what the counted addresses added to the caches, and would be
    # billed to them (4,600 instructions per address over 3,000 addresses).
    sys.stdout.flush()
    os._exit(0)


def instructions(system: str, count: int) -> int:
    """Total instructions of a worker process, read from callgrind's summary line."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={folder}/out",
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            system,
            "--count",
            str(count),
        ]
        # A fixed hash seed: set and dict order, and so the work done, is then the same on every run.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, env=env)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{system} under valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.count)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    per_address: dict[str, float] = {}
    try:
        for system in (s for s in args.systems.split(",") if s):
            per_address[system] = (instructions(system, args.count) - instructions(system, 0)) / args.count
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Instructions per address, {args.count:,} addresses of `final_test.txt` (callgrind).")
    print()
    print("| system | instructions per address |")
    print("|---|---|")
    for system, value in per_address.items():
        print(f"| {system} | {value:,.0f} |")
    if "addrcheck" in per_address and "cpca" in per_address:
        print()
        print(f"addrcheck / cpca: {per_address['addrcheck'] / per_address['cpca']:.2f}x the instructions.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
