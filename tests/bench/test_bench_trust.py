"""bench/trust.py's labelled figures, on made-up samples."""

from __future__ import annotations

from bench.ccks import Mention, Sample
from bench.trust import labelled_figures


def _sample(text: str, *mentions: tuple[str, int, int]) -> Sample:
    return Sample(text, tuple(Mention(label, s, e, text[s:e]) for label, s, e in mentions), 1)


def test_no_division_counts_labelled_addresses_only() -> None:
    samples = [
        # Labelled, naming no division, and ok: counted against the target.
        _sample("浙江省杭州市西湖区文三路478号", ("road", 9, 12), ("roadno", 12, 16)),
        # Labelled, naming no division, and not ok: counted, not against it.
        _sample("文三路478号", ("road", 0, 3), ("roadno", 3, 7)),
        # No gold labels at all: says nothing, left out and counted apart.
        _sample("浙江省杭州市西湖区文三路1号"),
        # Names a division: not in the share.
        _sample("杭州市西湖区文三路1号", ("city", 0, 3), ("district", 3, 6), ("road", 6, 9)),
    ]
    figures = labelled_figures(samples)
    assert (figures["no_division"], figures["no_division_ok"], figures["unlabelled"]) == (2, 1, 1)
    assert figures["no_division_ok_share"] == 0.5
