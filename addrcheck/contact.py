"""Find a contact name and phone number pasted with an address (张三 13800138000 浙江省...).

Merchants paste whole shipping labels. The phone is found by pattern (mainland mobiles, and landlines with
an area code), the name as the short run of Han characters next to it or at the very start, and label
words (收货人:, 电话:) are claimed so they do not end up in the road or POI.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

from addrcheck.text import SEPARATORS, char_table, separator_at

_MOBILE: Final = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
_LANDLINE: Final = re.compile(
    r"(?<![0-9])(0[1-9][0-9]{1,2})[- ]?([2-9][0-9]{6,7})(?:(?:-|转)([0-9]{1,5}))?(?![0-9])"
)
# A part of every phone the two patterns find (seven digits in a row, or a mobile's 1xx + four digits):
# most addresses have none, and one search of this rules both out.
_PHONE_HINT: Final = re.compile(r"[0-9]{7}|1[3-9][0-9][- ]?[0-9]{4}")
_LABEL: Final = re.compile(
    r"(?:收货人|收件人|联系人|姓名|名字|手机号码|手机号|手机|电话号码|联系电话|电话|TEL|收货地址|详细地址|所在地区|地址)[:：]?"
)
# The commonest Chinese surnames (about 90% of the population); a name without a phone must start with one.
SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪"
    "庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁"
    "沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAME_TABLE: Final = char_table(SURNAMES)
_NAME: Final = re.compile(r"[\u4e00-\u9fff]{2,4}")


class Contact:
    """What find_contact found (a plain class: a dataclass __init__ runs interpreted when compiled)."""

    __slots__ = ("labels", "name", "phone")

    def __init__(
        self,
        phone: tuple[str, int, int] | None,  # (normalised number, start, end)
        name: tuple[str, int, int] | None,
        labels: list[tuple[int, int]],
    ) -> None:
        self.phone = phone
        self.name = name
        self.labels = labels


def _digits_at_least(text: str, count: int) -> bool:
    """Whether ``text`` holds ``count`` ASCII digits: every phone has seven (most addresses fewer), and
    counting them costs less than the regex search."""
    found = 0
    for i in range(len(text)):
        code = ord(text[i])
        if 0x30 <= code <= 0x39:
            found += 1
            if found >= count:
                return True
    return False


def _surname_at(text: str, i: int) -> bool:
    code = ord(text[i])
    return code < 0x10000 and _SURNAME_TABLE[code] == 1


def _is_boundary(text: str, position: int) -> bool:
    return position <= 0 or position >= len(text) or text[position] in SEPARATORS


def find_contact(text: str) -> Contact:
    """Find a phone, a contact name and label words in folded ``text``.

    A label word counts where it is plainly a label: followed by a colon, a 收件人-like word (ending in 人),
    at the start of the text, or right before the phone. Elsewhere 手机 and 电话 are words of the address
    (天龙手机大卖场, 再打电话) and stay. A name without a phone is only a candidate: the caller keeps it only where
    the divisions start right after it (张三，浙江省…); elsewhere it is the address's own first word
    (杨峰路（辉林酒家南侧）, 金桥苑(东南门)附近).
    """
    found_labels = (
        [(m.start(), m.end()) for m in _LABEL.finditer(text)]
        if "：" in text or ":" in text or "人" in text or "手机" in text or "电话" in text
        else []
    )
    phone = None
    if _digits_at_least(text, 7) and _PHONE_HINT.search(text) is not None:
        match = _MOBILE.search(text)
        if match:
            phone = ("".join(match.groups()), match.start(), match.end())
        else:
            match = _LANDLINE.search(text)
            if match:
                area, number, extension = match.groups()
                phone = (
                    f"{area}-{number}" + (f"-{extension}" if extension else ""),
                    match.start(),
                    match.end(),
                )
    labels = [span for span in found_labels if _plainly_label(text, span, phone)]
    name = None
    if phone is not None:
        name = _name_near(text, phone[1], phone[2], labels) or _name_by_segmentation(text, phone[1], phone[2])
    else:
        # No phone: only a short surname-led word set apart at the very start (张三，浙江省...).
        start = next((e for s, e in labels if s == 0), 0)
        while start < len(text) and separator_at(text, start):
            start += 1
        # The name must start with a surname: most addresses start with a division, and need no regex call.
        found = _NAME.match(text, start) if start < len(text) and _surname_at(text, start) else None
        if (
            found
            and found.group()[0] in SURNAMES
            and _is_boundary(text, found.end())
            and found.end() < len(text)
        ):
            name = (found.group(), found.start(), found.end())
    return Contact(phone=phone, name=name, labels=labels)


def _plainly_label(text: str, span: tuple[int, int], phone: tuple[str, int, int] | None) -> bool:
    start, end = span
    if text[end - 1] in ":：人" or start == 0:
        return True
    if phone is None:
        return False
    while end < phone[1] and text[end] in SEPARATORS:
        end += 1
    return end == phone[1]


def _name_by_segmentation(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """A name glued to the address (...100号张三13800138000): ask jieba's part-of-speech tagger, whose
    dictionary and HMM know Chinese personal names (tag ``nr``), for the word touching the phone.

    jieba loads its dictionary (about 0.7 s) the first time this runs; most addresses never get here.
    """
    before = start
    while before > 0 and before > start - 8 and "\u4e00" <= text[before - 1] <= "\u9fff":
        before -= 1
    after = end
    while after < len(text) and after < end + 6 and "\u4e00" <= text[after] <= "\u9fff":
        after += 1
    if before == start and after == end:
        return None
    tagger = _pos_tagger()
    if before < start:
        words = list(tagger.cut(text[before:start]))
        if words and words[-1].flag == "nr" and 2 <= len(words[-1].word) <= 4:
            word = words[-1].word
            return (word, start - len(word), start)
    if after > end:
        words = list(tagger.cut(text[end:after]))
        if words and words[0].flag == "nr" and 2 <= len(words[0].word) <= 4:
            word = words[0].word
            return (word, end, end + len(word))
    return None


def _pos_tagger() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _name_near(text: str, start: int, end: int, labels: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The name is the 2-4 Han characters set apart right before or right after the phone."""
    label_ends = {e for _, e in labels}
    # Before: skip separators and a label (电话:), then take the Han run that ends there.
    position = start
    moved = True
    while moved:
        moved = False
        while position > 0 and text[position - 1] in SEPARATORS:
            position -= 1
            moved = True
        for s, e in labels:
            if s < position <= e:  # the label (电话:) may end in a separator already skipped
                position = s
                moved = True
    run_start = position
    while run_start > 0 and "\u4e00" <= text[run_start - 1] <= "\u9fff" and position - run_start < 5:
        run_start -= 1
    if 2 <= position - run_start <= 4 and (_is_boundary(text, run_start - 1) or run_start in label_ends):
        return (text[run_start:position], run_start, position)
    # After: separators, then a Han run that ends at a separator or the end of the text.
    position = end
    while position < len(text) and text[position] in SEPARATORS:
        position += 1
    for s, e in labels:
        if s == position:
            position = e
    found = _NAME.match(text, position)
    if found and (_is_boundary(text, found.end()) and found.group()[0] in SURNAMES):
        return (found.group(), found.start(), found.end())
    return None
