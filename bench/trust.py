"""Trust figures: places read out of names, addresses accepted with no division, text lost in `normalized`.

Usage (from the repository root)::

    python bench/trust.py [FILE ...] [--final-test] [--show N] [--json OUT]

For each CCKS labelled FILE (default: dev.txt) it prints, for addrcheck's ``validate``:

- **invented places**: the share of addresses with an admin component (province, city, district, town)
  whose span lies inside a gold road, POI, sub-POI, community or number span (東方明珠花园: 东方 is not
  东方市). Target ≤ 0.5%.
- **accepted with no division**: of the addresses whose gold names no province, city, county or township,
  the share that come out ``ok``. Target ≤ 1%. An address with no gold labels at all (one in dev, one in
  train) says nothing either way and is left out, and counted.
- **preservation**: of the gold road, POI, sub-POI and community spans, the share whose text (folded as
  the parser folds) survives verbatim in ``normalized``. Target ≥ 99.5%.

With ``--final-test`` it also checks the preservation invariant on every address of ``final_test.txt``
(50,000 real, unlabelled): ``normalized`` is the division prefix followed by the folded input with
exactly the result's ``removed`` spans taken out, and every removal is one of the documented kinds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ccks import DEV_FILE, FINAL_TEST_FILE, Sample, read_samples, read_unlabelled

ADMIN = ("province", "city", "district", "town")
GOLD_ADMIN = frozenset({"prov", "city", "district", "town"})
# Gold spans an admin reading must never lie inside: names of roads, places and numbers.
GOLD_NAMES = frozenset({"road", "roadno", "poi", "subpoi", "community", "houseno", "cellno", "floorno"})
PRESERVED = frozenset({"road", "poi", "subpoi", "community"})


def invented(sample: Sample, result: object) -> list[tuple[str, str]]:
    """Admin components of ``result`` whose span lies inside a gold name span: (level, text)."""
    found = []
    components = result.components  # type: ignore[attr-defined]
    for level in ADMIN:
        component = components.get(level)
        if component is None or component.span is None:
            continue
        start, end = component.span
        for mention in sample.mentions:
            if mention.label in GOLD_NAMES and mention.start <= start and end <= mention.end:
                found.append((level, sample.text[start:end]))
                break
    return found


def preserved_spans(sample: Sample, normalized: str, fold: object) -> tuple[int, list[str]]:
    """How many gold name spans survive verbatim in ``normalized``, and the texts of those that do not."""
    kept = 0
    lost = []
    for mention in sample.mentions:
        if mention.label not in PRESERVED:
            continue
        text = fold(mention.text)  # type: ignore[operator]
        if text in normalized:
            kept += 1
        else:
            lost.append(mention.text)
    return kept, lost


def labelled_figures(samples: Sequence[Sample], show: int = 0) -> dict[str, object]:
    import addrcheck
    from addrcheck.text import fold

    invented_rows = 0
    no_division = no_division_ok = unlabelled = 0
    kept = total = 0
    examples: dict[str, list[str]] = {"invented": [], "no_division_ok": [], "lost": []}
    for sample in samples:
        result = addrcheck.validate(sample.text)
        places = invented(sample, result)
        if places:
            invented_rows += 1
            if len(examples["invented"]) < show:
                examples["invented"].append(
                    f"{sample.text}  ({', '.join(f'{level}={t}' for level, t in places)})"
                )
        if not sample.mentions:
            unlabelled += 1  # no gold at all: it cannot say whether the address names a division
        elif not any(m.label in GOLD_ADMIN for m in sample.mentions):
            no_division += 1
            if result.status.value == "ok":
                no_division_ok += 1
                if len(examples["no_division_ok"]) < show:
                    examples["no_division_ok"].append(f"{sample.text} -> {result.normalized}")
        k, lost = preserved_spans(sample, result.normalized, fold)
        kept += k
        total += k + len(lost)
        if lost and len(examples["lost"]) < show:
            examples["lost"].append(f"{sample.text} -> {result.normalized}  (lost: {' / '.join(lost)})")
    return {
        "addresses": len(samples),
        "invented_places": invented_rows,
        "invented_share": invented_rows / len(samples) if samples else 0.0,
        "no_division": no_division,
        "no_division_ok": no_division_ok,
        "no_division_ok_share": no_division_ok / no_division if no_division else 0.0,
        "unlabelled": unlabelled,
        "spans": total,
        "spans_preserved": kept,
        "preserved_share": kept / total if total else 1.0,
        "examples": examples,
    }


def invariant_figures(addresses: Sequence[str], show: int = 0) -> dict[str, object]:
    """The preservation invariant on unlabelled addresses (see the module docstring)."""
    import addrcheck
    from addrcheck.normalized import check_invariant

    broken = 0
    removed: Counter[str] = Counter()
    examples: list[str] = []
    for address in addresses:
        result = addrcheck.parse(address)
        for removal in result.removed:
            removed[removal.why] += 1
        problem = check_invariant(result)
        if problem:
            broken += 1
            if len(examples) < show:
                examples.append(f"{address}: {problem}")
    return {
        "addresses": len(addresses),
        "invariant_broken": broken,
        "removals": dict(sorted(removed.items())),
        "examples": examples,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="*", default=[str(DEV_FILE)])
    parser.add_argument(
        "--final-test", action="store_true", help="also check the invariant on final_test.txt"
    )
    parser.add_argument("--show", type=int, default=0, help="print up to N examples of each failure")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {}
    for name in args.files:
        samples = read_samples(name)
        figures[Path(name).name] = labelled_figures(samples, args.show)
    if args.final_test:
        figures["final_test.txt"] = invariant_figures(read_unlabelled(FINAL_TEST_FILE), args.show)
    for name, table in figures.items():
        assert isinstance(table, dict)
        print(f"## {name}")
        if "invented_places" in table:
            print(
                f"invented places: {table['invented_places']}/{table['addresses']} = {table['invented_share']:.2%}"
                f" (target <= 0.5%)\n"
                f"no division, yet ok: {table['no_division_ok']}/{table['no_division']} = "
                f"{table['no_division_ok_share']:.2%} (target <= 1%; {table['unlabelled']} address(es) with no gold "
                "labels at all left out)\n"
                f"gold road/poi/community spans verbatim in normalized: {table['spans_preserved']}/"
                f"{table['spans']} = {table['preserved_share']:.2%} (target >= 99.5%)"
            )
        else:
            print(
                f"invariant broken: {table['invariant_broken']}/{table['addresses']}; removals by kind: "
                f"{table['removals']}"
            )
        examples = table.get("examples") or {}
        items = examples.items() if isinstance(examples, dict) else [("invariant", examples)]
        for kind, rows in items:
            for row in rows:
                print(f"  {kind}: {row}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
