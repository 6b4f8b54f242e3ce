"""The fifth level: NBS 2023's villages and communities, in the gazetteer and in parsed addresses.

Every example is a real row of data/sources/nbs2023/villages.csv.xz.
"""

from __future__ import annotations

import csv
import io
import lzma
import subprocess
import sys
from pathlib import Path

import pytest

import addrcheck
from addrcheck import Origin
from addrcheck.gazetteer import find_villages, get_gazetteer, get_village, villages_of

SOURCE = Path(__file__).resolve().parents[2] / "data" / "sources" / "nbs2023" / "villages.csv.xz"


def test_the_index_holds_every_row_of_the_source() -> None:
    with lzma.open(SOURCE, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    table = get_gazetteer().villages
    assert len(rows) == len(table) == 620_573
    assert sum(len(villages_of(code)) for code in get_gazetteer().name_of if len(code) == 9) == 620_573
    # Every row comes back by its code, under its township, with NBS's own name kept.
    for row in rows[::997]:
        village = get_village(row["code"])
        assert village is not None, row
        assert (village.official_name, village.town_code) == (row["name"], row["streetCode"])


@pytest.mark.parametrize(
    ("code", "name", "official_name"),
    [
        ("110101001001", "多福巷社区", "多福巷社区居委会"),  # 东城区东华门街道
        ("330782002200", "候儿村", "候儿村委会"),  # 义乌市江东街道
        ("411321102002", "小关社区", "小关社区居民委员会"),  # 南召县
        ("330110011017", "华丰社区", "华丰社区"),  # 余杭区闲林街道: NBS writes no committee here
    ],
)
def test_names_are_kept_as_addresses_write_them(code: str, name: str, official_name: str) -> None:
    village = get_village(code)
    assert village is not None
    assert (village.name, village.official_name, village.town_code) == (name, official_name, code[:9])


def test_lookups_by_township_by_name_and_by_code() -> None:
    first = villages_of("110101001")[0]
    assert (first.code, first.name) == ("110101001001", "多福巷社区")
    assert (
        villages_of("999999999") == [] and get_village("110101001999") is None and get_village("1101") is None
    )
    # By name, nationwide: six 小关社区; within 朝阳区 one.
    assert [v.code for v in find_villages("小关社区")][:2] == ["110105010025", "110108018018"]
    assert len(find_villages("小关社区")) == 6
    assert [v.code for v in find_villages("小关社区", within="110105")] == ["110105010025"]
    # The NBS form and the written form find the same village; a village turned community by its old class.
    assert find_villages("候儿村委会", within="330782") == find_villages("候儿村", within="330782")
    assert [v.code for v in find_villages("华丰村", within="330110")] == ["330110011017"]
    # NBS's form finds a community whose written name ends in 村 (田村 of 田村居委会), not the 星村村 beside it.
    assert [v.code for v in find_villages("田村居委会")] == ["360704104001", "371071007013"]
    assert [v.name for v in find_villages("星村居委会", within="350782")] == ["星村"]


def test_an_address_without_a_village_does_not_load_the_table() -> None:
    # A fresh process: the table is loaded by the first address that names a village under a county.
    script = (
        "import addrcheck\n"
        "from addrcheck.gazetteer import get_gazetteer\n"
        "addrcheck.validate('浙江省杭州市余杭区文一西路1号')\n"
        "print(get_gazetteer().villages_loaded)\n"
        "addrcheck.validate('浙江省义乌市候儿村12号')\n"
        "print(get_gazetteer().villages_loaded)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("text", "town", "community"),
    [
        # (a) under the township written: its code.
        ("北京市朝阳区小关街道惠新东街社区3号", ("小关街道", "110105010", Origin.EXPLICIT), "110105010028"),
        ("浙江省义乌市江东街道候儿村委会12号", ("江东街道", "330782002", Origin.EXPLICIT), "330782002200"),
        # (b) no township written: one township of the county has it, and it is inferred.
        ("北京市朝阳区惠新东街社区3号", ("小关街道", "110105010", Origin.INFERRED), "110105010028"),
        ("浙江省义乌市候儿村12号", ("江东街道", "330782002", Origin.INFERRED), "330782002200"),
        ("浙江省义乌市金星村3组12号", ("江东街道", "330782002", Origin.INFERRED), "330782002205"),
    ],
)
def test_the_community_gets_its_village_code(
    text: str, town: tuple[str, str, Origin], community: str
) -> None:
    result = addrcheck.validate(text)
    assert result.status.value == "ok"
    found = result.components["town"]
    assert (found.value, found.code, found.origin) == town
    assert found.span is None or town[2] is not Origin.INFERRED
    assert result.components["community"].code == community
    assert not result.reasons


@pytest.mark.parametrize(
    ("text", "district", "community"),
    [
        # (c) 鼓楼区 is in 福州, 南京, 徐州 and 开封; each of these communities is in only one of them.
        ("鼓楼区三坊七巷社区12号", "350102", "350102005008"),
        ("鼓楼区丁家桥社区12号", "320106", "320106003006"),
        ("鼓楼区万寨社区12号", "320302", "320302003002"),
        ("鼓楼区中华社区12号", "410204", "410204003003"),
    ],
)
def test_a_village_settles_an_ambiguous_county(text: str, district: str, community: str) -> None:
    result = addrcheck.validate(text)
    assert result.status.value == "ok" and not result.candidates
    assert result.components["district"].code == district
    assert result.components["community"].code == community


@pytest.mark.parametrize(
    ("text", "town", "community"),
    [
        # 新乡市 has a 常村镇 in 辉县市 and in 长垣市; 常北村 is 辉县市's.
        ("新乡市常村镇常北村12号", "410782105", "410782105203"),
        # 韶关市 has a 大桥镇 in 仁化县 and in 乳源瑶族自治县; 亲联村 is 仁化县's.
        ("韶关市大桥镇亲联村12号", "440224109", "440224109202"),
    ],
)
def test_a_village_settles_same_named_townships_of_a_city(text: str, town: str, community: str) -> None:
    result = addrcheck.validate(text)
    assert result.status.value == "ok" and not result.candidates
    assert result.components["town"].code == town
    assert result.components["district"].code == town[:6]
    assert result.components["community"].code == community


@pytest.mark.parametrize(
    "text",
    [
        "鼓楼区人民路12号",
        "新乡市常村镇人民路12号",
        # A township's name and a village's alone (no county or city) are too little to place: the labelled
        # verdicts call this ambiguous (bench/verdicts).
        "张家湾镇上店村东口甲471号",
    ],
)
def test_without_a_village_or_a_county_the_reading_stays_ambiguous(text: str) -> None:
    result = addrcheck.validate(text)
    assert result.status.value == "ambiguous"
    assert len(result.candidates) >= 2


def test_a_village_of_another_township_is_a_warning_not_a_contradiction() -> None:
    # (d) 劲松北社区 is in 朝阳区's 劲松街道, not in its 小关街道.
    result = addrcheck.validate("北京市朝阳区小关街道劲松北社区3号")
    assert result.status.value == "ok"
    assert result.components["town"].code == "110105010"
    assert result.components["community"].code is None
    assert [(r.code.value, r.severity.value, r.span) for r in result.reasons] == [
        ("UNKNOWN_REGION", "warning", (10, 15))
    ]
    assert result.reasons[0].message == (
        "小关街道没有“劲松北社区”：朝阳区的“劲松北社区”在劲松街道。请核对乡镇街道或村、社区名称。"
    )


@pytest.mark.parametrize(
    "text",
    [
        "北京市朝阳区惠新东街3号",  # no class word: a street, not the community
        "惠新东街社区3号",  # no county before it: 惠新东街社区 alone says nothing of where
    ],
)
def test_a_village_is_read_only_with_its_class_word_after_its_county(text: str) -> None:
    result = addrcheck.parse(text)
    community = result.components.get("community")
    assert community is None or community.code is None
    town = result.components.get("town")
    assert town is None or town.origin is not Origin.INFERRED or town.code != "110105010"
