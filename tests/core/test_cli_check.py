"""``addrcheck check`` through a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "addrcheck", *args], input=stdin, capture_output=True, timeout=60, check=False
    )


def test_one_address_json() -> None:
    done = run("check", "--json", "浙江省金华市")
    assert done.returncode == 1
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert (data["input"], data["status"], data["granularity"]) == ("浙江省金华市", "vague", "city")
    assert [r["code"] for r in data["reasons"]] == ["MISSING_DISTRICT", "MISSING_STREET"]
    assert set(data) >= {
        "input",
        "status",
        "granularity",
        "normalized",
        "components",
        "reasons",
        "candidates",
        "unresolved",
    }


def test_ok_exits_zero_and_prints_a_readable_verdict() -> None:
    done = run("check", "义乌市稠城街道工人北路100号")
    assert done.returncode == 0
    text = done.stdout.decode("utf-8")
    assert "  status:       ok (granularity: premise)" in text
    assert "  normalized:   浙江省金华市义乌市稠城街道工人北路100号" in text


def test_stdin_gives_one_result_per_line_in_order_including_blank_and_gbk_lines() -> None:
    lines = [
        "浙江省金华市义乌市稠城街道工人北路100号".encode(),
        b"",
        "浙江省金华市".encode("gbk"),  # a stray GBK line inside UTF-8 input
        "鼓楼区中山路1号".encode(),
    ]
    done = run("check", "--json", stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 1
    results = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [r["status"] for r in results] == ["ok", "invalid", "invalid", "ambiguous"]
    assert [r["reasons"][0]["code"] if r["reasons"] else None for r in results] == [
        None,
        "EMPTY",
        "BINARY_INPUT",
        "AMBIGUOUS_REGION",
    ]


def test_all_ok_from_stdin_exits_zero() -> None:
    done = run("check", stdin="义乌市稠城街道工人北路100号\n南京市鼓楼区中山路1号\n".encode())
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--policy", "nonexistent-policy.toml", "x"), "cannot read policy file"),
        (("check", "--bogus"), "unrecognized arguments"),
        ((), "usage: addrcheck"),
    ],
)
def test_usage_errors_exit_two(args: tuple[str, ...], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert message in done.stderr.decode("utf-8")


def test_version_reports_the_data_vintage() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert "division data: NBS 2023 (cut-off 2023-06-30)" in done.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("data", "count"),
    [
        (b"", 0),
        (b"a\n", 1),
        (b"a", 1),
        (b"a\r\nb\r\n", 2),
        (b"a\x0cb\x1cc\x85d\n", 1),  # form feed and friends do not end a line
        (b"\n\n\n", 3),
        (b"\xef\xbb\xbfa\nb", 2),
    ],
)
def test_read_lines_one_per_newline(data: bytes, count: int) -> None:
    from addrcheck.cli.check import read_lines

    assert len(read_lines(data)) == count


def test_binary_stdin_gives_one_invalid_result_per_line() -> None:
    data = bytes(range(256)) * 40 + b"\n" + "浙江省金华市".encode() + b"\n\x00\x01\x02"
    done = run("check", "--json", stdin=data)
    results = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(results) == data.count(b"\n") + 1
    assert [r["status"] for r in results][-2:] == ["vague", "invalid"]


def test_json_lines_survive_unicode_line_separators() -> None:
    done = run("check", "--json", stdin="浙江省\u2028金华市\x85\n".encode())
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["input"] == "浙江省\u2028金华市\x85"
