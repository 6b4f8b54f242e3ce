"""Readers in isolation: encodings, quoting, broken rows, column detection. No validation here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from addrcheck.audit._encoding import detect_encoding, output_encoding
from addrcheck.audit._readers import JsonlReader, TextTableReader, find_address_column, input_files
from addrcheck.audit._types import MAX_RECORD_BYTES, AuditError, Chunk

ROWS = [
    "浙江省金华市义乌市稠城街道工人北路100号",
    "广东省深圳市南山区东滨路86号",
    "北京市海淀区北西环西路66号",
]


def _read_all(path: Path, column: str | None = None, size: int = 1000) -> list[Chunk]:
    reader = TextTableReader([path], "csv" if path.suffix != ".tsv" else "tsv", column)
    return list(reader.chunks(size, None))


def _flat(chunks: list[Chunk]) -> list[tuple[int, str | None, str | None]]:
    out = []
    for chunk in chunks:
        for index, line in enumerate(chunk.lines):
            out.append((line, chunk.addresses[index], chunk.problems.get(index)))
    return out


@pytest.mark.parametrize(
    ("codec", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("gbk", b"", "gbk"),
        ("gb18030", b"", "gb18030"),  # 䶮 (U+4DAE) is in GB18030 but not in GBK
    ],
)
def test_encodings_are_detected_and_rows_decoded(
    tmp_path: Path, codec: str, prefix: bytes, expected: str
) -> None:
    rows = [*ROWS, "广东省广州市天河区䶮路1号"] if codec == "gb18030" else ROWS
    text = "id,地址\n" + "".join(f"{i},{row}\n" for i, row in enumerate(rows))
    path = tmp_path / "in.csv"
    path.write_bytes(prefix + text.encode("utf-8" if expected.startswith("utf") else codec))
    assert detect_encoding(path) == expected
    assert _flat(_read_all(path)) == [(i + 2, row, None) for i, row in enumerate(rows)]


def test_gbk_row_far_below_an_ascii_head_is_found(tmp_path: Path) -> None:
    # The first MiB is ASCII only; the sample must reach the Chinese rows further down.
    head = "".join(f"{i},x\n" for i in range(200_000))
    path = tmp_path / "in.csv"
    path.write_bytes(("id,address\n" + head + "9,浙江省金华市\n").encode("gbk"))
    assert path.stat().st_size > (1 << 20)
    assert detect_encoding(path) == "gbk"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02binary\xff\xfe\x00garbage" * 100, "binary file"),
        (b"\xff\xfea\x00d\x00d\x00", "UTF-16"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    with pytest.raises(AuditError, match=message):
        TextTableReader([path], "csv", None)


def test_output_encoding_keeps_excel_compatible_encodings() -> None:
    assert [output_encoding(name) for name in ("utf-8", "utf-8-sig", "gbk", "gb2312", "gb18030", "big5")] == [
        "utf-8",
        "utf-8-sig",
        "gb18030",
        "gb18030",
        "gb18030",
        "utf-8-sig",
    ]


def test_broken_rows_are_reported_with_line_numbers_and_nothing_is_lost(tmp_path: Path) -> None:
    lines = [
        "id,地址,note",
        "1,浙江省金华市,a",
        '2,"杭州市婺城区,b',  # quote never closed
        "3,广东省深圳市南山区东滨路86号,c",
        "4,a,b,c",  # one field too many
        '5,"多行\n地址",d',  # a legal line break inside a quoted field: one row over two lines
        "",  # a blank line is not a row
        '6,"x"y,e',  # text after a closing quote
        "7,,f",
    ]
    path = tmp_path / "in.csv"
    data = "\n".join(lines).encode("utf-8") + b"\n" + "8,浙江省金华市,g\n".encode("gbk") + b"9,end,h\r\n"
    path.write_bytes(data)
    got = _flat(_read_all(path, size=2))
    problems = {line: problem for line, _, problem in got if problem}
    assert problems == {
        3: "引号没有闭合",
        5: "有 4 个字段，表头有 3 个（可能是引号或分隔符有误）",
        9: "引号格式错误（',' expected after '\"'）",
        11: "第 3 个字节起不是有效的 UTF-8 编码（d5 e3 bd ad）",
    }
    assert [line for line, _, _ in got] == [2, 3, 4, 5, 6, 9, 10, 11, 12]
    assert [address for _, address, _ in got] == [
        "浙江省金华市",
        None,
        "广东省深圳市南山区东滨路86号",
        None,
        "多行\n地址",
        None,
        "",
        None,
        "end",
    ]
    assert sum(chunk.blank_lines for chunk in _read_all(path)) == 1


def test_huge_line_is_one_unreadable_row_and_memory_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    with path.open("wb") as handle:
        handle.write(b"id,address\n1,")
        handle.write(b"a" * (3 * MAX_RECORD_BYTES))
        handle.write("\n2,浙江省金华市\n3,".encode())
        handle.write("长".encode() * 100_000)  # 300 kB: below the cap, parsed (validate will say TOO_LONG)
        handle.write(b"\n")
    chunks = _read_all(path)
    got = _flat(chunks)
    assert [(line, problem) for line, _, problem in got] == [(2, "这一行超过 1 MiB"), (3, None), (4, None)]
    assert got[1][1] == "浙江省金华市"
    assert got[2][1] == "长" * 100_000
    assert len(chunks[0].raw[0]) < 300  # only a preview of the oversized line is kept


def test_empty_and_header_only_files_have_no_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,address\n", encoding="utf-8")
    assert _read_all(empty) == []
    assert _flat(_read_all(header_only)) == []


def test_resume_position_continues_exactly(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,address\n" + "".join(f'{i},"第{i}号\n楼"\n' for i in range(25)), encoding="utf-8")
    reader = TextTableReader([path], "csv", None)
    chunks = list(reader.chunks(10, None))
    resumed = list(reader.chunks(10, chunks[0].end))
    assert _flat(resumed) == _flat(chunks[1:])
    assert [address for _, address, _ in _flat(chunks)] == [f"第{i}号\n楼" for i in range(25)]
    assert reader.fraction_done(chunks[-1].end) == 1.0


def test_tab_separated_text_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("编号\t收货地址\n1\t浙江省金华市, 义乌\n", encoding="utf-8")
    reader = TextTableReader([path], "csv", None)
    assert reader.delimiter == "\t"
    assert _flat(list(reader.chunks(10, None))) == [(2, "浙江省金华市, 义乌", None)]


@pytest.mark.parametrize(
    ("columns", "requested", "expected"),
    [
        (["id", "Address"], None, "Address"),
        (["id", "地址", "备注"], None, "地址"),
        (["id", "退货地址"], None, "退货地址"),
        (["id", " 收货地址 "], None, " 收货地址 "),
        (["id", "原始地址", "规模"], None, "原始地址"),  # no exact name: the one column containing 地址
        (["id", "addr", "x"], "addr", "addr"),
        (["id", "ADDR"], "addr", "ADDR"),
    ],
)
def test_address_column_is_found(columns: list[str], requested: str | None, expected: str) -> None:
    assert find_address_column(columns, requested, "in.csv") == expected


@pytest.mark.parametrize(
    ("columns", "requested", "code"),
    [
        (["id", "name"], None, "NO_ADDRESS_COLUMN"),
        (["退货地址", "收货地址"], None, "AMBIGUOUS_ADDRESS_COLUMN"),
        (["id", "address"], "addr", "NO_ADDRESS_COLUMN"),
    ],
)
def test_address_column_problems_are_errors(columns: list[str], requested: str | None, code: str) -> None:
    with pytest.raises(AuditError) as caught:
        find_address_column(columns, requested, "in.csv")
    assert caught.value.code == code


def test_jsonl_reader_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": 1, "address": "浙江省金华市"}, ensure_ascii=False),
        "{broken",
        "[1, 2]",
        "",
        json.dumps({"id": 2}),
        json.dumps({"id": 3, "address": 12345}),
        json.dumps({"id": 4, "address": ["x"]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reader = JsonlReader([path], None)
    got = _flat(list(reader.chunks(3, None)))
    assert [(line, address) for line, address, _ in got] == [
        (1, "浙江省金华市"),
        (2, None),
        (3, None),
        (5, ""),
        (6, "12345"),
        (7, None),
    ]
    assert [problem for _, _, problem in got if problem] == [
        "不是有效的 JSON（Expecting property name enclosed in double quotes: line 1 column 2 (char 1)）",
        "不是 JSON 对象",
        "字段 address 不是文本",
    ]


def test_partitions_are_read_in_natural_order(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    for index in (0, 1, 2, 10):
        (folder / f"part.{index}.csv").write_text(f"address\n第{index}号\n", encoding="utf-8")
    fmt, paths = input_files(folder)
    assert (fmt, [p.name for p in paths]) == (
        "csv",
        ["part.0.csv", "part.1.csv", "part.2.csv", "part.10.csv"],
    )
    reader = TextTableReader(paths, fmt, None)
    chunks = list(reader.chunks(10, None))
    assert [(chunk.source, chunk.addresses) for chunk in chunks] == [
        ("part.0.csv", ["第0号"]),
        ("part.1.csv", ["第1号"]),
        ("part.2.csv", ["第2号"]),
        ("part.10.csv", ["第10号"]),
    ]
    _, globbed = input_files(tmp_path / "parts" / "part.1*.csv")
    assert [p.name for p in globbed] == ["part.1.csv", "part.10.csv"]
