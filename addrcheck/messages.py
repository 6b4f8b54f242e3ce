"""User-facing sentences for every reason code, in Chinese (for merchants) and English.

Messages are exact and stable: tests pin them. Placeholders are filled by ``reason()``.
"""

from __future__ import annotations

from addrcheck.models import Reason, ReasonCode, Severity, Span

LEVEL_ZH = {"province": "省级", "city": "地级", "district": "区县级", "town": "乡镇街道级"}
LEVEL_EN = {"province": "province", "city": "city", "district": "county level", "town": "township"}


MESSAGES: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.EMPTY: ("地址为空。", "The address is empty."),
    ReasonCode.TOO_LONG: (
        "地址过长（{length} 个字符，最多 {limit} 个）。",
        "The address is too long ({length} characters; at most {limit}).",
    ),
    ReasonCode.BINARY_INPUT: (
        "地址含有控制字符或乱码（第 {position} 个字符），可能是编码错误。",
        "The address contains control or replacement characters (at {position}): probably a wrong encoding.",
    ),
    ReasonCode.NOT_AN_ADDRESS: (
        "这不像一个地址：没有找到任何省、市、区县或街道信息。",
        "This does not look like an address: no province, city, county or street was found.",
    ),
    ReasonCode.MISSING_PROVINCE: ("缺少省份。", "The province is missing."),
    ReasonCode.MISSING_CITY: ("缺少城市（地级市）。", "The city (prefecture level) is missing."),
    ReasonCode.MISSING_DISTRICT: (
        "缺少区县：请写明区、县或县级市。",
        "The district or county is missing: name the district, county or county-level city.",
    ),
    ReasonCode.MISSING_TOWN: (
        "缺少乡镇或街道。",
        "The township or subdistrict (街道/镇/乡) is missing.",
    ),
    ReasonCode.MISSING_STREET: (
        "缺少详细地址：请写明道路、小区、村或具体地点。",
        "The street address is missing: add a road, a residential compound, a village or a named place.",
    ),
    ReasonCode.MISSING_HOUSE_NUMBER: (
        "缺少门牌号：请写明门牌号或楼栋号。",
        "The door or building number is missing.",
    ),
    ReasonCode.AMBIGUOUS_REGION: (
        "“{name}”有多个同名地区：{options}。请写明上级地区。",
        "“{name}” names more than one place: {options}. Add the city or province.",
    ),
    ReasonCode.INCONSISTENT_HIERARCHY: (
        "“{name}”（{level_zh}）不属于{context}，地址前后矛盾。",
        "“{name}” ({level_en}) is not part of {context}: the address contradicts itself.",
    ),
    ReasonCode.UNKNOWN_REGION: (
        "未找到“{name}”这个行政区划。",
        "“{name}” is not a known administrative division.",
    ),
    ReasonCode.OUTDATED_NAME: (
        "“{name}”已不是此处的现行区划（{year} 年调整），已按现行的“{current}”处理。",
        "“{name}” is no longer the division here (changed in {year}); read as today's “{current}”.",
    ),
    ReasonCode.UNCONFIRMED_REGION: (
        "“{name}”可能指{options}，但地址中没有其他依据（上级地区、“区/县/市”等字样或紧随的道路），"
        "也可能只是名称的一部分。请确认所在地区。",
        "“{name}” may mean {options}, but nothing else in the address confirms it (no parent division, no "
        "区/县/市 suffix, no road right after it): it may be part of a name. Please confirm the region.",
    ),
    ReasonCode.INVISIBLE_CHARACTER: (
        "地址含有 {count} 个不可见字符（如零宽空格、文字方向控制符，第 {position} 个字符起），已从规范地址中删除。",
        "The address contains {count} invisible character(s) (zero-width spaces, direction controls; from "
        "position {position}); they were removed from the normalised address.",
    ),
    ReasonCode.TOO_MANY_NAMES: (
        "地址中有 {count} 个行政区划名称，只读取了前 {limit} 个：请只写一个地址。",
        "The address holds {count} division names; only the first {limit} were read. Write one address only.",
    ),
    ReasonCode.UNRESOLVED_TEXT: (
        "无法识别“{text}”。",
        "Could not place “{text}”.",
    ),
}


# Second sentences for a code, where one cause needs different advice.
VARIANTS: dict[tuple[ReasonCode, str], tuple[str, str]] = {
    (ReasonCode.AMBIGUOUS_REGION, "split"): (
        "“{name}”已于 {year} 年撤销，现分属：{options}。请写明现在的区县或所在街道。",
        "“{name}” was abolished in {year} and is now split between {options}. Name today's county or the township.",
    ),
    (ReasonCode.OUTDATED_NAME, "town"): (
        "“{name}”在 {year} 年以后的区划代码中已不在此处（撤销、合并、更名或划出），已按现行的“{current}”处理。",
        "“{name}” is no longer listed here after {year} (abolished, merged, renamed or moved); read as "
        "today's “{current}”.",
    ),
    (ReasonCode.UNCONFIRMED_REGION, "misnamed"): (
        "“{name}”与地址中的其他区划不符，可能是{options}的误写或简称。请确认所在地区。",
        "“{name}” does not fit the other divisions in the address: it may be {options}, misspelt or "
        "shortened. Please confirm the region.",
    ),
    (ReasonCode.INCONSISTENT_HIERARCHY, "second"): (
        "地址栏里有第二个地址（从“{name}”起）：退货地址只能写一个，请只保留{context}的地址或另一个。",
        "The field holds a second address (from “{name}”): a return address must be one place; keep the one "
        "in {context} or the other.",
    ),
    (ReasonCode.UNKNOWN_REGION, "zone"): (
        "“{name}”是{city}的功能区，不是 2023 年区划表中的区县：已按区县级处理，没有代码；如知道所在的区县，请写明。",
        "“{name}” is a functional zone of {city}, not a county in the 2023 table: read as the county level, "
        "without a code. Name the county if you know it.",
    ),
    (ReasonCode.UNKNOWN_REGION, "seat"): (
        "{county}在 2023 年区划表中没有“{name}”：这通常指县城所在的乡镇，请写明它的现行名称。",
        "{county} has no “{name}” in the 2023 table: the name usually means the county seat. Please write "
        "its current name.",
    ),
    (ReasonCode.UNKNOWN_REGION, "village"): (
        "{town}没有“{name}”：{county}的“{name}”在{other}。请核对乡镇街道或村、社区名称。",
        "{town} has no “{name}”: the one in {county} is in {other}. Please check the township and the "
        "village or community.",
    ),
    (ReasonCode.UNKNOWN_REGION, "unlisted"): (
        "“{name}”不在 2023 年区划表中，地图数据仍将其列在{county}下：可能已撤销、更名或划出，请核对。",
        "“{name}” is not in the 2023 table, though map data still lists it under {county}: it may have been "
        "abolished, renamed or moved. Please check.",
    ),
}


def reason(
    code: ReasonCode,
    span: Span | None = None,
    *,
    severity: Severity = Severity.ERROR,
    variant: str = "",
    **values: object,
) -> Reason:
    """Build a Reason with both messages filled in (``variant`` picks a cause-specific sentence)."""
    zh, en = VARIANTS[(code, variant)] if variant else MESSAGES[code]
    if values or "{" in zh:  # formatting is a slow call: skipped for a sentence with no placeholder
        zh, en = zh.format_map(values), en.format_map(values)
    return Reason(code, zh, en, span, severity)
