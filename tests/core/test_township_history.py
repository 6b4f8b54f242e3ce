"""Townships retired since 2016 (NBS 2016-2022, data/sources/nbs-history): read as today's units.

Every example is a real row of the history: the township's county, last year listed and successor.
"""

from __future__ import annotations

import pytest

import addrcheck
from addrcheck import Origin
from addrcheck.gazetteer import get_gazetteer


@pytest.mark.parametrize(
    ("county", "name", "successor", "year"),
    [
        ("410202", "宋城街道", "410202008", "2021"),  # 开封市龙亭区: the code goes on as 金明池街道
        ("532501", "城区街道", "532501001", "2021"),  # 个旧市: as 宝华街道
        ("320508", "城北街道", "", "2016"),  # 苏州市姑苏区: merged
        ("320213", "南禅寺街道", "", "2020"),  # 无锡市梁溪区
        ("320106", "阅江楼街道", "320106008", "2017"),  # 南京市鼓楼区: as 下关街道
    ],
)
def test_history_records(county: str, name: str, successor: str, year: str) -> None:
    record = get_gazetteer().retired_towns(county)[name]
    assert (record.county, record.successor, record.year) == (county, successor, year)


@pytest.mark.parametrize(
    ("text", "district", "town", "current"),
    [
        # Renamed: the successor township, with its code.
        (
            "河南省开封市龙亭区宋城街道人民路1号",
            ("410202", Origin.EXPLICIT),
            ("金明池街道", "410202008", (9, 13)),
            "金明池街道",
        ),
        (
            "云南省个旧市城区街道金湖路1号",
            ("532501", Origin.EXPLICIT),
            ("宝华街道", "532501001", (6, 10)),
            "宝华街道",
        ),
        # Merged: the county, with the township as written and no code.
        (
            "江苏省苏州市姑苏区城北街道人民路1号",
            ("320508", Origin.EXPLICIT),
            ("城北街道", None, (9, 13)),
            "姑苏区",
        ),
        # After its city, when one county of it had the name: that county, inferred.
        ("苏州市城北街道人民路1号", ("320508", Origin.INFERRED), ("城北街道", None, (3, 7)), "姑苏区"),
        # Alone, when one county had the name and nothing else bears it.
        ("南禅寺街道人民路1号", ("320213", Origin.INFERRED), ("南禅寺街道", None, (0, 5)), "梁溪区"),
        ("阅江楼街道人民路1号", ("320106", Origin.INFERRED), ("下关街道", "320106008", (0, 5)), "下关街道"),
    ],
)
def test_a_retired_township_reads_as_todays_unit(
    text: str, district: tuple[str, Origin], town: tuple[str, str | None, tuple[int, int]], current: str
) -> None:
    result = addrcheck.validate(text)
    assert result.status.value == "ok"
    assert (result.components["district"].code, result.components["district"].origin) == district
    found = result.components["town"]
    assert (found.value, found.code, found.span, found.origin) == (*town, Origin.HISTORICAL)
    # One warning, OUTDATED_NAME, on the name written: never INCONSISTENT_HIERARCHY or UNKNOWN_REGION.
    assert [(r.code.value, r.severity.value, r.span) for r in result.reasons] == [
        ("OUTDATED_NAME", "warning", town[2])
    ]
    assert f"已按现行的“{current}”处理" in result.reasons[0].message


def test_the_retired_name_is_an_error_under_strict() -> None:
    result = addrcheck.validate("江苏省苏州市姑苏区城北街道人民路1号", policy="strict")
    assert "OUTDATED_NAME" in result.reason_codes and result.status.value != "ok"


def test_under_another_county_a_retired_name_is_not_read_as_that_county() -> None:
    # 城北街道 was 姑苏区's; after 吴中区 it is not read as 姑苏区 (nor as 吴中区's).
    result = addrcheck.parse("江苏省苏州市吴中区城北街道人民路1号")
    assert result.components["district"].code == "320506"
    town = result.components.get("town")
    assert town is None or town.code is None
    assert "OUTDATED_NAME" not in [note.code.value for note in result.notes]
