"""Speed of addrcheck.validate against cpca.transform and jionlp.parse_location on real addresses.

Usage (from the repository root)::

    python bench/speed.py [--limit N] [--unique] [--sample 2000] [--cold-runs 3] [--repeat 3] [--json OUT]

Input: the 50,000 addresses of ``../shared/data/ccks2021/final_test.txt`` in file order (41,621 unique;
``--unique`` keeps the first copy of each). Every measurement runs in its own fresh subprocess, so one
system's imports, caches and memory never bleed into another's:

* ``per second (warm)``: addresses / seconds of the run itself, after import and one warm-up parse.
  addrcheck and jionlp are called once per address; cpca.transform once on the whole list, as its users
  call it. ``addrcheck`` uses each result and drops it (as the audit and the HTTP API do);
  ``addrcheck-kept`` keeps all 50,000 results in a list, which costs CPython's garbage collector a
  walk over the growing heap every time it has grown by a quarter (about a third slower here); ``cpca-single`` is cpca.transform called with one address at a time (how a service calling it
  per request sees it), on the first ``--sample`` addresses. jionlp also runs on the first ``--sample``
  addresses only (it does about 200 per second).
* ``per second (process)``: addresses / wall time of the whole subprocess (interpreter start, import,
  data load and run), the figure a batch job sees.
* ``import + first parse``: seconds from before ``import`` to the end of the first parse, in a fresh
  process (median of ``--cold-runs``).
* ``peak RSS``: the maximum resident set size of the subprocess that did the full run.

Each full run is repeated (``--repeat``) and the median run is shown, with the spread beneath the table.
Prints a Markdown table; ``--json`` also writes the figures. Exit code 0; 1 if a worker failed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ccks import FINAL_TEST_FILE, read_unlabelled

REPO_ROOT = Path(__file__).resolve().parents[1]
SYSTEMS: tuple[str, ...] = ("addrcheck", "addrcheck-kept", "cpca", "cpca-single", "jionlp")
WARM_UP = "浙江省金华市义乌市稠城街道工人北路100号"


def load_addresses(limit: int | None, unique: bool, path: str | Path = FINAL_TEST_FILE) -> list[str]:
    addresses = read_unlabelled(path)
    if unique:
        addresses = list(dict.fromkeys(addresses))
    return addresses[:limit] if limit is not None else addresses


def _importer(system: str) -> Callable[[], Callable[[list[str]], object]]:
    """A function that imports ``system`` and returns its batch runner."""

    def addrcheck_runner() -> Callable[[list[str]], object]:
        import addrcheck

        def run(texts: list[str]) -> object:
            # Each result is used and dropped, as the audit and the HTTP API use them.
            validate = addrcheck.validate
            return sum(validate(text).ok for text in texts)

        return run

    def addrcheck_kept_runner() -> Callable[[list[str]], object]:
        import addrcheck

        def run(texts: list[str]) -> object:
            # Every result kept in one list: the garbage collector then re-walks the growing heap.
            validate = addrcheck.validate
            return [validate(text) for text in texts]

        return run

    def cpca_runner() -> Callable[[list[str]], object]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import cpca

        def run(texts: list[str]) -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return cpca.transform(texts)

        return run

    def cpca_single_runner() -> Callable[[list[str]], object]:
        run_list = cpca_runner()

        def run(texts: list[str]) -> object:
            return [run_list([text]) for text in texts]

        return run

    def jionlp_runner() -> Callable[[list[str]], object]:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            import jionlp

        def run(texts: list[str]) -> object:
            return [jionlp.parse_location(text, town_village=True) for text in texts]

        return run

    runners = {
        "addrcheck": addrcheck_runner,
        "addrcheck-kept": addrcheck_kept_runner,
        "cpca": cpca_runner,
        "cpca-single": cpca_single_runner,
        "jionlp": jionlp_runner,
    }
    return runners[system]


def worker(system: str, mode: str, limit: int | None, unique: bool) -> dict[str, Any]:
    """Runs inside the subprocess. ``mode`` is ``cold`` (import + first parse) or ``run`` (full run)."""
    started = time.perf_counter()
    run = _importer(system)()
    imported = time.perf_counter()
    run([WARM_UP])
    first = time.perf_counter()
    result: dict[str, Any] = {
        "system": system,
        "import_seconds": imported - started,
        "import_first_parse_seconds": first - started,
    }
    if mode == "run":
        texts = load_addresses(limit, unique)
        begun = time.perf_counter()
        output = run(texts)
        seconds = time.perf_counter() - begun
        del output
        result.update(
            addresses=len(texts),
            run_seconds=seconds,
            per_second=len(texts) / seconds if seconds else None,
        )
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def spawn(system: str, mode: str, limit: int | None, unique: bool) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter; adds ``process_seconds`` (wall time of the process)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", system, "--mode", mode]
    if limit is not None:
        command += ["--limit", str(limit)]
    if unique:
        command.append("--unique")
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{system} worker failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["process_seconds"] = elapsed
    if "addresses" in result:
        result["process_per_second"] = result["addresses"] / elapsed
    return result


def render(results: dict[str, dict[str, Any]], source: str) -> str:
    lines = [
        f"Speed on {source} (one fresh process per measurement, {_cpu_note()}).",
        "",
        "| system | addresses | per second (warm) | per second (process) | import + first parse | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for system, data in results.items():
        lines.append(
            f"| {system} | {data['addresses']:,} | {data['per_second']:,.0f} | "
            f"{data['process_per_second']:,.0f} | {data['cold_seconds']:.2f} s | "
            f"{data['max_rss_mb']:.0f} MB |"
        )
    lines.append("")
    lines.append(
        "Spread of the warm figure over the repeated runs: "
        + "; ".join(
            f"{system} {min(data['per_second_runs']):,.0f}-{max(data['per_second_runs']):,.0f}"
            for system, data in results.items()
        )
        + "."
    )
    if "cpca" in results:
        theirs = results["cpca"]
        for ours_name in ("addrcheck", "addrcheck-kept"):
            if ours_name not in results:
                continue
            ours = results[ours_name]
            lines.append("")
            lines.append(
                f"{ours_name} / cpca: {ours['per_second'] / theirs['per_second']:.2f}x warm, "
                f"{ours['process_per_second'] / theirs['process_per_second']:.2f}x whole process."
            )
    return "\n".join(lines)


def _cpu_note() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N addresses")
    parser.add_argument("--unique", action="store_true", help="drop repeated addresses first")
    parser.add_argument(
        "--sample", type=int, default=2000, help="addresses for the slow runs: jionlp, cpca-single"
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="full runs per system; the median is shown")
    parser.add_argument("--json", dest="json_out", default=None)
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("cold", "run"), default="run", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.mode, args.limit, args.unique)))
        return 0

    systems = [s for s in args.systems.split(",") if s]
    results: dict[str, dict[str, Any]] = {}
    try:
        for system in systems:
            limit = args.limit
            if system in {"jionlp", "cpca-single"}:
                limit = min(args.sample, args.limit or args.sample)
            runs = sorted(
                (spawn(system, "run", limit, args.unique) for _ in range(max(1, args.repeat))),
                key=lambda run: run["per_second"],
            )
            data = runs[len(runs) // 2]  # the median run: the machine is shared and noisy
            data["per_second_runs"] = [run["per_second"] for run in runs]
            colds = [spawn(system, "cold", None, False) for _ in range(max(1, args.cold_runs))]
            data["cold_seconds"] = statistics.median(c["import_first_parse_seconds"] for c in colds)
            data["cold_import_seconds"] = statistics.median(c["import_seconds"] for c in colds)
            results[system] = data
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    total = len(load_addresses(args.limit, args.unique))
    source = f"`final_test.txt`, {total:,} {'unique ' if args.unique else ''}addresses"
    print(render(results, source))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
