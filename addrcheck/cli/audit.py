"""``addrcheck audit``: check every address in a file or a SQL table and write it back with verdicts.

Exit codes: 0 every row ok, 1 some row not ok, 2 usage error or unreadable input, 130 interrupted
(the checkpoint is kept: run again with ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from addrcheck.errors import ConfigError

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check every address in a CSV/TSV/XLSX/JSONL/Parquet file or a SQL table",
        description="Check every address in a file or table; write the rows back, in order and in the "
        "same format, with status, reason_codes, normalized, province, city, district, town and "
        "suggestion columns added.",
    )
    parser.add_argument(
        "input",
        nargs="?",
        type=Path,
        metavar="INPUT",
        help="a file, a directory of partitions, or a quoted glob (omit with --sql)",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, help="the audited copy of the input")
    parser.add_argument("--column", help="the address column (default: address, 地址, 退货地址 or 收货地址)")
    parser.add_argument(
        "--policy",
        default="default",
        help="loose, default, strict, or a policy .toml file (default: default)",
    )
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: one per CPU)")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run of the same output"
    )
    parser.add_argument(
        "--sql", metavar="URL", help="read from a database (SQLAlchemy URL) instead of a file"
    )
    parser.add_argument("--query", help="with --sql: the SELECT to audit (ORDER BY a key, for --resume)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler address")
    parser.add_argument("--report", type=Path, metavar="HTML", help="write the HTML summary report here")
    parser.add_argument("--summary", type=Path, metavar="JSON", help="write the JSON summary here")
    parser.add_argument("--chunk-rows", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--cache-size",
        type=int,
        default=None,
        help="distinct addresses whose verdicts are kept for repeats (default 100000; 0: off)",
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="always show the progress line on stderr",
    )
    progress.add_argument("--quiet", dest="progress", action="store_false", help="never show it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from addrcheck.audit import DEFAULT_CACHE_SIZE, DEFAULT_CHUNK_ROWS, AuditError, AuditOptions, run_audit
    from addrcheck.policy import Policy, get_policy, load_policy

    def fail(message: str) -> int:
        print(f"addrcheck audit: error: {message}", file=sys.stderr)
        return EXIT_USAGE

    if args.input is None and args.sql is None:
        return fail("give an INPUT file, or --sql URL --query Q")
    if args.input is not None and args.sql is not None:
        return fail("give either INPUT or --sql, not both")
    if (args.query is None) != (args.sql is None):
        return fail("--sql and --query go together")
    if args.workers < 0 or (args.chunk_rows is not None and args.chunk_rows < 1):
        return fail("--workers must be 0 or more, --chunk-rows 1 or more")
    if args.scheduler and args.engine != "dask":
        return fail("--scheduler is only for --engine dask")
    try:
        policy: Policy = (
            load_policy(args.policy) if args.policy.endswith(".toml") else get_policy(args.policy)
        )
    except ConfigError as exc:
        return fail(str(exc))
    options = AuditOptions(
        input=args.input,
        output=args.output,
        column=args.column,
        policy=policy,
        workers=args.workers,
        resume=args.resume,
        sql_url=args.sql,
        query=args.query,
        engine=args.engine,
        scheduler=args.scheduler,
        report=args.report,
        summary=args.summary,
        chunk_rows=args.chunk_rows or DEFAULT_CHUNK_ROWS,
        cache_size=DEFAULT_CACHE_SIZE if args.cache_size is None else max(args.cache_size, 0),
        progress=args.progress,
    )
    try:
        summary = run_audit(options)
    except AuditError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        print(
            "\naddrcheck audit: interrupted; run the same command with --resume to continue", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    by_status = ", ".join(f"{status} {count:,}" for status, count in summary["by_status"].items() if count)
    print(
        f"{summary['rows_in']:,} rows in, {summary['rows_out']:,} rows out"
        f"{'' if summary['rows_in_equals_rows_out'] else ' (MISMATCH)'}: {by_status or 'no rows'}; "
        f"{summary['unreadable_rows']['count']:,} unreadable; "
        f"{summary['elapsed_seconds']} s -> {args.output}",
        file=sys.stderr,
    )
    return EXIT_OK if summary["all_ok"] else EXIT_NOT_OK
