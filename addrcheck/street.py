"""Parse what lies below the township: development zone, community or village, road and door number, POI,
building, unit, floor and room.

A left-to-right scanner over the folded text: at each position the token patterns are tried in a fixed
order (the order Chinese addresses are written in); text that no pattern claims accumulates and becomes
the POI (the first such run) or unresolved text. Patterns are anchored on the suffix words that close
each part (路, 号, 栋, 单元, 室...), which is how people, and the CCKS labelling rules, delimit them.

Where a road name starts is the hard part (the suffix is clear, the start is not): a road name never
runs across a word that closes another part (镇, 村, 城, 大厦, 3楼...), and is two or three characters
before its suffix, else the front is another place (胡家埭振兴路: village + road), four only when a
direction, ordinal or generic word closes it (九龙湖西路); a road written straight after the road is its
second road (a lane, a cross street). Each rule was measured on the CCKS train split (road F1 0.807 ->
0.934 there; dev untouched until the end).
Unclaimed runs are named by their ending (村/社区: community), with assist words (对面, 附近) cut off.
A pattern is not tried past the last place its closing characters occur, which keeps the scan cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from addrcheck.models import COMPONENT_NAMES
from addrcheck.text import CHINESE_NUMERAL, SEPARATORS, char_table, normalize_number

_HAN: Final = "\u4e00-\u9fff"
_NUM: Final = f"(?:[0-9]+|[{CHINESE_NUMERAL}]+)"
# A sub-number joined by a dash (12-3号, 000--000号 typed twice) or 之 (12之3号) is part of the number.
_NUMX: Final = f"{_NUM}(?:(?:-+|之)[0-9]+)*"
# What may lead a door or building number: a block letter (A12栋, A-3栋), not the end of a longer code
# (中天AAA00座), or, on a road, a heavenly stem (樱花东街甲8号; 八甲000号 is a place, then a number).
_NUMBER_PREFIX: Final = "(?:(?<![A-Z])[A-Z]{1,2}-?|(?<=[路街巷道弄里])[甲乙丙丁])"
_FLOOR_NUM: Final = f"(?:[0-9]{{1,2}}|[{CHINESE_NUMERAL}]+)"
_NOT_NUMBER_WORD: Final = "(?!楼|栋|幢|单元|层|室)"
# Words after a bare number that make it a quantity, a date or the number of another part (3公里, 2023年,
# 00区, 5路公交, 2支弄), never a door number by itself.
_NOT_A_DOOR_AFTER: Final = "号弄號楼栋幢座院层室房单元期区街路巷道组队社门户铺间位台床馆库厂站车年月日时点分秒米元个人只件次天周公里支摊"
# What joins the numbers of a list or a range (12、14号, 12—16号, 12-~16号): the first is not a door number
# by itself, the list is read as written.
_LIST_GAP: Final = "[、,，~～—–-]+"
# A dashed date (2023-05-01) is not a door number.
_DATE: Final = "(?:19|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9](?![0-9])"
# A name character that does not close another part: a community or zone name never runs across a road
# or a number (文三路90号上黄村 is a road, a number and a village, not one long village name).
_NAME: Final = f"(?:(?![路街号巷弄栋幢室])[{_HAN}])"
_NAME_OR_DIGIT: Final = f"(?:(?![路街号巷弄栋幢室])[{_HAN}0-9])"

_DIGITS: Final = "0123456789"
_NUMBER_START: Final = frozenset(_DIGITS + CHINESE_NUMERAL)
_NUMBER_OR_LETTER: Final = _NUMBER_START | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PREFIXED_NUMBER: Final = _NUMBER_OR_LETTER | frozenset("甲乙丙丁")


class _Part:
    """A part's pattern, and what lets the scanner skip it cheaply.

    ``needs``: characters at least one of which every match contains (its closing words), so the pattern
    is not tried past the last of them; ``ends``: for a pattern whose matches end with one of these words,
    the words: a closing character then counts only after the character before it in one of them (the 区
    of 小区 closes no zone and no community); ``starts``: the characters every match starts with (None:
    any), so the number-led parts are not tried at the Han characters that make up most of an address;
    ``tail``: how close to the end of the text the pattern can match without a closing character.
    """

    __slots__ = ("after", "match", "name", "needs", "pattern", "start_bit", "starts", "tail")

    def __init__(
        self,
        name: str,
        pattern: str,
        needs: str,
        starts: frozenset[str] | None = None,
        tail: int = 0,
        ends: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.pattern = re.compile(pattern)
        # The bound method, called directly: a method call looks the name up on every call.
        self.match: Callable[[str, int, int], re.Match[str] | None] = self.pattern.match
        self.needs = frozenset(needs)
        self.starts = starts
        self.start_bit = 0  # the bit of ``starts`` in _FLAGS, set once every part is known
        self.tail = tail
        # Closing character -> the characters one of which must stand right before it.
        before: dict[str, set[str]] = {}
        anywhere: set[str] = set()
        for word in ends:
            assert word[-1] in self.needs, (name, word)
            if len(word) == 1:
                anywhere.add(word)
            else:
                before.setdefault(word[-1], set()).add(word[-2])
        self.after: dict[str, frozenset[str]] = {
            ch: frozenset(chars) for ch, chars in before.items() if ch not in anywhere
        }


# The words that end a development zone's name, tried in this order.
_ZONE_ENDS: Final = (
    *(
        "经济技术开发区",
        "经济开发区",
        "技术开发区",
        "高新技术产业开发区",
        "高新技术开发区",
        "高新区",
        "开发区",
    ),
    *("工业园区", "工业园", "产业园区", "产业园", "科技园", "保税区", "综合保税区", "工业功能区", "功能区"),
    *(
        "工业区",
        "工业集中区",
        "物流园区",
        "物流园",
        "创业园",
        "创意园",
        "电商园",
        "经济园",
        "软件园",
        "科技城",
    ),
    "园区",
)
# The pattern of bare numbers: not a component itself, the scanner reads it as one or more of them.
_NUMBER_RUN: Final = "number_run"
# Tried in this order at each position.
_PATTERNS: Final[tuple[_Part, ...]] = (
    _Part(
        "town",
        # 小镇 is a development's word (跨贸小镇, 云栖小镇), not a township's suffix: NBS has two such names,
        # which the gazetteer reads.
        f"{_NAME}{{1,8}}?(?:街道办事处|街道|(?<!小)镇(?![东西南北中]?(?:路|街|大道))|乡(?![村下]|[东西南北中]?(?:路|街|大道)))",
        "街镇乡",
    ),
    _Part(
        "devzone",
        f"(?:{_NAME}|[A-Z])(?:{_NAME_OR_DIGIT}|[A-Z]){{0,13}}?(?:{'|'.join(_ZONE_ENDS)})",
        "区园城",
        ends=_ZONE_ENDS,
    ),
    _Part(
        "community",
        f"{_NAME}{_NAME_OR_DIGIT}{{0,9}}?(?:社区居委会|社区居民委员会|村民委员会|居委会|村委会|社区|新村|村(?![路街道镇委口]))"
        f"(?:{_NUM}(?:组|队|社))?",
        "区会村",
        ends=("社区居委会", "社区居民委员会", "村民委员会", "居委会", "村委会", "社区", "新村", "村"),
    ),
    _Part(
        "road",
        f"(?:(?:[{_HAN}]{{1,10}}?[0-9]{{0,3}}|[0-9]+号?)(?:大道|大街|公路|胡同|路|街(?!道)|巷|(?<!街)道(?![办路])|里(?=[0-9]))"
        f"|[{_HAN}]{{1,10}}?(?:弄|线|高速公路|高速)|[0-9A-Z]+(?:国道|省道|县道))"
        "(?!村|社区|镇|乡)",
        "道街路同巷里弄线速",
    ),
    _Part(
        "road_number",
        f"{_NUMBER_PREFIX}?{_NUMX}[A-Z]?-?(?:号|弄|號){_NOT_NUMBER_WORD}(?:院)?",
        "号弄號",
        _PREFIXED_NUMBER,
    ),
    _Part(
        "building",
        f"(?:(?:第|{_NUMBER_PREFIX})?{_NUMX}|[A-Z]{{1,2}})(?:号楼|栋|幢|座|号院|#楼?|楼(?=[0-9]+单元))"
        # A wing named by its side (大厦东楼, 南幢), where no name goes on after it.
        f"|[东西南北](?:楼|幢|栋|座)(?![{_HAN}])",
        "楼栋幢座院#",
        _PREFIXED_NUMBER | frozenset("第东西南北"),
    ),
    _Part("unit", f"[A-Z]{{0,2}}{_NUM}单元|[A-Z]单元", "元", _NUMBER_OR_LETTER),
    # A floor range (3-5层, A座2-3楼) is one floor part; 478-3楼 is a door number and a floor.
    _Part(
        "floor",
        f"(?:(?<![0-9]){_FLOOR_NUM}-{_FLOOR_NUM}|{_NUM}|[A-Z]?[0-9]+)(?:楼层|层|楼|F)(?![0-9]*号)",
        "层楼F",
        _NUMBER_OR_LETTER,
    ),
    # A room closes on 室/房/号, or is the last 3-5 digits of the address (a tail of at most 6 characters),
    # not the end of a longer number (a postcode, a phone).
    _Part(
        "room",
        f"{_NUMX}(?:室|房|号房|号)|(?<![0-9A-Z])[A-Z]?[0-9]{{3,5}}$",
        "室房号",
        _NUMBER_OR_LETTER,
        tail=6,
    ),
    # Numbers with no closing word, one to three joined by dashes: 文三路478, 解放路218-6, 小区3-2-501,
    # 长平路88华星大楼; not when one or two characters follow (8服饰, 12好: a shop's name, a typo), nor
    # at the head of a list of numbers.
    # Which parts they are depends on what they follow (see _read_number_run).
    _Part(
        _NUMBER_RUN,
        f"(?<![0-9A-Z])(?<![0-9][-.])(?!{_DATE})(?:[A-Z](?=[0-9]))?[0-9]{{1,5}}(?:-[0-9]{{1,5}}){{0,2}}"
        # a letter closing the address (黄埔大道中3-23C): part of the number
        "(?:[A-Z]$)?"
        f"(?![0-9A-Z]|[-.][0-9]|[{_NOT_A_DOOR_AFTER}]|[{_HAN}]{{1,2}}(?![{_HAN}])|{_LIST_GAP}[0-9A-Z])",
        _DIGITS,
        _NUMBER_OR_LETTER,
    ),
)
# Pattern indices by the closing characters they need anywhere, indexed by code point (all of them in the
# Basic Multilingual Plane): ord(text[i]) reads a code point without making a one-character string.
_NO_PATTERNS: Final[tuple[int, ...]] = ()
_needed_at: list[tuple[int, ...]] = [_NO_PATTERNS] * 0x10000
for _needed in frozenset().union(*(part.needs for part in _PATTERNS)):
    _needed_at[ord(_needed)] = tuple(
        i for i, part in enumerate(_PATTERNS) if _needed in part.needs and _needed not in part.after
    )
# A tuple, not a list: a tuple of tuples of numbers drops out of the garbage collector's view.
_NEEDED_AT: Final[tuple[tuple[int, ...], ...]] = tuple(_needed_at)
del _needed_at
# The closing characters that count only after certain characters: (pattern index, those characters).
_NEEDED_AFTER: Final[dict[str, tuple[tuple[int, frozenset[str]], ...]]] = {
    ch: tuple((i, part.after[ch]) for i, part in enumerate(_PATTERNS) if ch in part.after)
    for ch in frozenset().union(*(part.after for part in _PATTERNS))
}
# The last character of every barrier word (see _ROAD_BARRIER): a span without one holds no barrier, and
# the costly _ROAD_NAME_START (a backtracking .*) is not run on it.
_BARRIER_HINTS: Final = "道镇乡县省区市园村场厦心城学院司校楼层期号"


def _flag_table(classes: list[tuple[frozenset[str], int]]) -> bytes:
    """One byte per Basic Multilingual Plane code point, the bits of the classes its character is in."""
    table = bytearray(0x10000)
    for chars, bit in classes:
        for ch in chars:
            table[ord(ch)] |= bit
    return bytes(table)


# Character classes the scanner asks of nearly every character, as bits of one table indexed by code point:
# a byte read, where a set lookup would first make a one-character string.
_SEPARATOR_BIT: Final = 1
_BARRIER_HINT_BIT: Final = 2
_AFTER_BIT: Final = 4  # a closing character of _NEEDED_AFTER
# Then one bit per distinct ``starts`` set, by pattern (0: the pattern starts anywhere).
_STARTS_SETS: Final = list(dict.fromkeys(part.starts for part in _PATTERNS if part.starts is not None))
for _part in _PATTERNS:
    _part.start_bit = 0 if _part.starts is None else 8 << _STARTS_SETS.index(_part.starts)
_NEEDED_BIT: Final = 8 << len(_STARTS_SETS)  # a closing character of _NEEDED_AT
assert _NEEDED_BIT < 0x100, "the flags must fit in a byte"
_FLAGS: Final = _flag_table(
    [
        (SEPARATORS, _SEPARATOR_BIT),
        (frozenset(_BARRIER_HINTS), _BARRIER_HINT_BIT),
        (frozenset(_NEEDED_AFTER), _AFTER_BIT),
        (frozenset(ch for part in _PATTERNS for ch in part.needs if ch not in part.after), _NEEDED_BIT),
        *((starts, 8 << i) for i, starts in enumerate(_STARTS_SETS)),
    ]
)


def _flags(text: str, i: int) -> int:
    code = ord(text[i])
    return _FLAGS[code] if code < 0x10000 else 0


def _has_barrier_hint(text: str, start: int, end: int) -> bool:
    return any(_flags(text, i) & _BARRIER_HINT_BIT for i in range(start, end))


# Words that end another part: a road name never runs across them, so a road match that contains one starts
# after it (模具城金型路 is a POI and a road, 龙港镇兴安街 a town and a road).
_ROAD_BARRIER: Final = re.compile(
    f"(?:[{_HAN}0-9A-Z]+(?:街道|镇|乡|县|省|市辖区|市(?!场)|区|工业园|产业园|科技园|创业园|社区|村"
    f"|广场|大厦|中心|市场|商城|花园|大学|医院|公司|学校)"
    f"|[{_HAN}]{{2,}}(?:城|公园)|[0-9{CHINESE_NUMERAL}]+(?:楼|层|期|号))"
)
_ROAD_NAME_START: Final = re.compile(f".*{_ROAD_BARRIER.pattern}")


class _Suffixes:
    """Words by length, longest first (``by_length[i]`` holds the words of length ``len(by_length) - i``),
    and by the code point of a last character, the lengths of the words that end with it (bit
    ``length - 1``): most lengths are ruled out before any slice is made."""

    __slots__ = ("by_length", "lengths_at")

    def __init__(self, words: frozenset[str] | set[str]) -> None:
        longest = max(len(w) for w in words)
        assert longest <= 8, "the lengths must fit in a byte"
        self.by_length: tuple[frozenset[str], ...] = tuple(
            frozenset(w for w in words if len(w) == length) for length in range(longest, 0, -1)
        )
        table = bytearray(0x10000)
        for w in words:
            table[ord(w[-1])] |= 1 << (len(w) - 1)
        self.lengths_at: bytes = bytes(table)


# Road suffixes by length, longest first: the suffix of a road is the longest one it ends with.
_ROAD_SUFFIXES: Final = _Suffixes(
    {"高速公路", "大道", "大街", "公路", "胡同", "高速", "国道", "省道", "县道"} | set("路街巷道里弄线")
)
# A division suffix left at the start of the text after the divisions: the gazetteer matched 龙港 in
# 龙港镇 as a short name, so 镇 is what remains of the division, not the start of a road or a village.
_DIVISION_END: Final = frozenset("省市区县镇乡道")
_DIRECTIONS: Final = frozenset("东西南北中")
# A road's section: 北段, 一段, 东延段, or a lone direction before the door number (黄埔大道中3号, 塔墩路东8号).
_SECTION: Final = re.compile("[东西南北中一二三四五六七八九十]段|[东西南北]延段?|[东西南北中](?=[0-9])")
_SECTION_STARTS: Final = frozenset("东西南北中一二三四五六七八九十")
_LEFTOVER_SUFFIX: Final = re.compile("(?:市辖区|街道办事处|街道|镇|乡|区|县|市|省)")
# What joins the two roads of an intersection: 甲路与乙路(交叉口).
_CONNECTORS: Final = frozenset("与和跟及同")
_JUNK: Final = (
    frozenset(SEPARATORS)
    | {"近", "旁", "对面", "对过", "附近", "电联", "电话联系"}
    | _CONNECTORS
    | {"市辖区", "街道办事处", "街道", "镇", "乡", "区", "县", "市", "省"}
)


_ROAD_CORE_MAX: Final = 4
_ROAD_NUMBER: Final = next(i for i, part in enumerate(_PATTERNS) if part.name == "road_number")
# A direction, an ordinal or a branch word closes a longer name: 越兴东路, 西园七路, 老浙大横路, 新横一支路.
_NAME_TAIL: Final = _DIRECTIONS | frozenset("0123456789" + CHINESE_NUMERAL + "横直支环号")
# Generic words a road is named with after a place: 共和工业路, 银泰步行街 keep the place in the name.
_GENERIC_NAME_END: Final = frozenset({"工业", "科技", "发展", "步行", "商业", "一条"})


def _longest_suffix(text: str, start: int, end: int, suffixes: _Suffixes) -> int:
    """Where the longest of ``suffixes`` that ``text[start:end]`` ends with begins, or -1. String
    comparisons: an end-anchored regex search tries every position first."""
    if end <= start:
        return -1
    code = ord(text[end - 1])
    lengths = suffixes.lengths_at[code] if code < 0x10000 else 0
    if not lengths:
        return -1
    groups = suffixes.by_length
    longest = len(groups)
    for index in range(longest):
        length = longest - index
        if (
            lengths >> (length - 1) & 1
            and end - length >= start
            and (length == 1 or text[end - length : end] in groups[index])
        ):
            return end - length
    return -1


def _longest_name_start(text: str, start: int, core_end: int) -> int:
    """Where a road name without a barrier most likely starts: road names are two or three characters
    before the suffix (振兴路, 越兴东路); a longer run begins with another place (胡家坟振兴路, 上溪金塘路),
    unless a direction, an ordinal or a generic word closes a four-character name (九龙湖西路)."""
    length = core_end - start
    tail = text[core_end - 1] in _NAME_TAIL
    if length < _ROAD_CORE_MAX or (
        length == _ROAD_CORE_MAX and (tail or text[core_end - 2 : core_end] in _GENERIC_NAME_END)
    ):
        return start
    return core_end - (3 if tail else 2)


# Words that close the name of a compound, a building or an institution (小区, 大厦, 医院...).
_PREMISES: Final = (
    "小区",
    "花园",
    "大厦",
    "广场",
    "市场",
    "公寓",
    "家园",
    "新村",
    "商城",
    "中心",
    "大楼",
    "山庄",
    "花苑",
    "公司",
    "医院",
    "大学",
    "学院",
    "酒店",
    "宾馆",
)


def _second_road_start(text: str, start: int, end: int) -> int:
    """Where a road matched right after the road starts, if it is a second road, else -1.

    A second road is written straight after the first: a lane off it (永新街一巷, 兴平东路3巷) or, after a
    connector, the cross street of an intersection (中环南路和花园路). Its name is at most four characters
    and crosses no word that ends another part; 和平路 after a road is a road, not 和 + 平路. A premises word
    right after it makes it the head of a compound's name (庆春路竹竿巷小区, 新风路红街公寓).
    """
    if text.startswith(_PREMISES, end):
        return -1
    suffix = _longest_suffix(text, start, end, _ROAD_SUFFIXES)
    core_end = suffix if suffix >= 0 else end - 1
    if text[start] in _CONNECTORS and core_end - start > 2:
        start += 1
    if not 0 < core_end - start <= _ROAD_CORE_MAX or _ROAD_BARRIER.search(text, start, core_end):
        return -1
    return start


_CROSSING: Final = re.compile("(?:交叉路口|十字路口|交叉口|交汇处|交界处|交界|交口|路口)(?:处|旁|附近)?")
# The first characters of the crossing words: most runs start with none, and need no regex call.
_CROSSING_STARTS: Final = ("交", "十", "路")
# Words after a place that give the address from it (某某超市对面): the place is a landmark, not the
# premises. Longest first, as past_landmark tries them.
_LANDMARK_WORDS: Final = (
    "斜对面",
    "正对面",
    "斜对过",
    "对面",
    "对过",
    "附近",
    "旁边",
    "隔壁",
    "边上",
    "后面",
    "旁",
)
# Words at the end of a run that only say where from the place it names, by length: the landmark words,
# a side of the place (东侧), and notes (电联, 楼下, 内).
_ASSIST_ENDS: Final = _Suffixes(
    {*_LANDMARK_WORDS, "电话联系", "电联", "楼下", "里面", "内"} | {d + w for d in "东西南北" for w in "侧面"}
)
# Split a POI from the named part inside it only where parse() has a component to put that part in.
SPLIT_SUBPOI = "subpoi" in COMPONENT_NAMES
_POI_HEAD: Final = re.compile(f"[{_HAN}A-Z0-9]{{2,}}?(?:{'|'.join(_PREMISES)})")
# An unclaimed run is named by how it ends: a village or community word, or else it is a POI.
_COMMUNITY_ENDS: Final = ("社区", "村", "居委会", "村委会", "村委")


# The two-character ones, which a run that goes on past them is cut after (the longer ones end with 对面).
_LANDMARK_PAIRS: Final = frozenset(w for w in _LANDMARK_WORDS if len(w) == 2)
# Words for a part of some building that name no place of their own (某体育馆对面平层).
_NAMELESS: Final = frozenset({"平层", "楼上", "楼下", "底商", "门面", "铺面", "店面", "门市", "商铺"})
_NAMELESS_FIRST: Final = char_table(w[0] for w in _NAMELESS)


def _landmark_cut(text: str, start: int, end: int) -> int:
    """Where to cut the run ``text[start:end]`` that goes on past a landmark word with only a nameless word
    after it (某体育馆对面平层), or -1: cut there, the run ends with the landmark word (the landmark is its
    POI, the word says where from) and the nameless word is text left unplaced. A run that names anything
    after the word (某大门对面星光广场, 火车站对面国贸) stays whole: that place is where the address is."""
    at = end - 4  # a landmark word and a nameless word, both of two characters, end the run
    if at <= start:
        return -1
    code = ord(text[end - 2])
    if code >= 0x10000 or not _NAMELESS_FIRST[code] or text[end - 2 : end] not in _NAMELESS:
        return -1
    return at + 2 if text[at : at + 2] in _LANDMARK_PAIRS else -1


def past_landmark(text: str, at: int) -> int:
    """Where what follows a landmark word at ``at`` starts (separators around it and a nameless word after
    it skipped: 某超市 (对面) 平层), or -1 if no landmark word is there: the place before ``at`` then only
    says where the address is from."""
    size = len(text)
    while at < size and text[at] in SEPARATORS:
        at += 1
    word = next((w for w in _LANDMARK_WORDS if text.startswith(w, at)), "")
    if not word:
        return -1
    at += len(word)
    while at < size and text[at] in SEPARATORS:
        at += 1
    if text[at : at + 2] in _NAMELESS:
        at += 2
    return at


def _has_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a Han character or a (folded) letter: [\u4e00-\u9fffA-Z]."""
    for i in range(start, end):
        code = ord(text[i])
        if 0x4E00 <= code <= 0x9FFF or 0x41 <= code <= 0x5A:
            return True
    return False


def _run_kind(chunk: str) -> str | None:
    if not _has_name(chunk, 0, len(chunk)):
        return None
    if chunk.endswith(_COMMUNITY_ENDS):
        return "community"
    return "poi"


# A room number has three digits or more (floor and room: 301, 1502); a shorter number after a dash
# numbers a door within the door (218-6, 12-3).
_ROOM_DIGITS: Final = 3
_NUMBER_NAMES: Final = frozenset({_NUMBER_RUN, "room"})


def _read_number_run(
    text: str, start: int, end: int, after: str, seen: set[str]
) -> list[tuple[str, int, int]] | None:
    """The parts that bare numbers (``text[start:end]``, one to three joined by dashes) stand for, by what
    they follow: ``after`` is "road", "place" (a compound, a village, a zone or a door number) or
    "building". None: they stay unclaimed. Each part keeps its text as written; the dashes between
    parts are separators, a dash inside a door number is part of it."""
    if after == "road":
        # 文三路478, 解放路218-6, 机场路88-2-1: the door number on the road, as the 号 form would be.
        return None if "road_number" in seen else [("road_number", start, end)]
    spans = []
    piece = start
    for i in range(start, end + 1):
        if i == end or text[i] == "-":
            spans.append((piece, i))
            piece = i + 1
    if after == "place" and "building" not in seen:
        if len(spans) == 3 and not seen.intersection(("unit", "room")):
            # 翠苑一区23-4-502: building, unit, room.
            return [("building", *spans[0]), ("unit", *spans[1]), ("room", *spans[2])]
        if len(spans) == 2 and spans[1][1] - spans[1][0] >= _ROOM_DIGITS and "room" not in seen:
            # 某某小区12-301, 长寿路99弄12-301: building and room.
            return [("building", *spans[0]), ("room", *spans[1])]
        if len(spans) == 2:
            # 溪口村12-3: one door number that numbers the place, as 溪口村12-3号 does.
            return [("building", start, end)]
    if (
        after == "building"
        and len(spans) == 2
        and all(b - a >= _ROOM_DIGITS for a, b in spans)
        and "room" not in seen
    ):
        # 某大厦A座1201-1205: a range of rooms.
        return [("room", start, end)]
    return None


class StreetPart:
    """One part found below the township (internal: parse() turns it into a Component)."""

    __slots__ = ("end", "name", "start", "value")

    def __init__(self, name: str, value: str, start: int, end: int) -> None:
        self.name = name
        self.value = value
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"StreetPart({self.name!r}, {self.value!r}, {self.start}, {self.end})"


def _number_context(text: str, parts: list[StreetPart], pending: int, position: int, section_end: int) -> str:
    """What a number at ``position`` follows: "road" (the road or its second road, nothing between but
    the road's section, which ends at ``section_end``), "place" (a named run, a community or zone, or a
    door number), "building", or "" (anything else)."""
    if pending >= 0:
        return "place" if _has_name(text, pending, position) else ""
    if not parts:
        return ""
    last = parts[-1]
    after = section_end if last.name == "road" and section_end > last.end else last.end
    if any(not _flags(text, i) & _SEPARATOR_BIT for i in range(after, position)):
        return ""  # unclaimed text between, already set aside (the 2023 of 2023-05-01)
    if last.name in ("road", "second_road"):
        # A numbered lane with no road before it (某新村3弄) is numbered like the lane after a road.
        lane = last.name == "road" and last.value.endswith("弄") and last.value[0] in _NUMBER_START
        return "place" if lane else "road"
    if last.name in ("community", "devzone", "road_number"):
        return "place"
    return "building" if last.name == "building" else ""


def _last_needed(text: str, start: int, end: int) -> list[int]:
    """By pattern, the last place in ``text[start:end]`` one of its closing characters occurs (-1: none):
    a pattern is worth trying only up to there."""
    last_needed = [-1] * len(_PATTERNS)
    for i in range(start, end):
        code = ord(text[i])
        flags = _FLAGS[code] if code < 0x10000 else 0
        if flags & _NEEDED_BIT:
            for index in _NEEDED_AT[code]:
                last_needed[index] = i
        if flags & _AFTER_BIT and i > start:
            previous = text[i - 1]
            for index, before in _NEEDED_AFTER[text[i]]:
                if previous in before:
                    last_needed[index] = i
    return last_needed


def _part_start(part: StreetPart) -> int:
    return part.start  # a sort key as a function: a lambda makes parse_street build a closure on every call


def parse_street(
    text: str, start: int, end: int, *, town_known: bool
) -> tuple[list[StreetPart], list[tuple[int, int]], list[tuple[int, int]]]:
    """Tokenise ``text[start:end]`` (folded). Returns the parts found, the spans left over (text nobody
    placed) and the roads' sections (北段, 一段: understood, but no part of their own).

    ``town_known``: the gazetteer already found the township, so another 街道/镇 here is not one.
    """
    parts: list[StreetPart] = []
    other: list[tuple[int, int]] = []
    seen: set[str] = set()
    position = start
    pending = -1
    if start > 0 and text[start - 1] not in SEPARATORS and text[start - 1] not in _DIVISION_END:
        leftover = _LEFTOVER_SUFFIX.match(text, start, end)
        if leftover is not None:
            leftover_end = leftover.end()
            if leftover_end < end:
                other.append((start, leftover_end))
                position = leftover_end
    last_needed = _last_needed(text, start, end)
    road_end = -1  # where the road ends while nothing follows it yet: a second road may start there
    section_end = -1  # where the section after the road ends (天府大道北段, 人民南路一段, 黄埔大道中3号)
    sections: list[tuple[int, int]] = []
    while position < end:
        flags = _flags(text, position)
        if flags & _SEPARATOR_BIT:
            if pending >= 0:
                other.append((pending, position))
                pending = -1
            position += 1
            continue
        for index in range(len(_PATTERNS)):
            part = _PATTERNS[index]
            last = last_needed[index]
            if last < 0 and not part.tail:
                continue  # no closing character at all
            start_bit = part.start_bit
            if (last < position < end - part.tail) or (start_bit and not flags & start_bit):
                continue
            name = part.name
            if name in seen and not (name == "road" and position == road_end):
                continue
            if name == "town" and (town_known or parts):
                continue
            match = part.match(text, position, end)
            if match is None:
                continue
            match_end = match.end()  # a method call each time: read once
            match_start = position
            named_run_before = pending >= 0
            after = (
                _number_context(text, parts, pending, position, section_end) if name in _NUMBER_NAMES else ""
            )
            if name == _NUMBER_RUN:
                pieces = _read_number_run(text, position, match_end, after, seen)
                if pieces is None:
                    continue
                if pending >= 0:
                    other.append((pending, position))
                    pending = -1
                for piece_name, piece_start, piece_end in pieces:
                    parts.append(StreetPart(piece_name, text[piece_start:piece_end], piece_start, piece_end))
                    seen.add(piece_name)
                position = match_end
                road_end = -1
                break
            if (
                name == "room"
                and after == "road"
                and "road_number" not in seen
                and text[match_end - 1] in _DIGITS
            ):
                # 延安路398 at the end of the address: the door number on the road, not a room.
                name = "road_number"
            elif name == "road" and position == road_end:
                match_start = _second_road_start(text, position, match_end)
                if match_start < 0:
                    continue
                if match_start > position:
                    other.append((position, match_start))  # the 与 of 甲路与乙路
                name = "second_road"
            elif name == "road":
                suffix = _longest_suffix(text, position, match_end, _ROAD_SUFFIXES)
                core_end = suffix if suffix >= 0 else match_end - 1
                cut = (
                    _ROAD_NAME_START.match(text, position, core_end)
                    if _has_barrier_hint(text, position, core_end)
                    else None
                )
                # A lone direction is not a name: 中心南路 is one road, not 中心 and 南路.
                last_name_start = core_end - (text[core_end - 1] in _DIRECTIONS)
                cut_end = cut.end() if cut is not None else -1
                name_start = cut_end if 0 <= cut_end < last_name_start else position
                name_start = max(name_start, _longest_name_start(text, name_start, core_end))
                if name_start > position:
                    # The text before the road name joins the unclaimed run (a POI, a village).
                    if pending < 0:
                        pending = position
                    match_start = name_start
            if pending >= 0:
                other.append((pending, match_start))
                pending = -1
            value = text[match_start:match_end]
            if name in ("road_number", "building", "unit", "floor", "room"):
                value = normalize_number(value)
            if (
                name == "road_number"
                and "road" in seen
                and "second_road" not in seen
                and value.endswith("弄")
                and _PATTERNS[_ROAD_NUMBER].match(text, match_end, end) is not None
            ):
                # 凯旋路88弄9号, 环城西路北段88弄9号: a door number follows, so 88弄 is the lane off the road
                # and 9号 the door in it.
                name = "second_road"
            elif name == "road_number" and "road" not in seen and value.endswith("弄"):
                # A numbered lane with no road before it is the street itself (某某新村3弄12幢).
                name = "road"
            elif name == "road_number" and "road" not in seen:
                # A door number with no road before it numbers the POI or community it follows.
                named_place = other or (parts and parts[-1].name in ("community", "devzone"))
                name = "building" if named_place and "building" not in seen else "road_number"
            if (
                name == "room"
                and value.endswith("号")
                and named_run_before
                and not seen.intersection(("building", "unit", "floor"))
            ):
                # A second door number after the road's one numbers the building (文三路90号某小区5号).
                name = "building"
            parts.append(StreetPart(name, value, match_start, match_end))
            seen.add(name)
            position = match_end
            road_end = position if name == "road" else -1
            if name == "road" and text[position : position + 1] in _SECTION_STARTS:
                section = _SECTION.match(text, position, end)
                if section is not None:
                    # The road's section says where along it: kept in the text, neither a part nor text
                    # left unplaced, and the door number after it is the road's.
                    section_end = section.end()
                    sections.append((position, section_end))
                    position = road_end = section_end
            break
        else:
            if pending < 0:
                pending = position
            position += 1
    if pending >= 0:
        other.append((pending, end))
    leftovers: list[tuple[int, int]] = []
    landmarks = False
    for span_start, span_end in other:
        landmark_end = _landmark_cut(text, span_start, span_end)
        if landmark_end >= 0:
            leftovers.append((landmark_end, span_end))
            span_end = landmark_end
            landmarks = True
        chunk = text[span_start:span_end]
        if chunk in _JUNK:
            leftovers.append((span_start, span_end))
            continue
        crossing = _CROSSING.match(chunk) if chunk.startswith(_CROSSING_STARTS) else None
        if crossing is not None:
            # 甲路与乙路交叉口某大厦: the crossing is where the roads meet, the POI is what follows.
            crossing_end = crossing.end()
            leftovers.append((span_start, span_start + crossing_end))
            span_start += crossing_end
            chunk = chunk[crossing_end:]
            if not chunk:
                continue
        tail = _longest_suffix(chunk, 0, len(chunk), _ASSIST_ENDS)
        if tail > 0:
            # 某某超市对面: the POI is the shop, 对面 only says where from it (and 对面电联, 对面附近: each word).
            words_start = tail
            while tail > 0:
                words_start = tail
                tail = _longest_suffix(chunk, 0, tail, _ASSIST_ENDS)
            leftovers.append((span_start + words_start, span_end))
            span_end = span_start + words_start
            chunk = chunk[:words_start]
        head = _POI_HEAD.match(chunk) if SPLIT_SUBPOI and "poi" not in seen else None
        head_end = head.end() if head is not None else -1
        if 0 <= head_end < len(chunk) - 1:
            # 世茂花园峻景苑: the estate is the POI, the named block inside it its sub-POI.
            parts.append(StreetPart("subpoi", chunk[head_end:], span_start + head_end, span_end))
            span_end = span_start + head_end
            chunk = chunk[:head_end]
        kind = _run_kind(chunk)
        if kind is not None and kind not in seen:
            parts.append(StreetPart(kind, chunk, span_start, span_end))
            seen.add(kind)
        else:
            leftovers.append((span_start, span_end))
    if any(parts[i - 1].start > parts[i].start for i in range(1, len(parts))):
        parts.sort(key=_part_start)  # a POI or community found among the leftovers
    if landmarks:
        leftovers.sort()
    return parts, leftovers, sections
