"""addrcheck's verdicts against verdicts labelled by reading, on real company addresses.

Usage (from the repository root)::

    python bench/verdicts.py [--dir bench/verdicts] [--show N] [--json]

Reads every ``company-verdicts-*.csv`` in ``--dir`` (see ``bench/verdicts/README.md`` for where the
addresses come from and ``bench/verdicts/LABELLING.md`` for how they were labelled), runs
``addrcheck.validate(address)`` under the default policy on each, and prints:

* *status agreement*: the share of rows whose result status is the labelled ``status`` or the
  labelled ``also_acceptable``;
* *reason agreement*: among rows whose result status is the labelled ``status``, the share whose set of
  error-severity reason codes equals the labelled ``reason_codes`` (rows that agree only through
  ``also_acceptable`` are left out: the labelled codes describe the labelled status, not the alternative);
* *inconsistent precision*: the share of addrcheck's ``inconsistent`` verdicts that the labels accept as
  inconsistent (``status`` or ``also_acceptable``), with counts;
* *accepted but wrong*: addrcheck ``ok`` where the labels do not accept ok, or where the label names a
  district and addrcheck's district (the component's value, or the name of its code) is another one; as a
  share of addrcheck's ``ok`` verdicts;
* a confusion table, labelled status by addrcheck status, and with ``--show N`` the first N disagreements.

``--json`` prints the figures as JSON instead. The targets (``TARGETS``) are printed beside the figures;
the exit code is 0 whether or not they are met (this is a measurement, not a gate).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VERDICTS_DIR = Path(__file__).resolve().parent / "verdicts"
FILE_GLOB = "company-verdicts-*.csv"
HEADER = ("address", "status", "also_acceptable", "reason_codes", "province", "city", "district", "note")
STATUSES = ("ok", "vague", "ambiguous", "inconsistent", "invalid")
# The error codes the labelling guide lets a labeller write, in the guide's order.
REASON_CODES = (
    "AMBIGUOUS_REGION",
    "INCONSISTENT_HIERARCHY",
    "MISSING_PROVINCE",
    "MISSING_CITY",
    "MISSING_DISTRICT",
    "MISSING_STREET",
    "MISSING_HOUSE_NUMBER",
    "NOT_AN_ADDRESS",
)
# (figure, comparison, bound): the agreement the verdict set asks of addrcheck (issue 12).
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("status_agreement", ">=", 0.95),
    ("inconsistent_precision", ">=", 0.8),
    ("accepted_but_wrong_share", "<=", 0.005),
)


class VerdictFileError(ValueError):
    """A verdict CSV that does not follow the labelling guide's format."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One labelled row: what a trustworthy validator should say about ``address``."""

    address: str
    status: str
    also_acceptable: str
    reason_codes: frozenset[str]
    province: str
    city: str
    district: str
    note: str
    source: str  # "file:line", for messages

    def accepts(self, status: str) -> bool:
        return status in (self.status, self.also_acceptable)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What addrcheck said: its status, its error-severity codes and the names its district goes by."""

    status: str
    codes: frozenset[str]
    district_names: frozenset[str]


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    status_agreed: int
    reason_rows: int
    reason_agreed: int
    inconsistent_said: int
    inconsistent_right: int
    ok_said: int
    accepted_but_wrong: int
    confusion: dict[tuple[str, str], int]

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def status_agreement(self) -> float | None:
        return self._share(self.status_agreed, self.rows)

    @property
    def reason_agreement(self) -> float | None:
        return self._share(self.reason_agreed, self.reason_rows)

    @property
    def inconsistent_precision(self) -> float | None:
        return self._share(self.inconsistent_right, self.inconsistent_said)

    @property
    def accepted_but_wrong_share(self) -> float | None:
        return self._share(self.accepted_but_wrong, self.ok_said)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "status_agreement": self.status_agreement,
            "status_agreed": self.status_agreed,
            "reason_agreement": self.reason_agreement,
            "reason_agreed": self.reason_agreed,
            "reason_rows": self.reason_rows,
            "inconsistent_precision": self.inconsistent_precision,
            "inconsistent_right": self.inconsistent_right,
            "inconsistent_said": self.inconsistent_said,
            "accepted_but_wrong_share": self.accepted_but_wrong_share,
            "accepted_but_wrong": self.accepted_but_wrong,
            "ok_said": self.ok_said,
            "confusion": {f"{label}/{said}": n for (label, said), n in sorted(self.confusion.items())},
            "targets": {
                name: {"comparison": op, "bound": bound, "met": self.met(name)} for name, op, bound in TARGETS
            },
        }

    def met(self, figure: str) -> bool | None:
        """Whether the figure meets its target; None when there is nothing to measure it on."""
        for name, op, bound in TARGETS:
            if name == figure:
                value = getattr(self, name)
                if value is None:
                    return None
                return bool(value >= bound if op == ">=" else value <= bound)
        raise KeyError(figure)


def _parse_row(row: dict[str, str], source: str) -> Verdict:
    status, also = row["status"], row["also_acceptable"]
    if status not in STATUSES:
        raise VerdictFileError(f"{source}: status {status!r} is not one of {', '.join(STATUSES)}")
    if also and (also not in STATUSES or also == status):
        raise VerdictFileError(f"{source}: also_acceptable {also!r} must be empty or another status")
    codes = row["reason_codes"].split()
    unknown = [c for c in codes if c not in REASON_CODES]
    if unknown:
        raise VerdictFileError(f"{source}: unknown reason code(s) {' '.join(unknown)}")
    if len(set(codes)) != len(codes):
        raise VerdictFileError(f"{source}: a reason code is repeated")
    if (status == "ok") != (not codes):
        raise VerdictFileError(f"{source}: reason_codes must be empty for ok and only for ok")
    if not row["address"].strip():
        raise VerdictFileError(f"{source}: empty address")
    return Verdict(
        row["address"],
        status,
        also,
        frozenset(codes),
        row["province"],
        row["city"],
        row["district"],
        row["note"],
        source,
    )


def read_verdict_file(path: Path) -> list[Verdict]:
    """The rows of one verdict CSV; raises VerdictFileError on a bad header or row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != HEADER:
            raise VerdictFileError(f"{path.name}: header must be {','.join(HEADER)}")
        verdicts = []
        for row in reader:
            source = f"{path.name}:{reader.line_num}"
            if None in row or any(value is None for value in row.values()):
                raise VerdictFileError(f"{source}: expected {len(HEADER)} fields")
            verdicts.append(_parse_row(row, source))
    return verdicts


def read_verdicts(paths: Iterable[Path]) -> list[Verdict]:
    """Every row of the files, in file then row order; an address labelled twice is an error."""
    verdicts: list[Verdict] = []
    seen: dict[str, str] = {}
    for path in paths:
        for verdict in read_verdict_file(path):
            if verdict.address in seen:
                raise VerdictFileError(
                    f"{verdict.source}: address already labelled at {seen[verdict.address]}"
                )
            seen[verdict.address] = verdict.source
            verdicts.append(verdict)
    return verdicts


def verdict_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(FILE_GLOB))


def outcome_of(address: str) -> Outcome:
    """Run addrcheck (default policy) on one address."""
    from addrcheck import validate
    from addrcheck.gazetteer import get_division, get_gazetteer
    from addrcheck.models import Severity

    result = validate(address)
    codes = frozenset(str(r.code) for r in result.reasons if r.severity == Severity.ERROR)
    names: set[str] = set()
    district = result.components.get("district")
    if district is not None:
        names.add(district.value)
        division = get_division(district.code) if district.code else None
        if division is not None:
            names.add(division.name)
    city = result.components.get("city")
    if district is None and city is not None and city.code in get_gazetteer().countyless_cities:
        # A city with no county level (中山市, 东莞市): the labels name the city at the county level too.
        names.add(city.value)
    return Outcome(str(result.status), codes, frozenset(names))


def status_agrees(verdict: Verdict, outcome: Outcome) -> bool:
    return verdict.accepts(outcome.status)


def reason_agrees(verdict: Verdict, outcome: Outcome) -> bool | None:
    """Whether the error codes match; None when the status is not the labelled one (not scored)."""
    if outcome.status != verdict.status:
        return None
    return outcome.codes == verdict.reason_codes


def accepted_but_wrong(verdict: Verdict, outcome: Outcome) -> bool:
    """addrcheck says ok, and the label does not accept ok or names a district addrcheck did not find."""
    if outcome.status != "ok":
        return False
    if not verdict.accepts("ok"):
        return True
    return bool(verdict.district) and verdict.district not in outcome.district_names


def disagrees(verdict: Verdict, outcome: Outcome) -> bool:
    return (
        not status_agrees(verdict, outcome)
        or reason_agrees(verdict, outcome) is False
        or accepted_but_wrong(verdict, outcome)
    )


def summarise(pairs: Sequence[tuple[Verdict, Outcome]]) -> Summary:
    reasons = [r for v, o in pairs if (r := reason_agrees(v, o)) is not None]
    inconsistent = [v for v, o in pairs if o.status == "inconsistent"]
    return Summary(
        rows=len(pairs),
        status_agreed=sum(status_agrees(v, o) for v, o in pairs),
        reason_rows=len(reasons),
        reason_agreed=sum(reasons),
        inconsistent_said=len(inconsistent),
        inconsistent_right=sum(v.accepts("inconsistent") for v in inconsistent),
        ok_said=sum(o.status == "ok" for _, o in pairs),
        accepted_but_wrong=sum(accepted_but_wrong(v, o) for v, o in pairs),
        confusion=dict(Counter((v.status, o.status) for v, o in pairs)),
    )


def _figure(value: float | None, part: int, whole: int) -> str:
    return "n/a (0 rows)" if value is None else f"{value:.3f} ({part}/{whole})"


def _target_text(summary: Summary, figure: str) -> str:
    for name, op, bound in TARGETS:
        if name == figure:
            met = summary.met(name)
            verdict = "n/a" if met is None else "met" if met else "NOT met"
            return f"  [target {op} {bound:g}: {verdict}]"
    return ""


def report(summary: Summary) -> str:
    s = summary
    lines = [
        f"rows: {s.rows}",
        f"status agreement: {_figure(s.status_agreement, s.status_agreed, s.rows)}"
        + _target_text(s, "status_agreement"),
        f"reason agreement (rows with the labelled status): {_figure(s.reason_agreement, s.reason_agreed, s.reason_rows)}",
        f"inconsistent precision: {_figure(s.inconsistent_precision, s.inconsistent_right, s.inconsistent_said)}"
        + _target_text(s, "inconsistent_precision"),
        f"accepted but wrong (of addrcheck's ok): {_figure(s.accepted_but_wrong_share, s.accepted_but_wrong, s.ok_said)}"
        + _target_text(s, "accepted_but_wrong_share"),
        "",
        "confusion (rows: label, columns: addrcheck):",
        "| label \\ addrcheck | " + " | ".join(STATUSES) + " | total |",
        "|---" * (len(STATUSES) + 2) + "|",
    ]
    for label in STATUSES:
        counts = [s.confusion.get((label, said), 0) for said in STATUSES]
        lines.append(f"| {label} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    return "\n".join(lines)


def describe(verdict: Verdict, outcome: Outcome) -> str:
    label = verdict.status + (f"|{verdict.also_acceptable}" if verdict.also_acceptable else "")
    codes = " ".join(sorted(verdict.reason_codes)) or "-"
    said = " ".join(sorted(outcome.codes)) or "-"
    district = f" district {verdict.district} vs {'/'.join(sorted(outcome.district_names)) or '-'}"
    return (
        f"{verdict.source}  {verdict.address}\n"
        f"    label {label} [{codes}]  addrcheck {outcome.status} [{said}]"
        + (district if accepted_but_wrong(verdict, outcome) and verdict.accepts("ok") else "")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=VERDICTS_DIR, help="folder of company-verdicts-*.csv")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print the first N disagreements")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    files = verdict_files(args.dir)
    if not files:
        parser.error(f"no {FILE_GLOB} in {args.dir}")
    try:
        verdicts = read_verdicts(files)
    except VerdictFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pairs = [(v, outcome_of(v.address)) for v in verdicts]
    summary = summarise(pairs)
    if args.json:
        print(
            json.dumps({"files": [f.name for f in files], **summary.to_dict()}, ensure_ascii=False, indent=2)
        )
        return 0
    print(f"files: {', '.join(f.name for f in files)}")
    print(report(summary))
    if args.show:
        shown = [describe(v, o) for v, o in pairs if disagrees(v, o)][: args.show]
        print(f"\nfirst {len(shown)} disagreements:")
        print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
