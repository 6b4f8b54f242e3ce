"""Where addrcheck's remaining errors lie: a confusion table by cause, with examples.

Usage (from the repository root)::

    python bench/errors.py [FILE] [--limit N] [--examples 3] [--json OUT]

FILE defaults to ``../shared/data/ccks2021/train.txt``: tune on train, report on dev
(``python bench/errors.py ../shared/data/ccks2021/dev.txt``). The examples quote the labelled file, so
print them, don't commit them: the CCKS data must not be copied into this repository (``bench/results/``
is git-ignored for ``--json``).

Causes, admin levels (a resolvable gold mention the system got wrong; see :func:`admin_cause`):
missed short name / retired name / full name / unit moved since; level labelled differently; wrong value
inferred from another component; other text read as this level; retired name mapped elsewhere; same text
resolved to another unit. Causes, spans (each gold span not matched exactly, and each predicted span
not matched; see :func:`span_cause`): boundary off at the start / end / both (with the characters that
differ), label confusion (gold X read as Y), missed, spurious.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ccks import TRAIN_FILE, Sample, read_samples
from bench.gold import GoldAdmin
from bench.metrics import ALSO_COUNTED, SPAN_COMPONENTS, admin_value_right, predicted_spans
from bench.systems import Prediction

Span = tuple[int, int]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def admin_cause(gold: GoldAdmin, prediction: Prediction) -> str | None:
    """Why the system's value for a resolvable gold admin mention is wrong; None when it is right."""
    if not gold.resolved or admin_value_right(gold, prediction.admin):
        return None
    value = prediction.admin.get(gold.level)
    if value is None:
        if gold.level != gold.label_level:
            return f"missed: gold {gold.label_level} is a {gold.level}-level unit"
        if gold.how == "historical":
            return "missed: retired name"
        if gold.relaxed:
            return "missed: unit moved to another parent since"
        if gold.how == "stem":
            return "missed: short name without suffix"
        return "missed: full name"
    origins: Mapping[str, str] = prediction.extra.get("origins", {})
    span = (prediction.spans or {}).get(gold.level)
    if origins.get(gold.level) == "inferred":
        return "wrong: inferred from another component"
    if span is not None and not _overlaps(span, gold.span):
        return "wrong: other text read as this level"
    if gold.how == "historical":
        return "wrong: retired name mapped elsewhere"
    return "wrong: same text resolved to another unit"


def _boundary(gold: Span, predicted: Span, text: str) -> str:
    parts = []
    if predicted[0] != gold[0]:
        if predicted[0] < gold[0]:
            parts.append(f"start +{text[predicted[0] : gold[0]]}")
        else:
            parts.append(f"start -{text[gold[0] : predicted[0]]}")
    if predicted[1] != gold[1]:
        if predicted[1] > gold[1]:
            parts.append(f"end +{text[gold[1] : predicted[1]]}")
        else:
            parts.append(f"end -{text[predicted[1] : gold[1]]}")
    return ", ".join(parts)


def span_cause(
    label: str,
    gold: Span | None,
    predicted: Span | None,
    sample: Sample,
    spans: Mapping[str, Span],
) -> tuple[str, str]:
    """Cause of one span error: ``(cause, detail)``.

    Args:
        label: the CCKS label of the gold span, or of the component for a spurious prediction.
        gold: the unmatched gold span, or None for a spurious prediction.
        predicted: the system's span for the same component, if any.
        sample: the labelled address.
        spans: all of the system's spans by component, to find label confusions.

    Result: the cause (a small closed set, the rows of the table) and a detail (which characters).
    """
    component = SPAN_COMPONENTS[label]
    text = sample.text
    if gold is not None:
        if predicted is not None and _overlaps(predicted, gold):
            kind = "start" if predicted[1] == gold[1] else "end" if predicted[0] == gold[0] else "both ends"
            return f"{component}: boundary off at {kind}", _boundary(gold, predicted, text)
        same = (component, *ALSO_COUNTED.get(label, ()))
        others = [
            name
            for name, span in spans.items()
            if name not in same and span is not None and _overlaps(span, gold)
        ]
        if others:
            return f"{component}: gold {label} read as {others[0]}", text[gold[0] : gold[1]]
        if predicted is not None:
            return f"{component}: predicted elsewhere", text[predicted[0] : predicted[1]]
        return f"{component}: missed", text[gold[0] : gold[1]]
    assert predicted is not None
    under = [m for m in sample.mentions if _overlaps((m.start, m.end), predicted)]
    if any(m.label == label for m in under):
        return f"{component}: spurious, overlaps its own label", text[predicted[0] : predicted[1]]
    if under:
        return f"{component}: spurious on gold {under[0].label}", text[predicted[0] : predicted[1]]
    return f"{component}: spurious on unlabelled text", text[predicted[0] : predicted[1]]


def _mark(text: str, span: Span | None, left: str = "[", right: str = "]") -> str:
    if span is None:
        return text
    return text[: span[0]] + left + text[span[0] : span[1]] + right + text[span[1] :]


def analyse(
    samples: Sequence[Sample], golds: Sequence[Sequence[GoldAdmin]], predictions: Sequence[Prediction]
) -> dict[str, dict[str, list[str]]]:
    """Errors by table (``admin``, ``spans``) and cause -> example lines."""
    admin: dict[str, list[str]] = defaultdict(list)
    spans: dict[str, list[str]] = defaultdict(list)
    for sample, gold_admins, prediction in zip(samples, golds, predictions, strict=True):
        for gold in gold_admins:
            cause = admin_cause(gold, prediction)
            if cause is not None:
                value = prediction.admin.get(gold.level)
                admin[f"{gold.label_level}: {cause}"].append(
                    f"{_mark(sample.text, gold.span)} -> {value} (want {'/'.join(sorted(gold.names))})"
                )
        system_spans = {k: v for k, v in (prediction.spans or {}).items() if v is not None}
        for label in SPAN_COMPONENTS:
            gold_spans = sample.spans(label)
            competing = predicted_spans(system_spans, label)
            for gold_span in gold_spans:
                if gold_span not in competing:
                    # The prediction nearest this gold span: one that overlaps it, else the first.
                    nearest = next((p for p in competing if _overlaps(p, gold_span)), None)
                    nearest = nearest or (competing[0] if competing else None)
                    cause, detail = span_cause(label, gold_span, nearest, sample, system_spans)
                    spans[cause].append(f"{_mark(sample.text, gold_span)} | {detail}")
            for predicted in competing:
                if predicted not in gold_spans and not any(_overlaps(predicted, g) for g in gold_spans):
                    cause, detail = span_cause(label, None, predicted, sample, system_spans)
                    spans[cause].append(f"{_mark(sample.text, predicted, '<', '>')} | {detail}")
    return {"admin": dict(admin), "spans": dict(spans)}


def render(found: Mapping[str, Mapping[str, list[str]]], examples: int) -> str:
    lines: list[str] = []
    titles = {
        "admin": "Admin levels: wrong values of resolvable gold mentions ([gold mention] -> system value)",
        "spans": "Spans: gold spans not matched exactly ([gold] | detail) and spurious spans (<predicted>)",
    }
    for table, causes in found.items():
        total = sum(len(v) for v in causes.values())
        lines += [
            "",
            f"## {titles[table]}: {total}",
            "",
            "| cause | count | share | examples |",
            "|---|---|---|---|",
        ]
        for cause, items in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = "<br>".join(item.replace("|", "¦") for item in items[:examples])
            lines.append(f"| {cause} | {len(items)} | {len(items) / total:.1%} | {shown} |")
    return "\n".join(lines).lstrip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "file", nargs="?", default=str(TRAIN_FILE), help="CCKS BIOES file (default: train.txt)"
    )
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--examples", type=int, default=3, help="examples per cause")
    parser.add_argument("--json", dest="json_out", default=None, help="write every error here (not in git)")
    args = parser.parse_args(argv)

    from bench.accuracy import resolve_gold
    from bench.systems import predict_addrcheck

    samples = read_samples(args.file, args.limit)
    golds = resolve_gold(samples)
    predictions = predict_addrcheck([sample.text for sample in samples])
    found = analyse(samples, golds, predictions)
    print(f"addrcheck errors on `{Path(args.file).name}`, {len(samples)} addresses.\n")
    print(render(found, args.examples))
    if args.json_out:
        counts = {table: Counter({k: len(v) for k, v in causes.items()}) for table, causes in found.items()}
        Path(args.json_out).write_text(
            json.dumps({"counts": counts, "errors": found}, ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
