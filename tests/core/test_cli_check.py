"""``addrcheck check`` through a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from addrcheck.cli.check import CHUNK_LINES, POOL_MIN_LINES


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


# ---- streaming, the worker pool and the JSON encoder -----------------------------------------------

# Synthetic lines (no benchmark data): real shapes, the edge cases of a line, repeated to any size.
STREAM_LINES = [
    "浙江省金华市义乌市稠城街道工人北路100号".encode(),
    b"",
    "浙江省金华市".encode("gbk"),
    "鼓楼区中山路1号\r".encode(),
    "上海市浦东新区张江镇碧波路690号\u2028B座".encode(),
    "北京市朝阳区小关北里\x85 00号".encode(),
    b"\x00\x01\xff",
    '江苏省苏州市工业园区星湖街328号\t"引号"'.encode(),
]


@pytest.mark.parametrize(
    ("data", "count"),
    [
        (b"", 0),
        (b"\xef\xbb\xbf", 0),
        (b"\xef\xbb\xbf\n", 1),
        (b"a\n", 1),
        (b"a", 1),
        (b"a\r\nb\r\n", 2),
        (b"a\x0cb\x1cc\x85d\n", 1),
        (b"\n\n\n", 3),
        (b"\xef\xbb\xbfa\nb", 2),
    ],
)
@pytest.mark.parametrize("piece", [1, 2, 3, 1 << 20])
def test_stdin_lines_from_a_pipe_in_pieces_are_read_lines(data: bytes, count: int, piece: int) -> None:
    import os

    from addrcheck.cli import check

    read_end, write_end = os.pipe()
    for start in range(0, len(data), piece):
        os.write(write_end, data[start : start + piece])
    os.close(write_end)
    source = check.StdinLines(read_end)
    lines = [line for batch in source.batches(2) for line in batch]
    os.close(read_end)
    assert lines == check.read_lines(data)
    assert len(lines) == count


@pytest.mark.parametrize(
    "text",
    [
        "浙江省金华市义乌市稠城街道工人北路100号",
        "浙江省\u2028金华市\u2029义乌市\x85",
        'a"b\\c\n\r\t\x00\x1f\x7f',
        "𠀀😀",
    ],
)
def test_orjson_lines_carry_the_same_object_as_json_lines(text: str) -> None:
    from addrcheck.cli.check import json_line, json_line_bytes
    from addrcheck.validate import validate

    value = validate(text).to_dict()
    fast = json_line_bytes(value)
    assert fast.endswith(b"\n") and fast.count(b"\n") == 1
    for separator in ("\u2028", "\u2029", "\x85"):
        assert separator.encode() not in fast
    assert json.loads(fast) == json.loads(json_line(value)) == value
    assert len(fast.decode("utf-8").splitlines()) == 1


def test_text_orjson_refuses_is_written_escaped() -> None:
    from addrcheck.cli.check import json_line_bytes

    line = json_line_bytes({"input": "a\udc80b"})
    assert line == b'{"input": "a\\udc80b"}\n'
    assert json.loads(line) == {"input": "a\udc80b"}


def test_the_pool_writes_what_one_process_writes_line_for_line() -> None:
    from addrcheck.cli.check import POOL_MIN_LINES

    data = b"\n".join(STREAM_LINES * (POOL_MIN_LINES // len(STREAM_LINES) * 2)) + b"\nlast"
    pooled = run("check", "--json", "--workers", "2", stdin=data)
    single = run("check", "--json", "--workers", "1", stdin=data)
    assert pooled.returncode == single.returncode == 1
    assert pooled.stdout == single.stdout
    results = [json.loads(line) for line in pooled.stdout.decode("utf-8").split("\n")[:-1]]
    assert len(results) == data.count(b"\n") + 1
    assert [r["input"] for r in results[: len(STREAM_LINES)]] == [
        "浙江省金华市义乌市稠城街道工人北路100号",
        "",
        "浙江省金华市".encode("gbk").decode("utf-8", "replace"),  # decoded leniently, line by line
        "鼓楼区中山路1号",
        "上海市浦东新区张江镇碧波路690号\u2028B座",
        "北京市朝阳区小关北里\x85 00号",
        "\x00\x01\ufffd",
        '江苏省苏州市工业园区星湖街328号\t"引号"',
    ]
    assert results[-1]["input"] == "last"


def test_human_output_from_the_pool_matches_one_process() -> None:
    from addrcheck.cli.check import POOL_MIN_LINES

    data = b"\n".join(STREAM_LINES * (POOL_MIN_LINES // len(STREAM_LINES) + 1))
    pooled = run("check", "--workers", "2", stdin=data)
    single = run("check", "--workers", "1", stdin=data)
    assert pooled.stdout == single.stdout
    assert pooled.stdout.count(b"  status:") == data.count(b"\n") + 1


@pytest.mark.parametrize("workers", ["1", "2"])
def test_interactive_stdin_answers_each_line_before_the_next(workers: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "addrcheck", "check", "--json", "--workers", workers],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for text, status in [("浙江省金华市", "vague"), ("义乌市稠城街道工人北路100号", "ok")]:
            process.stdin.write(text.encode() + b"\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())  # blocks until the line is answered
            assert (answer["input"], answer["status"]) == (text, status)
        process.stdin.close()
        assert process.wait(timeout=30) == 1
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.mark.parametrize(("env", "policy"), [({}, "default"), ({"ADDRCHECK_POLICY": "strict"}, "strict")])
def test_default_policy_comes_from_the_settings(env: dict[str, str], policy: str, tmp_path: Any) -> None:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("ADDRCHECK_")}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "addrcheck", "check", "--json", "浙江省金华市"],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stdout)["policy"] == policy


def test_settings_file_policy_is_used(tmp_path: Any) -> None:
    import os

    (tmp_path / "addrcheck.toml").write_text('policy = "loose"\n', encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("ADDRCHECK_")}
    done = subprocess.run(
        [sys.executable, "-m", "addrcheck", "check", "--json", "浙江省金华市"],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stdout)["policy"] == "loose"


def test_workers_must_be_a_count() -> None:
    done = run("check", "--workers", "-1", "x")
    assert done.returncode == 2
    assert "expected a number of processes (0 for one per CPU), got '-1'" in done.stderr.decode()


def test_after_a_burst_started_the_pool_a_single_line_is_still_answered_at_once() -> None:
    import threading

    from addrcheck.cli.check import POOL_MIN_LINES

    burst = b"".join(line + b"\n" for line in STREAM_LINES * (POOL_MIN_LINES // len(STREAM_LINES) * 2))
    process = subprocess.Popen(
        [sys.executable, "-m", "addrcheck", "check", "--json", "--workers", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        writer = threading.Thread(target=lambda: (process.stdin.write(burst), process.stdin.flush()))  # type: ignore[union-attr]
        writer.start()
        answers = [process.stdout.readline() for _ in range(burst.count(b"\n"))]
        writer.join()
        assert all(answer.endswith(b"\n") for answer in answers)
        process.stdin.write("浙江省金华市\n".encode())
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["input"] == "浙江省金华市"
        process.stdin.close()
        assert process.wait(timeout=30) == 1
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def test_ctrl_c_stops_a_pooled_run_and_its_workers(tmp_path: Any) -> None:
    import os
    import signal
    import time

    data = tmp_path / "in.txt"
    data.write_bytes(b"".join(line + b"\n" for line in STREAM_LINES * 40_000))
    with data.open("rb") as stdin:
        process = subprocess.Popen(
            [sys.executable, "-m", "addrcheck", "check", "--json", "--workers", "2"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    try:
        assert process.stdout is not None
        # the pool is running once more lines are answered than the parent validates itself (the pool
        # starts after POOL_MIN_LINES); a signal while its workers are being forked is another matter
        for _ in range(POOL_MIN_LINES + 2 * CHUNK_LINES):
            process.stdout.readline()
        time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        process.communicate(timeout=30)
        assert process.returncode == -signal.SIGINT
        time.sleep(0.2)
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)  # no worker left behind
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
