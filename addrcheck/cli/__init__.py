"""The ``addrcheck`` command line.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``handler`` (a function ``(args) -> int`` returning the exit code).
Exit codes: 0 everything ok, 1 some input was not ok, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_OK = 0
EXIT_NOT_OK = 1
EXIT_USAGE = 2

_COMMAND_MODULES = ("check", "warehouses", "serve", "audit")


def build_parser() -> argparse.ArgumentParser:
    from addrcheck import __version__, data_version

    parser = argparse.ArgumentParser(
        prog="addrcheck", description="Validate and normalise Chinese return addresses."
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"addrcheck {__version__} (division data: {data_version()['vintage']})",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"addrcheck.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (for callers in this process; the script is ``entry``)."""
    return _dispatch(argv)[0]


def entry() -> NoReturn:
    """The ``addrcheck`` console script: ``main()``, then exit.

    A command that sets ``quick_exit`` (``check``: everything it writes goes to stdout) leaves without
    tearing down the division tables and the parser's caches object by object, which after 20,000
    addresses costs about 70 ms, as the pool's workers already leave.
    """
    code, args = _dispatch(None)
    if args is not None and getattr(args, "quick_exit", False):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):  # the reader went away; stderr closed on the way out
            code = EXIT_NOT_OK
        os._exit(code)
    sys.exit(code)


def _dispatch(argv: Sequence[str] | None) -> tuple[int, argparse.Namespace | None]:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE, None
    try:
        code: int = handler(args)
    except BrokenPipeError:
        # The reader went away (addrcheck check ... | head): stop quietly, as Unix tools do.
        sys.stderr.close()
        return EXIT_NOT_OK, args
    return code, args


if __name__ == "__main__":
    entry()
