"""Resolve gold admin mentions (``余杭``, ``绍兴县``, ``乔司街道``) to the set of units they can name today.

A gold mention of level L (province, city, district, town) is looked up among the gazetteer's units by
its full name, its short name, and its stem (the name without a level suffix such as 区/县/市/镇/街道);
a name retired since 1981 (绍兴县, 富阳市, 江干区, 襄樊) maps to the unit(s) that took over its area on
the day it was retired, followed forward to today's codes (history from yescallop/areacodes).
Candidates are then constrained by the nearest higher gold mention of each level in the same address:
a candidate must lie inside one of their units. When nothing survives, today's names at the labelled
level may drop constraints from the lowest up, never the topmost (a town the gold puts under 余杭区 now
lies in 临平区, split off in 2021); a mention that still matches nothing is tried as a retired name, then
at the adjacent levels (仙桃市 labelled ``city`` is a county-level unit), and is otherwise ``unresolved``.

A system's value for a level is right when it equals the full name of one acceptable unit, or the full
historical name the mention was resolved through (a peer with older data may answer 江干区). For the
municipalities, the province's name is also a name of its city-level unit (北京市 for 1101).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ADMIN_LEVELS: tuple[str, ...] = ("province", "city", "district", "town")
# CCKS label -> addrcheck level
GOLD_ADMIN_LABELS: Mapping[str, str] = {
    "prov": "province",
    "city": "city",
    "district": "district",
    "town": "town",
}
MUNICIPALITY_CODES = frozenset({"11", "12", "31", "50"})

# Longest first. 区 is a suffix of 新区/城区 etc.; a stem must keep at least two characters (和县 stays 和县).
_SUFFIXES: tuple[str, ...] = (
    "街道办事处",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "街道办",
    "街道",
    "地区",
    "新区",
    "林区",
    "特区",
    "矿区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "州",
    "镇",
    "乡",
)

REPO_ROOT = Path(__file__).resolve().parents[1]
HISTORY_CANDIDATES: tuple[Path, ...] = (
    REPO_ROOT / "data" / "sources" / "history" / "yescallop" / "result.csv",
    REPO_ROOT / "data" / "sources" / "yescallop" / "result.csv",
    REPO_ROOT.parent / "shared" / "data" / "divisions" / "history" / "yescallop" / "result.csv",
)


class DivisionLike(Protocol):
    """What the resolver needs of ``addrcheck.gazetteer.Division``."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def short_name(self) -> str | None: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_code(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RetiredName:
    """A division name no longer in use and the codes of today's units that took over its area."""

    name: str
    level: str  # province / city / district
    province: str  # full province name at the time
    successors: tuple[str, ...]  # today's codes (gazetteer form: 2/4/6 digits)


@dataclass(frozen=True, slots=True)
class GoldAdmin:
    """One gold admin mention and the units it can name.

    ``level`` is the level compared (normally the labelled one); ``how`` is ``name``, ``stem``,
    ``historical`` or ``unresolved``; ``relaxed`` counts the higher constraints dropped to find it.
    """

    label_level: str
    level: str
    text: str
    span: tuple[int, int]
    codes: frozenset[str]
    names: frozenset[str]
    how: str
    relaxed: int

    @property
    def resolved(self) -> bool:
        return bool(self.codes)


def stem(name: str) -> str:
    """``name`` without its level suffix, if at least two characters remain (余杭区 -> 余杭, 和县 -> 和县)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _gazetteer_code(code6: str) -> str:
    """A 6-digit code in the gazetteer's form: 2 digits for a province, 4 for a prefecture, else 6."""
    if code6.endswith("0000"):
        return code6[:2]
    if code6.endswith("00"):
        return code6[:4]
    return code6


class GoldResolver:
    """Resolves the admin mentions of one gold address at a time (see the module docstring).

    Args:
        divisions: every unit of the gazetteer (all four levels).
        retired: retired names (:func:`load_retired_names`); empty to use current names only.
    """

    def __init__(
        self,
        divisions: Iterable[DivisionLike],
        retired: Iterable[RetiredName] = (),
        transfers: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        # A county still in use that handed land to a neighbour (鄞州区 -> 海曙区 in 2016): addresses written
        # before the change name the old county, so the neighbour is an acceptable reading of its name too.
        self._transfers = {code: set(targets) for code, targets in (transfers or {}).items()}
        self._by_code: dict[str, DivisionLike] = {}
        self._by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        for division in divisions:
            self._by_code[division.code] = division
            for key in {division.name, division.short_name, stem(division.name)}:
                if key:
                    self._by_key[(division.level, key)].add(division.code)
        for code, division in self._by_code.items():
            # A municipality's city-level unit (NBS: 市辖区) is named like its province (上海市 -> 3101).
            province = self._by_code.get(code[:2])
            if division.level == "city" and code[:2] in MUNICIPALITY_CODES and province is not None:
                for key in {province.name, province.short_name}:
                    if key:
                        self._by_key[("city", key)].add(code)
        self._retired: dict[tuple[str, str], list[RetiredName]] = defaultdict(list)
        for record in retired:
            successors = tuple(code for code in record.successors if code in self._by_code)
            if not successors:
                continue
            record = RetiredName(record.name, record.level, record.province, successors)
            for key in {record.name, stem(record.name)}:
                self._retired[(record.level, key)].append(record)

    def division(self, code: str) -> DivisionLike | None:
        return self._by_code.get(code)

    def ancestors(self, code: str) -> list[str]:
        """Codes of the unit and all its parents, nearest first."""
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            division = self._by_code.get(current)
            current = division.parent_code if division else None
        return chain

    def names_of(self, code: str) -> set[str]:
        division = self._by_code[code]
        names = {division.name}
        if division.level == "city" and code[:2] in MUNICIPALITY_CODES:
            province = self._by_code.get(code[:2])
            if province is not None:
                names.add(province.name)
        return names

    def _current(self, level: str, text: str) -> tuple[set[str], set[str], str]:
        codes: set[str] = set()
        for key in (text, stem(text)):
            codes |= self._by_key.get((level, key), set())
        how = "name" if text in {self._by_code[c].name for c in codes} else "stem"
        return codes, set(), how

    def _historical(self, level: str, text: str) -> tuple[set[str], set[str], str]:
        codes: set[str] = set()
        names: set[str] = set()
        for key in (text, stem(text)):
            for record in self._retired.get((level, key), ()):
                codes.update(record.successors)
                names.add(record.name)
        return codes, names, "historical"

    def resolve(self, mentions: Sequence[tuple[str, str, tuple[int, int]]]) -> list[GoldAdmin]:
        """Resolve one address's admin mentions.

        Args:
            mentions: ``(level, text, span)`` for each gold admin mention, in text order; level is one of
                :data:`ADMIN_LEVELS`.

        Result: one :class:`GoldAdmin` per mention, same order. Never raises for unknown names: those come
        back with ``how == "unresolved"`` and empty ``codes``.
        """
        order = {level: rank for rank, level in enumerate(ADMIN_LEVELS)}
        resolved: list[GoldAdmin] = []
        latest: dict[str, GoldAdmin] = {}  # the nearest resolved mention of each level so far
        for level, text, span in mentions:
            result = self._resolve_one(level, text, span, latest, order)
            resolved.append(result)
            if result.resolved:
                latest[result.level] = result
        return resolved

    def _resolve_one(
        self,
        level: str,
        text: str,
        span: tuple[int, int],
        latest: Mapping[str, GoldAdmin],
        order: Mapping[str, int],
    ) -> GoldAdmin:
        rank = order[level]
        adjacent = [ADMIN_LEVELS[r] for r in (rank + 1, rank - 1) if 0 <= r < len(ADMIN_LEVELS)]
        # (level, finder, may relax): today's names at the labelled level first and the only source allowed
        # to drop constraints; a retired name or the adjacent level must fit the address as it stands.
        plans = [(level, self._current, True), (level, self._historical, False)]
        plans += [(other, self._current, False) for other in adjacent]
        for try_level, finder, may_relax in plans:
            codes, extra_names, how = finder(try_level, text)
            if not codes:
                continue
            constraints = [latest[h] for h in ADMIN_LEVELS[: order[try_level]] if h in latest]
            # Never drop the topmost constraint: a name found only in another province is not this one.
            for dropped in range(max(1, len(constraints)) if may_relax else 1):
                active = constraints[: len(constraints) - dropped]
                kept = {c for c in codes if all(set(self.ancestors(c)) & g.codes for g in active)}
                if kept and finder == self._current:
                    kept |= {t for c in kept for t in self._transfers.get(c, ()) if t in self._by_code}
                if kept:
                    names = set(extra_names)
                    for code in kept:
                        names |= self.names_of(code)
                    return GoldAdmin(
                        level, try_level, text, span, frozenset(kept), frozenset(names), how, dropped
                    )
        return GoldAdmin(level, level, text, span, frozenset(), frozenset(), "unresolved", 0)


def load_transfers(path: str | Path | None = None) -> dict[str, set[str]]:
    """Counties in use that gave land to another since 1981: ``{code: {receiving codes}}`` (gazetteer form).

    From yescallop/areacodes ``result.csv``: the bracketed new codes (``330203[2016]``) on rows in use.
    """
    if path is None:
        path = next((p for p in HISTORY_CANDIDATES if p.exists()), HISTORY_CANDIDATES[-1])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    transfers: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["状态"] != "在用" or row["级别"] != "县级":
            continue
        for item in filter(None, row["新代码"].split(";")):
            code, _, year = item.partition("[")
            if year and code != row["代码"]:
                transfers[_gazetteer_code(row["代码"])].add(_gazetteer_code(code))
    return dict(transfers)


def load_retired_names(path: str | Path | None = None) -> list[RetiredName]:
    """Retired province/prefecture/county names from yescallop/areacodes ``result.csv``.

    Args:
        path: the CSV; default: the project's copy under ``data/`` if present, else the shared one.

    Result: one record per retired (弃用) or renamed (变更) unit whose name differs from today's, with
    the 6-digit successor codes followed forward to units that are in use; codes are converted to the
    gazetteer's 2/4/6-digit forms. Partial transfers made while the unit still existed (``code[year]``
    with a year before its end) are not successors of its name.

    Errors: ``FileNotFoundError`` when no CSV is found.
    """
    if path is None:
        path = next((p for p in HISTORY_CANDIDATES if p.exists()), HISTORY_CANDIDATES[-1])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    level_of = {"省级": "province", "地级": "city", "县级": "district"}
    by_code: dict[str, list[dict[str, str]]] = defaultdict(list)
    in_use: dict[str, str] = {}
    for row in rows:
        by_code[row["代码"]].append(row)
        if row["状态"] == "在用":
            in_use[row["代码"]] = row["名称"]

    def direct_successors(row: dict[str, str]) -> list[tuple[str, int]]:
        end = int(row["变更/弃用时间"] or 9999)
        found: list[tuple[str, int]] = []
        if row["状态"] == "变更":
            found.append((row["代码"], end))
        for item in filter(None, row["新代码"].split(";")):
            code, _, year = item.partition("[")
            when = int(year.rstrip("]")) if year else end
            if when >= end:
                found.append((code, when))
        return found

    def follow(code: str, year: int) -> set[str]:
        """Today's codes for the unit that had ``code`` in ``year`` (years only grow, so this ends)."""
        if any(r["状态"] == "在用" and int(r["启用时间"]) <= year for r in by_code.get(code, [])):
            return {code}
        result: set[str] = set()
        for row in by_code.get(code, []):
            if row["状态"] != "在用" and int(row["启用时间"]) <= year < int(row["变更/弃用时间"] or 9999):
                for successor, when in direct_successors(row):
                    result |= follow(successor, when)
        return result

    records: list[RetiredName] = []
    for row in rows:
        if row["状态"] == "在用" or row["级别"] not in level_of:
            continue
        level = level_of[row["级别"]]
        successors: set[str] = set()
        for successor, when in direct_successors(row):
            successors |= follow(successor, when)
        if level == "city" and not successors:
            # A prefecture abolished with no code of its own (莱芜市, 2018): its counties' successors'
            # prefectures took over.
            for county in rows:
                if county["二级行政区"] == row["名称"] and county["代码"][:4] == row["代码"][:4]:
                    for successor, when in direct_successors(county):
                        successors |= {code[:4] + "00" for code in follow(successor, when)}
        converted = tuple(sorted({_gazetteer_code(code) for code in successors}))
        if converted and in_use.get(row["代码"]) != row["名称"]:
            records.append(RetiredName(row["名称"], level, row["一级行政区"], converted))
    return records


def project_divisions() -> list[DivisionLike]:
    """Every unit of the project's gazetteer (``addrcheck.gazetteer.children``, walked from the top).

    Errors: ``ImportError`` until the addrcheck core is importable.
    """
    from addrcheck.gazetteer import children

    found: list[DivisionLike] = []
    pending: list[str | None] = [None]
    while pending:
        for division in children(pending.pop()):
            found.append(division)
            pending.append(division.code)
    return found


def gold_admin_mentions(mentions: Iterable[object]) -> list[tuple[str, str, tuple[int, int]]]:
    """``(level, text, span)`` for the admin mentions among CCKS :class:`bench.ccks.Mention` objects."""
    result: list[tuple[str, str, tuple[int, int]]] = []
    for mention in mentions:
        label = getattr(mention, "label", "")
        if label in GOLD_ADMIN_LABELS:
            span = (int(getattr(mention, "start")), int(getattr(mention, "end")))  # noqa: B009
            result.append((GOLD_ADMIN_LABELS[label], str(getattr(mention, "text")), span))  # noqa: B009
    return result
