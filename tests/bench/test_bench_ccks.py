"""The CCKS BIOES reader, on tiny synthetic samples written here (never on CCKS data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ccks import FormatError, Mention, mentions_from_tags, parse_lines, read_samples, read_unlabelled


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        (
            "浙江杭州",
            ["B-prov", "E-prov", "B-city", "E-city"],
            [("prov", 0, 2, "浙江"), ("city", 2, 4, "杭州")],
        ),
        ("路0号", ["B-road", "E-road", "S-assist"], [("road", 0, 2, "路0"), ("assist", 2, 3, "号")]),
        ("余杭区乔司", ["B-district", "I-district", "E-district", "O", "O"], [("district", 0, 3, "余杭区")]),
        # Lenient reading of malformed runs: I without B opens, a label change closes, the end closes.
        ("甲乙丙丁", ["I-poi", "E-poi", "I-road", "I-road"], [("poi", 0, 2, "甲乙"), ("road", 2, 4, "丙丁")]),
        ("甲乙丙", ["B-poi", "B-poi", "E-poi"], [("poi", 0, 1, "甲"), ("poi", 1, 3, "乙丙")]),
        ("甲乙", ["B-poi", "O"], [("poi", 0, 1, "甲")]),
        ("甲乙", ["O", "O"], []),
    ],
)
def test_mentions_from_tags(text: str, tags: list[str], expected: list[tuple[str, int, int, str]]) -> None:
    assert mentions_from_tags(text, tags) == tuple(Mention(*row) for row in expected)


SYNTHETIC = """甲 B-city
市 E-city
0 B-roadno
号 E-roadno

  O
乙 S-poi


丙 B-town
镇 E-town
"""


def test_parse_lines_splits_addresses_and_keeps_space_characters() -> None:
    samples = list(parse_lines(SYNTHETIC.splitlines(keepends=True)))
    assert [s.text for s in samples] == ["甲市0号", " 乙", "丙镇"]
    assert [s.line_number for s in samples] == [1, 6, 10]
    assert samples[0].spans("roadno") == [(2, 4)]
    assert samples[1].first("poi") == Mention("poi", 1, 2, "乙")
    assert samples[2].first("road") is None


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("甲 B-street", "unknown label"),
        ("甲 X-poi", "unknown label"),
        ("甲乙 O", "expected '<one character> <label>'"),
        ("甲", "expected '<one character> <label>'"),
    ],
)
def test_parse_lines_rejects_malformed_lines(line: str, why: str) -> None:
    with pytest.raises(FormatError, match=why) as caught:
        list(parse_lines(["丙 O\n", line + "\n"], "f.txt"))
    assert caught.value.line_number == 2
    assert str(caught.value).startswith("f.txt:2: ")


def test_read_samples_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(SYNTHETIC, encoding="utf-8")
    assert [s.text for s in read_samples(path)] == ["甲市0号", " 乙", "丙镇"]
    assert [s.text for s in read_samples(path, limit=2)] == ["甲市0号", " 乙"]


def test_read_unlabelled_keeps_order_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "final.txt"
    path.write_text("1\x01甲市0号\n2\x01乙路\n3\x01甲市0号\n", encoding="utf-8")
    assert read_unlabelled(path) == ["甲市0号", "乙路", "甲市0号"]
    assert read_unlabelled(path, limit=1) == ["甲市0号"]
