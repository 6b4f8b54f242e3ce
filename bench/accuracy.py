"""Accuracy of addrcheck, cpca and jionlp on a CCKS 2021 labelled file.

Usage (from the repository root)::

    python bench/accuracy.py [FILE] [--limit N] [--systems addrcheck,cpca,jionlp] [--json OUT]

FILE defaults to ``../shared/data/ccks2021/dev.txt``. Prints Markdown tables: (a) admin value accuracy per
level for each system, and for addrcheck once the first candidate of each UNCONFIRMED_REGION is confirmed
(what a user who accepts the suggestion gets), (b) exact-span precision/recall/F1 per component (addrcheck only: the peers give
no spans), (c) per-address exact match of all admin levels. Metric definitions: ``bench/metrics.py`` and
``bench/README.md``. Exit code 0, or 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ccks import DEV_FILE, Sample, read_samples
from bench.gold import (
    ADMIN_LEVELS,
    GoldAdmin,
    GoldResolver,
    gold_admin_mentions,
    load_retired_names,
    load_transfers,
    project_divisions,
)
from bench.metrics import SPAN_COMPONENTS, AdminTally, SpanCounts, predicted_spans, span_counts
from bench.systems import PREDICTORS, SYSTEMS, Prediction


def resolve_gold(samples: Sequence[Sample], resolver: GoldResolver | None = None) -> list[list[GoldAdmin]]:
    """Gold admin mentions of every sample, resolved against the project's gazetteer."""
    if resolver is None:
        resolver = GoldResolver(project_divisions(), load_retired_names(), load_transfers())
    return [resolver.resolve(gold_admin_mentions(sample.mentions)) for sample in samples]


def score_spans(samples: Sequence[Sample], predictions: Sequence[Prediction]) -> dict[str, SpanCounts]:
    """Exact-span counts per component (keys: addrcheck component names, plus ``micro``)."""
    counts = {component: SpanCounts() for component in SPAN_COMPONENTS.values()}
    for sample, prediction in zip(samples, predictions, strict=True):
        spans = prediction.spans or {}
        for label, component in SPAN_COMPONENTS.items():
            counts[component].add(span_counts(sample.spans(label), predicted_spans(spans, label)))
    micro = SpanCounts()
    for value in counts.values():
        micro.add(value)
    counts["micro"] = micro
    return counts


def score_admin(golds: Sequence[Sequence[GoldAdmin]], predictions: Sequence[Prediction]) -> AdminTally:
    tally = AdminTally()
    for gold, prediction in zip(golds, predictions, strict=True):
        tally.add(gold, prediction.admin)
    return tally


def _share(value: float | None) -> str:
    return "none" if value is None else f"{value:.3f}"


def render(
    path: str,
    count: int,
    tallies: dict[str, AdminTally],
    spans: dict[str, SpanCounts] | None,
    seconds: dict[str, float],
) -> str:
    lines = [f"Accuracy on `{Path(path).name}`, {count} addresses.", ""]
    lines.append("(a) Admin value accuracy: share of resolvable gold mentions resolved to the right unit")
    lines.append("")
    lines.append(
        "| system | province | city | district | town | all admin exact | exact w/o town | seconds |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for system, tally in tallies.items():
        data = tally.to_dict()
        exact, exact_upper = data["exact_match"], data["exact_match_without_town"]
        cells = [_share(tally.share(level)) for level in ADMIN_LEVELS]
        # A system with no town output gets "none" for town, as in the baseline.
        if tally.right["town"] == 0 and system == "cpca":
            cells[3] = "none"
        lines.append(
            f"| {system} | {' | '.join(cells)} | {_share(exact)} | "  # type: ignore[arg-type]
            f"{_share(exact_upper)} | {seconds[system]:.1f} |"  # type: ignore[arg-type]
        )
    any_tally = next(iter(tallies.values()))
    lines.append("")
    lines.append(
        "Gold mentions per level (resolvable / unresolvable): "
        + ", ".join(f"{lv} {any_tally.total[lv]}/{any_tally.unresolved[lv]}" for lv in ADMIN_LEVELS)
        + f"; addresses with admin mentions: {any_tally.addresses}."
    )
    lines.append("")
    lines.append("(b) Exact-span precision / recall / F1 (gold label -> component)")
    lines.append("")
    systems = [system for system in tallies if system in PREDICTORS]
    lines.append("| component | gold | " + " | ".join(systems) + " |")
    lines.append("|---|---|" + "---|" * len(systems))
    labels = {component: label for label, component in SPAN_COMPONENTS.items()}
    labels["micro"] = "all above"
    for component in [*SPAN_COMPONENTS.values(), "micro"]:
        cells = []
        for system in systems:
            if system == "addrcheck" and spans is not None:
                c = spans[component]
                cells.append(f"{c.precision:.3f} / {c.recall:.3f} / **{c.f1:.3f}**")
            else:
                cells.append("n/a")
        lines.append(f"| {component} | {labels[component]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# addrcheck's admin values once the user confirms what UNCONFIRMED_REGION asks about (its first
# candidate): a reading on weak evidence is not taken, only offered, and this row counts the offer.
CONFIRMED = "addrcheck, first UNCONFIRMED_REGION candidate confirmed"


def confirmed(prediction: Prediction) -> Prediction:
    """``prediction`` with its admin values from the first candidate where addrcheck asked to confirm."""
    result = prediction.extra.get("result")
    if result is None or "UNCONFIRMED_REGION" not in result.reason_codes or not result.candidates:
        return prediction
    first = result.candidates[0]
    admin = {level: getattr(first, level) for level in ADMIN_LEVELS}
    return Prediction({**admin, **{k: v for k, v in prediction.admin.items() if v}}, prediction.spans)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEV_FILE), help="CCKS BIOES file (default: dev.txt)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N addresses")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help="comma-separated subset of " + ",".join(SYSTEMS)
    )
    parser.add_argument("--json", dest="json_out", default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    systems = [s for s in args.systems.split(",") if s]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")

    samples = read_samples(args.file, args.limit)
    texts = [sample.text for sample in samples]
    golds = resolve_gold(samples)
    tallies: dict[str, AdminTally] = {}
    seconds: dict[str, float] = {}
    spans: dict[str, SpanCounts] | None = None
    for system in systems:
        started = time.perf_counter()
        predictions = PREDICTORS[system](texts)
        seconds[system] = time.perf_counter() - started
        tallies[system] = score_admin(golds, predictions)
        if system == "addrcheck":
            spans = score_spans(samples, predictions)
            seconds[CONFIRMED] = seconds[system]
            tallies[CONFIRMED] = score_admin(golds, [confirmed(p) for p in predictions])
    print(render(args.file, len(samples), tallies, spans, seconds))
    if args.json_out:
        document = {
            "file": str(args.file),
            "addresses": len(samples),
            "admin": {system: tally.to_dict() for system, tally in tallies.items()},
            "spans": {"addrcheck": {k: v.to_dict() for k, v in spans.items()}} if spans else {},
            "seconds": {k: round(v, 2) for k, v in seconds.items()},
        }
        Path(args.json_out).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
