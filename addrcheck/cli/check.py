"""``addrcheck check``: validate one address, or one per line from standard input.

Standard input is streamed: lines are read as they arrive and every result is written (and flushed)
before the command waits for more input, so an interactive session or a slow pipe gets each answer at
once and memory stays flat whatever the input's size. When lines arrive faster than one process can
validate them (a file or a fast pipe: ``POOL_MIN_LINES`` read without waiting), a pool of one worker per
CPU takes over; chunks go out and their results come back in input order, one result per line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import select
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Any, TextIO

import orjson

from addrcheck.errors import ConfigError
from addrcheck.models import ValidationResult
from addrcheck.policy import PRESETS, Policy, get_policy, load_policy
from addrcheck.validate import validate

READ_BYTES = 1 << 20
CHUNK_LINES = 500  # lines per task for a worker: large enough that sending them costs little
POOL_MIN_LINES = 2000  # lines read without waiting for input before a pool is worth starting
# A read that blocks longer than this means the input is paced by someone (a person, a slow producer):
# the count towards POOL_MIN_LINES starts again.
PACED_READ_SECONDS = 0.05
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: keeps workers busy, bounds memory
POLL_SECONDS = 0.005  # while results are pending and input is idle, look at stdin this often
_BOM = b"\xef\xbb\xbf"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate an address (or one per line from standard input)",
        description="Validate addresses. Exit 0 when every one is ok, 1 when any is not, 2 on usage errors.",
    )
    parser.add_argument("address", nargs="?", help="the address; omit to read one per line from stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object per address")
    parser.add_argument("--policy", default=None, help=f"preset ({', '.join(PRESETS)}) or a policy TOML file")
    parser.add_argument(
        "--workers",
        type=_workers,
        default=0,
        help="processes for large stdin input (default 0: one per CPU; 1: this process only)",
    )
    parser.set_defaults(handler=run, quick_exit=True)


def _workers(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes (0 for one per CPU), got {value!r}")
    return number


def decode_line(raw: bytes) -> str:
    """One input line (without its ``\n``), decoded leniently; a ``\r`` before the newline is dropped.

    Each line is decoded on its own, so a stray GBK line becomes an invalid result (BINARY_INPUT)
    instead of a crash.
    """
    return raw.removesuffix(b"\r").decode("utf-8", errors="replace")


def read_lines(data: bytes) -> list[str]:
    """One string per newline-terminated input line (a final line without a newline counts too).

    Only ``\n`` ends a line (with an optional ``\r`` before it): ``str.splitlines`` would also split on
    form feeds and other separators that binary or mis-encoded input is full of, breaking "one result
    per input line". A UTF-8 byte-order mark at the start is dropped. ``StdinLines`` reads the same
    lines from a stream.
    """
    data = data.removeprefix(_BOM)
    if not data:
        return []
    raw = data.split(b"\n")
    if raw[-1] == b"":
        raw.pop()
    return [decode_line(line) for line in raw]


def _ready(fd: int) -> bool:
    """True when reading ``fd`` would not block (data or end of input waiting)."""
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):  # not selectable (a Windows pipe): answer and flush after every read
        return False


class StdinLines:
    """The lines of a file descriptor as ``read_lines`` splits them, read as they arrive.

    ``batches`` yields lists of at most ``size`` lines taken from what has arrived, never waiting for
    more input while it holds a line. ``burst`` counts the lines read since input last made us wait.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lines: deque[bytes] = deque()
        self.rest = b""
        self.first = True
        self.ended = False
        self.burst = 0

    def _read(self) -> None:
        started = time.monotonic()
        data = os.read(self.fd, READ_BYTES)
        if time.monotonic() - started > PACED_READ_SECONDS:
            self.burst = 0
        if not data:
            self.ended = True
            if self.first:
                self.rest = self.rest.removeprefix(_BOM)
            if self.rest:
                self.lines.append(self.rest)
                self.burst += 1
            self.rest = b""
            return
        parts = (self.rest + data).split(b"\n") if self.rest else data.split(b"\n")
        self.rest = parts.pop()
        if parts and self.first:
            parts[0] = parts[0].removeprefix(_BOM)
            self.first = False
        self.lines.extend(parts)
        self.burst += len(parts)

    def waiting(self) -> bool:
        """True when no line is held and the next one has not arrived yet (reading would block)."""
        return not self.lines and not self.ended and not _ready(self.fd)

    def batches(self, size: int) -> Iterator[list[str]]:
        lines = self.lines
        while True:
            while not lines and not self.ended:
                self._read()
            if not lines:
                return
            count = min(size, len(lines))
            yield [decode_line(lines.popleft()) for _ in range(count)]


# Line separators JSON leaves unescaped but line readers (str.splitlines, some JSONL tools) split on.
_LINE_BREAKERS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
_LINE_BREAKER_BYTES = (
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
    ("\x85".encode(), b"\\u0085"),
)


def json_line(value: object) -> str:
    """One JSON document on one line, readable Chinese, safe for any line reader."""
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKERS) + "\n"


def json_line_bytes(value: object) -> bytes:
    """``json_line`` in UTF-8, by orjson: the same JSON value, without the spaces after ``,`` and ``:``.

    Text orjson refuses (a lone surrogate, from a command-line argument that was not UTF-8) is written
    with ``\\u`` escapes instead, still one valid line.
    """
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value).encode("ascii") + b"\n"
    return _escape_line_breakers(data) + b"\n"


def _escape_line_breakers(data: bytes) -> bytes:
    # In UTF-8 these byte sequences are these characters and nothing else: replacing bytes is exact.
    # Each is looked for first: a search is cheap, a replace copies the whole chunk.
    for raw, escaped in _LINE_BREAKER_BYTES:
        if raw in data:
            data = data.replace(raw, escaped)
    return data


class Renderer:
    """Validates lines and renders their results as the bytes to write; the same in every worker."""

    def __init__(self, policy: Policy, as_json: bool, encoding: str, errors: str) -> None:
        self.policy = policy
        self.as_json = as_json
        self.encoding = encoding
        self.errors = errors

    def render(self, lines: Sequence[str]) -> tuple[bytes, bool]:
        """(the output for ``lines``, whether every one was ok)."""
        policy = self.policy
        all_ok = True
        if self.as_json:
            dumps = orjson.dumps
            parts: list[bytes] = []
            for line in lines:
                result = validate(line, policy=policy)
                all_ok &= result.ok
                try:
                    parts.append(dumps(result.to_dict()))
                except orjson.JSONEncodeError:
                    parts.append(json_line_bytes(result.to_dict())[:-1])
            parts.append(b"")
            return _escape_line_breakers(b"\n".join(parts)), all_ok
        text = io.StringIO()
        for line in lines:
            result = validate(line, policy=policy)
            all_ok &= result.ok
            _print_human(result, text)
        return text.getvalue().encode(self.encoding, self.errors), all_ok


_worker_renderer: Renderer | None = None


def _init_worker(renderer: Renderer) -> None:
    global _worker_renderer
    _worker_renderer = renderer


def _render_in_worker(lines: list[str]) -> tuple[bytes, bool]:
    assert _worker_renderer is not None, "the pool was started without _init_worker"
    return _worker_renderer.render(lines)


def _settings_may_name_a_policy() -> bool:
    """Whether the settings could choose a policy: an ``ADDRCHECK_POLICY*`` variable or a settings file.

    Loading the settings imports pydantic-settings, which takes longer than validating a thousand
    addresses; without either source they can only say "default".
    """
    if any(name.upper() in ("ADDRCHECK_POLICY", "ADDRCHECK_POLICY_FILE") for name in os.environ):
        return True
    return os.path.exists(os.environ.get("ADDRCHECK_SETTINGS_FILE", "addrcheck.toml"))


def _resolve_policy(value: str | None) -> Policy:
    if value is None:
        if not _settings_may_name_a_policy():
            return get_policy("default")
        from addrcheck.settings import get_settings

        settings = get_settings()
        if settings.policy_file is not None:
            return load_policy(settings.policy_file)
        return get_policy(settings.policy)
    if value in PRESETS:
        return get_policy(value)
    return load_policy(value)


def run(args: argparse.Namespace) -> int:
    try:
        policy = _resolve_policy(args.policy)
    except ConfigError as exc:
        print(f"addrcheck: {exc}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    out = sys.stdout.buffer
    renderer = Renderer(policy, args.json, sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    if args.address is not None:
        data, all_ok = renderer.render([args.address])
        out.write(data)
    else:
        from addrcheck._pool import cpu_count

        workers = args.workers or cpu_count()
        all_ok = stream(StdinLines(sys.stdin.fileno()), out, renderer, workers)
    out.flush()
    return 0 if all_ok else 1


def stream(source: StdinLines, out: Any, renderer: Renderer, workers: int) -> bool:
    """Validate every line of ``source`` and write the results to ``out`` in order; True if all were ok.

    In this process until ``POOL_MIN_LINES`` lines arrive without a wait, then (``workers`` > 1) in a
    pool. Whenever input would block, everything read so far is answered and flushed first.
    """
    all_ok = True
    pool: ProcessPoolExecutor | None = None
    pending: deque[Future[tuple[bytes, bool]]] = deque()

    def write_oldest() -> None:
        nonlocal all_ok
        data, ok = pending.popleft().result()
        all_ok &= ok
        out.write(data)

    try:
        for batch in source.batches(CHUNK_LINES):
            if pool is None and workers > 1 and source.burst >= POOL_MIN_LINES:
                from addrcheck._pool import start_pool

                renderer.render(batch[:1])  # load the tables once, before forking
                pool = start_pool(workers, _init_worker, (renderer,))
            if pool is None:
                data, ok = renderer.render(batch)
                all_ok &= ok
                out.write(data)
                if source.waiting():
                    out.flush()
                continue
            pending.append(pool.submit(_render_in_worker, batch))
            while len(pending) > IN_FLIGHT_PER_WORKER * workers or (pending and pending[0].done()):
                write_oldest()
            # Input is idle: hand out the answers as they come, until more input arrives or all are out.
            while pending and source.waiting():
                wait_for([pending[0]], timeout=POLL_SECONDS)
                while pending and pending[0].done():
                    write_oldest()
                if not pending:
                    out.flush()
        while pending:
            write_oldest()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return all_ok


def _print_human(result: ValidationResult, out: TextIO) -> None:
    def line(label: str, value: str) -> None:
        out.write(f"  {label + ':':<14}{value}\n")

    out.write(f"{result.original}\n")
    line("status", f"{result.status.value} (granularity: {result.granularity.value})")
    if result.normalized:
        line("normalized", result.normalized)
    for name, component in result.components.items():
        code = f" [{component.code}]" if component.code else ""
        span = f" @{component.span[0]}-{component.span[1]}" if component.span else ""
        line(name, f"{component.value}{code} ({component.origin.value}{span})")
    for reason in result.reasons:
        line(reason.severity.value, f"{reason.code.value}: {reason.message} / {reason.message_en}")
    for candidate in result.candidates:
        line("candidate", f"{candidate.normalized} [{candidate.code}]")
    for item in result.unresolved:
        line("unresolved", f"{item.text!r} @{item.span[0]}-{item.span[1]}")
