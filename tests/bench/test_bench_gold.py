"""Gold admin resolution (bench/gold.py) on a tiny fixture gazetteer and a synthetic history CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gold import GoldResolver, RetiredName, load_retired_names, stem
from tests.bench.fixture_gazetteer import DIVISIONS

RETIRED = [
    RetiredName("江干区", "district", "浙江省", ("330102", "330114")),
    RetiredName("消失区", "district", "浙江省", ("999999",)),  # successor not in the gazetteer: ignored
]


@pytest.fixture(scope="module")
def resolver() -> GoldResolver:
    return GoldResolver(DIVISIONS, RETIRED)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("余杭区", "余杭"),
        ("乔司街道", "乔司"),
        ("乔司镇", "乔司"),
        ("和县", "和县"),
        ("广西壮族自治区", "广西"),
        ("恩施土家族苗族自治州", "恩施土家族苗族"),
        ("杭州", "杭州"),
    ],
)
def test_stem(name: str, expected: str) -> None:
    assert stem(name) == expected


# Each row: mentions (level, text) of one address -> per mention (compared level, codes, how, relaxed).
CASES = [
    (
        [("province", "浙江"), ("city", "杭州市"), ("district", "余杭")],
        [("province", {"33"}, "stem", 0), ("city", {"3301"}, "name", 0), ("district", {"330110"}, "stem", 0)],
    ),
    # 乔司 is under 临平区 since 2021: the district constraint is dropped, the city one kept.
    (
        [("city", "杭州"), ("district", "余杭区"), ("town", "乔司镇")],
        [
            ("city", {"3301"}, "stem", 0),
            ("district", {"330110"}, "name", 0),
            ("town", {"330113001"}, "stem", 1),
        ],
    ),
    # A retired name maps to its successors; a town under one of them fits.
    (
        [("district", "江干区"), ("town", "九堡")],
        [("district", {"330102", "330114"}, "historical", 0), ("town", {"330102010"}, "stem", 0)],
    ),
    (
        [("district", "江干")],
        [("district", {"330102", "330114"}, "historical", 0)],
    ),
    # A county-level city labelled as a city is compared at the district level.
    (
        [("province", "湖北省"), ("city", "仙桃市")],
        [("province", {"42"}, "name", 0), ("district", {"429004"}, "name", 0)],
    ),
    # A municipality's city level answers to the province's name.
    (
        [("province", "北京"), ("city", "北京市"), ("district", "朝阳区")],
        [("province", {"11"}, "stem", 0), ("city", {"1101"}, "name", 0), ("district", {"110105"}, "name", 0)],
    ),
    # The topmost constraint is never dropped: 乔司 is not in 金华.
    (
        [("city", "金华"), ("town", "乔司")],
        [("city", {"3307"}, "stem", 0), ("town", set(), "unresolved", 0)],
    ),
    # The nearest mention of each level constrains, not every earlier one.
    (
        [("city", "金华"), ("city", "杭州"), ("district", "余杭")],
        [("city", {"3307"}, "stem", 0), ("city", {"3301"}, "stem", 0), ("district", {"330110"}, "stem", 0)],
    ),
    ([("district", "消失区")], [("district", set(), "unresolved", 0)]),
    ([("town", "白龙桥")], [("town", {"330702100"}, "stem", 0)]),
]


@pytest.mark.parametrize(("mentions", "expected"), CASES)
def test_resolve(
    resolver: GoldResolver,
    mentions: list[tuple[str, str]],
    expected: list[tuple[str, set[str], str, int]],
) -> None:
    found = resolver.resolve([(level, text, (0, len(text))) for level, text in mentions])
    assert [(g.level, set(g.codes), g.how, g.relaxed) for g in found] == expected


def test_acceptable_names(resolver: GoldResolver) -> None:
    jianggan, qiaosi = resolver.resolve([("district", "江干区", (0, 3)), ("town", "九堡", (3, 5))])
    assert jianggan.names == {"上城区", "钱塘区", "江干区"}
    assert qiaosi.names == {"九堡街道"}
    (beijing,) = resolver.resolve([("city", "北京", (0, 2))])
    assert beijing.names == {"北京市"}


HISTORY_CSV = """\ufeff代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码
330000,浙江省,,浙江省,省级,在用,1981,,
330100,浙江省,杭州市,杭州市,地级,在用,1981,,
330102,浙江省,杭州市,上城区,县级,在用,1981,,
330104,浙江省,杭州市,江干区,县级,弃用,1983,2021,330102[1996];330102;330114
330114,浙江省,杭州市,钱塘区,县级,在用,2021,,
330125,浙江省,杭州市,余杭县,县级,弃用,1981,1994,330184
330184,浙江省,杭州市,余杭市,县级,弃用,1994,2001,330110
330110,浙江省,杭州市,余杭区,县级,在用,2001,,330113[2021]
330113,浙江省,杭州市,临平区,县级,在用,2021,,
420000,湖北省,,湖北省,省级,在用,1981,,
420600,湖北省,襄樊市,襄樊市,地级,变更,1981,2010,420602[1984]
420600,湖北省,襄阳市,襄阳市,地级,在用,2010,,
420602,湖北省,襄阳市,襄城区,县级,在用,1984,,
370000,山东省,,山东省,省级,在用,1981,,
370100,山东省,济南市,济南市,地级,在用,1981,,
370116,山东省,济南市,莱芜区,县级,在用,2018,,
371200,山东省,莱芜市,莱芜市,地级,弃用,1992,2018,
371202,山东省,莱芜市,莱城区,县级,弃用,1992,2018,370116
"""


def test_load_retired_names(tmp_path: Path) -> None:
    path = tmp_path / "result.csv"
    path.write_text(HISTORY_CSV, encoding="utf-8")
    records = {(r.name, r.level): r.successors for r in load_retired_names(path)}
    assert records == {
        # The 1996 partial transfer is not a successor of the name; the 2021 split is.
        ("江干区", "district"): ("330102", "330114"),
        # Chains are followed forward: 余杭县 -> 余杭市 -> 余杭区.
        ("余杭县", "district"): ("330110",),
        ("余杭市", "district"): ("330110",),
        # A renamed unit keeps its code.
        ("襄樊市", "city"): ("4206",),
        # A prefecture abolished without a code: its counties' successors' prefecture.
        ("莱芜市", "city"): ("3701",),
        ("莱城区", "district"): ("370116",),
    }


def test_load_transfers_reads_bracketed_codes_of_units_in_use(tmp_path: Path) -> None:
    from bench.gold import load_transfers

    path = tmp_path / "result.csv"
    path.write_text(
        "代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码\n"
        "330212,浙江省,宁波市,鄞州区,县级,在用,2002,,330203[2016]\n"
        "330204,浙江省,宁波市,江东区,县级,弃用,1983,2016,330212\n"
        "330110,浙江省,杭州市,余杭区,县级,在用,2001,,330113[2021]\n",
        encoding="utf-8",
    )
    assert load_transfers(path) == {"330212": {"330203"}, "330110": {"330113"}}
