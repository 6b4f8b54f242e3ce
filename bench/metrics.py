"""Metric functions of the accuracy benchmark, free of any system or data file so they can be tested alone.

Definitions (also in ``bench/README.md``):

* **Admin value accuracy** of a level: over the gold mentions of that level that resolve to at least one
  unit (:mod:`bench.gold`), the share for which the system's value at the resolved level is one of the
  mention's acceptable names. Unresolvable gold mentions (typos such as 温卅市, units that no longer exist
  at that level such as 龙港镇) are counted apart and left out of the share.
* **Exact-span P/R/F1** of a component: a predicted span counts only if ``[start, end)`` equals a gold span
  of the matching label in the same address. Precision = TP / predicted, recall = TP / gold, F1 their
  harmonic mean; 0 when undefined. The micro average sums TP/FP/FN over the listed components.
* **Admin exact match** of an address: every resolvable gold admin mention of the address is right.
  Addresses with no resolvable admin mention are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bench.gold import ADMIN_LEVELS, GoldAdmin

Span = tuple[int, int]

# CCKS label -> addrcheck component, for the exact-span comparison.
SPAN_COMPONENTS: Mapping[str, str] = {
    "road": "road",
    "roadno": "road_number",
    "poi": "poi",
    "houseno": "building",
    "cellno": "unit",
    "floorno": "floor",
    "community": "community",
    "devzone": "devzone",
    "town": "town",
    "district": "district",
    "city": "city",
    "prov": "province",
}
# Further components whose spans also count for a label: CCKS labels every road of an address `road`, the
# cross street of an intersection (A路与B路交叉口) and a lane off the road (永新街一巷) too.
ALSO_COUNTED: Mapping[str, tuple[str, ...]] = {"road": ("second_road",)}


def predicted_spans(spans: Mapping[str, Span], label: str) -> list[Span]:
    """The system's spans that compete for a gold label: its component's, then those ALSO_COUNTED."""
    names = (SPAN_COMPONENTS[label], *ALSO_COUNTED.get(label, ()))
    return [spans[name] for name in names if name in spans]


@dataclass(slots=True)
class SpanCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: SpanCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def span_counts(gold: Iterable[Span], predicted: Iterable[Span]) -> SpanCounts:
    """TP/FP/FN of one address and one component; duplicate spans count once."""
    gold_set, predicted_set = set(gold), set(predicted)
    hits = len(gold_set & predicted_set)
    return SpanCounts(hits, len(predicted_set) - hits, len(gold_set) - hits)


def admin_value_right(gold: GoldAdmin, system_values: Mapping[str, str | None]) -> bool:
    """Whether the system's value at the gold mention's resolved level is one of its acceptable names."""
    value = system_values.get(gold.level)
    return value is not None and value in gold.names


@dataclass(slots=True)
class AdminTally:
    """Admin value accuracy counters of one system, per labelled level."""

    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADMIN_LEVELS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADMIN_LEVELS, 0))
    unresolved: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADMIN_LEVELS, 0))
    addresses: int = 0  # addresses with at least one resolvable admin mention
    exact: int = 0  # ... whose every resolvable admin mention is right
    exact_without_town: int = 0  # ... the same over province, city and district mentions only
    addresses_without_town: int = 0

    def add(self, golds: Iterable[GoldAdmin], system_values: Mapping[str, str | None]) -> list[bool]:
        """Count one address; returns right/wrong per resolvable mention, in order."""
        verdicts: list[bool] = []
        upper: list[bool] = []
        for gold in golds:
            if not gold.resolved:
                self.unresolved[gold.label_level] += 1
                continue
            right = admin_value_right(gold, system_values)
            verdicts.append(right)
            self.total[gold.label_level] += 1
            self.right[gold.label_level] += right
            if gold.label_level != "town":
                upper.append(right)
        if verdicts:
            self.addresses += 1
            self.exact += all(verdicts)
        if upper:
            self.addresses_without_town += 1
            self.exact_without_town += all(upper)
        return verdicts

    def share(self, level: str) -> float | None:
        return self.right[level] / self.total[level] if self.total[level] else None

    def to_dict(self) -> dict[str, object]:
        return {
            "levels": {
                level: {
                    "right": self.right[level],
                    "total": self.total[level],
                    "share": None
                    if self.total[level] == 0
                    else round(self.right[level] / self.total[level], 4),
                    "unresolved_gold": self.unresolved[level],
                }
                for level in ADMIN_LEVELS
            },
            "addresses": self.addresses,
            "exact_match": round(self.exact / self.addresses, 4) if self.addresses else None,
            "addresses_without_town": self.addresses_without_town,
            "exact_match_without_town": (
                round(self.exact_without_town / self.addresses_without_town, 4)
                if self.addresses_without_town
                else None
            ),
        }
