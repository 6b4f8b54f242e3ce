"""Find the administrative units an address names: province, city, county level and township.

Every name in the gazetteer (official, short, alias, retired) is found in one Aho-Corasick pass. Each
reading of each name is a node; the answer is the best *chain*: nodes left to right, each one inside the
one before, scored so that official names beat short ones, adjacent mentions beat scattered ones, and
short names count only where an address would use them (at its start, or right after their parent).

Ties are never settled silently:
- best chains over the same text that name different units -> ambiguous, every reading a candidate
  (朝阳区 alone: 北京 or 长春);
- best chains over different text -> the mentions contradict each other -> inconsistent (杭州市婺城区);
- an official name next to the chain that the chain could not take -> inconsistent (西湖区城东街道).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from addrcheck.gazetteer import KIND_ALIAS, KIND_FULL, KIND_HISTORICAL, Gazetteer, NameEntry
from addrcheck.text import SEPARATORS

PROVINCE, CITY, DISTRICT, TOWN = 0, 1, 2, 3

# A place name followed by one of these is the name of a road, not a division (北京中路, 重庆路, 中山大道).
_ROAD_AFTER = re.compile(r"(?:[东西南北中]?(?:路|街(?!道)|大道|大街|巷|胡同|道(?!办)|弄|里[0-9])|[0-9一二三四五六七八九十]{1,2}[路街巷])")
# How many same-named townships a bare township name may stand for before it tells us nothing.
_MAX_TOWN_READINGS = 4
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Node:
    start: int
    end: int
    entry: NameEntry
    score: float

    @property
    def code(self) -> str:
        return self.entry.code


@dataclass(slots=True)
class AdminMatch:
    """What the admin pass found: the chosen chain, any other equally good readings, and conflicts."""

    chain: list[Node] = field(default_factory=list)
    alternatives: list[list[Node]] = field(default_factory=list)  # other chains over the same text
    conflicts: list[Node] = field(default_factory=list)  # official names the chain contradicts
    repeats: list[tuple[int, int]] = field(default_factory=list)  # 浙江省浙江省: the second one

    @property
    def end(self) -> int:
        return self.chain[-1].end if self.chain else 0

    @property
    def start(self) -> int:
        return self.chain[0].start if self.chain else 0


def _base_score(entry: NameEntry, length: int) -> float:
    if entry.kind == KIND_FULL:
        return 3.0 + 0.5 * length
    if entry.kind == KIND_HISTORICAL:
        return 2.5 + 0.4 * length
    return 2.0 + 0.3 * length


class _Gaps:
    """Counts the characters between two positions that are not free (separators, claimed, repeats)."""

    __slots__ = ("_cumulative",)

    def __init__(self, free: list[bool]) -> None:
        cumulative = [0]
        for is_free in free:
            cumulative.append(cumulative[-1] + (0 if is_free else 1))
        self._cumulative = cumulative

    def __call__(self, start: int, end: int) -> int:
        return self._cumulative[end] - self._cumulative[start] if end > start else 0


def match_admin(text: str, gazetteer: Gazetteer, *, blocked: list[bool]) -> AdminMatch:
    """Find the division chain in folded ``text``; ``blocked[i]`` marks characters already claimed."""
    free = [ch in SEPARATORS or blocked[i] for i, ch in enumerate(text)]
    raw: list[tuple[int, int, str, tuple[NameEntry, ...]]] = []
    for last, (key, entries) in gazetteer.automaton.iter(text):
        start = last - len(key) + 1
        end = last + 1
        if any(blocked[start:end]):
            continue
        if _ROAD_AFTER.match(text, end) and not any(e.level == TOWN and e.kind == KIND_FULL for e in entries):
            continue
        raw.append((start, end, key, entries))
    result = AdminMatch()
    if not raw:
        return result

    # 浙江省浙江省: a name repeated right after itself is a paste error; its second copy costs nothing.
    raw.sort(key=lambda m: (m[0], -m[1]))
    kept: list[tuple[int, int, str, tuple[NameEntry, ...]]] = []
    for match in raw:
        start, end, key, _ = match
        previous = next((m for m in reversed(kept) if m[2] == key and m[1] <= start), None)
        if previous is not None and all(free[previous[1] : start]):
            result.repeats.append((start, end))
            for i in range(start, end):
                free[i] = True
            continue
        kept.append(match)

    present: set[str] = set()
    for _, _, _, entries in kept:
        for entry in entries:
            if entry.level < TOWN:
                present.add(entry.code)
                present.update(gazetteer.ancestors[entry.code])

    nodes: list[Node] = []
    for start, end, _, entries in kept:
        towns = [e for e in entries if e.level == TOWN]
        for entry in entries:
            if entry.level == TOWN:
                has_parent = any(a in present for a in gazetteer.ancestors[entry.code])
                if not has_parent and (entry.kind != KIND_FULL or len(towns) > _MAX_TOWN_READINGS):
                    continue
            nodes.append(Node(start, end, entry, _base_score(entry, end - start)))
    if not nodes:
        return result
    nodes.sort(key=lambda n: (n.end, n.start))
    gaps = _Gaps(free)

    best: list[float] = []
    back: list[list[int]] = []
    for i, node in enumerate(nodes):
        lead = gaps(0, node.start)
        if node.entry.kind == KIND_FULL:
            own = node.score - 0.3 * lead
        else:
            own = node.score - (2.0 + 0.5 * lead if lead else 0.0)
        if node.entry.level == TOWN and node.entry.kind != KIND_FULL:
            own = float("-inf")  # a short township name means nothing without its county before it
        top, parents = own, []
        ancestors = gazetteer.ancestors[node.code]
        for j in range(i):
            previous = nodes[j]
            if previous.end > node.start or previous.code not in ancestors or best[j] == float("-inf"):
                continue
            if node.entry.level == TOWN and node.entry.kind != KIND_FULL and previous.entry.level == PROVINCE:
                continue  # a short township name right after a province (浙江省鼓楼) is a coincidence
            gap = gaps(previous.end, node.start)
            if gap and node.entry.kind != KIND_FULL:
                continue  # short names must follow their parent directly (杭州余杭, not 杭州...余杭)
            candidate = best[j] + node.score - (1.0 + 0.5 * gap if gap else 0.0)
            if candidate > top + _EPSILON:
                top, parents = candidate, [j]
            elif abs(candidate - top) <= _EPSILON and parents:
                parents.append(j)
        best.append(top)
        back.append(parents)

    top_score = max(best)
    if top_score <= 0:
        return result
    finals = [i for i, score in enumerate(best) if abs(score - top_score) <= _EPSILON]
    chains = []
    for final in finals:
        chain = [final]
        while back[chain[-1]]:
            chain.append(back[chain[-1]][0])
        chains.append([nodes[k] for k in reversed(chain)])
    # Prefer the reading that reaches deepest, then the one that starts earliest.
    chains.sort(key=lambda c: (-gazetteer.level_of[c[-1].code], c[0].start))
    result.chain = chains[0]
    spans = [(n.start, n.end) for n in result.chain]
    for chain in chains[1:]:
        if [(n.start, n.end) for n in chain] == spans:
            result.alternatives.append(chain)
        else:
            result.conflicts.extend(n for n in chain if (n.start, n.end) not in spans)
    _find_conflicts(result, kept, gaps, gazetteer)
    return result


def _find_conflicts(
    result: AdminMatch,
    matches: list[tuple[int, int, str, tuple[NameEntry, ...]]],
    gaps: _Gaps,
    gazetteer: Gazetteer,
) -> None:
    """Full names (current or retired) touching the chain that the chain does not contain contradict it."""
    chain = result.chain
    used = [(n.start, n.end) for n in chain]
    codes = {n.code for n in chain} | {a for n in chain for a in gazetteer.ancestors[n.code]}
    seen = {(n.start, n.end) for n in result.conflicts}
    for start, end, _, entries in matches:
        if any(s < end and start < e for s, e in used) or (start, end) in seen:
            continue
        if any(e.code in codes for e in entries):
            if any(e.kind != KIND_ALIAS for e in entries):
                result.repeats.append((start, end))  # the chain's own unit named again later (浙江省...浙江省)
            continue
        inside = chain[0].start < start < chain[-1].end
        # Full or retired names next to the chain contradict it; a short name only where divisions are
        # written, between two of the chain's own (浙江，金华，五常街道: 五常 is in 杭州).
        official = [e for e in entries if e.kind != KIND_ALIAS]
        touches = any((start >= e and gaps(e, start) == 0) or (s >= end and gaps(end, s) == 0) for s, e in used)
        leads = end <= chain[0].start and gaps(end, chain[0].start) == 0
        if (official and (touches or inside)) or (not official and (inside or leads)):
            result.conflicts.append(Node(start, end, (official or list(entries))[0], 0.0))
            seen.add((start, end))


__all__ = ["KIND_ALIAS", "KIND_HISTORICAL", "AdminMatch", "Node", "match_admin"]
