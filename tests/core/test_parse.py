"""Components, values, codes, spans and origins."""

from __future__ import annotations

import pytest

import addrcheck
from addrcheck import Origin

PARTS = [
    (
        "张三 13800138000 浙江省金华市义乌市稠城街道工人北路100号",
        {
            "contact_name": ("张三", None, (0, 2), "explicit"),
            "phone": ("13800138000", None, (3, 14), "explicit"),
            "province": ("浙江省", "33", (15, 18), "explicit"),
            "city": ("金华市", "3307", (18, 21), "explicit"),
            "district": ("义乌市", "330782", (21, 24), "explicit"),
            "town": ("稠城街道", "330782001", (24, 28), "explicit"),
            "road": ("工人北路", None, (28, 32), "explicit"),
            "road_number": ("100号", None, (32, 36), "explicit"),
        },
    ),
    (
        "义乌稠城工人北路12-3号",
        {
            "province": ("浙江省", "33", None, "inferred"),
            "city": ("金华市", "3307", None, "inferred"),
            "district": ("义乌市", "330782", (0, 2), "alias"),
            "town": ("稠城街道", "330782001", (2, 4), "alias"),
            "road": ("工人北路", None, (4, 8), "explicit"),
            "road_number": ("12-3号", None, (8, 13), "explicit"),
        },
    ),
    (
        "上海市徐汇区虹漕路461号58号楼5楼",
        {
            "province": ("上海市", "31", (0, 3), "explicit"),
            "city": ("上海市", "3101", (0, 3), "explicit"),
            "district": ("徐汇区", "310104", (3, 6), "explicit"),
            "road": ("虹漕路", None, (6, 9), "explicit"),
            "road_number": ("461号", None, (9, 13), "explicit"),
            "building": ("58号楼", None, (13, 17), "explicit"),
            "floor": ("5楼", None, (17, 19), "explicit"),
        },
    ),
    (
        "浙江省杭州市余杭区五常街道西溪花园3幢2单元501室",
        {
            "province": ("浙江省", "33", (0, 3), "explicit"),
            "city": ("杭州市", "3301", (3, 6), "explicit"),
            "district": ("余杭区", "330110", (6, 9), "explicit"),
            "town": ("五常街道", "330110005", (9, 13), "explicit"),
            "poi": ("西溪花园", None, (13, 17), "explicit"),
            "building": ("3幢", None, (17, 19), "explicit"),
            "unit": ("2单元", None, (19, 22), "explicit"),
            "room": ("501室", None, (22, 26), "explicit"),
        },
    ),
    (
        "湖北省襄樊市樊城区人民路10号",
        {
            "province": ("湖北省", "42", (0, 3), "explicit"),
            "city": ("襄阳市", "4206", (3, 6), "historical"),
            "district": ("樊城区", "420606", (6, 9), "explicit"),
            "road": ("人民路", None, (9, 12), "explicit"),
            "road_number": ("10号", None, (12, 15), "explicit"),
        },
    ),
    (
        "浙江省金华市武义县王宅镇上黄村十八号",
        {
            "province": ("浙江省", "33", (0, 3), "explicit"),
            "city": ("金华市", "3307", (3, 6), "explicit"),
            "district": ("武义县", "330723", (6, 9), "explicit"),
            "town": ("王宅镇", "330723105", (9, 12), "explicit"),
            "community": ("上黄村", None, (12, 15), "explicit"),
            "building": ("18号", None, (15, 18), "explicit"),
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARTS)
def test_components(text: str, expected: dict[str, tuple[object, ...]]) -> None:
    result = addrcheck.parse(text)
    got = {name: (c.value, c.code, c.span, c.origin.value) for name, c in result.components.items()}
    assert got == expected
    assert result.unresolved == ()


@pytest.mark.parametrize(
    ("text", "road"),
    [
        ("拉萨市城关区北京中路1号", "北京中路"),
        ("北海市海城区重庆路1号", "重庆路"),
        ("广州市越秀区中山四路1号", "中山四路"),
        ("杭州市上城区湖滨街道南山路1号", "南山路"),
    ],
)
def test_place_names_inside_road_names_are_roads(text: str, road: str) -> None:
    result = addrcheck.parse(text)
    assert result.get("road") == road
    assert result.get("province") != road[:2]


def test_unplaced_text_is_returned_with_its_span() -> None:
    text = "某某公司 浙江省金华市义乌市稠城街道工人北路100号"
    result = addrcheck.parse(text)
    assert [(u.text, u.span) for u in result.unresolved] == [("某某公司", (0, 4))]
    assert result.get("road") == "工人北路"


def test_spans_point_into_the_original_text() -> None:
    text = "浙江省 金華市 婺城區 八一北街 123號"
    result = addrcheck.parse(text)
    for name, component in result.components.items():
        assert component.span is not None, name
    assert text[slice(*result.components["district"].span)] == "婺城區"
    assert text[slice(*result.components["road_number"].span)] == "123號"
    assert result.normalized == "浙江省金华市婺城区八一北街123号"


def test_parse_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        addrcheck.parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "town", "district"),
    [
        # A short township name run into a compound's name is only a guess (UNCONFIRMED_REGION): 塘栖 may be
        # where 南茗苑 is, or part of its name.
        ("塘栖南茗苑3幢", None, None),
        # 四季 alone is one township (四季镇, 陕西), but here it starts 四季青, which three places have.
        ("四季青服装市场5号", None, None),
        # Right after its province, a short township name counts when no other township there has it...
        ("浙江省大溪中岙村8号", "大溪镇", "温岭市"),
        ("浙江省白云中山路1号", None, None),  # ...not 白云 (five townships in 浙江 have it)
        # Hundreds of 城关镇: no township is guessed; 城关区 (拉萨 or 兰州) stays a name without a code.
        ("城关人民路1号", None, "城关区"),
        ("浙江省杭州市余杭区临平梧桐蓝山", "临平街道", "临平区"),  # 临平 has been its own district since 2021
        ("浙江省宁波市鄞州区古林镇礼嘉桥村", "古林镇", "海曙区"),  # 古林镇 moved to 海曙区 in 2016
        ("杭州市江干区九堡镇杭海路100号", "九堡街道", "上城区"),  # old suffix 镇 for today's 街道
        ("浙江省温州市苍南县龙港镇龙翔路8号", None, "龙港市"),  # the town became a county in 2019
        # ...also right after its city: not the 龙港镇s of 湖北 and 山西, which contradicted 温州市.
        ("浙江省温州市龙港镇龙翔路8号", None, "龙港市"),
        ("温州苍南龙港纺织一街8号", None, "龙港市"),  # ...or the new county's short name after the old one
        ("湖北省黄石市阳新县龙港镇人民路1号", "龙港镇", "阳新县"),
        ("浙江省杭州市余杭镇中泰工业园仙桥路1号", "余杭街道", "余杭区"),  # ...but 余杭镇 is still a township
        ("浙江省杭州市余杭区余杭镇金星二路5号", "余杭街道", "余杭区"),  # not a repeat of 余杭区
        ("如城街道江苏省南通市如皋市怡年西路5号", "如城街道", "如皋市"),  # township written first
        (
            "罗城头街道河北省邯郸市光明南大街199号",
            "罗城头街道",
            "邯山区",
        ),  # ...before a chain ending at the city
        # 新街镇 became 新街街道 in 2004; other places still have a 新街镇, but none in 萧山区.
        ("浙江省杭州市萧山区新街镇春潮路8号", "新街街道", "萧山区"),
        # 临平街道 is a township of 临平区, not 临平区 written as the town it grew from (as 龙港镇 is).
        ("浙江省杭州市余杭区临平街道运河东湖北路8号", "临平街道", "临平区"),
        # A long POI between the city and the township (the university's name opens with 杭州).
        ("杭州电子科技大学信息工程学院临安青山湖街道胜联路8号", "青山湖街道", "临安区"),
        ("北京市朝阳区南磨房百子湾路16号", "南磨房地区", "朝阳区"),  # Beijing's 地区 townships, written short
        # NBS has townships called 经济开发区 and 工业园区: in an address such words are a zone, not them; one
        # NBS does not list, after its city, is the county level as written (with an UNKNOWN_REGION warning).
        ("台州经济开发区东环大道8号", None, "台州经济开发区"),
        # A township of a city with no county level, written with 区; without the city, 东城区 is Beijing's.
        ("东莞市南城区宏图路100号", "南城街道", None),
        ("东城区东直门南大街1号", None, "东城区"),
        # Two townships of one county in a row: the one written in full is the township, the first the area.
        ("杭州市临安市昌化龙岗镇郡沃村100号", "龙岗镇", "临安区"),
        ("杭州市余杭区临平镇星桥街道星发街100号", "星桥街道", "临平区"),
        # Dozens of 城西街道: no guess, and no former-suffix readings.
        ("城西街道人民路1号", "城西街道", None),
    ],
)
def test_townships(text: str, town: str | None, district: str | None) -> None:
    result = addrcheck.parse(text)
    assert (result.get("town"), result.get("district")) == (town, district)


@pytest.mark.parametrize(
    "text",
    ["浙江省-杭州市-市辖区-西湖文三路90号", "浙江省杭州市市辖区西湖区文三路90号"],
)
def test_placeholder_rows_name_nothing(text: str) -> None:
    """市辖区 comes from NBS drop-down lists pasted whole: not a place, not unplaced text, not kept."""
    result = addrcheck.parse(text)
    assert result.get("district") == "西湖区"
    assert result.normalized == "浙江省杭州市西湖区文三路90号"
    assert result.unresolved == ()


def test_road_after_reads_like_the_pattern_it_replaces() -> None:
    """admin._road_after reads a road's word by code point; it must agree with the regex it replaced."""
    import re

    from addrcheck.admin import _road_after

    pattern = re.compile(
        r"(?:[东西南北中]?(?:路|街(?!道)|大道|大街|巷|胡同|道(?!办)|弄|里[0-9])|[0-9一二三四五六七八九十]{1,2}[路街巷])"
    )
    firsts = ["", "东", "中", "1", "二", "12", "一二", "123", "x", "\U00020000"]
    words = [
        "",
        "路",
        "街",
        "道",
        "大",
        "大道",
        "大街",
        "巷",
        "胡",
        "胡同",
        "弄",
        "里",
        "同",
        "办",
        "1",
        "a",
        "十",
    ]
    for first in firsts:
        for word in words:
            for after in ("", "道", "办", "7", "路", "号"):
                text = "北京" + first + word + after
                assert _road_after(text, 2) == (pattern.match(text, 2) is not None), text


def test_numbered_area_reads_like_the_pattern_it_replaces() -> None:
    """admin._numbered_area reads 八区, 二期, 东二区 by code point, as the regex it replaced did."""
    import re

    from addrcheck.admin import _numbered_area

    pattern = re.compile("[东西南北]?[一二三四五六七八九十0-9]{1,3}(?:区|期|村|苑)")
    for side in ("", "东", "北", "中", "东西"):
        for numeral in ("", "八", "12", "一二三", "1234", "十a"):
            for end in ("", "区", "期", "村", "苑", "号", "\U00020000"):
                text = "朝晖" + side + numeral + end
                assert _numbered_area(text, 2) == (pattern.match(text, 2) is not None), text


def test_suffix_after_matches_like_the_alternation_it_replaces() -> None:
    """admin._suffix_after tests suffixes with string comparisons; it must agree with the regex."""
    import re

    from addrcheck.admin import _SUFFIX_STARTS, _SUFFIXES_AFTER, _suffix_after

    tails = [
        "",
        "街",
        "街道",
        "街道办",
        "街道办事处",
        "办事",
        "办事处",
        "镇",
        "乡",
        "新",
        "新区",
        "区",
        "县",
        "市",
    ]
    tails += ["旗", "地", "地区", "州", "盟", "路", "镇东"]
    for group, suffixes in enumerate(_SUFFIXES_AFTER):
        pattern = re.compile("|".join(suffix for _, suffix in suffixes))
        assert {suffix[0] for _, suffix in suffixes} <= _SUFFIX_STARTS
        for tail in tails:
            text = "余杭" + tail
            match = pattern.match(text, 2)
            assert _suffix_after(group, text, 2) == (len(match.group()) if match else 0), (group, tail)


@pytest.mark.parametrize(
    ("text", "town"),
    [("浙江省杭州市萧山区新街镇春潮路8号", "新街街道"), ("浙江省杭州市余杭区余杭镇金星二路5号", "余杭街道")],
)
def test_township_under_another_suffix_is_an_alias(text: str, town: str) -> None:
    component = addrcheck.parse(text).components["town"]
    assert (component.value, component.origin) == (town, Origin.ALIAS)


@pytest.mark.parametrize(
    ("text", "town", "span"),
    [
        # (个旧市城区街道, which NBS listed until 2021, is in test_township_history.py.)
        ("山东省威海市环翠区皇冠街道文化中路8号", "皇冠街道", (9, 13)),  # now under the development zone
        ("河北省高碑店市白沟镇和道国际1号", "白沟镇", (7, 10)),
    ],
)
def test_township_the_map_lists_but_nbs_does_not_is_kept_with_a_warning(
    text: str, town: str, span: tuple[int, int]
) -> None:
    """Not a contradiction of the county (the map still lists it there), but not vouched for either."""
    result = addrcheck.parse(text)
    assert result.components["town"].value == town
    assert (result.components["town"].code, result.components["town"].span) == (None, span)
    codes = [(note.code.value, note.severity.value, note.span) for note in result.notes]
    assert codes == [("UNKNOWN_REGION", "warning", span)]
    assert "地图数据" in result.notes[0].message
    # ...and only under that county: elsewhere the name is still a contradiction.
    seat = addrcheck.parse("湖南省益阳市桃江县城关镇人民路1号")
    assert (seat.components["town"].value, seat.components["town"].code) == ("城关镇", None)
    assert [note.code.value for note in seat.notes] == ["UNKNOWN_REGION"]
    assert "县城" in seat.notes[0].message
    other = addrcheck.parse("山东省威海市文登区皇冠街道文化中路8号")
    assert "INCONSISTENT_HIERARCHY" in [note.code.value for note in other.notes]


def test_text_over_the_parse_limit_is_not_parsed_and_nothing_is_lost() -> None:
    from addrcheck.parse import MAX_PARSE_LENGTH

    text = "浙江省杭州市" * (MAX_PARSE_LENGTH // 6 + 1)
    result = addrcheck.parse(text)
    assert [note.code for note in result.notes] == [addrcheck.ReasonCode.TOO_LONG]
    assert result.components == {}
    assert [(item.text, item.span) for item in result.unresolved] == [(text, (0, len(text)))]


def _tails() -> list[str]:
    """Short texts that reach every branch of the road and township patterns: names of one to five
    ideographs, then a direction, a suffix, its near misses, or the end."""
    names = ["", "世", "世纪", "世纪东", "文三新村", "嘉陵江东风", "1", "A世纪", "世1纪", "\U00020000"]
    suffixes = [
        "",
        "路",
        "街",
        "街道",
        "大道",
        "大街",
        "大",
        "巷",
        "胡同",
        "胡",
        "镇",
        "乡",
        "村",
        "社区",
        "社",
    ]
    suffixes += ["东路", "中街道", "南大街", "西", "区", "号", "道", "同"]
    return [
        name + suffix + after for name in names for suffix in suffixes for after in ("", "道", "1号", "区")
    ]


def test_road_next_reads_like_the_pattern_it_replaces() -> None:
    """admin._road_next reads a road's name by code point; it must agree with the regex it replaced."""
    import re

    from addrcheck.admin import _road_next

    pattern = re.compile("([\u4e00-\u9fff]{1,4}?)[东西南北中]?(?:大道|大街|路|街(?!道)|巷|胡同)")
    for tail in _tails():
        for prefix in ("", "杭州"):
            text = prefix + tail
            match = pattern.match(text, len(prefix))
            assert _road_next(text, len(prefix)) == (match is not None and len(match.group(1)) >= 2), text


def test_division_next_reads_like_the_pattern_it_replaces() -> None:
    """admin._division_next reads a township's or village's name by code point, like the regex it replaced."""
    import re

    from addrcheck.admin import _division_next

    pattern = re.compile("[\u4e00-\u9fff]{1,4}?(?:街道|镇|乡|村|社区)")
    for tail in _tails():
        for prefix in ("", "北仑"):
            text = prefix + tail
            assert _division_next(text, len(prefix)) == (pattern.match(text, len(prefix)) is not None), text


def test_word_starts_by_code_point_agree_with_the_sets() -> None:
    """admin._word_may_start tests a code point against a table built from the gazetteer's sets of first
    characters; it must answer as ``text[at : at + 1] in starts`` does, also past the end."""
    from addrcheck.admin import _PREMISES_START, _ZONE_START, _word_may_start
    from addrcheck.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    chars = [chr(code) for code in [*range(0x20, 0x7F), *range(0x4E00, 0xA000)]] + ["\U00020000"]
    for flag, starts in ((_PREMISES_START, gazetteer.premises_starts), (_ZONE_START, gazetteer.zone_starts)):
        assert starts
        for char in chars:
            assert _word_may_start("杭州" + char, 2, flag, starts, gazetteer) == (char in starts), char
        assert not _word_may_start("杭州", 2, flag, starts, gazetteer)


def test_village_word_by_code_point_agrees_with_startswith() -> None:
    """admin._village_word_at reads 村, 社区, 居委会 and 嘎查 by code point, as ``str.startswith`` did."""
    from addrcheck.admin import _VILLAGE_WORDS, _village_word_at

    for tail in ("", "村", "社", "社区", "居", "居委", "居委会", "嘎", "嘎查", "区", "街道", "\U00020000"):
        text = "伍寨" + tail
        for at in (2, 3, len(text)):
            assert _village_word_at(text, at) == text.startswith(_VILLAGE_WORDS, at), (text, at)


def test_town_suffix_of_agrees_with_endswith() -> None:
    """admin._town_suffix_of finds 街道, 镇 or 乡 at a name's end by code point, as ``endswith`` did."""
    from addrcheck.admin import _TOWN_SUFFIXES, _town_suffix_of

    for key in (
        "新街镇",
        "城西街道",
        "柳池乡",
        "余杭",
        "大道",
        "街道",
        "镇",
        "乡镇",
        "镇乡",
        "西湖区",
        "\U00020000",
    ):
        expected = ("街道" if key.endswith("街道") else key[-1]) if key.endswith(_TOWN_SUFFIXES) else ""
        assert _town_suffix_of(key) == expected, key
