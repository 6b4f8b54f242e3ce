"""Integrity of the real division data (addrcheck/_data/divisions.json, built by data/build.py)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from addrcheck import data_version
from addrcheck.gazetteer import (
    KIND_FULL,
    KIND_HISTORICAL,
    KIND_TRANSFER,
    children,
    get_division,
    get_gazetteer,
    iter_divisions,
)


def test_counts_match_nbs_2023() -> None:
    # NBS lists 342 prefecture rows and 2,978 county rows; 5 and 4 of them are placeholders the build folds
    # away (省直辖县级行政区划 x4 and Chongqing's 县; the county rows that repeat 东莞, 中山, 儋州, 嘉峪关).
    assert data_version()["counts"] == {"province": 31, "city": 337, "district": 2974, "town": 41352}


def test_every_unit_has_its_parent_one_level_up_or_more() -> None:
    gazetteer = get_gazetteer()
    levels = ("province", "city", "district", "town")
    for code in gazetteer.name_of:
        division = gazetteer.division(code)
        assert division is not None
        if division.level == "province":
            assert division.parent_code is None
            continue
        parent = gazetteer.division(division.parent_code)  # type: ignore[arg-type]
        assert parent is not None
        assert levels.index(parent.level) < levels.index(division.level), code
        assert code.startswith(parent.code[:2]), code


def test_a_townships_province_and_county_are_its_code_prefixes() -> None:
    # NameReadings.towns_in relies on it; the city level does not hold it (500229001 is under 5001).
    gazetteer = get_gazetteer()
    for code, ancestors in gazetteer.ancestors.items():
        if len(code) == 9:
            for length in (2, 6):
                expected = {code[:length]} & gazetteer.ancestors.keys()
                assert {a for a in ancestors if len(a) == length} == expected, code


def test_every_county_has_its_sound_and_no_two_of_one_city_share_one() -> None:
    # admin._county_sounding offers the one county of a city that sounds like a county written there.
    gazetteer = get_gazetteer()
    counties = {code for code in gazetteer.name_of if len(code) == 6}
    assert gazetteer.county_sound.keys() == counties
    sound = gazetteer.county_sound
    assert sound["310101"] == sound["440112"] == "huang pu qu"  # 黄浦区, Guangzhou's 黄埔区
    assert sound["131022"] != sound["371525"]  # 固安县 gu an, 冠县 guan: syllables kept apart
    same_sound_in_a_city = Counter(
        (gazetteer.parent_of[code], sound) for code, sound in gazetteer.county_sound.items()
    )
    assert max(same_sound_in_a_city.values()) == 1


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("1101", "北京市", "11"),  # municipality: the city level is the municipality
        ("500229", "城口县", "5001"),  # Chongqing's counties join its districts under 重庆市
        ("429004", "仙桃市", "42"),  # county-level city run by the province
        ("659001", "石河子市", "65"),
        ("441900003", "东城街道", "4419"),  # 东莞: townships directly under the city
        ("419001001", "沁园街道", "419001"),  # NBS: 济源市沁园街道
    ],
)
def test_irregular_shapes(code: str, name: str, parent: str) -> None:
    division = get_division(code)
    assert division is not None
    assert (division.name, division.parent_code) == (name, parent)


def test_children_and_centroids() -> None:
    provinces = children(None)
    assert len(provinces) == 31 and provinces[0].name == "北京市"
    jinhua = [d.name for d in children("3307")]
    assert "义乌市" in jinhua and len(jinhua) == 9
    yiwu = get_division("330782")
    assert yiwu is not None and yiwu.longitude == pytest.approx(120.075, abs=0.01)
    counties = [d for d in iter_divisions() if d.level == "district"]
    assert sum(d.longitude is None for d in counties) == 0


def test_alias_collisions_are_listed_and_kept_as_readings() -> None:
    """A name shared by several units keeps every reading: the parser must choose from context or report."""
    gazetteer = get_gazetteer()
    shared = Counter(readings.count(";") + 1 for readings in gazetteer._raw_names.values())
    assert shared[1] > 50_000
    collisions = sorted(name for name, readings in gazetteer._raw_names.items() if ";" in readings)
    assert (
        len(collisions) > 5_000
    )  # mostly township short names (城关 x 100s), settled by context at parse time
    guloud = gazetteer.readings("鼓楼区")
    chaoyang = gazetteer.readings("朝阳区")
    assert guloud is not None and chaoyang is not None
    assert {e.code for e in guloud.upper if e.kind == KIND_FULL} == {"320106", "320302", "350102", "410204"}
    assert {e.code for e in chaoyang.upper if e.kind == KIND_FULL} == {"110105", "220104"}
    # 福州鼓楼区 gave land to 晋安区 (350111): its name also reads as 晋安区, but only as a weaker reading.
    assert {(e.code, e.kind) for e in guloud.upper if e.kind != KIND_FULL} == {("350111", KIND_TRANSFER)}


def test_historical_names_map_to_todays_units() -> None:
    gazetteer = get_gazetteer()
    for old, new in [
        ("襄樊市", {"4206"}),
        ("绍兴县", {"330602", "330603"}),
        ("富阳市", {"330111"}),
        ("江干区", {"330102", "330114"}),
        ("下城区", {"330105"}),
        ("郫县", {"510117"}),  # a two-character retired county (郫都区 since 2016)
    ]:
        readings = gazetteer.readings(old)
        assert readings is not None and {e.code for e in readings.upper} == new, old
    for word in ("北区", "沙市"):  # two-character retired 区 and 市 names are words too: not read as places
        word_readings = gazetteer.readings(word)
        assert word_readings is None or all(e.kind != KIND_HISTORICAL for e in word_readings.upper), word
    laiwu = gazetteer.readings("莱芜市")
    assert laiwu is not None and "3701" in {e.code for e in laiwu.upper}


def test_loads_fast_enough() -> None:
    started = time.perf_counter()
    get_gazetteer()
    assert (
        time.perf_counter() - started < 5
    )  # already loaded: a sanity bound; bench/speed.py measures cold load


@pytest.mark.parametrize(
    "word",
    [
        "工业区",
        "工业园区",
        "经济开发区",
        "开发区",
        "高新区",
        "高新园区",
        "科技工业园",
        "林业局",
        "旅游度假区",
        "保税区",
        "市经济技术开发区",  # 马鞍山市雨山区: it turned 北京市经济技术开发区... into an address in 安徽
        "高新技术产业园区",
        "经济开发区管理委员会",
        "工业",
        "高新",
        "中心",
    ],
)
def test_generic_zone_words_are_not_township_names(word: str) -> None:
    readings = get_gazetteer().readings(word)
    assert readings is None or not readings.towns


def test_retired_townships_are_under_real_counties_and_not_in_nbs_there() -> None:
    # Townships a county no longer has in NBS 2023: from NBS 2016-2022 (with the last year listed), or
    # only the map (AreaCity) still lists them (no year).
    gazetteer = get_gazetteer()
    assert gazetteer.retired_towns("532501")["城区街道"].year == "2021"  # 个旧市: 宝华/金湖街道 now
    assert gazetteer.retired_towns("130684")["白沟镇"].year == ""  # 高碑店市: only the map lists it
    nbs = map_only = 0
    for county in gazetteer.name_of:
        records = gazetteer.retired_towns(county)
        if not records:
            continue
        assert len(county) == 6 or county in gazetteer.countyless_cities, county
        listed = {gazetteer.name_of[child] for child in gazetteer.children.get(county, ())}
        assert listed.isdisjoint(records), county
        for record in records.values():
            if record.successor:
                assert len(record.successor) == 9 and record.successor in gazetteer.name_of
        nbs += sum(1 for r in records.values() if r.year)
        map_only += sum(1 for r in records.values() if not r.year)
    assert nbs == gazetteer.meta["retired_towns"]["nbs"] > 5000
    assert map_only == gazetteer.meta["retired_towns"]["map_only"] > 500
