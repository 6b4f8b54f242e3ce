"""The glob algebra behind the overlap and never-matches checks."""

from __future__ import annotations

import pytest

from addrcheck.warehouses import _patterns as p


def glob(text: str) -> p.Glob:
    return p.Glob(p.parse_glob(text))


@pytest.mark.parametrize(
    ("first", "second", "example"),
    [
        ("A-*", "*-1", "A-1"),
        ("A-*", "B-*", None),
        ("A-[0-4]*", "A-[5-9]*", None),
        ("A-[!0-4]", "A-[3-6]", "A-5"),
        ("?", "??", None),
        ("*X*", "Y*", "YX"),
        ("GZ-*-[0-9][0-9]", "GZ-SHOE-*", "GZ-SHOE-00"),
    ],
)
def test_intersection_example(first: str, second: str, example: str | None) -> None:
    found = p.example(p.intersection([p.NON_EMPTY, glob(first), glob(second)]))
    assert found == example
    if found is not None:
        assert p.to_regex(p.parse_glob(first)).fullmatch(found)
        assert p.to_regex(p.parse_glob(second)).fullmatch(found)


@pytest.mark.parametrize(
    ("inner", "outer", "contained"),
    [("A-7", "A-*", True), ("A-*", "A-7", False), ("A-[0-9]", "A-?", True), ("A?", "A[!x]", False)],
)
def test_inclusion(inner: str, outer: str, contained: bool) -> None:
    leftover = p.example(p.intersection([glob(inner), p.complement(glob(outer))]))
    assert (leftover is None) == contained


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("A[12", '"[" at position 2 is never closed'),
        ("[z-a]", 'range "z-a" at position 2 is reversed'),
        ("[\u0000-\uffff]", 'range "\u0000-\uffff" at position 2 is too wide'),
    ],
)
def test_bad_globs(pattern: str, message: str) -> None:
    with pytest.raises(p.PatternError) as caught:
        p.parse_glob(pattern)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("A[]x]", ["A]", "Ax"], ["A[", "A"]),
        ("a.b*", ["a.b", "a.bc"], ["axb"]),
        ("[!a]", ["b", "*"], ["a", ""]),
    ],
)
def test_regex_agrees_with_pattern(pattern: str, matches: list[str], misses: list[str]) -> None:
    regex = p.to_regex(p.parse_glob(pattern))
    assert [bool(regex.fullmatch(m)) for m in matches] == [True] * len(matches)
    assert [bool(regex.fullmatch(m)) for m in misses] == [False] * len(misses)
