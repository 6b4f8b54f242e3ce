"""``addrcheck check``: validate one address, or one per line from standard input."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from addrcheck.errors import ConfigError
from addrcheck.models import ValidationResult
from addrcheck.policy import PRESETS, Policy, get_policy, load_policy
from addrcheck.validate import validate


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate an address (or one per line from standard input)",
        description="Validate addresses. Exit 0 when every one is ok, 1 when any is not, 2 on usage errors.",
    )
    parser.add_argument("address", nargs="?", help="the address; omit to read one per line from stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object per address")
    parser.add_argument("--policy", default=None, help=f"preset ({', '.join(PRESETS)}) or a policy TOML file")
    parser.set_defaults(handler=run)


def read_lines(data: bytes) -> list[str]:
    """One string per newline-terminated input line (a final line without a newline counts too).

    Only ``\n`` ends a line (with an optional ``\r`` before it): ``str.splitlines`` would also split on
    form feeds and other separators that binary or mis-encoded input is full of, breaking "one result
    per input line". Each line is decoded on its own and leniently, so a stray GBK line becomes an invalid
    result (BINARY_INPUT) instead of a crash; a UTF-8 byte-order mark at the start is dropped.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        return []
    raw = data.split(b"\n")
    if raw[-1] == b"":
        raw.pop()
    return [line.removesuffix(b"\r").decode("utf-8", errors="replace") for line in raw]


# Line separators JSON leaves unescaped but line readers (str.splitlines, some JSONL tools) split on.
_LINE_BREAKERS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(value: object) -> str:
    """One JSON document on one line, readable Chinese, safe for any line reader."""
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKERS) + "\n"


def _resolve_policy(value: str | None) -> Policy:
    if value is None:
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
    lines = [args.address] if args.address is not None else read_lines(sys.stdin.buffer.read())
    all_ok = True
    out = sys.stdout
    for line in lines:
        result = validate(line, policy=policy)
        all_ok &= result.ok
        if args.json:
            out.write(json_line(result.to_dict()))
        else:
            _print_human(result, out)
    out.flush()
    return 0 if all_ok else 1


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
