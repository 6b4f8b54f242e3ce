"""Build addrcheck's division gazetteer from the raw sources in data/sources/.

    python data/build.py            # writes addrcheck/_data/divisions.json

Inputs (provenance and licences in data/README.md and each sources/*/SOURCE.md):
  nbs2023/       the four levels with codes (the backbone: every unit comes from here)
  areacity2023/  short names (浙江, 金华, 婺城, 东华门)
  yescallop/     retired county-and-above units 1981-2024 and their successors (襄樊 -> 襄阳市)
  jionlp/        Inner-Mongolia banner abbreviations (土默特右旗 -> 土右旗)
  cpca/          county centroids (about 2018)
  opencc/        traditional -> simplified characters

The output is one JSON document; addrcheck.gazetteer loads it on first use.
"""

from __future__ import annotations

import csv
import gzip
import json
import lzma
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUTPUT = HERE.parent / "addrcheck" / "_data" / "divisions.json"

PROVINCE, CITY, DISTRICT, TOWN = 0, 1, 2, 3

# NBS files these codes as prefecture-level placeholders; their counties belong to the province itself.
PROVINCE_DIRECT_PLACEHOLDERS = {"4190", "4290", "4690", "6590"}
# Chongqing's NBS "县" (5002) is a statistical grouping, not a city: its counties belong to 重庆市 like its districts.
MUNICIPALITY_EXTRA_GROUPS = {"5002": "5001"}
MUNICIPALITIES = {"11", "12", "31", "50"}

ROAD_SUFFIX = re.compile("(?:路|街|大道|巷|弄|胡同|道)$")
TOWN_SUFFIXES = (
    "地区办事处",
    "街道办事处",
    "民族乡",
    "街道",
    "地区",
    "苏木",
    "镇",
    "乡",
)  # 地区: Beijing (东小口地区)
DISTRICT_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "新区", "区", "县", "市", "旗")
# Township names that are common words (NBS has townships called 工业园区, 经济开发区; 工业区街道 shortens to
# 工业区): in an address they are a development zone, not that township. Still matched with their suffix
# (东区街道) or their county before them (万安县工业园).
# ...also after other generic words (高新技术产业园区, 化学工业园区, 经济开发区管理委员会, 城东新区: names of
# township-level zones that say nothing of where they are); 北京经济技术开发区 names its place and stays.
GENERIC_TOWN_WORD = (
    "(?:[东西南北中]部?|城[东西南北]|[一二三四五六七八九十0-9]+|高新技术|新技术|经济技术|高新|经济|技术|化学|化工"
    "|环保|现代|科技|工业|产业|物流|临港|农业|旅游|市|县)"
)
GENERIC_TOWN_NAME = re.compile(
    f"{GENERIC_TOWN_WORD}*(?:经济技术开发区|经济开发区|技术开发区|高新技术产业开发区"
    "|高新技术开发区|开发区|高新区|工业园区|工业园|工业区|工业集中区|产业园区|产业园|产业集聚区|园区|城区|片区"
    "|新区|社区|高新园区|科技工业园区?|科技园区?|旅游度假区|度假区|农场|林场|牧场|渔场|茶场|盐场|林业局|矿区|区"
    "|综合保税区|保税区|工业|高新|中心)(?:管理委员会|管委会)?"
)
# Words that end the name of a township-level unit other than a 街道, 镇 or 乡, besides the zone words
# (data/vocab/zone_words.txt): 天津空港经济区, 大南山华侨管理区, 武当山特区, 东山农场.
TOWNSHIP_UNIT_WORDS = ("经济区", "管理区", "特区", "风景区", "风景名胜区", "场")
UNLISTED_SUFFIX = re.compile("(?:街道|镇|乡)$")
# Historical names too generic to mean one place on their own.
GENERIC_HISTORICAL = {"城区", "郊区", "矿区", "市辖区", "市区", "新区", "城关区", "县"}


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file, or of an xz-compressed one (``.csv.xz``: the larger tables)."""
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def strip_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def build_units() -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """Return units keyed by code, and the NBS placeholder codes mapped to the unit that replaces them."""
    units: dict[str, dict[str, object]] = {}
    replaced: dict[str, str] = {}
    nbs = SOURCES / "nbs2023"
    for row in read_csv(nbs / "provinces.csv"):
        units[row["code"]] = {"name": row["name"], "level": PROVINCE, "parent": None}
    for row in read_csv(nbs / "cities.csv"):
        code, province = row["code"], row["provinceCode"]
        if code in PROVINCE_DIRECT_PLACEHOLDERS:
            replaced[code] = province
        elif code in MUNICIPALITY_EXTRA_GROUPS:
            replaced[code] = MUNICIPALITY_EXTRA_GROUPS[code]
        elif province in MUNICIPALITIES:
            # Municipalities: NBS calls the city level 市辖区; addresses call it by the municipality's name.
            units[code] = {"name": units[province]["name"], "level": CITY, "parent": province}
        else:
            units[code] = {"name": row["name"], "level": CITY, "parent": province}
    for row in read_csv(nbs / "areas.csv"):
        code, city = row["code"], row["cityCode"]
        parent = replaced.get(city, city)
        if city in units and units[city]["name"] == row["name"]:
            # 东莞, 中山, 儋州, 嘉峪关 have no county level: NBS repeats the city as a placeholder county.
            replaced[code] = city
            continue
        units[code] = {"name": row["name"], "level": DISTRICT, "parent": parent}
    for row in read_csv(nbs / "streets.csv"):
        code, area = row["code"], row["areaCode"]
        parent = replaced.get(area, area)
        name = row["name"]
        county_name = str(units[area]["name"]) if area in units else ""
        aliases = []
        if county_name and name.startswith(county_name) and len(name) - len(county_name) >= 3:
            # NBS prefixes some townships with their county (济源市沁园街道): the address says 沁园街道.
            aliases.append(name)
            name = name[len(county_name) :]
        if name.endswith("镇街道") and len(name) >= 5:
            # A town turned 街道 keeps 镇 in its NBS name (石湾镇街道, 真如镇街道): addresses say 石湾街道.
            aliases.append(name[:-3] + "街道")
        units[code] = {"name": name, "level": TOWN, "parent": parent, "aliases": aliases}
    return units, replaced


def add_short_names(units: dict[str, dict[str, object]]) -> None:
    """Short names from AreaCity (matched by parent and full name, since its town ids differ from NBS)."""
    by_parent_name: dict[tuple[str, str], str] = {}
    for code, unit in units.items():
        parent = str(unit["parent"] or "")
        by_parent_name[(parent[:6], str(unit["name"]))] = code
    for row in read_csv(SOURCES / "areacity2023" / "ok_data_level4.csv"):
        full, short, pid = row["ext_name"], row["name"], row["pid"]
        code = row["id"] if row["id"] in units and units[row["id"]]["name"] == full else None
        if code is None:
            code = by_parent_name.get((pid[:6], full))
        if code is None or short == full or len(short) < 2:
            continue
        unit = units[code]
        unit.setdefault("short", [])
        if short not in unit["short"]:  # type: ignore[operator]
            unit["short"].append(short)  # type: ignore[union-attr]
    for unit in units.values():
        level, name = unit["level"], str(unit["name"])
        shorts: list[str] = unit.setdefault("short", [])  # type: ignore[assignment]
        derived = None
        if level == TOWN:
            derived = strip_suffix(name, TOWN_SUFFIXES)
        elif level == DISTRICT:
            derived = strip_suffix(re.sub(r"(?:[^族]{1,8}族)+自治县$", "县", name), DISTRICT_SUFFIXES)
        elif level == CITY and name.endswith("自治州"):
            base = shorts[0] if shorts else re.sub(r"(?:[^族]{1,8}族)+自治州$", "", name)
            for alias in (base, base + "州"):  # 恩施州, 湘西州: how people write autonomous prefectures
                if alias not in shorts and alias != name and len(alias) >= 2:
                    shorts.append(alias)
        if derived and derived != name and len(derived) >= 2 and derived not in shorts:
            shorts.append(derived)
        if level == TOWN:
            # 南山路街道 shortened is 南山路: in an address that is a road, not the township.
            shorts = [short for short in shorts if not ROAD_SUFFIX.search(short)]
        unit["short"] = shorts


def add_banner_aliases(units: dict[str, dict[str, object]]) -> int:
    table = json.loads((SOURCES / "jionlp" / "county_qi_alias.json").read_text(encoding="utf-8"))
    mapping = next(iter(table.values()))
    by_name = defaultdict(list)
    for code, unit in units.items():
        if unit["level"] == DISTRICT and str(code).startswith("15"):
            by_name[unit["name"]].append(code)
    added = 0
    for full, alias in mapping.items():
        for code in by_name.get(full, []):
            units[code].setdefault("aliases", []).append(alias)  # type: ignore[union-attr]
            added += 1
    return added


# city code -> {retired county name another unit still bears: (successor codes, year)}; filled by
# historical_aliases.
RETIRED_IN_CITY: dict[str, dict[str, tuple[list[str], str]]] = {}


class CountySuccessors:
    """Today's units for a retired county-or-above code, through yescallop's records (襄樊 -> 襄阳市)."""

    def __init__(self, units: dict[str, dict[str, object]], replaced: dict[str, str]) -> None:
        self.units = units
        self.replaced = replaced
        self.records: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in read_csv(SOURCES / "yescallop" / "result.csv"):
            self.records[row["代码"]].append(row)

    def current(self, code: str) -> str | None:
        short = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        short = self.replaced.get(short, short)
        return short if short in self.units else None

    def __call__(self, code: str, seen: frozenset[str] = frozenset()) -> set[str]:
        units, records = self.units, self.records
        if code in seen:
            return set()
        seen = seen | {code}
        found: set[str] = set()
        for row in records.get(code, []):
            if row["状态"] == "在用":
                found.add(code)
                continue
            targets = [t for t in row["新代码"].split(";") if t and "[" not in t]
            if not targets and row["状态"] == "变更":
                targets = [code]
            for target in targets:
                if target == code:
                    now = self.current(code)
                    if now:
                        found.add(now)
                    continue
                found |= self(target, seen)
            if not targets and row["级别"] == "地级":
                # An abolished prefecture (莱芜市 2019): today's parents of what its counties became.
                for child, child_rows in records.items():
                    if child[:4] == code[:4] and child != code and child_rows[0]["级别"] == "县级":
                        for succ in self(child, seen):
                            parent = units[succ]["parent"] if succ in units else None
                            if parent and units[str(parent)]["level"] == CITY:
                                found.add(str(parent))
        return {c for c in (self.current(f) or f for f in found) if c in units}


def historical_aliases(
    units: dict[str, dict[str, object]], successors: CountySuccessors
) -> list[list[object]]:
    """Retired names mapped to today's units: [old name, level, [successor codes], year retired]."""
    records = successors.records
    level_of = {"省级": PROVINCE, "地级": CITY, "县级": DISTRICT}

    current_names: set[str] = set()
    for unit in units.values():
        if unit["level"] != TOWN:
            current_names.add(str(unit["name"]))
            current_names.update(unit.get("short", []))  # type: ignore[arg-type]
            current_names.update(unit.get("aliases", []))  # type: ignore[arg-type]
    result: dict[tuple[str, int], tuple[set[str], str]] = {}
    for code, code_rows in records.items():
        for row in code_rows:
            if row["状态"] == "在用":
                continue
            name, level = row["名称"], level_of[row["级别"]]
            if (
                level == DISTRICT
                and name in current_names
                and name not in GENERIC_HISTORICAL
                and len(name) >= 3
            ):
                # 邢台市桥西区 (信都区 since 2020): the name still belongs to another unit (石家庄市桥西区), so
                # it is no alias; it reads as retired only after its own city (RETIRED_IN_CITY).
                succ = {s for s in successors(code) if units[s]["level"] == DISTRICT}
                cities = {str(units[s]["parent"]) for s in succ}
                if len(cities) == 1 and all(units[s]["name"] != name for s in succ):
                    city = cities.pop()
                    known = RETIRED_IN_CITY.setdefault(city, {}).get(name)
                    codes = sorted(succ | set(known[0])) if known else sorted(succ)
                    year = max(known[1], row["变更/弃用时间"]) if known else row["变更/弃用时间"]
                    RETIRED_IN_CITY[city][name] = (codes, year)
            # Two characters are too little to be sure of, except a retired county: 郫县, 鄞县, 盘县 are
            # still written, and 县 says what they are (two-character 区 and 市 are words: 北区, 沙市).
            if name in GENERIC_HISTORICAL or name in current_names or (len(name) < 3 and name[-1] != "县"):
                continue
            succ = {s for s in successors(code) if units[s]["level"] == level}
            if not succ:
                continue
            key = (name, level)
            previous = result.get(key)
            merged = (previous[0] | succ) if previous else succ
            year = max(previous[1], row["变更/弃用时间"]) if previous else row["变更/弃用时间"]
            result[key] = (merged, year)
    out: list[list[object]] = []
    for (name, level), (codes, year) in sorted(result.items()):
        out.append([name, level, sorted(codes), year])
        short = strip_suffix(
            name, ("地区", "自治州", "市", "县", "区") if level < DISTRICT else DISTRICT_SUFFIXES
        )
        if short != name and len(short) >= 2 and short not in current_names and (short, level) not in result:
            out.append([short, level, sorted(codes), year])
    return out


def add_centroids(units: dict[str, dict[str, object]], history: list[list[object]]) -> tuple[int, int]:
    centroids: dict[str, tuple[float, float]] = {}
    for row in read_csv(SOURCES / "cpca" / "adcodes.csv"):
        code = row["adcode"][:6]
        if not row["longitude"] or not row["latitude"]:
            continue
        centroids[code] = (float(row["longitude"]), float(row["latitude"]))
    predecessor_point: dict[str, tuple[float, float]] = {}
    for row in read_csv(SOURCES / "yescallop" / "result.csv"):
        old = row["代码"]
        if old in centroids:
            for target in row["新代码"].split(";"):
                target = target.split("[")[0]
                if target and target not in centroids:
                    predecessor_point.setdefault(target, centroids[old])
    exact = approximate = 0
    for code, unit in units.items():
        if unit["level"] not in (CITY, DISTRICT):
            continue
        key = code if len(code) == 6 else code + "00"
        if key in centroids:
            unit["point"] = list(centroids[key])
            exact += 1
        elif key in predecessor_point:
            unit["point"] = list(predecessor_point[key])
            unit["approximate"] = True
            approximate += 1
    for unit in units.values():
        if unit["level"] == DISTRICT and "point" not in unit:
            parent = units[str(unit["parent"])]
            if "point" in parent:
                unit["point"] = parent["point"]
                unit["approximate"] = True
                approximate += 1
    return exact, approximate


def build_char_map() -> dict[str, str]:
    """One-to-one character folds: full-width and compatibility forms, look-alike radicals, traditional."""
    char_map: dict[str, str] = {}
    for codepoint in range(0x2E80, 0xFFEF):
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded != char:
            char_map[char] = folded
    # CJK Radicals Supplement forms that NFKC leaves alone but people paste from input methods.
    for radical, ideograph in zip(
        "⻄⻓⻔⻋⻅⻆⻜⻢⻥⻦⻉⻈⻗⻘⻙⻚⻛⻝⻟⻠", "西长门车见角飞马鱼鸟贝讠雨青韦页风食饣饣", strict=True
    ):
        char_map[radical] = ideograph
    with (SOURCES / "opencc" / "TSCharacters.txt").open(encoding="utf-8") as handle:
        for line in handle:
            trad, _, simp = line.rstrip("\n").partition("\t")
            options = simp.split(" ")
            if len(trad) == 1 and len(options[0]) == 1 and trad not in options:
                char_map.setdefault(trad, options[0])
    char_map["\u3000"] = " "
    return {k: v for k, v in char_map.items() if k != v}


KIND_FULL, KIND_ALIAS, KIND_HISTORICAL, KIND_TRANSFER, KIND_RETIRED_TOWN = 0, 1, 2, 3, 4


def name_index(
    units: dict[str, dict[str, object]],
    history: list[list[object]],
    retired_towns: dict[str, dict[str, RetiredTown]],
) -> dict[str, str]:
    """Every name the parser looks for -> its readings, "code:kind[:year];..." (the level is the code's length).

    One reading per unit and name, the strongest kind kept (a full name beats the same text as an alias).
    """
    index: dict[str, dict[str, list[object]]] = defaultdict(dict)
    unit_words = (*read_vocab("zone_words"), *TOWNSHIP_UNIT_WORDS)

    def add(name: str, code: str, level: int, kind: int, year: str = "") -> None:
        current = index[name].get(code)
        if current is None or kind < current[2]:  # type: ignore[operator]
            index[name][code] = [code, level, kind, year]

    for code, unit in units.items():
        name, level, parent = str(unit["name"]), int(unit["level"]), unit["parent"]  # type: ignore[call-overload]
        # A municipality's city level (北京市 under 北京市) is implied by the province, never matched itself.
        if not (level == CITY and parent in MUNICIPALITIES) and not (
            level == TOWN and GENERIC_TOWN_NAME.fullmatch(name)
        ):
            # A township-level unit named with neither a township's suffix nor a zone's or farm's word (城南,
            # 松山湖, 社区服务中心, 农业局, 锦绣社区) is a word like any other in an address: its name is no more
            # evidence than a short name's, so it is indexed as one (read next to its county, or standing
            # apart). 嘉定工业区 and 天津空港经济区 name their place and stay official names.
            suffixed = level != TOWN or name.endswith(TOWN_SUFFIXES) or name.endswith(unit_words)
            add(name, code, level, KIND_FULL if suffixed else KIND_ALIAS)
        for alias in (*unit.get("short", []), *unit.get("aliases", [])):  # type: ignore[misc]
            if not (level == TOWN and GENERIC_TOWN_NAME.fullmatch(alias)):
                add(alias, code, level, KIND_ALIAS)
    for old_name, level, codes, year in history:
        for code in codes:  # type: ignore[attr-defined]
            add(str(old_name), code, int(level), KIND_HISTORICAL, str(year))  # type: ignore[call-overload]
    # Territory a county handed to a neighbour (鄞州区 -> 海曙区 2016, 余杭区 -> 临平区 2021): its name also
    # reads as the neighbour, so 鄞州区古林镇 finds 古林镇 where it is today, with a warning.
    for source, target, year in territory_transfers(units):
        for name in (str(units[source]["name"]), *units[source].get("short", [])):  # type: ignore[misc]
            add(name, target, DISTRICT, KIND_TRANSFER, year)
    # A township NBS listed under a county in 2016-2022 and not in 2023: read as that county, with its
    # successor township where it has one (the gazetteer's township_history).
    for county, names in retired_towns.items():
        for name, retired in names.items():
            if retired.year and RETIRED_TOWN_SUFFIX.search(name):
                add(name, county, TOWN, KIND_RETIRED_TOWN, retired.year)
    # NBS names two townships just "街道": a bare suffix names nothing.
    for bare in TOWN_SUFFIXES:
        index.pop(bare, None)
    return {
        name: ";".join(
            ":".join(str(v) for v in (code, kind, year) if v != "")
            for code, _, kind, year in readings.values()
        )
        for name, readings in sorted(index.items())
    }


HISTORY_YEARS = range(2016, 2023)  # data/sources/nbs-history: NBS towns-YYYY.csv, counties-YYYY.csv
# Retired township names read on their own (a mention to find, and alone when unique): 街道, 镇, 乡 and 苏木.
RETIRED_TOWN_SUFFIX = re.compile("(?:街道|镇|乡|苏木)$")


class RetiredTown:
    """A township name once under a county and not there in NBS 2023."""

    __slots__ = ("code", "successor", "year")

    def __init__(self, code: str, year: str) -> None:
        self.code = code  # its 9-digit code in the last year it was seen
        self.year = year  # the last NBS vintage that lists it ("" for one only the map lists)
        self.successor = ""  # the township it continues as today, if any


def township_history(
    units: dict[str, dict[str, object]], replaced: dict[str, str], successors: CountySuccessors
) -> dict[str, dict[str, RetiredTown]]:
    """Today's county (or city with no county level) -> township names no longer there.

    From NBS 2016-2022 (data/sources/nbs-history): each township name seen under a county and absent from
    NBS 2023 under the county that county is today (its own code, else yescallop's successor, else the
    county of the same name in its city). Its successor: the 2023 township with the same 9-digit code in
    that county (renamed), else the one township of that name in another county of the city (moved; not
    into a functional zone, which NBS lists as a county); none when it was merged (it reads as the county). A former suffix (新街镇 for 新街街道) is not a retirement:
    the parser reads those already. Then the townships the map (AreaCity, from Tencent's regions) lists
    under a county and no NBS table since 2016 has there (个旧市城区街道, 高碑店市白沟镇), with no year.
    """
    current: dict[str, set[str]] = defaultdict(set)
    stems: dict[str, set[str]] = defaultdict(set)
    in_city: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, unit in units.items():
        if unit["level"] != TOWN:
            continue
        parent = str(unit["parent"])
        for name in (str(unit["name"]), *unit.get("aliases", [])):  # type: ignore[misc]
            current[parent].add(name)
            stems[parent].add(strip_suffix(name, TOWN_SUFFIXES))
        in_city[(parent[:4], str(unit["name"]))].append(code)

    def today(area: str, year: int) -> list[str]:
        area = replaced.get(area, area)
        if area in units and units[area]["level"] in (DISTRICT, CITY):
            return [area]
        found = sorted(c for c in successors(area) if units[c]["level"] == DISTRICT)
        if found:
            return found
        name = county_names[year].get(area)
        return [
            c for c, u in units.items() if u["level"] == DISTRICT and c[:4] == area[:4] and u["name"] == name
        ]

    county_names: dict[int, dict[str, str]] = {
        year: {r["code"]: r["name"] for r in read_csv(SOURCES / "nbs-history" / f"counties-{year}.csv.xz")}
        for year in HISTORY_YEARS
    }
    history: dict[str, dict[str, RetiredTown]] = defaultdict(dict)
    for year in HISTORY_YEARS:
        for row in read_csv(SOURCES / "nbs-history" / f"towns-{year}.csv.xz"):
            name = row["name"]
            if name.endswith("街道办事处"):
                name = name[:-3]  # 2016 writes 东华门街道办事处 where later years write 东华门街道
            counties = today(row["areaCode"], year)
            if not counties or any(name in current[c] for c in counties):
                continue
            stem = strip_suffix(name, TOWN_SUFFIXES)
            for county in counties:
                if stem in stems[county] or len(stem) < 2 or GENERIC_TOWN_NAME.fullmatch(name):
                    continue
                history[county][name] = RetiredTown(row["code"], str(year))
    for county, names in history.items():
        for name, retired in names.items():
            code = retired.code
            if code in units and units[code]["level"] == TOWN and units[code]["parent"] == county:
                retired.successor = code  # the same code under another name: renamed
            elif len(moved := in_city[(county[:4], name)]) == 1 and moved[0][4] != "7":
                # The same name under another county of the city: moved. Not into a functional zone (济南市
                # 历下区舜华路街道, which NBS lists under the 高新区 since 2021): the address's county stands.
                retired.successor = moved[0]
    for row in read_csv(SOURCES / "areacity2023" / "ok_data_level4.csv"):
        county, name = row["pid"][:6], row["ext_name"]
        if row["deep"] != "3" or county not in units or units[county]["level"] != DISTRICT:
            continue
        stem = strip_suffix(name, TOWN_SUFFIXES)
        if (
            not UNLISTED_SUFFIX.search(name)
            or name in current[county]
            or stem in stems[county]
            or len(stem) < 2
            or name in history[county]
        ):
            continue
        history[county][name] = RetiredTown("", "")
    return {county: dict(sorted(names.items())) for county, names in sorted(history.items()) if names}


# NBS writes a village's committee (华丰村委会, 多福巷社区居委会); addresses write the place (华丰村, 多福巷社区).
# The committee words after 村/社区/嘎查, longest first; the written name is the NBS name without them.
VILLAGE_TAILS = ("居民委员会", "民委员会", "居委会", "委员会", "民委会", "委会")
VILLAGE_TAIL_AFTER = re.compile("(?:社区|村|嘎查)(居民委员会|民委员会|居委会|委员会|民委会|委会)$")
VILLAGES_OUTPUT = OUTPUT.parent / "villages.json.gz"


def village_table() -> tuple[dict[str, str], int]:
    """Township code -> its villages and communities, "NNNname[/tail]|..." in code order: NNN the last three
    digits of the 12-digit code, name as addresses write it, tail the index in VILLAGE_TAILS of the
    committee words NBS adds (1-based; none when the NBS name is the written one)."""
    towns: dict[str, list[str]] = defaultdict(list)
    rows = 0
    with lzma.open(SOURCES / "nbs2023" / "villages.csv.xz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            code, name = row["code"], row["name"]
            tail = VILLAGE_TAIL_AFTER.search(name)
            entry = code[9:] + name
            if tail is not None and len(name) - len(tail.group(1)) >= 2:
                entry = f"{code[9:]}{name[: tail.start(1)]}/{VILLAGE_TAILS.index(tail.group(1)) + 1}"
            towns[row["streetCode"]].append(entry)
    return {town: "|".join(entries) for town, entries in sorted(towns.items())}, rows


def territory_transfers(units: dict[str, dict[str, object]]) -> list[tuple[str, str, str]]:
    """(from county, to county, year) for counties still in use that gave land to another (yescallop's
    bracketed new codes on rows in use)."""
    transfers = []
    for row in read_csv(SOURCES / "yescallop" / "result.csv"):
        code = row["代码"]
        if row["状态"] != "在用" or code not in units or units[code]["level"] != DISTRICT:
            continue
        for target in row["新代码"].split(";"):
            match = re.fullmatch(r"(\d{6})\[(\d{4})\]", target)
            if match and match.group(1) in units and match.group(1) != code:
                transfers.append((code, match.group(1), match.group(2)))
    return transfers


def read_vocab(name: str) -> list[str]:
    """One word a line from data/vocab/NAME.txt (``#`` comments), in file order, without duplicates."""
    words: list[str] = []
    for line in (HERE / "vocab" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    return words


def pypinyin_version() -> str:
    import pypinyin

    return str(pypinyin.__version__)


def county_sounds(units: dict[str, dict[str, object]]) -> dict[str, str]:
    """Every county-level unit's name as toneless pinyin, a space between syllables (黄浦区 -> "huang pu qu";
    joined, 固安县 and 冠县 would both be guanxian)."""
    from pypinyin import lazy_pinyin  # only the build needs it (the dev extra)

    return {
        code: " ".join(lazy_pinyin(str(unit["name"])))
        for code, unit in sorted(units.items())
        if unit["level"] == DISTRICT
    }


def main() -> int:
    units, replaced = build_units()
    add_short_names(units)
    banners = add_banner_aliases(units)
    successors = CountySuccessors(units, replaced)
    history = historical_aliases(units, successors)
    exact, approximate = add_centroids(units, history)
    counts = [sum(1 for u in units.values() if u["level"] == level) for level in range(4)]
    # Compact on purpose (loading time is part of the API): one tab-separated line per unit, and one
    # "code:kind[:year];..." string per name, which the gazetteer splits only for names it meets.
    lines = []
    for code in sorted(units, key=lambda c: (len(c), c)):
        unit = units[code]
        point = unit.get("point") or ("", "")
        shorts = unit.get("short", [])
        fields = [code, unit["name"], unit["level"], unit["parent"] or "", shorts[0] if shorts else ""]  # type: ignore[index]
        fields += [point[0], point[1], "1" if unit.get("approximate") else ""]  # type: ignore[index]
        lines.append("\t".join(str(f) for f in fields))
    retired_towns = township_history(units, replaced, successors)
    names = name_index(units, history, retired_towns)
    document = {
        "_comment": "generated by data/build.py — do not edit",
        "meta": {
            "vintage": "NBS 2023 (cut-off 2023-06-30)",
            # The newest source snapshot, not today's date: rebuilding from the same sources gives the same file.
            "built": "2025-11-04",
            "counts": {"province": counts[0], "city": counts[1], "district": counts[2], "town": counts[3]},
            "historical_names": len(history),
            "banner_aliases": banners,
            "retired_towns": {
                "nbs": sum(1 for v in retired_towns.values() for r in v.values() if r.year),
                "renamed_or_moved": sum(1 for v in retired_towns.values() for r in v.values() if r.successor),
                "map_only": sum(1 for v in retired_towns.values() for r in v.values() if not r.year),
            },
            "centroids": {"exact": exact, "approximate": approximate},
            "sources": [
                "nbs2023: modood/Administrative-divisions-of-China @ 57a0aa9 (NBS 2023, WTFPL)",
                "areacity2023: xiangyuecn/AreaCity-JsSpider-StatsGov 2023.240319.250114 (MIT)",
                "yescallop: yescallop/areacodes @ eed219a (1981-2024, CC0)",
                "jionlp: dongrixinyu/JioNLP 1.5.31 banner aliases (Apache-2.0)",
                "cpca: cpca 0.5.5 adcodes.csv centroids (MIT)",
                "opencc: TSCharacters.txt (Apache-2.0)",
                f"pypinyin {pypinyin_version()}: county sounds (MIT)",
            ],
        },
        "columns": ["code", "name", "level", "parent", "short_name", "lon", "lat", "approximate_point"],
        "units": "\n".join(lines),
        "names": names,
        # county (or city with no county level) -> "name:successor:year|..." for townships no longer there:
        # year is the last NBS table that lists it ("" for one only the map lists), successor "" if none.
        "township_history": {
            county: "|".join(f"{name}:{r.successor}:{r.year}" for name, r in names.items())
            for county, names in retired_towns.items()
        },
        "char_map": build_char_map(),
        # city code -> "name:code,code:year|..." for retired county names another unit still bears.
        "retired_in_city": {
            city: "|".join(
                f"{name}:{','.join(codes)}:{year}" for name, (codes, year) in sorted(names.items())
            )
            for city, names in sorted(RETIRED_IN_CITY.items())
        },
        # county code -> its name's sound (toneless pinyin): a county written with a look-alike character
        # of the same sound (上海市黄埔区 for 黄浦区) is asked about, not called a contradiction.
        "county_sounds": county_sounds(units),
        # Word lists the parser reads (data/vocab/*.txt).
        "vocab": {"premises": read_vocab("premises_words"), "zones": read_vocab("zone_words")},
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    villages, village_rows = village_table()
    village_document = {
        "_comment": "generated by data/build.py — do not edit",
        "meta": {"vintage": document["meta"]["vintage"], "villages": village_rows, "towns": len(villages)},
        "tails": list(VILLAGE_TAILS),
        "towns": villages,
    }
    # Loaded only when an address names a village: a separate file, compressed (mtime 0: rebuilds are equal).
    packed = json.dumps(village_document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    VILLAGES_OUTPUT.write_bytes(gzip.compress(packed, compresslevel=9, mtime=0))
    print(
        f"wrote {VILLAGES_OUTPUT.relative_to(HERE.parent)}: {village_rows} villages in {len(villages)} towns"
    )
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(HERE.parent)}: {json.dumps(document['meta'], ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
