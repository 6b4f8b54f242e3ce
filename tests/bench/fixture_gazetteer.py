"""A tiny frozen gazetteer for the benchmark's logic tests (a handful of real units, real codes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FakeDivision:
    code: str
    name: str
    short_name: str | None
    level: str
    parent_code: str | None


DIVISIONS = [
    FakeDivision("33", "浙江省", "浙江", "province", None),
    FakeDivision("11", "北京市", "北京", "province", None),
    FakeDivision("42", "湖北省", "湖北", "province", None),
    FakeDivision("3301", "杭州市", "杭州", "city", "33"),
    FakeDivision("3307", "金华市", "金华", "city", "33"),
    FakeDivision("1101", "北京市", "北京", "city", "11"),
    FakeDivision("330102", "上城区", "上城", "district", "3301"),
    FakeDivision("330110", "余杭区", "余杭", "district", "3301"),
    FakeDivision("330113", "临平区", "临平", "district", "3301"),
    FakeDivision("330114", "钱塘区", "钱塘", "district", "3301"),
    FakeDivision("330702", "婺城区", "婺城", "district", "3307"),
    FakeDivision("330782", "义乌市", "义乌", "district", "3307"),
    FakeDivision("110105", "朝阳区", "朝阳", "district", "1101"),
    FakeDivision("429004", "仙桃市", "仙桃", "district", "42"),
    FakeDivision("330113001", "乔司街道", None, "town", "330113"),
    FakeDivision("330102010", "九堡街道", None, "town", "330102"),
    FakeDivision("330782001", "稠城街道", None, "town", "330782"),
    FakeDivision("330702100", "白龙桥镇", None, "town", "330702"),
]
