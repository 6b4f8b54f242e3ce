"""Verdicts: exact status and reason codes for the cases the return-address policy must handle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import addrcheck
from addrcheck import ReasonCode, Severity, Status

ERROR_CASES = [
    # (input, status, error reason codes in order)
    ("浙江省金华市义乌市稠城街道工人北路100号", Status.OK, ()),
    ("浙江省金华市", Status.VAGUE, ("MISSING_DISTRICT", "MISSING_STREET")),
    ("浙江省", Status.VAGUE, ("MISSING_CITY", "MISSING_DISTRICT", "MISSING_STREET")),
    # A municipality is its own city level: 北京市 alone lacks only the district.
    ("北京市", Status.VAGUE, ("MISSING_DISTRICT", "MISSING_STREET")),
    ("浙江省金华市义乌市", Status.VAGUE, ("MISSING_STREET",)),
    ("浙江省金华市义乌市稠城街道", Status.VAGUE, ("MISSING_STREET",)),
    ("浙江省金华市义乌市稠城街道工人北路", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("工人北路100号", Status.VAGUE, ("MISSING_PROVINCE", "MISSING_CITY", "MISSING_DISTRICT")),
    # A township name shared by dozens of places contradicts nothing: it lacks the levels above it.
    ("城西街道人民路1号", Status.VAGUE, ("MISSING_PROVINCE", "MISSING_CITY", "MISSING_DISTRICT")),
    ("杭州市婺城区", Status.INCONSISTENT, ("INCONSISTENT_HIERARCHY", "MISSING_STREET")),
    # A county written with other characters of the same sound is asked about (黄浦区, not Guangzhou's
    # 黄埔区; 潮阳区, not Beijing's 朝阳区); 婺城区 sounds like no county of 杭州.
    ("上海市黄埔区南京东路300号", Status.VAGUE, ("UNCONFIRMED_REGION",)),
    ("广东省汕头市朝阳区中山路100号", Status.VAGUE, ("UNCONFIRMED_REGION",)),
    ("浙江省杭州市西湖区城东街道", Status.INCONSISTENT, ("INCONSISTENT_HIERARCHY", "MISSING_STREET")),
    ("江苏省杭州市西湖区文三路100号", Status.INCONSISTENT, ("INCONSISTENT_HIERARCHY",)),
    ("鼓楼区中山路1号", Status.AMBIGUOUS, ("AMBIGUOUS_REGION",)),
    ("朝阳区建国路88号", Status.AMBIGUOUS, ("AMBIGUOUS_REGION",)),
    ("西湖区文三路100号", Status.AMBIGUOUS, ("AMBIGUOUS_REGION",)),
    # A township name two places share is ambiguous, not a contradiction of itself.
    ("长河街道江汉路100号", Status.AMBIGUOUS, ("AMBIGUOUS_REGION",)),
    # A name inside a retired one is part of it: 城区 in 下城区 (拱墅区 since 2021) contradicts nothing.
    ("下城区延安路100号", Status.OK, ()),
    # NBS has township-level units named 高新园区 and 林业局: in an address they are a zone or a POI.
    ("浙江省湖州市吴兴区高新园区环渚路100号", Status.OK, ()),
    # NBS has a township called just 永兴 (in 三沙): without a division word it is a word, as in 永兴新村.
    ("广州市白云区龙归街道永兴新村12栋201", Status.OK, ()),
    # Zone words some NBS townships are named or shortened to (工业, 高新, 中心, 保税区) contradict nothing.
    ("北京市通州区食品工业园潞城镇武兴北路4号", Status.OK, ()),
    # NBS has a township named 市经济技术开发区 (in 安徽 马鞍山): this is Beijing, its district unnamed.
    ("北京市经济技术开发区博兴十路2号", Status.VAGUE, ("MISSING_DISTRICT",)),
    ("湖南省长沙市岳麓区高新区桐梓坡西路328号", Status.OK, ()),
    # Districts named by generic words (新城区 in 西安, 东区 in 攀枝花) are words after another city...
    ("辽宁省铁岭市银州区新城区钻石路1号", Status.OK, ()),
    ("四川省成都市成华区东区东郊记忆路1号", Status.OK, ()),
    # ...and still districts where they are (see test_normalized for 西安市新城区).
    # A second township of the same county is an area, not a contradiction (燕郊 and 高楼镇 are in 三河市).
    ("河北省廊坊市三河市燕郊高楼镇孤山村8号", Status.OK, ()),
    # ...also when the two readings score alike (福城办事处 is 福城街道 under another suffix): the second wins.
    ("广东省深圳市龙华区观澜街道福城办事处茜坑村8号", Status.OK, ()),
    # NBS writes a former town as 石湾镇街道; addresses say 石湾街道.
    ("广东省佛山市禅城区石湾街道绿景西路10号", Status.OK, ()),
    # 城关镇 is what a county's seat is called; 桃江县 has none of that name: a warning, not a contradiction.
    ("湖南省益阳市桃江县城关镇人民路1号", Status.OK, ()),
    ("", Status.INVALID, ("EMPTY",)),
    ("   \t ", Status.INVALID, ("EMPTY",)),
    ("x" * 201, Status.INVALID, ("TOO_LONG",)),
    ("浙江省\x00\x01金华市", Status.INVALID, ("BINARY_INPUT",)),
    ("浙江省金华市\ufffd\ufffd", Status.INVALID, ("BINARY_INPUT",)),
    ("hello world", Status.INVALID, ("NOT_AN_ADDRESS",)),
    ("13800138000", Status.INVALID, ("NOT_AN_ADDRESS",)),
    # Cities without a county level: the city is enough.
    ("广东省东莞市南城街道鸿福路100号", Status.OK, ()),
    ("中山市石岐街道孙文中路1号", Status.OK, ()),
    # Counties run directly by a province: no city level to miss.
    ("湖北省仙桃市沙嘴街道人民路3号", Status.OK, ()),
    ("新疆石河子市北泉镇北一路5号", Status.OK, ()),
    # A POI or village with a number is a locator; without one it is vague.
    ("浙江省杭州市余杭区五常街道西溪湿地", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市余杭区五常街道西溪花园3幢", Status.OK, ()),
    ("浙江省金华市武义县王宅镇上黄村18号", Status.OK, ()),
    # The same divisions written again in brackets restate the place; other ones, or new ones, may be a
    # second place, and a return address is one.
    ("北京市朝阳区建国路88号A座1101室(北京市朝阳区建国路88号)", Status.OK, ()),
    (
        "北京市朝阳区建国路88号A座1101室(北京市海淀区中关村大街1号)",
        Status.INCONSISTENT,
        ("INCONSISTENT_HIERARCHY",),
    ),
    ("北京市建国路88号A座1101室(北京市朝阳区建国路88号)", Status.INCONSISTENT, ("INCONSISTENT_HIERARCHY",)),
    # Words inside the brackets (公安, 交通: township short names elsewhere) do not make them another place.
    ("湖南省益阳市赫山区银城大道100号（益阳市公安局交通警察支队北门）", Status.OK, ()),
    # A township the street scanner finds under the county named (西乡 before 大道) is that township.
    ("广东省深圳市宝安区西乡大道288号", Status.OK, ()),
    # A town's quarter named like a district elsewhere (东城区 of 北京) is a quarter; in 北京, a district.
    ("广东省肇庆市四会市东城区卫民路10号", Status.OK, ()),
    ("北京市朝阳区东城区建国路1号", Status.INCONSISTENT, ("INCONSISTENT_HIERARCHY",)),
    # A floor counts in a named place (a tower's desk finds the floor)...
    ("浙江省杭州市西湖区文三路华星大厦三楼", Status.OK, ()),
    # ...not after a landmark: "opposite the stadium, second floor" names no building of its own.
    ("浙江省杭州市西湖区文三路肯德基对面三楼", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市西湖区文三路肯德基斜对面三楼", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市西湖区文三路肯德基对过三楼", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市西湖区文三路肯德基(对面)三楼", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市西湖区文三路肯德基对面2单元301室", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    ("浙江省杭州市西湖区黄龙体育中心对面平层2楼", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
    # A place named after the landmark word is where the address is; a landmark written after the floor
    # only says how to find it.
    ("浙江省杭州市西湖区武林门对面星光广场二楼", Status.OK, ()),
    ("浙江省杭州市西湖区文三路肯德基对面 星光广场3楼", Status.OK, ()),
    ("浙江省杭州市上城区火车站对面国贸3楼", Status.OK, ()),
    ("浙江省杭州市西湖区文三路华星大厦三楼(肯德基对面)", Status.OK, ()),
    ("浙江省杭州市西湖区文三路肯德基对面100号", Status.OK, ()),
]


@pytest.mark.parametrize(("text", "status", "codes"), ERROR_CASES)
def test_status_and_reasons(text: str, status: Status, codes: tuple[str, ...]) -> None:
    result = addrcheck.validate(text)
    errors = tuple(r.code.value for r in result.reasons if r.severity is Severity.ERROR)
    assert (result.status, errors) == (status, codes)


NORMALIZED = [
    ("浙江省金华市义乌市稠城街道工人北路100号", "浙江省金华市义乌市稠城街道工人北路100号"),
    ("义乌市稠城街道工人北路100号", "浙江省金华市义乌市稠城街道工人北路100号"),
    ("浙江省金華市婺城區八一北街123號", "浙江省金华市婺城区八一北街123号"),
    # Numerals and names stay as written; separators go except inside a number.
    ("浙江省-金华市-义乌市-稠城街道-工人北路-九十号", "浙江省金华市义乌市稠城街道工人北路九十号"),
    ("杭州市西湖区翠苑一区23-4-502", "浙江省杭州市西湖区翠苑街道翠苑一区23-4-502"),
    ("上海市浦东新区川沙路5558弄12号-301", "上海市浦东新区川沙路5558弄12号-301"),
    (
        "浙江省金华市义乌市八一北街100号金华市第一人民医院",
        "浙江省金华市义乌市八一北街100号金华市第一人民医院",
    ),
    ("浙江省，金华市 义乌市 工人北路 100号 3楼", "浙江省金华市义乌市工人北路100号3楼"),
    ("浙江省金华市义乌市工人北路100号\u202e\u200b3楼", "浙江省金华市义乌市工人北路100号3楼"),
    ("浙江省浙江省金华市义乌市工人北路1号", "浙江省金华市义乌市工人北路1号"),
    # Text before the divisions stays (after them), folded; only 中国 and a clipped division go.
    ("ｚｊ浙江省金华市义乌市工人北路１００号", "浙江省金华市义乌市ZJ工人北路100号"),
    ("大润发广东省东莞市虎门镇赤岗大道", "广东省东莞市虎门镇大润发赤岗大道"),
    ("中国浙江省金华市义乌市工人北路1号", "浙江省金华市义乌市工人北路1号"),
    ("北省沧州市吴桥县太行道1号", "河北省沧州市吴桥县太行道1号"),
    # In a city with no county level, a township's short name and 区 is the township (区 goes with it).
    ("东莞市万江区胜利南路8号", "广东省东莞市万江街道胜利南路8号"),
    # ...and elsewhere after its city too (温州市梧田区: 梧田街道, the 区 with it).
    ("温州市梧田区前牌路8号", "浙江省温州市瓯海区梧田街道前牌路8号"),
    # A county's or township's short name run into a landform is that place's name, kept whole.
    ("珠海市斗门区白藤湖商业街8号", "广东省珠海市斗门区白藤街道白藤湖商业街8号"),
    ("重庆市江北嘴金融街1号", "重庆市江北区江北嘴金融街1号"),
    # Without a phone, a surname-led word is a name only where the divisions follow it.
    ("杨峰路（辉林酒家南侧）", "杨峰路辉林酒家南侧"),
    ("金桥苑(东南门)附近", "金桥苑东南门附近"),
    ("王伟，浙江省金华市义乌市工人北路1号", "浙江省金华市义乌市工人北路1号"),
    # 手机 and 电话 are labels only before a phone, with a colon or at the start.
    ("浙江省金华市义乌市工人北路1号天龙手机大卖场", "浙江省金华市义乌市工人北路1号天龙手机大卖场"),
    ("手机13800138000浙江省金华市义乌市工人北路1号", "浙江省金华市义乌市工人北路1号"),
    ("北京市朝阳区建国路88号SOHO现代城A座1201室", "北京市朝阳区建国路88号SOHO现代城A座1201室"),
    ("北京朝阳区建国路88号", "北京市朝阳区建国路88号"),
    ("南京市鼓楼区中山路1号", "江苏省南京市鼓楼区中山路1号"),
    ("西安市新城区解放路1号", "陕西省西安市新城区解放路1号"),
    ("拉萨市城关区北京中路1号", "西藏自治区拉萨市城关区北京中路1号"),
    ("北海市海城区重庆路1号", "广西壮族自治区北海市海城区重庆路1号"),
    ("湖北省襄樊市樊城区人民路10号", "湖北省襄阳市樊城区人民路10号"),
    ("浙江省绍兴县柯桥街道笛扬路1号", "浙江省绍兴市柯桥区柯桥街道笛扬路1号"),
    ("浙江省富阳市富春街道江滨西大道1号", "浙江省杭州市富阳区富春街道江滨西大道1号"),
    ("杭州市江干区笕桥街道机场路100号", "浙江省杭州市上城区笕桥街道机场路100号"),
    ("杭州市江干区下沙街道学源街1号", "浙江省杭州市钱塘区下沙街道学源街1号"),
    ("恩施州恩施市舞阳坝街道施州大道8号", "湖北省恩施土家族苗族自治州恩施市舞阳坝街道施州大道8号"),
    ("内蒙古包头市土右旗萨拉齐镇人民路1号", "内蒙古自治区包头市土默特右旗萨拉齐镇人民路1号"),
    ("济源市沁园街道济水大街100号", "河南省济源市沁园街道济水大街100号"),
    ("广东省东莞市南城街道鸿福路100号", "广东省东莞市南城街道鸿福路100号"),
    # ...and written with 区, as they commonly are (东城区 alone stays Beijing's, see test_townships).
    ("东莞市东城区东城中路100号", "广东省东莞市东城街道东城中路100号"),
    ("广东省中山市西区隆昌路47号", "广东省中山市西区街道隆昌路47号"),
    ("张三 13800138000 浙江省金华市义乌市稠城街道工人北路100号", "浙江省金华市义乌市稠城街道工人北路100号"),
]


@pytest.mark.parametrize(("text", "normalized"), NORMALIZED)
def test_normalized(text: str, normalized: str) -> None:
    assert addrcheck.validate(text).normalized == normalized


def test_outdated_name_is_a_warning_by_default_and_an_error_when_strict() -> None:
    text = "湖北省襄樊市樊城区人民路10号"
    default = addrcheck.validate(text)
    assert default.status is Status.OK
    assert [(r.code, r.severity) for r in default.reasons] == [(ReasonCode.OUTDATED_NAME, Severity.WARNING)]
    assert (
        default.reasons[0].message == "“襄樊市”已不是此处的现行区划（2010 年调整），已按现行的“襄阳市”处理。"
    )
    assert default.reasons[0].span == (3, 6)
    strict = addrcheck.validate(text, policy="strict")
    assert strict.status is Status.VAGUE
    assert strict.reason_codes == ("OUTDATED_NAME", "MISSING_TOWN")


def test_retired_unit_split_in_two_without_township_is_ambiguous() -> None:
    result = addrcheck.validate("杭州市江干区机场路100号")
    assert result.status is Status.AMBIGUOUS
    assert [c.district for c in result.candidates] == ["上城区", "钱塘区"]
    # The district stays as written, with no code: what we know, not a guess.
    assert result.components["district"].to_dict() == {
        "value": "江干区",
        "code": None,
        "span": [3, 6],
        "origin": "historical",
    }
    assert [(r.code.value, r.message) for r in result.reasons] == [
        (
            "AMBIGUOUS_REGION",
            "“江干区”已于 2021 年撤销，现分属：浙江省杭州市上城区、浙江省杭州市钱塘区。请写明现在的区县或所在街道。",
        )
    ]


def test_ambiguous_lists_every_candidate_and_keeps_no_guess() -> None:
    result = addrcheck.validate("鼓楼区中山路1号")
    assert [c.code for c in result.candidates] == ["320106", "320302", "350102", "410204"]
    assert "city" not in result.components and "province" not in result.components
    assert result.components["district"].to_dict() == {
        "value": "鼓楼区",
        "code": None,
        "span": [0, 3],
        "origin": "explicit",
    }
    assert result.components["road"].value == "中山路"


def test_duplicate_district_resolved_by_a_township_that_exists_in_one_city() -> None:
    result = addrcheck.validate("鼓楼区湖南路街道中山北路1号")
    assert result.status is Status.OK
    assert result.components["district"].code == "320106"


@pytest.mark.parametrize(
    ("policy", "status", "codes"),
    [
        ("loose", Status.OK, ()),
        ("default", Status.VAGUE, ("MISSING_HOUSE_NUMBER",)),
        ("strict", Status.VAGUE, ("MISSING_TOWN", "MISSING_HOUSE_NUMBER")),
    ],
)
def test_presets(policy: str, status: Status, codes: tuple[str, ...]) -> None:
    result = addrcheck.validate("浙江省金华市义乌市工人北路", policy=policy)
    assert (result.status, result.reason_codes) == (status, codes)


def test_policy_from_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.toml"
    path.write_text('[policy]\nbase = "loose"\nrequire_town = true\n', encoding="utf-8")
    policy = addrcheck.load_policy(path)
    assert (policy.name, policy.require_town, policy.require_house_number) == ("mine", True, False)
    assert addrcheck.validate("浙江省金华市义乌市工人北路", policy=policy).reason_codes == ("MISSING_TOWN",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[policy]\nrequire_twon = true\n", "unknown policy key 'require_twon'"),
        ('[policy]\nrequire_town = "yes"\n', "require_town must be bool, not str"),
        ('[policy]\nbase = "lenient"\n', "unknown policy 'lenient'; choose one of: default, loose, strict"),
        ("[policy\n", "cannot read policy file"),
    ],
)
def test_bad_policy_files(tmp_path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(addrcheck.ConfigError, match=message):
        addrcheck.load_policy(path)


def test_normalize_raises_for_unusable_addresses() -> None:
    assert addrcheck.normalize("义乌市稠城街道工人北路100号") == "浙江省金华市义乌市稠城街道工人北路100号"
    with pytest.raises(addrcheck.AddressError) as info:
        addrcheck.normalize("鼓楼区中山路1号")
    assert info.value.code == "AMBIGUOUS_REGION"
    with pytest.raises(addrcheck.AddressError) as info:
        addrcheck.normalize("")
    assert info.value.code == "EMPTY"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("entry", [addrcheck.validate, addrcheck.parse, addrcheck.normalize])
def test_non_str_input_is_a_type_error(entry: Callable[[str], object]) -> None:
    # Pure Python says "validate() takes a str, not bytes"; the mypyc build checks the annotation itself
    # ("str object expected; got bytes"). Either way the caller learns a str was expected, not bytes.
    with pytest.raises(TypeError, match=r"str.*bytes"):
        entry(b"\xd5\xe3\xbd\xad")  # type: ignore[arg-type]


def test_to_dict_shape() -> None:
    data = addrcheck.validate("浙江省金华市").to_dict()
    assert list(data) == [
        "input",
        "status",
        "granularity",
        "normalized",
        "policy",
        "components",
        "reasons",
        "candidates",
        "unresolved",
        "removed",
    ]
    assert data["components"]["city"] == {
        "value": "金华市",
        "code": "3307",
        "span": [3, 6],
        "origin": "explicit",
    }
    assert data["reasons"][0] == {
        "code": "MISSING_DISTRICT",
        "severity": "error",
        "message": "缺少区县：请写明区、县或县级市。",
        "message_en": "The district or county is missing: name the district, county or county-level city.",
        "span": None,
    }


@pytest.mark.parametrize(
    ("text", "code", "message", "message_en"),
    [
        (
            "杭州市婺城区",
            "INCONSISTENT_HIERARCHY",
            "“婺城区”（区县级）不属于浙江省杭州市，地址前后矛盾。",
            "“婺城区” (county level) is not part of 浙江省杭州市: the address contradicts itself.",
        ),
        (
            "朝阳区建国路88号",
            "AMBIGUOUS_REGION",
            "“朝阳区”有多个同名地区：北京市朝阳区、吉林省长春市朝阳区。请写明上级地区。",
            "“朝阳区” names more than one place: 北京市朝阳区、吉林省长春市朝阳区. Add the city or province.",
        ),
        (
            "x" * 201,
            "TOO_LONG",
            "地址过长（201 个字符，最多 200 个）。",
            "The address is too long (201 characters; at most 200).",
        ),
        (
            "浙江省金华市\x00",
            "BINARY_INPUT",
            "地址含有控制字符或乱码（第 6 个字符），可能是编码错误。",
            "The address contains control or replacement characters (at 6): probably a wrong encoding.",
        ),
    ],
)
def test_messages_are_exact(text: str, code: str, message: str, message_en: str) -> None:
    reason = addrcheck.validate(text).reasons[0]
    assert (reason.code.value, reason.message, reason.message_en) == (code, message, message_en)


def test_a_county_of_the_same_sound_is_offered_with_its_code() -> None:
    result = addrcheck.validate("上海市黄埔区南京东路300号")
    assert [c.code for c in result.candidates] == ["310101"]  # 上海市黄浦区
    reason = next(r for r in result.reasons if r.code is ReasonCode.UNCONFIRMED_REGION)
    assert reason.span == (3, 6) and "上海市黄浦区" in reason.message
