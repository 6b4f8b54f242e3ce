"""Regenerate README figures that commands print, instead of copying them by hand.

Usage (from the repository root)::

    python bench/readme_figures.py            # print the figures as the README should show them
    python bench/readme_figures.py --write    # and write them into README.md
    python bench/readme_figures.py --tests    # also run the whole test suite for its count and time

Figures covered:

* the audit example's printed line (section "Batch audit"): ``data/examples/company-addresses-sample.csv``
  converted to GBK, as the README's ``iconv`` does, then the README's exact ``addrcheck audit`` command;
  the elapsed time in the line is what this run took.
* every ``$ addrcheck check "<address>"`` example (section "A quick look") with what it prints, and the
  exit code where the README shows it (``$ echo $?`` right after), and the streamed ``--json`` example;
* with ``--tests``, the test count and wall time in "Development": ``python -m pytest -q -p no:randomly``
  in this checkout, as the README tells a newcomer to run it.

``tests/core/test_readme_figures.py`` fails when the audit line or a check example in the README no longer
matches what the command prints (the audit's time aside), so a change in the parser's verdicts shows up
as a README to refresh.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLE = ROOT / "data" / "examples" / "company-addresses-sample.csv"
AUDIT_COMMAND = [
    "audit",
    "sample-gbk.csv",
    "-o",
    "audited.csv",
    "--report",
    "report.html",
    "--summary",
    "summary.json",
]
AUDIT_LINE = re.compile(r"^\d[\d,]* rows in, .* s -> audited\.csv$", re.MULTILINE)
TESTS_SENTENCE = re.compile(r"\(about [\d,]+ tests, [^;]+;|\([\d,]+ tests in [^;]+;")
SUMMARY = re.compile(r"(?P<counts>(?:\d+ \w+(?:, )?)+) in (?P<seconds>[\d.]+)s")


def audit_line() -> str:
    """The line the README's audit example prints, run now in a temporary directory."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "sample-gbk.csv").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gbk"))
        result = subprocess.run(
            [sys.executable, "-m", "addrcheck.cli", *AUDIT_COMMAND],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=600,
        )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if AUDIT_LINE.match(line)]
    if len(lines) != 1:
        raise SystemExit(f"the audit printed no summary line:\n{result.stdout}{result.stderr}")
    return lines[0]


# One `addrcheck check "..."` example: the command, what it printed, and `$ echo $?` with the exit code.
CHECK_EXAMPLE = re.compile(
    r'^\$ addrcheck check "(?P<address>[^"\n]+)"\n(?P<output>(?:(?!\$ |```).*\n)*)'
    r"(?P<exit>\$ echo \$\?\n\d+\n)?",
    re.MULTILINE,
)


def check_examples(text: str) -> str:
    """``text`` with every check example's output (and exit code) as the command prints them now."""

    def run(match: re.Match[str]) -> str:
        address = match.group("address")
        result = subprocess.run(
            [sys.executable, "-m", "addrcheck.cli", "check", address],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        shown = f'$ addrcheck check "{address}"\n{result.stdout}'
        if match.group("exit"):
            shown += f"$ echo $?\n{result.returncode}\n"
        return shown

    return CHECK_EXAMPLE.sub(run, text)


# The streamed JSON example: `$ printf '...' | addrcheck check --json | head -c N` and what it printed.
PIPE_EXAMPLE = re.compile(
    r"^\$ (?P<command>printf '[^'\n]*' \| addrcheck check --json \| head -c \d+)\n(?P<output>.*)\n",
    re.MULTILINE,
)


def pipe_examples(text: str) -> str:
    """``text`` with the streamed JSON example's output as the command prints it now (the ``...`` the
    README adds after the cut stays)."""

    def run(match: re.Match[str]) -> str:
        command = match.group("command").replace(
            "addrcheck check", f"{sys.executable} -m addrcheck.cli check"
        )
        printed = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True).stdout
        return f"$ {match.group('command')}\n{printed} ...\n"

    return PIPE_EXAMPLE.sub(run, text)


def without_time(line: str) -> str:
    return re.sub(r"; [\d.]+ s -> ", "; <time> s -> ", line)


def test_sentence() -> str:
    """Run the suite as the README says and describe it: "(1,023 tests in 3 min 10 s on ...;"."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.monotonic() - started
    last = result.stdout.strip().splitlines()[-1]
    found = SUMMARY.search(last)
    if found is None or result.returncode != 0:
        raise SystemExit(f"the test suite did not pass:\n{last}")
    count = sum(int(part.split()[0]) for part in found.group("counts").split(", "))
    minutes, seconds = divmod(round(elapsed), 60)
    return f"({count:,} tests in {minutes} min {seconds} s on this project's 2-core machine, {_build()};"


def _build() -> str:
    import importlib.util

    spec = importlib.util.find_spec("addrcheck.parse")
    compiled = spec is not None and spec.origin is not None and not spec.origin.endswith(".py")
    return "compiled install" if compiled else "pure-Python install (ADDRCHECK_NO_COMPILE=1)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write the figures into README.md")
    parser.add_argument("--tests", action="store_true", help="also run the test suite (minutes)")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    line = audit_line()
    print(line)
    text = AUDIT_LINE.sub(line, text, count=1)
    text = check_examples(text)
    text = pipe_examples(text)
    if args.tests:
        sentence = test_sentence()
        print(sentence)
        text = TESTS_SENTENCE.sub(sentence, text, count=1)
    if args.write:
        README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
