"""Find the administrative units an address names: province, city, county level and township.

Every name in the gazetteer (official, short, alias, retired) is found in one dictionary scan. Each
reading of each name is a node; the answer is the best *chain*: nodes left to right, each one inside the
one before, scored so that official names beat short ones, adjacent mentions beat scattered ones, and
short names count only where an address would use them (at its start, or right after their parent).

Around that core: a name pasted twice counts once (浙江绍兴浙江绍兴); a short name may carry another
level's suffix (余杭镇 for 余杭街道); names inside an official name are part of it (城区 in 上城区); retired
names and land handed between counties (yescallop) read as today's units, the latter only when a
township (or the new county's short name) confirms them (鄞州区古林镇 → 海曙区; 苍南县龙港 → 龙港市); in a
city with no county level X区 is its township X街道 (东莞市东城区); of two townships of one county in a row
the one written in full is the township (临安区昌化龙岗镇).

Ties are never settled silently:
- best chains over the same text that name different units -> ambiguous, every reading a candidate
  (朝阳区 alone: 北京 or 长春);
- best chains over different text -> the mentions contradict each other -> inconsistent (杭州市婺城区);
- a full name next to the chain that the chain could not take -> inconsistent (西湖区城东街道), except
  another township of the chain's county (an area), a township the county no longer has or 城关镇
  (``retired_town``), and a district named by a generic word (新城区, 西区) after another city.

Evidence before inference (``_evidence``): a chain is taken only when the text shows it is made of
divisions — a name in full or with a division suffix, a parent and child next to each other, a province's
or city's short name opening the address, or a short name standing apart (before a road, a separator, a
number or another division). A short name run into a compound's, a firm's or a zone's name (东方明珠花园,
长安小区, 衢江经济开发区: ``in_premises``, ``in_zones``) is only a guess: ``unconfirmed`` holds the
readings to offer, and nothing is placed. Names that run on into another name are read but stay in the
text (``in_names``: 杭州四季青面料市场, 永善县伍寨村).

Contradiction needs evidence on both sides (``_find_conflicts``): a township the province lacks is
unknown, not a contradiction (``unknown_towns``); a clipped or colloquial county, a township written
shorter than its official name, or a city short of its first character asks to confirm (``misnamed``:
南京市雨花区, 涡阳县马店镇, 津市河西区); the prefecture's seat before its county, a county-level zone beside
a county of its city (颍州区阜阳合肥现代产业园区: the county is the district) and a short name alone in
brackets are none. Two addresses in one field are ``second_address``.

Townships retired since 2016 (NBS 2016-2022, gazetteer ``retired_towns``) are read after their county,
after their city when one county of it had the name, or alone when one county did and nothing else
bears the name: ``retired_town`` and ``retired`` say where and which; parse() places it (its successor
township, or the county with the name as written).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Final

from addrcheck.gazetteer import (
    CITY,
    DISTRICT,
    KIND_ALIAS,
    KIND_FULL,
    KIND_HISTORICAL,
    KIND_TRANSFER,
    PROVINCE,
    TOWN,
    Gazetteer,
    NameEntry,
    NameReadings,
    RetiredTown,
)
from addrcheck.text import char_table, separator_at

# Division names read per address at most, in text order: real addresses name fewer than ten.
MAX_MENTIONS: Final = 24
# How many same-named townships a bare township name may stand for before it tells us nothing.
_MAX_TOWN_READINGS: Final = 4
# A full name far from its parent still joins the chain (杭州电子科技大学...临安青山湖街道: the POI between
# them costs at most this much); short names never do.
_MAX_GAP_PENALTY: Final = 3.0
_EPSILON: Final = 1e-9
# Of two townships of one county written in a row, the second wins a tie (观澜街道福城办事处: 福城街道).
_LATER_TOWNSHIP_BONUS: Final = 0.1
_NO_SCORE: Final = float("-inf")
_SUFFIX_CHARS: Final = frozenset("省市区县旗州盟")
_SUFFIX_STARTS: Final = frozenset(
    "街办镇乡新区县市旗地州盟"
)  # first characters of every suffix in _SUFFIXES_AFTER
_SUFFIX_START_TABLE: Final = char_table(_SUFFIX_STARTS)
_ROAD_SUFFIX_STARTS: Final = frozenset("路街道巷弄胡")
_DIRECTIONS: Final = frozenset("东西南北中")
# Characters that make a place's name of a county's or township's short name run into them: a headland, a
# hill, a lake, a bay, an island (江北嘴, 凤凰山, 白藤湖, 海甸岛). Province and city short names are left
# out: 杭州湾, 深圳湾 and 浙江湖州 are read by the other rules.
_LANDFORMS: Final = frozenset("嘴山岭峰湖湾岛洲滩")
_NONE: Final = 0
_WEAK: Final = 1
_STRONG: Final = 2
_VILLAGE_WORDS: Final = ("村", "社区", "居委会", "嘎查")
# Separators that end one part of a field and start another (a second address, a list), unlike the spaces
# and commas inside one address.
ADDRESS_BREAKS: Final = frozenset("/；;|、")
# What introduces another address in the same field: 工厂地址:, 总部：, 厂址 (then the names follow).
_ADDRESS_LABEL: Final = re.compile("(?:地址|厂址|总部|本部|工厂|厂区|分部|办公)[:：\\s]*$")
# Street text before the divisions: a road or a door number (中兴路宁波市公安局).
_STREET_BEFORE: Final = re.compile(
    "(?:路|街(?!道)|大道|巷|弄|号|幢|栋|楼|室|层)"
)  # evidence that a chain is made of divisions (_evidence)
# A numbered part of a compound (八区, 二期, 东二区) right after a place's short name: the compound's name.
# _numbered_area reads it as [东西南北]?[一二三四五六七八九十0-9]{1,3}(?:区|期|村|苑) would, by code point.
_NUMERAL_TABLE: Final = char_table("0123456789一二三四五六七八九十")
_SIDE_TABLE: Final = char_table("东西南北")
_AREA_END_TABLE: Final = char_table("区期村苑")
_SHORT_ROAD_TABLE: Final = char_table("路街巷")
_PASSAGE: Final = ord("弄")
_ALLEY: Final = ord("里")
_OFFICE: Final = ord("办")
# A road name right after a bare short name: 嘉善世纪大道, 杭州文三路 (the name stands apart from a POI).
# One character and a suffix is more often the rest of a road named after the place (余杭塘路, 嘉陵江东街).
# Read as the pattern ([\u4e00-\u9fff]{1,4}?)[东西南北中]?(?:大道|大街|路|街(?!道)|巷|胡同) would, its group two
# characters or more, by code point (_road_next): compiled, a regex call costs more than the whole test.
_IDEOGRAPHS_FROM: Final = 0x4E00
_IDEOGRAPHS_TO: Final = 0x9FFF
_ROAD: Final = ord("路")
_STREET: Final = ord("街")
_LANE: Final = ord("巷")
_BIG: Final = ord("大")
_HU: Final = ord("胡")
_WAY: Final = ord("道")
_TONG: Final = ord("同")
_TOWN_CHAR: Final = ord("镇")
_TOWNSHIP_CHAR: Final = ord("乡")
_VILLAGE_CHAR: Final = ord("村")
_SOCIETY_CHAR: Final = ord("社")
_AREA_CHAR: Final = ord("区")
_DIRECTION_TABLE: Final = char_table("东西南北中")
_RESIDENTS_CHAR: Final = ord("居")
_GACHA_CHAR: Final = ord("嘎")
_PLACEHOLDERS: Final = ("省直辖县级行政区划", "自治区直辖县级行政区划", "市辖区", "市辖县", "县辖区")
_TOWN_SUFFIXES: Final = ("街道", "镇", "乡")
# A township's office written after its name, or its suffix (临平街道办事处, 临平镇).
_TOWNSHIP_OFFICE_SUFFIXES: Final = ("街道办事处", "办事处", *_TOWN_SUFFIXES)
# Districts named by a word any town uses for a part of itself.
_ZONE_ENDINGS: Final = ("新区", "开发区", "园区", "工业区", "管理区", "实验区", "示范区")
_GENERIC_DISTRICT_NAMES: Final = frozenset(
    {"城区", "新城区", "新城", "老城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区"}
)
# A town's quarters by direction (东城区, 城北区): districts in 北京 or 西宁, and the word for a quarter of
# any town (定州市北城区, 四会市东城区).
_TOWN_QUARTERS: Final = frozenset(
    {*(d + "城区" for d in "东西南北"), *("城" + d + "区" for d in "东西南北中")}
)
# What people call a county's seat town, whatever its official name.
_SEAT_NAMES: Final = frozenset({"城关镇", "城关街道", "城关乡"})
_TOWN_ENDINGS: Final = (
    "街道",
    "镇",
    "乡",
    "地区",
    "苏木",
    "办事处",
)  # the words that make a name a township's
_DIVISION_ENDINGS: Final = ("街道", "镇", "乡", "省", "市", "区", "县", "旗")  # not 州: 杭州 is a short name
# Suffixes a short name may carry in place of its official one (余杭镇 for 余杭街道, 余杭县 for 余杭区), by
# level group (0 township, 1 county, 2 city and up); longest first where one starts another.
_SUFFIXES_AFTER: Final[tuple[tuple[tuple[str, str], ...], ...]] = tuple(
    tuple((suffix[0], suffix) for suffix in group)
    for group in (
        ("街道办事处", "街道", "办事处", "镇", "乡"),
        ("新区", "区", "县", "市", "旗"),
        ("地区", "市", "州", "盟"),
    )
)
# The first characters of each group's suffixes, by code point (_suffix_after).
_SUFFIX_FIRST: Final = tuple(char_table(start for start, _ in group) for group in _SUFFIXES_AFTER)


class Node:
    """One reading of one mention: ``entry`` says which unit and how the text names it."""

    __slots__ = ("end", "entry", "former_town", "score", "sole_in_province", "start", "suffixed", "unique")

    def __init__(
        self,
        start: int,
        end: int,
        entry: NameEntry,
        score: float,
        suffixed: bool = False,
        unique: bool = False,
        former_town: bool = False,
        sole_in_province: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.entry = entry
        self.score = score
        self.suffixed = suffixed  # a short name with a division suffix (余杭镇): as strong as a full name
        self.unique = unique  # the name means this unit and nothing else in the country (塘栖, 集士港)
        self.former_town = former_town  # a county written as the town it grew from (龙港镇 for 龙港市)
        self.sole_in_province = sole_in_province  # no other township of its province has the name

    @property
    def short(self) -> bool:
        return self.entry.kind == KIND_ALIAS and not self.suffixed

    @property
    def code(self) -> str:
        return self.entry.code

    def __repr__(self) -> str:
        return f"Node({self.start}, {self.end}, {self.entry.code}, kind={self.entry.kind})"


class AdminMatch:
    """What the admin pass found: the chosen chain, any other equally good readings, and conflicts.

    A plain class, not a dataclass: a generated ``__init__`` would run interpreted in the compiled build.
    """

    __slots__ = (
        "alternatives",
        "chain",
        "conflicts",
        "in_names",
        "in_places",
        "in_premises",
        "in_zones",
        "misnamed",
        "placeholders",
        "repeats",
        "retired",
        "retired_town",
        "second_address",
        "too_many",
        "unconfirmed",
        "unknown_towns",
        "unlisted_zone",
    )

    def __init__(self) -> None:
        self.chain: list[Node] = []
        # The best chains when nothing but a bare short name supports them (东方明珠花园, 长岛之春): readings
        # to confirm, not divisions (then ``chain`` is empty).
        self.unconfirmed: list[list[Node]] = []
        # Short names that start a zone's name (衢江经济开发区, 佛堂工业区): the zone lies in that division,
        # which is read from it, but the text stays the zone's.
        self.in_names: list[tuple[int, int]] = []
        # Of those, the ones that start a compound's or a firm's name (东方明珠花园, 杭州萧山机场): no evidence
        # by themselves, read only next to their parent.
        self.in_premises: list[tuple[int, int]] = []
        # ...and the ones run into a landform (江北嘴, 凤凰山): a guess to confirm unless next to their parent.
        self.in_places: list[tuple[int, int]] = []
        # ...and the ones that start a zone's name but have several readings (东洲工业园区).
        self.in_zones: list[tuple[int, int]] = []
        # Townships written in full that the chain's province does not have (retired or renamed before the
        # table): unknown, a warning, not a contradiction.
        self.unknown_towns: list[tuple[int, int]] = []
        # A functional zone right after the city that NBS does not list as a county (成都市高新区): the county
        # level as written, without a code.
        self.unlisted_zone: tuple[int, int] | None = None
        # A county name unknown under the chain's city that starts the name of exactly one of its counties
        # (南京市雨花区: 雨花台区): start, end and the county it may mean, to confirm.
        self.misnamed: list[tuple[int, int, str]] = []
        # A second address in the same field (…6楼；工厂：云南省昆明市…): where it starts.
        self.second_address: tuple[int, int] | None = None
        # How many division names the text held when it held more than MAX_MENTIONS (only those were read).
        self.too_many = 0
        self.alternatives: list[list[Node]] = []  # other chains over the same text
        self.conflicts: list[Node] = []  # names the chain contradicts
        self.repeats: list[tuple[int, int]] = []  # 浙江省浙江省: the second one
        self.placeholders: list[tuple[int, int]] = []  # 市辖区: names no unit
        # A township the county no longer has (retired since 2016, or only the map still lists it), or 城关镇
        # after a county with none: where it is written, and its record (None for 城关镇).
        self.retired_town: tuple[int, int] | None = None
        self.retired: RetiredTown | None = None

    @property
    def end(self) -> int:
        # Loops, not max() over a generator: compiled, those build a generator object and call a builtin.
        end = 0
        for node in self.chain:
            if node.end > end:
                end = node.end
        return end

    @property
    def start(self) -> int:
        chain = self.chain
        if not chain:
            return 0
        start = chain[0].start
        for node in chain:
            if node.start < start:
                start = node.start
        return start


def _suffix_after(group: int, text: str, end: int) -> int:
    """The length of the ``group`` suffix written at ``end`` (0: none). A few string comparisons: a regex
    call costs more than the whole test, and it runs for most mentions."""
    # Most names are followed by no suffix at all: their next code point says so (no string is made).
    if end >= len(text):
        return 0
    code = ord(text[end])
    if code >= 0x10000 or not _SUFFIX_FIRST[group][code]:
        return 0
    first = text[end]
    for start, suffix in _SUFFIXES_AFTER[group]:
        if start == first and (len(suffix) == 1 or text[end : end + len(suffix)] == suffix):
            return len(suffix)
    return 0


def _base_score(kind: int, length: int) -> float:
    if kind == KIND_FULL:
        return 3.0 + 0.5 * length
    if kind == KIND_HISTORICAL:
        return 2.5 + 0.4 * length
    if kind == KIND_TRANSFER:
        return 1.5 + 0.2 * length  # below the name's own readings: wins only when a township confirms it
    return 2.0 + 0.3 * length


class _Gaps:
    """Counts the characters between two positions that are not free (separators, claimed, repeats)."""

    __slots__ = ("_cumulative",)

    def __init__(self, free: list[bool]) -> None:
        cumulative = [0] * (len(free) + 1)
        total = 0
        for i in range(len(free)):
            if not free[i]:
                total += 1
            cumulative[i + 1] = total
        self._cumulative = cumulative

    def between(self, start: int, end: int) -> int:
        """A method, not ``__call__``: compiled, a call through ``__call__`` goes through the generic protocol."""
        return self._cumulative[end] - self._cumulative[start] if end > start else 0


Mention = tuple[int, int, str, NameReadings]
# start, end, reading, how many townships share the name, whether a county is written as a town, and
# whether the reading counts only where its county or city is named (a township's former suffix)
SuffixedMention = tuple[int, int, NameEntry, int, bool, bool]


def match_admin(text: str, gazetteer: Gazetteer, *, blocked: list[bool] | None = None) -> AdminMatch:
    """Find the division chain in folded ``text``; ``blocked[i]`` marks characters already claimed."""
    result = AdminMatch()
    free = [False] * len(text)
    for i in range(len(text)):  # by code point: compiled, cheaper than one regex call
        if separator_at(text, i):
            free[i] = True
    if "辖" in text:
        # NBS placeholders pasted from drop-down lists (惠州市-市辖区-惠东) name nothing: free gaps.
        for placeholder in _PLACEHOLDERS:
            at = text.find(placeholder)
            while at >= 0:
                free[at : at + len(placeholder)] = [True] * len(placeholder)
                result.placeholders.append((at, at + len(placeholder)))
                at = text.find(placeholder, at + 1)
    if blocked is not None:
        for i in range(len(free)):
            if blocked[i]:
                free[i] = True
    mentions: list[Mention] = []
    found = gazetteer.find_names(text)
    if len(found) > 2 * MAX_MENTIONS:
        result.too_many = len(found)
        found = found[: 2 * MAX_MENTIONS]
    for start, end, key in found:
        if blocked is not None and any(blocked[i] for i in range(start, end)):
            continue
        readings = gazetteer.readings(key)
        if readings is None:
            continue
        # Written as an official name, current or retired with its suffix (not 红旗, whose 旗 is no suffix).
        # A retired name counts with its suffix where a name is left before it (襄樊市, 江干区) or it is a
        # county's (滦县, 蓟县): 南市, 东市 and 中市 (short for 南市区...) are a street's or a quarter's words
        # (南市路, 东市工业区).
        written_in_full = readings.has_full or (
            (len(key) > 2 or key[-1] == "县")
            and key[-1] in _SUFFIX_CHARS
            and any(e.kind == KIND_HISTORICAL for e in readings.upper)
        )
        # A name right before 路/街 is a road's (北京中路), unless written with its division suffix (从化区街口镇).
        if not written_in_full and _road_after(text, end):
            continue
        # A short name that starts a compound's or a firm's name is part of it (东方明珠花园 is no 东方市,
        # 路桥市场 no 路桥区); official names are not (金乡镇文体中心 names the town). One that starts a zone's
        # name is evidence for the division the zone lies in (宁波高新区).
        if key[-1] in _SUFFIX_CHARS and _premises_at(text, end - 1, gazetteer):
            continue  # 义乌市场, 路桥市场, 柯桥东市场: the suffix starts the market's name
        if (
            len(key) == 2
            and key[1] == "县"
            and text[end : end + 1] == "城"
            and text[end + 1 : end + 2] != "关"
            and _county_ends_at(found, start, gazetteer)
        ):
            # 梅县区新县城政法路: right after a county, 新县城 is "the new county town", not 河南's 新县 (a county
            # never follows another); 新县城关镇 is 新县's 城关镇.
            continue
        if not written_in_full:
            if _zone_at(text, end - 1, gazetteer):
                continue  # 桥南开发区, 西工业区: the name's last character starts a zone's word
            if _zone_at(text, end, gazetteer):
                # Evidence only from a province's or city's name that means one place (宁波高新区); a county's
                # or township's (衢江经济开发区, 大榭开发区) is a name inside a name, and 东洲工业园区 may be 抚顺's
                # 东洲区 or 富阳's 东洲街道: a guess to confirm unless its parent is written.
                result.in_names.append((start, end))
                if len(readings.codes) > 1 or readings.towns or any(e.level > CITY for e in readings.upper):
                    result.in_zones.append((start, end))
            elif _premises_at(text, end, gazetteer) or _numbered_area(text, end):
                # 朝晖八区, 柳青二区: a numbered part of a compound named after the place. Such a name is read
                # only where its parent is written right before it (杭州萧山机场), and stays in the name.
                result.in_names.append((start, end))
                result.in_premises.append((start, end))
            elif (
                _landform_at(text, end)
                and not any(s == end for s, _, _ in found)  # 金东岭下镇: another name starts there
                and not any(e.level <= CITY for e in readings.upper)
            ):
                result.in_names.append((start, end))
                result.in_places.append((start, end))
        mentions.append((start, end, key, readings))
    if not mentions:
        return result
    mentions = _drop_repeats(text, mentions, free, result)
    if result.repeats:
        # ...and so is every name inside the copy (城关 in the second 城关镇).
        mentions = [m for m in mentions if not any(s <= m[0] and m[1] <= e for s, e in result.repeats)]
    if len(mentions) > MAX_MENTIONS:
        # No address names this many divisions; reading them all would only cost time (a hostile paste).
        result.too_many = len(mentions)
        mentions = mentions[:MAX_MENTIONS]
    countyless = any(m[3].countyless for m in mentions)
    outer = _drop_inner(mentions)
    present: set[str] = set()
    for mention in outer:
        present.update(mention[3].upper_scope)
    # A premises or zone word after a name is no suffix of it (福田市场, 江北新区).
    suffixed = _suffixed(
        text,
        [m for m in mentions if (m[0], m[1]) not in result.in_names],
        gazetteer,
        countyless=countyless,
        present=present,
    )
    mentions = outer

    nodes = _nodes(mentions, present) + _suffixed_nodes(suffixed, present, gazetteer)
    if not _in_order_of_end(nodes):  # usually they are: no key tuples, no sort call
        nodes.sort(key=lambda n: (n.end, n.start))
    if not nodes:
        _retired_town_alone(result, mentions, gazetteer)
        return result
    gaps = _Gaps(free)
    chains = _best_chains(nodes, gaps, gazetteer)
    if not chains:
        _retired_town_alone(result, mentions, gazetteer)
        return result
    spans = [(n.start, n.end) for n in chains[0]]
    same = [c for c in chains if [(n.start, n.end) for n in c] == spans]
    # Readings nested in one another (深圳市龙华: 龙华区, or its 龙华街道) are not rivals: keep the larger.
    terminals = {c[-1].code for c in same}
    rivals = [c for c in same if not any(a in terminals for a in gazetteer.ancestors[c[-1].code])]
    if len(rivals) > 1:
        # 重庆市江北: 江北区, a child of the city, not 涪陵区's 江北街道 a level further down; a name right after
        # its parent means the parent's own child.
        skips = [_skipped_levels(c, gazetteer) for c in rivals]
        fewest = min(skips)
        rivals = [c for c, skipped in zip(rivals, skips, strict=True) if skipped == fewest]
    result.chain = rivals[0]
    result.alternatives = rivals[1:]
    # A rival chain's unit that fits the chosen one (the same township again: 顺天镇政府顺天镇委) is no rival.
    deepest = result.chain[-1].code
    for chain in chains:
        if chain not in same:
            for n in chain:
                if (n.start, n.end) in spans or n.code == deepest:
                    continue
                if n.code not in gazetteer.ancestors[deepest] and deepest not in gazetteer.ancestors[n.code]:
                    result.conflicts.append(n)
    # A repeat after the chain may be a word inside a name (杭州市...杭州大厦): only full names count there,
    # and _find_conflicts adds those.
    chain_end = result.end
    result.repeats = [
        r for r in result.repeats if r[1] <= chain_end or text[r[0] : r[1]].endswith(_DIVISION_ENDINGS)
    ]
    _leading_town(result, mentions, gaps, gazetteer)
    _zone_after_city(result, text, gazetteer)
    evidence = _evidence(result, text, mentions, gaps, gazetteer)
    if evidence < _STRONG:
        # Every reading runs into a compound's name (长安小区): nothing to confirm; else ask (东方明珠花园 is
        # not marked, 长岛之春).
        result.unconfirmed = [result.chain, *result.alternatives] if evidence == _WEAK else []
        result.chain, result.alternatives, result.repeats = [], [], []
        return result
    _find_conflicts(result, text, mentions, gaps, gazetteer)
    _retired_town(result, mentions, gazetteer)
    _clipped_county_after_city(result, gazetteer)
    _township_written_as_district(result, text, gazetteer)
    _names_run_on(result, text, gaps)
    result.repeats = _next_to_the_divisions(result, text, gaps)
    result.second_address = _second_address(result, text, mentions, gaps)
    if result.in_names:
        _spell_word_named_towns(result, text, gazetteer)
    return result


def _spell_word_named_towns(result: AdminMatch, text: str, gazetteer: Gazetteer) -> None:
    """A township-level unit named like a word (松山湖: indexed as a short name) read where it runs into a
    zone's or a firm's name (松山湖高新区) is spelled exactly by the prefix: it leaves the text like any
    division instead of staying twice (东莞市松山湖松山湖高新区). A county's name in a firm's (福田区委) stays."""
    spelled = {
        (node.start, node.end)
        for node in result.chain
        if node.entry.level == TOWN
        and node.entry.kind == KIND_ALIAS
        and text[node.start : node.end] == gazetteer.name_of[node.code]
    }
    if spelled:
        result.in_names = [span for span in result.in_names if span not in spelled]


def _in_order_of_end(nodes: list[Node]) -> bool:
    """Whether ``nodes`` are already sorted by (end, start): a stable sort would then leave them as they are."""
    for i in range(1, len(nodes)):
        previous, node = nodes[i - 1], nodes[i]
        if node.end < previous.end or (node.end == previous.end and node.start < previous.start):
            return False
    return True


def _second_address(
    result: AdminMatch, text: str, mentions: list[Mention], gaps: _Gaps
) -> tuple[int, int] | None:
    """Where another address starts, before or after the one read: past street text and a separator (；、:
    or a space), a province or city with a division or a road right after it (…22楼；广东省佛山市…, 工厂地址:
    杭州余杭…, 、福州市五一路…). A lone name further on is part of another name (…100号金华市第一人民医院)."""
    chain = result.chain
    if not _has_separator(text, 0, len(text)):
        return None  # no separator at all: one address (most of them)
    # Within the chain: a province or city taken up again after street text and a separator (上海市浦东新区
    # …25层；上海市闵行区…: the chain ran on into the second address).
    for previous, node in pairwise(chain):
        if (
            node.entry.level <= CITY
            and node.start > previous.end
            and gaps.between(previous.end, node.start)
            and _has_separator(text, previous.end, node.start)
            and not _restated(text, node.start, chain, mentions)
        ):
            return (node.start, node.end)
    first = result.start
    spans = [(node.start, node.end) for node in chain]
    for start, end, key, readings in mentions:
        if _overlaps(start, end, spans) or not any(e.level <= CITY for e in readings.upper):
            continue
        if end <= first:
            between = (end, first)
        else:
            between = (max((e for _, e in spans if e <= start), default=first), start)
        if gaps.between(between[0], between[1]) == 0 or not _has_separator(text, between[0], between[1]):
            continue
        official = readings.has_full and key.endswith(_DIVISION_ENDINGS)
        # Short names start one only after a label (工厂地址:杭州余杭…); elsewhere they are a firm's name
        # (…0号杭州富阳和顺门业有限公司).
        if not official and _ADDRESS_LABEL.search(text, max(0, start - 8), start) is None:
            continue
        if _restated(text, start, chain, mentions):
            continue
        if not (any(m[0] == end for m in mentions) or (official and _road_next(text, end))):
            continue
        if (
            official
            and not any(text[i] in ADDRESS_BREAKS or text[i] in "，," for i in range(between[0], between[1]))
            and _ADDRESS_LABEL.search(text, max(0, start - 8), start) is None
            and _aside(text, start, end, chain, mentions)
        ):
            continue
        return (start, end)
    return None


def _aside(text: str, start: int, end: int, chain: list[Node], mentions: list[Mention]) -> bool:
    """Whether the name in full at ``start`` and the names with a suffix written on with it are all the
    chain's own, and no street follows them: the place named again before an office's name
    (…路00号——防城港市公安局一楼, …唐山市曹妃甸区公安局交通警察支队), not a second address. (The caller
    asks only where no break between addresses (；、，/) or address label (工厂:) comes before it.)"""
    group_end = end
    group = [(start, end)]
    for m_start, m_end, m_key, _ in mentions:
        if m_start == group_end and m_key.endswith(_DIVISION_ENDINGS):
            group_end = m_end
            group.append((m_start, m_end))
    named = {node.code for node in chain}
    if not all(
        any(code in named for code in readings.codes)
        for m_start, m_end, _, readings in mentions
        if (m_start, m_end) in group
    ):
        return False
    return _STREET_WORD.search(text, group_end) is None


def _restated(text: str, start: int, chain: list[Node], mentions: list[Mention]) -> bool:
    """Whether the divisions opening a pair of brackets at ``start`` are all ones the chain names before
    them: the same place written again (…1106室(北京市朝阳区建国路15号院)), an aside, not a second address.
    Brackets that add a division (韶关市…商铺(韶关市浈江区…窗口)) may hold another place: still one. After the
    name at ``start``, only names with a division's suffix count: 公安 and 交通 in (益阳市公安局交通警察支队)
    are words, not townships."""
    if start == 0 or text[start - 1] not in _OPENING_BRACKETS:
        return False
    close = min((at for at in (text.find(c, start) for c in _CLOSING_BRACKETS) if at >= 0), default=-1)
    if close < 0:
        return False
    codes = {node.code for node in chain if node.end <= start}  # a division new in the brackets: elsewhere
    return bool(codes) and all(
        not readings.codes.isdisjoint(codes)
        for at, _, key, readings in mentions
        if at == start or (start < at < close and key.endswith(_DIVISION_ENDINGS))
    )


def _has_separator(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a separator (``any(text[i] in SEPARATORS ...)``, by code point)."""
    return any(separator_at(text, i) for i in range(start, end))


def _skipped_levels(chain: list[Node], gazetteer: Gazetteer) -> int:
    """How many units between consecutive nodes of ``chain`` the text leaves out (a municipality's city
    level, named like the municipality, does not count)."""
    skipped = 0
    for previous, node in pairwise(chain):
        ancestors = gazetteer.ancestors[node.code]
        if previous.code in ancestors:
            between = ancestors[ancestors.index(previous.code) + 1 :]
            name = gazetteer.name_of[previous.code]
            skipped += sum(1 for code in between if gazetteer.name_of[code] != name)
    return skipped


def _road_next(text: str, at: int) -> bool:
    """Whether a road's name of two characters or more starts at ``at`` (嘉善世纪大道; not 嘉陵江东街)."""
    # The shortest run of one to four ideographs a road's suffix follows (a direction between allowed).
    size = len(text)
    for length in range(1, 5):
        if at + length > size or not _ideograph_at(text, at + length - 1):
            return False
        after = at + length
        if _road_suffix_at(text, after) or (_direction_at(text, after) and _road_suffix_at(text, after + 1)):
            return length >= 2
    return False


def _ideograph_at(text: str, i: int) -> bool:
    code = ord(text[i])
    return _IDEOGRAPHS_FROM <= code <= _IDEOGRAPHS_TO


def _direction_at(text: str, i: int) -> bool:
    code = _next_code(text, i)
    return 0 <= code < 0x10000 and _DIRECTION_TABLE[code] == 1


def _next_code(text: str, i: int) -> int:
    """The code point at ``i``, or -1 past the end."""
    return ord(text[i]) if i < len(text) else -1


def _road_suffix_at(text: str, i: int) -> bool:
    """Whether 大道, 大街, 路, 街 (not 街道), 巷 or 胡同 starts at ``i``."""
    code = _next_code(text, i)
    if code in (_ROAD, _LANE):
        return True
    if code == _STREET:
        return _next_code(text, i + 1) != _WAY
    if code == _BIG:
        following = _next_code(text, i + 1)
        return following in (_WAY, _STREET)
    return code == _HU and _next_code(text, i + 1) == _TONG


def _in_table(table: bytes, text: str, i: int) -> bool:
    code = _next_code(text, i)
    return 0 <= code < 0x10000 and table[code] == 1


def _road_after(text: str, at: int) -> bool:
    """Whether a road's word starts at ``at``: 路, 街 (not 街道), 大道, 大街, 巷, 胡同, 道 (not 道办), 弄 or 里 and a
    digit, after an optional direction; or one or two numerals and 路, 街 or 巷 (北京中路, 中山大道, 人民2路)."""
    if _direction_at(text, at) and _road_word_at(text, at + 1):
        return True
    if _road_word_at(text, at):
        return True
    if not _in_table(_NUMERAL_TABLE, text, at):
        return False
    if _in_table(_NUMERAL_TABLE, text, at + 1) and _in_table(_SHORT_ROAD_TABLE, text, at + 2):
        return True
    return _in_table(_SHORT_ROAD_TABLE, text, at + 1)


def _road_word_at(text: str, i: int) -> bool:
    """_road_suffix_at's words, and 道 (not 道办), 弄, 里 and an ASCII digit."""
    if _road_suffix_at(text, i):
        return True
    code = _next_code(text, i)
    if code == _WAY:
        return _next_code(text, i + 1) != _OFFICE
    if code == _ALLEY:
        return 0x30 <= _next_code(text, i + 1) <= 0x39
    return code == _PASSAGE


def _numbered_area(text: str, at: int) -> bool:
    """Whether a numbered part of a compound starts at ``at``: an optional 东, 西, 南 or 北, one to three
    numerals, and 区, 期, 村 or 苑 (八区, 二期, 东二区)."""
    if _in_table(_SIDE_TABLE, text, at):
        at += 1  # a side is never a numeral: without it no match could start here
    count = 0
    while count < 4 and _in_table(_NUMERAL_TABLE, text, at + count):
        count += 1
    return 1 <= count <= 3 and _in_table(_AREA_END_TABLE, text, at + count)


def _division_next(text: str, at: int) -> bool:
    """Whether one to four ideographs and 街道, 镇, 乡, 村 or 社区 start at ``at`` (a township's or village's
    name, even one the tables lack)."""
    size = len(text)
    for length in range(1, 5):
        if at + length > size or not _ideograph_at(text, at + length - 1):
            return False
        code = _next_code(text, at + length)
        if code in (_TOWN_CHAR, _TOWNSHIP_CHAR, _VILLAGE_CHAR):
            return not (
                code == _TOWN_CHAR and text[at + length - 1] == "小"
            )  # 跨贸小镇: a development's word
        if (code == _STREET and _next_code(text, at + length + 1) == _WAY) or (
            code == _SOCIETY_CHAR and _next_code(text, at + length + 1) == _AREA_CHAR
        ):
            return True
    return False


# The last gazetteer's first characters of premises and zone words, by code point: most positions start
# neither, and one byte says so without making a string (tests swap gazetteers, so keyed by it).
_WORD_STARTS: Final[list[tuple[Gazetteer, bytes]]] = []
_PREMISES_START: Final = 1
_ZONE_START: Final = 2


def _word_starts(gazetteer: Gazetteer) -> bytes:
    if _WORD_STARTS and _WORD_STARTS[-1][0] is gazetteer:
        return _WORD_STARTS[-1][1]
    table = bytearray(0x10000)
    for flag, starts in ((_PREMISES_START, gazetteer.premises_starts), (_ZONE_START, gazetteer.zone_starts)):
        for char in starts:
            if ord(char) < 0x10000:
                table[ord(char)] |= flag
    _WORD_STARTS[:] = [(gazetteer, bytes(table))]
    return _WORD_STARTS[-1][1]


def _word_may_start(text: str, at: int, flag: int, starts: frozenset[str], gazetteer: Gazetteer) -> bool:
    """``text[at : at + 1] in starts``, by code point (``starts`` is the gazetteer's set ``flag`` marks)."""
    if at < 0 or at >= len(text):
        return False
    code = ord(text[at])
    if code < 0x10000:
        return (_word_starts(gazetteer)[code] & flag) != 0
    return text[at] in starts


def _premises_at(text: str, at: int, gazetteer: Gazetteer) -> bool:
    """Whether a premises word starts at ``at`` and is not itself the start of a road's name (机场路)."""
    if not _word_may_start(text, at, _PREMISES_START, gazetteer.premises_starts, gazetteer):
        return False
    for length in gazetteer.premises_lengths:
        if text[at : at + length] in gazetteer.premises_words:
            after = text[at + length : at + length + 2]
            return after[:1] not in _ROAD_SUFFIX_STARTS and not (
                after[:1] in _DIRECTIONS and after[1:] in _ROAD_SUFFIX_STARTS
            )
    return False


def _between_divisions(start: int, end: int, used: list[tuple[int, int]], gaps: _Gaps) -> bool:
    """Whether a chain unit ends right before ``start`` and another starts right after ``end`` (only
    separators between)."""
    before = any(e <= start and gaps.between(e, start) == 0 for _, e in used)
    return before and any(s >= end and gaps.between(end, s) == 0 for s, _ in used)


def _county_ends_at(found: list[tuple[int, int, str]], at: int, gazetteer: Gazetteer) -> bool:
    """Whether a name that can be a county ends at ``at``."""
    for _, end, key in found:
        if end == at:
            readings = gazetteer.readings(key)
            if readings is not None and any(e.level == DISTRICT for e in readings.upper):
                return True
    return False


def _landform_at(text: str, at: int) -> bool:
    """Whether ``text[at]`` is one of _LANDFORMS and not the start of a road's name (湖滨路 stays a road's)."""
    if at >= len(text) or text[at] not in _LANDFORMS:
        return False
    return text[at + 1 : at + 2] not in _ROAD_SUFFIX_STARTS


def _zone_at(text: str, at: int, gazetteer: Gazetteer) -> bool:
    """Whether a zone's word (经济开发区, 高新区: data/vocab/zone_words.txt) starts at ``at``."""
    if not _word_may_start(text, at, _ZONE_START, gazetteer.zone_starts, gazetteer):
        return False
    words = gazetteer.zone_words
    return any(text[at : at + length] in words for length in gazetteer.zone_lengths)


def _evidence(
    result: AdminMatch, text: str, mentions: list[Mention], gaps: _Gaps, gazetteer: Gazetteer
) -> int:
    """How well the text shows the chain is made of divisions, not of words that look like their names:
    _STRONG, _WEAK (a guess to confirm) or _NONE (every reading starts a compound's name).

    Evidence: a name written in full or with a division suffix (婺城区, 义乌市, 余杭镇), or a retired name with
    its suffix; a short name that starts a zone's name (宁波高新区); a parent and child next to each other
    (义乌稠城, 杭州萧山机场); a province's or city's short name opening the address (杭州武林广场); or a bare
    short name that stands apart: at the end, before a separator, another division's name or a road
    (嘉善世纪大道). A bare short name run into other words (东方明珠花园, 长岛之春) is only a guess.
    """
    chain = result.chain
    first = chain[0]
    if (
        first.start == 1
        and first.end <= 3
        and _ideograph_at(text, 0)
        and not any(n.start == 0 for n in chain)
    ):
        # One character glued before a two-character first name (内邱县, 钱仓镇, 洞口镇, 台北市): the name is the
        # end of a longer one the tables lack, not the division. A guess to confirm. (深罗湖区, 津河西区: a
        # longer name, after a one-character abbreviation, stays read.)
        return _WEAK
    if len(chain) > 1 and any(node.entry.kind == KIND_FULL for node in chain):
        return _STRONG  # a name in full and another division: the usual address, checked first
    if (
        chain[0].end - chain[0].start <= 2
        and len(chain) == 1
        and text[chain[0].start : chain[0].end] in _GENERIC_DISTRICT_NAMES
    ):
        return _NONE  # 世纪新城-西区: a district named by a generic word, alone, names nothing (新城区 does)
    in_premises = [(node.start, node.end) in result.in_premises for node in chain]
    # Retired or transferred names without their suffix (龙湖, 城西) are no more than short names, and
    # less: alone they are never taken.
    bare_old = all(
        node.entry.kind in (KIND_HISTORICAL, KIND_TRANSFER) and text[node.end - 1] not in _SUFFIX_CHARS
        for node in chain
    )
    for i in range(len(chain)):  # zip(chain, in_premises): compiled, zip(strict=True) is a generic call
        node, named = chain[i], in_premises[i]
        if named or (node.start, node.end) in result.in_zones:
            continue
        if (node.start, node.end) in result.in_names and (node.start, node.end) not in result.in_places:
            return _STRONG
        # A retired or transferred name counts as written in full only with its suffix (襄樊市; 龙湖 alone is a
        # word).
        if not node.short and (
            node.entry.kind not in (KIND_HISTORICAL, KIND_TRANSFER) or text[node.end - 1] in _SUFFIX_CHARS
        ):
            return _STRONG
    for i in range(1, len(chain)):  # pairwise(chain), without the iterator object
        if gaps.between(chain[i - 1].end, chain[i].start) == 0:
            return _STRONG
    if all(named for named in in_premises):
        return _NONE  # 长安小区
    if bare_old:
        return _WEAK
    # Province and city short names are the usual way to open an address, and rarely start a compound's
    # name except before a premises word (中山大学, handled above).
    first = chain[0]
    if first.entry.level <= CITY and not in_premises[0] and gaps.between(0, first.start) == 0:
        return _STRONG
    if len(chain) == 1 and first.entry.level == TOWN:
        # A township's bare short name is all the address names (坂田长发中路, 紫荆山商城路): such names repeat
        # across the country and are words too (八卦岭, 观音山, 琉璃河), and on real addresses about one in
        # eight read this way was another place. A guess to confirm, wherever it stands, unless one of its
        # own villages follows it (塘下场桥村: a parent and child next to each other).
        return _STRONG if _own_village_after(text, first, gazetteer) else _WEAK
    last = _last_ending(chain)
    end = last.end
    if (
        (last.start, end) not in result.in_premises
        and (last.start, end) not in result.in_places
        and _stands_apart(text, end)
    ):
        return _STRONG
    return _WEAK


def _own_village_after(text: str, node: Node, gazetteer: Gazetteer) -> bool:
    """Whether a village or community of township ``node`` is written right after it (塘下场桥村)."""
    end = node.end
    for stop in range(end + 2, min(len(text), end + 8) + 1):
        piece = text[end:stop]
        if (piece[-1] == "村" or piece.endswith("社区")) and gazetteer.villages.named(piece, (node.code,)):
            return True
    return False


def _village_word_at(text: str, at: int) -> bool:
    """``text.startswith(_VILLAGE_WORDS, at)`` by code point: compiled, that call goes through the generic
    method protocol, for nearly every chain."""
    code = _next_code(text, at)
    if code == _VILLAGE_CHAR:
        return True
    if code == _SOCIETY_CHAR:
        return _next_code(text, at + 1) == _AREA_CHAR
    if code in (_RESIDENTS_CHAR, _GACHA_CHAR):
        return any(text[at : at + len(word)] == word for word in _VILLAGE_WORDS)
    return False


def _last_ending(chain: list[Node]) -> Node:
    """``max(chain, key=lambda node: node.end)``: the first node that ends last, without a closure."""
    last = chain[0]
    for node in chain:
        if node.end > last.end:
            last = node
    return last


def _stands_apart(text: str, at: int) -> bool:
    """Whether the text at ``at`` starts a new part: the end, a separator, a number, a road's or a township's
    or village's name; not the rest of a word (杭州四季青面料市场: 四季青 runs into the market's name), nor a
    village's or community's word (永善县伍寨村: 伍寨村 is a village named after its township)."""
    if _village_word_at(text, at):
        return False
    return (
        at >= len(text)
        or separator_at(text, at)
        or text[at].isdigit()
        or _road_next(text, at)
        or _division_next(text, at)
    )


def _names_run_on(result: AdminMatch, text: str, gaps: _Gaps) -> None:
    """Division names that run into another name are read but stay in the text (``in_names``): the short
    name a chain ends on (杭州四季青面料市场, 温州市鹿城双屿鞋都), and a whole chain written after a road that
    runs into a name (中兴路宁波市公安局, 国贸路0000号嘉兴市毛衫业大楼). 杭州新天地 is 杭州市 and 杭州新天地."""
    chain = result.chain
    last = _last_ending(chain)
    if _stands_apart(text, last.end) or any(start == last.end for start, _, _ in result.misnamed):
        return  # (南京雨花区: a county's name follows, if a clipped one)
    first = chain[0]
    for node in chain:  # the first that starts earliest, as min() picks it
        if node.start < first.start:
            first = node
    if (
        gaps.between(0, first.start)
        and text[first.start - 1] not in ADDRESS_BREAKS  # 文三路478号/深圳市…: a new part starts there
        and _STREET_BEFORE.search(text, 0, first.start)
    ):
        result.in_names.extend((node.start, node.end) for node in chain)
    elif last.short:
        result.in_names.append((last.start, last.end))


def _next_to_the_divisions(result: AdminMatch, text: str, gaps: _Gaps) -> list[tuple[int, int]]:
    """The repeats to leave out of the address: those among or next to the divisions (浙江省浙江省,
    宝安区深圳), and after them only where they stand apart. A division's name further on, or one that runs
    into a name (顾山镇江阴市顾山中学), is part of another name (…100号金华市第一人民医院) and stays."""
    if not result.repeats:
        return []
    last = result.end
    kept = [r for r in result.repeats if r[1] <= last]
    spans = [(n.start, n.end) for n in result.chain] + kept
    rest = [r for r in result.repeats if r[1] > last]
    # Right to left: a repeat stands apart if the text after it does, or another that does follows it.
    apart: set[tuple[int, int]] = set()
    for span in sorted(rest, reverse=True):
        if _stands_apart(text, span[1]) or any(other[0] == span[1] for other in apart):
            apart.add(span)
    rest = [span for span in rest if span in apart]
    grew = True
    while grew and rest:
        grew = False
        for span in list(rest):
            if _touches(span[0], span[1], spans, gaps):
                kept.append(span)
                spans.append(span)
                rest.remove(span)
                grew = True
    return kept


def _leading_town(result: AdminMatch, mentions: list[Mention], gaps: _Gaps, gazetteer: Gazetteer) -> None:
    """如城街道江苏省南通市如皋市...: a township written before the divisions it belongs to joins the chain,
    by its official name, when it is the only one of that name under the chain's county or city, even with
    a shop between, and with the county it gives when the chain stops at the city (罗城头街道河北省邯郸市)."""
    chain = result.chain
    last = chain[-1]
    if last.entry.level not in (CITY, DISTRICT) or result.alternatives:
        return
    first = chain[0].start
    for start, end, _, readings in mentions:
        if end > first:
            continue
        towns = [
            e for e in readings.towns if e.kind == KIND_FULL and last.code in gazetteer.ancestors[e.code]
        ]
        if len(towns) == 1:
            chain.append(Node(start, end, towns[0], 0.0))
            return


def _official(key: str, entries: tuple[NameEntry, ...]) -> list[NameEntry]:
    """The readings of ``key`` that are official: a current full name, or a retired one written with its
    suffix (襄樊市, 下城区; not 北站)."""
    return [
        e for e in entries if e.kind == KIND_FULL or (e.kind == KIND_HISTORICAL and key[-1] in _SUFFIX_CHARS)
    ]


def _drop_inner(mentions: list[Mention]) -> list[Mention]:
    """A name inside an official name is part of it (城区 in 上城区, 湖南 in 湖南路街道): not a mention.

    Official: a current full name, or a retired one written with its suffix (城区 in 下城区, 兴县 in 绍兴县).
    """
    # ...and so is a retired township's (长安 in a retired 长安镇: every one of those ends in 镇, 乡 or 街道).
    full = [(m[0], m[1]) for m in mentions if m[3].has_full or m[3].retired or _official(m[2], m[3].upper)]
    if not full:
        return mentions
    return [m for m in mentions if not any(s <= m[0] and m[1] <= e and e - s > m[1] - m[0] for s, e in full)]


def _drop_repeats(
    text: str,
    mentions: list[Mention],
    free: list[bool],
    result: AdminMatch,
) -> list[Mention]:
    """Pasted twice (浙江省浙江省, 浙江绍兴浙江绍兴, 富阳市富阳): a second copy costs nothing and means nothing.

    A mention repeats an earlier one with the same name when only divisions lie between them, or the
    mention right before it when both can name the same unit.
    """
    # Already in (start, longest first) order: find_names gives them so.
    covered = list(free)
    for start, end, _, _ in mentions:
        for i in range(start, end):
            covered[i] = True
    kept: list[Mention] = []
    # The ends and readings of the kept mentions, beside them: compiled, reading a field of a mention in
    # a list unboxes the whole tuple, and storing one boxes it again.
    kept_ends: list[int] = []
    kept_readings: list[NameReadings] = []
    # Where the last copy of each name ends, kept or repeated: a run of copies is checked link by link, not
    # each against the first (linear in the run, not quadratic).
    last_copy: dict[str, int] = {}
    for mention in mentions:
        start, end, key, readings = mention
        same = last_copy.get(key, -1)  # the end of the copy before, -1 for none
        if same > start:
            same = -1
        # The nearest kept mention before this one: the first of those that end last.
        nearest = -1
        for k in range(len(kept_ends)):
            if kept_ends[k] <= start and (nearest < 0 or kept_ends[k] > kept_ends[nearest]):
                nearest = k
        last_copy[key] = end
        # A township repeated after the divisions (大板桥街道云南省...官渡区大板桥街道) is the one in place.
        # ...unless it carries a township suffix (余杭区余杭镇: 余杭镇 is the township 余杭街道).
        town_next = bool(readings.towns) and _suffix_after(0, text, end) > 0
        # all() over a generator compiles to a loop; over a slice it would copy the slice first.
        # A township pasted twice in a row (城关镇城关镇: only separators between) is a repeat as well.
        repeat = (
            not town_next
            and same >= 0
            and (bool(readings.upper) or all(free[i] for i in range(same, start)))
            and all(covered[i] for i in range(same, start))
        )
        if (
            not repeat
            and not town_next
            and nearest >= 0
            and all(free[i] for i in range(kept_ends[nearest], start))
        ):
            # 富阳市富阳: the short name of a unit just named in full (or by its retired name).
            # 宝安区深圳: the parent restated after its child is a repeat as well.
            named = kept_readings[nearest].named_scope()
            repeat = (
                bool(named)
                and all(e.code in named for e in readings.upper if e.kind == KIND_ALIAS)
                and any(e.code in named for e in readings.upper)
            )
        if repeat:
            result.repeats.append((start, end))
            for i in range(start, end):
                free[i] = True
            continue
        kept.append(mention)
        kept_ends.append(end)
        kept_readings.append(readings)
    return kept


def _in_context(towns: tuple[NameEntry, ...], readings: NameReadings, present: set[str]) -> list[NameEntry]:
    """The township readings worth a node: all of a name few townships share, else only those whose county
    or city is named (the rest would be dropped by _suffixed_nodes; 城关 has a hundred)."""
    if len(readings.towns) <= _MAX_TOWN_READINGS:
        return list(towns)
    chosen: dict[str, NameEntry] = {}
    for code in present:
        for entry in readings.towns_in(code):
            chosen[entry.code] = entry
    wanted = set(chosen)
    return [entry for entry in towns if entry.code in wanted]


def _suffixed(
    text: str, mentions: list[Mention], gazetteer: Gazetteer, *, countyless: bool, present: set[str]
) -> list[SuffixedMention]:
    """Names written with a division suffix that is not their own: short names (余杭镇, 瓯北镇 for ...街道)
    and townships under their former suffix (新街镇 for 新街街道); ``countyless``: a city with no county
    level is named, so X区 may be its township X街道."""
    found: list[SuffixedMention] = []
    for start, end, key, readings in mentions:
        # A township written with the suffix it had before (萧山区新街镇: 新街街道 since 2004): read the name
        # with each other township suffix too, where its county or city is named (never bare: 城西街道 alone
        # must not turn into the 城西镇s of the country).
        own_suffix = _town_suffix_of(key)
        if own_suffix and len(key) - len(own_suffix) >= 2:
            stem = key[: -len(own_suffix)]
            for other in _TOWN_SUFFIXES:
                renamed = gazetteer.readings(stem + other) if other != own_suffix else None
                if renamed is not None:
                    # Needs its county or city named, always: only those readings can become nodes.
                    for code in sorted(present):
                        for entry in renamed.towns_in(code):
                            if entry.kind == KIND_FULL:
                                found.append((start, end, entry, len(renamed.towns), False, True))
        if countyless and key[-1] == "区":
            # 东莞市东城区, 中山市西区: a city with no county level has its townships written as 区 (东城街道,
            # 西区街道); read so only where the city is named (东城区 alone is Beijing's).
            for spelled in (
                (key + "街道", key[:-1] + "街道", key[:-1] + "镇") if len(key) > 2 else (key + "街道",)
            ):
                township = gazetteer.readings(spelled)
                if township is None:
                    continue
                for entry in township.towns:
                    parent = gazetteer.parent_of[entry.code]
                    if entry.kind == KIND_FULL and parent is not None and gazetteer.level_of[parent] == CITY:
                        found.append((start, end, entry, len(township.towns), False, True))
        elif countyless and text[end : end + 1] == "区" and not _in_table(_SUFFIX_START_TABLE, text, end + 1):
            # 东莞市万江区: the short name found, then 区 (万江街道), the 区 with it (else it stays behind).
            for entry in readings.towns:
                parent = gazetteer.parent_of[entry.code]
                if parent is not None and gazetteer.level_of[parent] == CITY:
                    found.append((start, end + 1, entry, len(readings.towns), False, True))
        if not _in_table(_SUFFIX_START_TABLE, text, end):  # text[end : end + 1] not in _SUFFIX_STARTS
            continue
        # The suffix written after the name, by level group, and the name with it (the same for every reading).
        lengths = [_suffix_after(group, text, end) for group in range(3)]
        written_as: list[NameReadings | None] = [
            gazetteer.readings(text[start : end + length]) if length else None for length in lengths
        ]
        namesakes = len(readings.towns)
        for entry in readings.upper:
            if entry.kind == KIND_ALIAS:
                group = min(TOWN - entry.level, 2)
                _add_suffixed(
                    found, start, end, entry, lengths[group], written_as[group], namesakes, gazetteer
                )
        if lengths[0]:
            for entry in _in_context(readings.towns, readings, present):
                if entry.kind == KIND_ALIAS:
                    _add_suffixed(found, start, end, entry, lengths[0], written_as[0], namesakes, gazetteer)
        # A county that grew out of a town may still be written as the town (苍南县龙港镇: 龙港市 since 2019).
        # ...but not when the county has a township of that name (临平区临平街道, 余杭区余杭镇 = 余杭街道).
        for entry in readings.upper:
            if entry.kind == KIND_ALIAS and entry.level == DISTRICT:
                length = lengths[0]
                if not length:
                    continue
                if any(
                    (written := gazetteer.readings(key + suffix)) is not None
                    and len(written.towns_in(entry.code)) > 0
                    for suffix in _TOWN_SUFFIXES
                ):
                    continue
                found.append((start, end + length, entry, len(readings.towns), True, False))
    return found


def _town_suffix_of(key: str) -> str:
    """The township suffix ``key`` ends with (街道, 镇 or 乡), or "": by its last code point first, since
    ``str.endswith`` with a tuple is a generic method call compiled."""
    last = ord(key[-1])
    if last in (_TOWN_CHAR, _TOWNSHIP_CHAR):
        return key[-1]
    return "街道" if last == _WAY and key.endswith("街道") else ""


def _add_suffixed(
    found: list[SuffixedMention],
    start: int,
    end: int,
    entry: NameEntry,
    length: int,
    written_as: NameReadings | None,
    namesakes: int,
    gazetteer: Gazetteer,
) -> None:
    """A short name with a suffix not its own after it (余杭镇): a reading, unless the name with that suffix
    is already the unit's own full name (余杭区) or its parent's (南昌市, the city, is no 南昌县 misspelt)."""
    if not length:
        return
    if written_as is not None:
        if entry.code in written_as.codes:
            return
        ancestors = gazetteer.ancestors[entry.code]
        if any(e.kind == KIND_FULL and e.code in ancestors for e in written_as.upper):
            return
    found.append((start, end + length, entry, namesakes, False, False))


def _suffixed_nodes(suffixed: list[SuffixedMention], present: set[str], gazetteer: Gazetteer) -> list[Node]:
    nodes = []
    for start, end, entry, namesakes, former_town, needs_context in suffixed:
        if former_town:
            # Weaker than the township reading of the same text: it wins only where the county it grew out
            # of (through that county's transfer reading) or its city is named just before it (_best_chains).
            score = _base_score(KIND_FULL, end - start) - 2.0
            nodes.append(Node(start, end, entry, score, suffixed=True, former_town=True))
        # Like an official name: a township counts bare when few share its name (瓯北镇), else needs context.
        elif ((entry.level < TOWN or namesakes <= _MAX_TOWN_READINGS) and not needs_context) or any(
            a in present for a in gazetteer.ancestors[entry.code]
        ):
            nodes.append(Node(start, end, entry, _base_score(KIND_FULL, end - start) - 0.5, suffixed=True))
    return nodes


def _nodes(mentions: list[Mention], present: set[str]) -> list[Node]:
    nodes: list[Node] = []
    for start, end, key, readings in mentions:
        length = end - start
        for entry in readings.upper:
            nodes.append(Node(start, end, entry, _base_score(entry.kind, length)))
        if not readings.towns:
            continue
        # A township reading counts if its county or city is named too; a bare official township name
        # also counts when few townships share it (乔司街道), never a bare short one (城关).
        chosen: dict[str, NameEntry] = {}
        for code in present:
            for entry in readings.towns_in(code):
                chosen[entry.code] = entry
        # ...and only a township's name (镇, 街道...): NBS's farms, zones and bureaus at that level (农业局,
        # 高校园区) are words in an address unless their county is named.
        if len(readings.towns) <= _MAX_TOWN_READINGS and key.endswith(_TOWN_ENDINGS):
            for entry in readings.towns:
                if entry.kind == KIND_FULL:
                    chosen.setdefault(entry.code, entry)
        # ...nor one that is the start of a longer name (四季 in 四季青: the longer name is what is meant).
        unique = (
            len(readings.towns) == 1
            and not readings.upper
            and not any(m[0] == start and m[1] > end for m in mentions)
        )
        if unique:
            chosen.setdefault(readings.towns[0].code, readings.towns[0])
        # In code order: ``present`` is a set, and the order of tied readings must not depend on the hash seed.
        for entry in chosen.values() if len(chosen) < 2 else [chosen[code] for code in sorted(chosen)]:
            sole = len(readings.towns_in(entry.code[:2])) == 1
            nodes.append(
                Node(start, end, entry, _base_score(entry.kind, length), unique=unique, sole_in_province=sole)
            )
    return nodes


def _best_chains(nodes: list[Node], gaps: _Gaps, gazetteer: Gazetteer) -> list[list[Node]]:
    """Highest-scoring chains, best first: every chain whose score ties the best."""
    ancestors_of = gazetteer.ancestors
    best: list[float] = []
    back: list[int] = []
    for i, node in enumerate(nodes):
        entry = node.entry
        short = node.short
        lead = gaps.between(0, node.start)
        if node.former_town:
            top = _NO_SCORE  # only after the county it grew out of, or its own city
        elif entry.level == TOWN and short:
            # A short township name means nothing without its county before it, unless it opens the
            # address and no other place in the country has it (塘栖南茗苑).
            top = node.score - 1.0 if node.unique and lead == 0 else _NO_SCORE
        elif not short:
            top = node.score - 0.3 * lead
        else:
            top = node.score - (2.0 + 0.5 * lead if lead else 0.0)
        parent = -1
        ancestors = ancestors_of[entry.code]
        for j in range(i):
            previous = nodes[j]
            if previous.end > node.start or best[j] == _NO_SCORE:
                continue
            if (
                entry.level == TOWN
                and not short
                and previous.entry.level == TOWN
                and previous.end == node.start
                and ancestors_of[previous.entry.code][-1] == ancestors[-1]
            ):
                # 临安区昌化龙岗镇, 临平镇星桥街道: a township written in full right after another of its county
                # takes that one's place; the first names the area it lies in (or lay in, before a merger).
                candidate = best[j] - previous.score + node.score + _LATER_TOWNSHIP_BONUS
                if candidate > top + _EPSILON:
                    top, parent = candidate, back[j]
                continue
            # 苍南县(→龙港市)龙港镇: the town a county grew from confirms the old county's transfer reading,
            # and so does the new county's short name right after it (苍南县龙港), unless the new county has
            # a township of that name (余杭区临平: 临平街道, in 临平区); 温州市龙港镇: or the town follows the
            # county's own city directly.
            if previous.entry.kind == KIND_TRANSFER and previous.entry.code == entry.code:
                confirms = node.former_town or (
                    short
                    and gaps.between(previous.end, node.start) == 0
                    and not any(
                        other.start == node.start
                        and other.end == node.end
                        and other.entry.level == TOWN
                        and entry.code in ancestors_of[other.code]
                        for other in nodes
                    )
                )
            else:
                confirms = (
                    node.former_town
                    and previous.entry.code in ancestors
                    and gaps.between(previous.end, node.start) == 0
                )
            if (previous.entry.code not in ancestors or node.former_town) and not confirms:
                continue
            if (
                short
                and entry.level == TOWN
                and previous.entry.level == PROVINCE
                and not node.sole_in_province
            ):
                continue  # a short township name right after a province that has several (浙江省白云) is a coincidence
            gap = gaps.between(previous.end, node.start)
            if gap and short:
                continue  # short names must follow their parent directly (杭州余杭, not 杭州...余杭)
            if (
                gap
                and previous.entry.level == PROVINCE
                and gazetteer.name_of[entry.code] == gazetteer.name_of[previous.entry.code]
            ):
                continue  # a municipality named again further on (北京市朝阳区…(北京市朝阳区…)) restates it
            candidate = best[j] + node.score - (min(1.0 + 0.5 * gap, _MAX_GAP_PENALTY) if gap else 0.0)
            if candidate > top + _EPSILON:
                top, parent = candidate, j
        best.append(top)
        back.append(parent)
    top_score = best[0]  # max(best), without the call
    for score in best:
        if score > top_score:
            top_score = score
    if top_score <= 0:
        return []
    chains = []
    for i, score in enumerate(best):
        if abs(score - top_score) > _EPSILON:
            continue
        chain = [i]
        while back[chain[-1]] >= 0:
            chain.append(back[chain[-1]])
        chains.append([nodes[k] for k in reversed(chain)])
    # Prefer the reading that reaches deepest, then the one that starts earliest.
    if len(chains) > 1:
        chains.sort(key=lambda c: (-c[-1].entry.level, c[0].start))
    return chains


def _zone_after_city(result: AdminMatch, text: str, gazetteer: Gazetteer) -> None:
    """<city> + a zone's word (郑州航空港区, 苏州市工业园区, 成都市高新区): the county-level zone NBS lists under
    the city whose name holds the word's characters in order (郑州航空港经济综合实验区), when exactly one
    does; else a zone NBS does not list, which people and couriers use as the district: kept as written."""
    chain = result.chain
    last = chain[-1]
    if last.entry.level != CITY or result.alternatives:
        return
    at = last.end
    word = ""
    for length in gazetteer.zone_lengths:
        if text[at : at + length] in gazetteer.zone_words:
            word = text[at : at + length]
            break
    if not word:
        return
    zones = [
        code
        for code in gazetteer.children.get(last.code, ())
        if len(code) == 6 and code[4] == "7" and _in_order(word, gazetteer.name_of[code])
    ]
    if len(zones) == 1:
        chain.append(Node(at, at + len(word), NameEntry(zones[0], DISTRICT, KIND_ALIAS), 0.0, suffixed=True))
        if (last.start, last.end) in result.in_names:
            result.in_names.remove((last.start, last.end))  # 石家庄高新区: the city, then its zone
    elif not zones:
        # 台州经济开发区: run into the city's short name, the zone's name includes it (the city is read from it).
        start = last.start if (last.start, last.end) in result.in_names else at
        result.unlisted_zone = (start, at + len(word))


def _in_order(word: str, name: str) -> bool:
    """Whether the characters of ``word`` occur in ``name`` in order (高新区 in 保定高新技术产业开发区)."""
    position = 0
    for char in word:
        position = name.find(char, position) + 1
        if position == 0:
            return False
    return True


def _seat_before_county(seat: NameEntry, end: int, chain: list[Node], gazetteer: Gazetteer) -> bool:
    """凯里市黄平县: a prefecture's seat written before another county of the prefecture names the prefecture.
    The seat of an autonomous prefecture, league or 地区 is the county-level city NBS lists first (code X01;
    a prefecture-level city's X01 is its placeholder 市辖区, so it has none)."""
    if not seat.code.endswith("01") or not gazetteer.name_of[seat.code].endswith("市"):
        return False
    prefecture = gazetteer.parent_of[seat.code]
    return any(
        node.start >= end and node.entry.level >= DISTRICT and prefecture in gazetteer.ancestors[node.code]
        for node in chain
    )


def _clipped_county_after_city(result: AdminMatch, gazetteer: Gazetteer) -> None:
    """南京雨花区: the chain took another city's county (长沙市雨花区) written in full, and the city before it
    contradicts it; when one county of that city starts with the name (雨花台区), the city is the reading
    and the county is a clipped form to confirm."""
    chain, conflicts = result.chain, result.conflicts
    if len(chain) != 1 or len(conflicts) != 1 or chain[0].entry.level != DISTRICT:
        return
    city, county = conflicts[0], chain[0]
    if city.entry.level != CITY or city.end > county.start:
        return
    meant = _county_starting(gazetteer.name_of[county.code], city.code, gazetteer)
    if meant:
        result.chain, result.conflicts = [city], []
        result.misnamed.append((county.start, county.end, meant))


def _township_written_as_district(result: AdminMatch, text: str, gazetteer: Gazetteer) -> None:
    """宜昌市伍家区, 温州市梧田区: a township's short name with 区 after it ends the chain. When one county of
    the chain's city starts with the name (伍家岗区), it is that county clipped, to confirm, not the township
    (伍家乡); else it is the township and the 区 goes with it (梧田街道), not left behind in the text."""
    chain = result.chain
    last = chain[-1]
    if (
        last.entry.level != TOWN
        or not last.short
        or text[last.end : last.end + 1] != "区"
        or _in_table(_SUFFIX_START_TABLE, text, last.end + 1)
    ):
        return
    city = next((node.code for node in chain if node.entry.level == CITY), "")
    county_named = any(node.entry.level == DISTRICT for node in chain)
    meant = (
        "" if county_named or not city else _county_starting(text[last.start : last.end + 1], city, gazetteer)
    )
    if meant:
        chain.pop()
        result.misnamed.append((last.start, last.end + 1, meant))
        return
    chain[-1] = Node(last.start, last.end + 1, last.entry, last.score, suffixed=True, unique=last.unique)


def _county_starting(key: str, city: str, gazetteer: Gazetteer) -> str:
    """The one county of ``city`` whose name starts with ``key`` less its suffix (雨花区 -> 雨花台区), or ""."""
    stem = key[:-1]
    if len(stem) < 2:
        return ""
    found = [
        code
        for code in gazetteer.children.get(city, ())
        if len(code) == 6 and gazetteer.name_of[code].startswith(stem) and gazetteer.name_of[code] != key
    ]
    return found[0] if len(found) == 1 else ""


def _county_sounding(key: str, official: list[NameEntry], city: str, gazetteer: Gazetteer) -> str:
    """The one county of ``city`` whose name sounds as ``key`` does, written with other characters
    (上海市黄埔区: 黄浦区, not Guangzhou's 黄埔区), or "". Only a county's name in use has its sound
    (``official``: ``key``'s readings as written in full; a retired name's are its successor's); a county of
    another sound (杭州市婺城区) is the contradiction it looks like, one of the same name a sibling
    (桥东区…桥西区)."""
    county = next((e.code for e in official if e.kind == KIND_FULL and e.level == DISTRICT), "")
    sound = gazetteer.county_sound.get(county) if county else None
    if not sound:
        return ""
    found = [
        code
        for code in gazetteer.children.get(city, ())
        if gazetteer.county_sound.get(code) == sound and gazetteer.name_of[code] != key
    ]
    return found[0] if len(found) == 1 else ""


def _town_starting(key: str, county: str, gazetteer: Gazetteer) -> str:
    """The one township of ``county`` whose name is ``key`` with more before its suffix (马店镇 ->
    马店集镇, 新城镇 -> 新城子镇), or ""."""
    suffix = next((s for s in _TOWN_ENDINGS if key.endswith(s)), "")
    stem = key[: len(key) - len(suffix)]
    if not suffix or len(stem) < 2:
        return ""
    found = [
        code
        for code in gazetteer.children.get(county, ())
        if (name := gazetteer.name_of[code]).startswith(stem) and name.endswith(suffix) and name != key
    ]
    return found[0] if len(found) == 1 else ""


def _clipped_before(key: str, chain: list[Node], gazetteer: Gazetteer) -> str:
    """The chain's own province or city whose official name ends with ``key`` (天津市 for 津市), or ""."""
    for node in chain:
        for code in (*gazetteer.ancestors[node.code], node.code):
            name = gazetteer.name_of[code]
            if len(code) <= 4 and len(name) > len(key) and name.endswith(key):
                return code
    return ""


def _names_township_of(key: str, readings: NameReadings, county: str, gazetteer: Gazetteer) -> bool:
    """Whether ``key`` names a township of ``county``, also under another township suffix (临平镇 for 临平街道)."""
    if readings.towns_in(county):
        return True
    for suffix in _TOWNSHIP_OFFICE_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            stem = gazetteer.readings(key[: -len(suffix)])
            return stem is not None and len(stem.towns_in(county)) > 0
    return False


def _touches(start: int, end: int, spans: list[tuple[int, int]], gaps: _Gaps) -> bool:
    """Whether ``start:end`` is next to one of ``spans``, with only free characters between."""
    return any(
        (start >= e and gaps.between(e, start) == 0) or (s >= end and gaps.between(end, s) == 0)
        for s, e in spans
    )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _find_conflicts(
    result: AdminMatch, text: str, mentions: list[Mention], gaps: _Gaps, gazetteer: Gazetteer
) -> None:
    """Names around the chain: its own units named again are repeats; others touching it contradict it."""
    chain = result.chain
    used = [(n.start, n.end) for n in chain]
    codes = {n.code for n in chain}
    for node in chain:
        codes.update(gazetteer.ancestors[node.code])
    first, last = chain[0].start, chain[-1].end

    own_short: list[tuple[int, int]] = []
    others: list[Mention] = []
    for mention in mentions:
        start, end, _, readings = mention
        if _overlaps(start, end, used):
            continue
        if readings.codes.isdisjoint(codes):
            others.append(mention)
        elif any(e.kind != KIND_ALIAS and e.code in codes for e in readings.upper) or any(
            e.kind != KIND_ALIAS and e.code in codes for e in readings.towns
        ):
            result.repeats.append((start, end))  # the chain's own unit named again later (浙江省...浙江省)
        else:
            own_short.append((start, end))
    # Short names of the chain's own units are repeats too when they run on from another repeat
    # (宝安区深圳宝安区: 深圳), but not when only the chain is next to them (杭州市西湖区杭州大厦 is a POI).
    runs = [*result.repeats, *[(n.start, n.end) for n in result.conflicts]]  # a list: no generator object
    grew = True
    while grew:
        grew = False
        for span in list(own_short):
            if _touches(span[0], span[1], runs, gaps) and not _overlaps(span[0], span[1], runs):
                result.repeats.append(span)
                runs.append(span)
                own_short.remove(span)
                grew = True
    taken = [*used, *result.repeats, *[(n.start, n.end) for n in result.conflicts]]
    # A township the chain's county no longer has (个旧市城区街道, retired 2021), or 城关镇, what a county's
    # seat is called whatever its name (桃江县城关镇), is no contradiction: _retired_town reads it.
    parent = _township_parent(chain[-1], gazetteer)
    gone = gazetteer.retired_towns(parent) if parent else {}
    county = city = province = ""
    if others:
        lineage = gazetteer.chain(chain[-1].code)
        county = next((code for code in lineage if len(code) == 6), "")
        city = next((code for code in lineage if len(code) == 4), "")
        province = lineage[0][:2]
        if not city:  # a municipality named alone (上海市黄埔区): its one city
            cities = [code for code in gazetteer.children.get(province, ()) if len(code) == 4]
            city = cities[0] if len(cities) == 1 else ""
    for start, end, key, readings in others:
        if (
            _overlaps(start, end, taken)
            or (start, end) in result.in_names
            or (key.endswith(_ZONE_ENDINGS) and not any(code[:2] == province for code in readings.codes))
            or key in _GENERIC_DISTRICT_NAMES
            or (
                key in _TOWN_QUARTERS and not any(gazetteer.parent_of[e.code] == city for e in readings.upper)
            )
        ):
            # A name that starts a zone's (南京江北新区) says where the zone is only if it fits; a zone's own
            # name from another province (利津县滨海新区: a local zone, 天津's 滨海新区) contradicts nothing,
            # nor a district named by a generic word (城区 in 揭阳市蓝城区, 西区), nor a town's quarter named
            # like a district elsewhere (四会市东城区), unless it is a district of the city itself.
            continue
        if (parent and (key in gone or key in _SEAT_NAMES)) or _retired_under(
            readings, chain[-1].code, gazetteer
        ):
            continue
        if county and _names_township_of(key, readings, county, gazetteer):
            continue  # another township of the chain's own county (昌化 in 临安区昌化龙岗镇): an area, no contradiction
        entries = (*readings.upper, *readings.towns)
        inside = first < start < last
        # Full or retired names next to the chain contradict it; a short name only where divisions are
        # written: between two of the chain's own, or right before it (浙江，金华，五常街道: 五常 is in 杭州).
        # ...but a township's official name without a division word (永兴, in 三沙) is a word in 永兴新村, and
        # districts named by a generic word (新城区 in 西安, 西区 in 攀枝花) are words after another city
        # (铁岭市新城区, 成都高新西区).
        official = [
            e
            for e in _official(key, entries)
            if (e.level < TOWN or key.endswith(_TOWN_ENDINGS)) and key not in _GENERIC_DISTRICT_NAMES
        ]
        if not official and _bracketed(text, start, end):
            continue
        zone_or_county = _zone_beside_county(official, chain) if official else None
        if zone_or_county is not None:
            if zone_or_county.code[4] != "7":  # the county written beside the zone read as the district
                at = chain.index(next(n for n in chain if n.entry.level == DISTRICT))
                zone = chain[at]
                chain[at] = Node(start, end, zone_or_county, 0.0)
                # the zone's name is text now, whole (保定高新技术产业开发区 keeps 保定)
                result.repeats = [r for r in result.repeats if not zone.start <= r[0] < zone.end]
            taken.append((start, end))
            continue
        leads = end <= first and gaps.between(end, first) == 0
        touches = _touches(start, end, used, gaps)
        # A short name contradicts only as a province's, city's or county's: a township's short name (大坪,
        # 新桥: dozens each) is as likely a word.
        # Inside the chain a short name must sit among the divisions, touching one on each side (浙江，金华，
        # 五常街道): one followed by street text is a word (莆田市公安局…城厢区, 宿迁市洪泽湖东路…宿豫区,
        # …佛子岭路交口金安区).
        if (official and (touches or inside)) or (
            not official
            and bool(readings.upper)
            and (leads or (inside and _between_divisions(start, end, used, gaps)))
        ):
            best = min(official or entries, key=lambda e: e.level)
            taken.append((start, end))
            # Contradiction needs evidence on both sides: a township no unit of the chain's province has is
            # more likely retired or renamed than elsewhere (南汇区中港镇), and a county name that starts one of
            # the city's counties is a colloquial or clipped form (南京市雨花区), not another city's county.
            if official and best.level == TOWN and not any(e.code[:2] == province for e in readings.towns):
                result.unknown_towns.append((start, end))
                continue
            if official and best.level == TOWN and county:
                meant = _town_starting(key, county, gazetteer)
                if meant:  # 涡阳县马店镇: 马店集镇, its official name, shortened; not 太和县's 马店镇
                    result.misnamed.append((start, end, meant))
                    continue
            if official and best.level == DISTRICT and _seat_before_county(best, end, chain, gazetteer):
                result.repeats.append((start, end))
                continue
            retired = gazetteer.retired_in_city.get(city, {}).get(key) if city else None
            if (
                retired is not None
                and best.level == DISTRICT
                and chain[-1].entry.level == CITY
                and start >= last
            ):
                # 邢台市桥西区: the city's own county of that name, retired (信都区 since 2020), not 石家庄's.
                successor_codes, year = retired
                nodes = [
                    Node(start, end, NameEntry(code, DISTRICT, KIND_HISTORICAL, year), 0.0)
                    for code in successor_codes
                ]
                result.alternatives = [[*chain, node] for node in nodes[1:]]
                chain.append(nodes[0])
                used.append((start, end))
                continue
            if official and best.level == DISTRICT and city:
                meant = _county_starting(key, city, gazetteer) or _county_sounding(
                    key, official, city, gazetteer
                )
                if meant:
                    result.misnamed.append((start, end, meant))
                    continue
            if not official and leads:
                meant = _clipped_before(key, chain, gazetteer)
                if meant:  # 津市河西区: 天津市 lost its first character, not 湖南's 津市市
                    result.misnamed.append((start, end, meant))
                    continue
            result.conflicts.append(Node(start, end, best, 0.0))


_OPENING_BRACKETS: Final = "(（[【"
# A road's or a door number's word: after the place named again, it starts another street address.
_STREET_WORD: Final = re.compile("[路街巷弄]|[0-9]+号")
_CLOSING_BRACKETS: Final = ")）]】"


def _bracketed(text: str, start: int, end: int) -> bool:
    """Whether the name alone fills a pair of brackets (铁山港（临海）工业区): an aside, such as a former name
    or a landmark; a short name there says nothing against the divisions around it."""
    return (
        start > 0
        and end < len(text)
        and text[start - 1] in _OPENING_BRACKETS
        and text[end] in _CLOSING_BRACKETS
    )


def _zone_beside_county(official: list[NameEntry], chain: list[Node]) -> NameEntry | None:
    """The reading, if any, that makes a county-level functional zone and a county of the same city meet
    (颍州区阜阳合肥现代产业园区, or the other way round): NBS lists zones (codes ``xxxx7x``) beside the counties
    they lie across, so the two name one place, not two; the county is the district, the zone a locator."""
    county = next((n for n in chain if n.entry.level == DISTRICT), None)
    if county is None:
        return None
    return next(
        (
            e
            for e in official
            if e.level == DISTRICT
            and e.code[:4] == county.code[:4]
            and (e.code[4] == "7") != (county.code[4] == "7")
        ),
        None,
    )


def _township_parent(node: Node, gazetteer: Gazetteer) -> str:
    """The code townships hang under when ``node`` ends the chain: a county, or a city with no county
    level (东莞); "" for anything else."""
    level = node.entry.level
    if level == DISTRICT or (level == CITY and node.code in gazetteer.countyless_cities):
        return node.code
    return ""


def _retired_under(readings: NameReadings, code: str, gazetteer: Gazetteer) -> bool:
    """Whether the name was a township (retired since 2016) of ``code`` or of a county under it."""
    return any(code == e.code or code in gazetteer.ancestors[e.code] for e in readings.retired)


def _retired_town(result: AdminMatch, mentions: list[Mention], gazetteer: Gazetteer) -> None:
    """A township name NBS 2023 no longer has, written after the chain: under the county the chain ends
    on (its record, or 城关镇 for the seat), or under its city or province when only one county there had
    it (the county is then inferred from it). The first such name counts."""
    chain = result.chain
    last = chain[-1]
    parent = _township_parent(last, gazetteer)
    chain_end = result.end
    for start, end, key, readings in mentions:
        if start < chain_end or (start, end) in result.in_names:
            continue
        if parent:
            record = gazetteer.retired_towns(parent).get(key)
            if record is not None or key in _SEAT_NAMES:
                result.retired_town, result.retired = (start, end), record
                return
        elif last.entry.level < DISTRICT:
            counties = [e.code for e in readings.retired if last.code in gazetteer.ancestors[e.code]]
            if len(counties) == 1:
                result.retired_town = (start, end)
                result.retired = gazetteer.retired_towns(counties[0]).get(key)
                return


def _retired_town_alone(result: AdminMatch, mentions: list[Mention], gazetteer: Gazetteer) -> None:
    """No chain, but a retired township's name that one county had and nothing else bears (a 镇, 乡 or
    街道 written in full): the county is read from it."""
    for start, end, key, readings in mentions:
        if len(readings.retired) == 1 and not readings.codes:
            result.retired_town = (start, end)
            result.retired = gazetteer.retired_towns(readings.retired[0].code).get(key)
            return


__all__ = ["AdminMatch", "Node", "match_admin"]
