"""Reader for the CCKS 2021 address-element files (BIOES, one ``char label`` per line).

Each address is a run of lines ``<char> <label>`` ended by a blank line; labels are ``O`` or
``B-x``/``I-x``/``E-x``/``S-x`` for x in :data:`LABELS`. Digits in the text are masked to ``0``.

The files are competition data for measurement only: read them from ``../shared/data/ccks2021/`` at run
time and never copy them, or excerpts of them, into this repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Override with CCKS_DIR to run the benchmarks from a checkout elsewhere.
DATA_DIR = Path(
    os.environ.get("CCKS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data" / "ccks2021"
)
DEV_FILE = DATA_DIR / "dev.txt"
TRAIN_FILE = DATA_DIR / "train.txt"
FINAL_TEST_FILE = DATA_DIR / "final_test.txt"

LABELS: tuple[str, ...] = (
    "prov",
    "city",
    "district",
    "devzone",
    "town",
    "community",
    "village_group",
    "road",
    "roadno",
    "poi",
    "subpoi",
    "houseno",
    "cellno",
    "floorno",
    "assist",
    "distance",
    "intersection",
)
_TAGS = frozenset("BIES")


class FormatError(ValueError):
    """A line of a CCKS file is not ``<char> <label>`` with a known label; carries the line number."""

    def __init__(self, path: str, line_number: int, line: str, why: str) -> None:
        super().__init__(f"{path}:{line_number}: {why}: {line!r}")
        self.path = path
        self.line_number = line_number


@dataclass(frozen=True, slots=True)
class Mention:
    """One labelled span ``[start, end)`` of an address."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled address: its text and its gold mentions in text order."""

    text: str
    mentions: tuple[Mention, ...]
    line_number: int  # first line of the address in its file, for error reports

    def spans(self, label: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.mentions if m.label == label]

    def first(self, label: str) -> Mention | None:
        return next((m for m in self.mentions if m.label == label), None)


def mentions_from_tags(text: str, tags: list[str]) -> tuple[Mention, ...]:
    """Turn one address's BIOES tags into mentions.

    Args:
        text: the address, one character per tag.
        tags: ``O`` or ``B-x``/``I-x``/``E-x``/``S-x``.

    Result: mentions in order. Malformed runs are read leniently, the way CoNLL scorers do: an ``I``/``E``
    without an open mention of the same label starts one, a ``B`` or a label change closes the open one,
    and a mention still open at an ``O`` or at the end is closed there.
    """
    mentions: list[Mention] = []
    open_label: str | None = None
    open_start = 0

    def close(end: int) -> None:
        nonlocal open_label
        if open_label is not None:
            mentions.append(Mention(open_label, open_start, end, text[open_start:end]))
            open_label = None

    for index, tag in enumerate(tags):
        if tag == "O":
            close(index)
            continue
        prefix, label = tag[0], tag[2:]
        if prefix in "BS" or label != open_label:
            close(index)
            open_label, open_start = label, index
        if prefix in "ES":
            close(index + 1)
    close(len(tags))
    return tuple(mentions)


def parse_lines(lines: Iterable[str], path: str = "<lines>") -> Iterator[Sample]:
    """Read samples from the lines of a CCKS file.

    Errors: :class:`FormatError` for a line that is not ``<char> <label>`` or has an unknown label.
    """
    chars: list[str] = []
    tags: list[str] = []
    first_line = 1
    for line_number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if chars:
                text = "".join(chars)
                yield Sample(text, mentions_from_tags(text, tags), first_line)
                chars, tags = [], []
            first_line = line_number + 1
            continue
        # The character itself may be a space, so split on the last space only.
        char, sep, tag = line.rpartition(" ")
        if not sep or len(char) != 1:
            raise FormatError(path, line_number, line, "expected '<one character> <label>'")
        if tag != "O" and (len(tag) < 3 or tag[0] not in _TAGS or tag[1] != "-" or tag[2:] not in LABELS):
            raise FormatError(path, line_number, line, "unknown label")
        chars.append(char)
        tags.append(tag)
    if chars:
        text = "".join(chars)
        yield Sample(text, mentions_from_tags(text, tags), first_line)


def read_samples(path: str | Path = DEV_FILE, limit: int | None = None) -> list[Sample]:
    """All samples of a CCKS BIOES file (the first ``limit`` if given).

    Errors: ``OSError`` if the file cannot be read, :class:`FormatError` on a malformed line.
    """
    samples: list[Sample] = []
    with open(path, encoding="utf-8") as handle:
        for sample in parse_lines(handle, str(path)):
            if limit is not None and len(samples) >= limit:
                break
            samples.append(sample)
    return samples


def read_unlabelled(path: str | Path = FINAL_TEST_FILE, limit: int | None = None) -> list[str]:
    """Addresses of ``final_test.txt`` (``<id>\\x01<address>`` per line), in file order, duplicates kept."""
    addresses: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(addresses) >= limit:
                break
            _, _, address = line.rstrip("\r\n").partition("\x01")
            addresses.append(address)
    return addresses
