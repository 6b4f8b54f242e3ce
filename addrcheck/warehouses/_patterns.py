"""SKU patterns (exact, prefix, glob) and the set algebra behind the configuration checks.

A rule's SKU condition is a regular language; to tell whether two rules of equal priority can match
the same SKU, or whether a rule is hidden behind a higher one, we need intersection and inclusion of
such languages, with an example SKU when the answer is "yes". Glob languages are tiny automata, so a
breadth-first search over the product of their state sets answers both exactly (and the first word found
is a shortest example).

Glob syntax (as in ``fnmatch``, but case-sensitive everywhere): ``*`` any run of characters, ``?`` one
character, ``[abc]``/``[a-z]`` one of a set, ``[!abc]`` one not in the set. ``[`` with no ``]`` is an
error (not a literal, so a typo does not silently become a pattern that never matches).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_CLASS_RANGE = 4096  # characters in one [a-z] range; larger ones are certainly typos


@dataclass(frozen=True, slots=True)
class CharSet:
    """One character position: in ``chars`` (or, if ``negated``, not in it)."""

    chars: frozenset[str]
    negated: bool = False

    def accepts(self, char: str) -> bool:
        return (char in self.chars) != self.negated


@dataclass(frozen=True, slots=True)
class Star:
    """Any run of characters, including none."""


Token = CharSet | Star
ANY_CHAR = CharSet(frozenset(), negated=True)


class PatternError(ValueError):
    """A glob that cannot be read; the message says where."""


def parse_glob(pattern: str) -> tuple[Token, ...]:
    """The tokens of a glob; raises PatternError for an unclosed ``[`` or a reversed range."""
    tokens: list[Token] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            if not tokens or not isinstance(tokens[-1], Star):
                tokens.append(Star())
            index += 1
        elif char == "?":
            tokens.append(ANY_CHAR)
            index += 1
        elif char == "[":
            charset, index = _parse_class(pattern, index)
            tokens.append(charset)
        else:
            tokens.append(CharSet(frozenset(char)))
            index += 1
    return tuple(tokens)


def _parse_class(pattern: str, start: int) -> tuple[CharSet, int]:
    index = start + 1
    negated = index < len(pattern) and pattern[index] == "!"
    if negated:
        index += 1
    chars: set[str] = set()
    first = True
    while index < len(pattern) and (pattern[index] != "]" or first):
        first = False
        if index + 2 < len(pattern) and pattern[index + 1] == "-" and pattern[index + 2] != "]":
            low, high = pattern[index], pattern[index + 2]
            if ord(high) < ord(low):
                raise PatternError(f'range "{low}-{high}" at position {index + 1} is reversed')
            if ord(high) - ord(low) >= MAX_CLASS_RANGE:
                raise PatternError(f'range "{low}-{high}" at position {index + 1} is too wide')
            chars.update(chr(code) for code in range(ord(low), ord(high) + 1))
            index += 3
        else:
            chars.add(pattern[index])
            index += 1
    if index >= len(pattern):
        raise PatternError(f'"[" at position {start + 1} is never closed')
    return CharSet(frozenset(chars), negated), index + 1


def literal(text: str) -> tuple[Token, ...]:
    return tuple(CharSet(frozenset(char)) for char in text)


def prefix(text: str) -> tuple[Token, ...]:
    return (*literal(text), Star())


def to_regex(tokens: Sequence[Token]) -> re.Pattern[str]:
    """A regex that fullmatches exactly the strings of ``tokens``, in time linear in the string's length.

    A plain translation (``*`` -> ``.*``) backtracks exponentially on globs such as ``*a*a*a*a*a*a*a*a*b``
    against ``aaaa…`` (28 s for one 60-character SKU). Every run between two stars has a fixed length,
    so taking its leftmost occurrence is never wrong (the classic wildcard-matching argument); the atomic
    group ``(?>.*?RUN)`` commits to it, and only the last star backtracks, over one run.
    """
    runs: list[list[str]] = [[]]
    for token in tokens:
        if isinstance(token, Star):
            runs.append([])
        else:
            runs[-1].append(_char_regex(token))
    head, *middle = ["".join(run) for run in runs]
    if not middle:
        return re.compile(head, re.DOTALL)
    *inner, last = middle
    parts = [head, *(f"(?>.*?{run})" for run in inner), f".*{last}"]
    return re.compile("".join(parts), re.DOTALL)


def _char_regex(token: CharSet) -> str:
    if token.negated and not token.chars:
        return "."
    body = "".join(re.escape(char) for char in sorted(token.chars))
    return f"[{'^' if token.negated else ''}{body}]"


# --- languages as automata -------------------------------------------------------------------------


class Language(Protocol):
    """A set of strings, walked one character at a time; ``weight`` is the cost of one step."""

    weight: int

    def start(self) -> Hashable: ...
    def step(self, state: Hashable, char: str) -> Hashable: ...
    def accepting(self, state: Hashable) -> bool: ...
    def alphabet(self) -> frozenset[str]: ...


class Glob:
    """The strings a token sequence matches; a state is the set of positions reached."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tuple(tokens)
        self.weight = 1

    def _close(self, positions: Iterable[int]) -> frozenset[int]:
        closed: set[int] = set()
        for position in positions:
            while position not in closed:
                closed.add(position)
                if position < len(self.tokens) and isinstance(self.tokens[position], Star):
                    position += 1
                else:
                    break
        return frozenset(closed)

    def start(self) -> Hashable:
        return self._close([0])

    def step(self, state: Hashable, char: str) -> Hashable:
        assert isinstance(state, frozenset)
        reached: list[int] = []
        for position in state:
            if position >= len(self.tokens):
                continue
            token = self.tokens[position]
            if isinstance(token, Star):
                reached.append(position)
            elif token.accepts(char):
                reached.append(position + 1)
        return self._close(reached)

    def accepting(self, state: Hashable) -> bool:
        assert isinstance(state, frozenset)
        return len(self.tokens) in state

    def alphabet(self) -> frozenset[str]:
        return frozenset().union(*(t.chars for t in self.tokens if isinstance(t, CharSet)))


class _Combined:
    def __init__(self, parts: Sequence[Language], mode: str) -> None:
        self.parts = tuple(parts)
        self.mode = mode  # "any" (union), "all" (intersection), "not" (complement of the single part)
        self.weight = sum(part.weight for part in self.parts)

    def start(self) -> Hashable:
        return tuple(part.start() for part in self.parts)

    def step(self, state: Hashable, char: str) -> Hashable:
        assert isinstance(state, tuple)
        return tuple(part.step(sub, char) for part, sub in zip(self.parts, state, strict=True))

    def accepting(self, state: Hashable) -> bool:
        assert isinstance(state, tuple)
        results = [part.accepting(sub) for part, sub in zip(self.parts, state, strict=True)]
        if self.mode == "any":
            return any(results)
        if self.mode == "all":
            return all(results)
        return not results[0]

    def alphabet(self) -> frozenset[str]:
        return frozenset().union(*(part.alphabet() for part in self.parts))


def union(parts: Sequence[Language]) -> Language:
    return _Combined(parts, "any")


def intersection(parts: Sequence[Language]) -> Language:
    return _Combined(parts, "all")


def complement(part: Language) -> Language:
    return _Combined([part], "not")


NON_EMPTY: Language = Glob((ANY_CHAR, Star()))  # a SKU has at least one character


class PatternBudgetError(PatternError):
    """The analysis needed more work than its budget allows (see ``Budget``)."""


class Budget:
    """Work allowed to ``example`` calls, shared by every call of one configuration check.

    One unit is one automaton step of one glob (about a microsecond). Without a bound, a file of a few
    hundred glob rules costs minutes of CPU: the checks compare every pair of rules.
    """

    def __init__(self, units: int) -> None:
        self.remaining = units

    def spend(self, units: int) -> None:
        self.remaining -= units
        if self.remaining < 0:
            raise PatternBudgetError("the SKU patterns are too many or too complex to compare")


DEFAULT_BUDGET_UNITS = 300_000


def _stand_ins() -> Iterable[str]:
    yield from "x0_"
    yield from (chr(code) for code in range(0xE000, 0xF900))  # private use: never in a real SKU


def example(language: Language, budget: Budget | None = None) -> str | None:
    """A shortest string in ``language``, or None if it is empty.

    Characters not named by any pattern all behave alike, so one stand-in ("other") represents them.
    Errors: ``PatternBudgetError`` when the search would spend more than ``budget`` (default: a fresh
    ``Budget(DEFAULT_BUDGET_UNITS)``).
    """
    budget = budget if budget is not None else Budget(DEFAULT_BUDGET_UNITS)
    named = language.alphabet()
    other = next(char for char in _stand_ins() if char not in named)
    letters = sorted(named | {other})
    cost = len(letters) * language.weight
    start = language.start()
    queue: deque[tuple[Hashable, str]] = deque([(start, "")])
    seen = {start}
    while queue:
        state, word = queue.popleft()
        if language.accepting(state):
            return word
        budget.spend(cost)
        for char in letters:
            following = language.step(state, char)
            if following not in seen:
                seen.add(following)
                queue.append((following, word + char))
    return None
