"""The ``addrcheck`` command line.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``handler`` (a function ``(args) -> int`` returning the exit code).
Exit codes: 0 everything ok, 1 some input was not ok, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = handler(args)
    except BrokenPipeError:
        # The reader went away (addrcheck check ... | head): stop quietly, as Unix tools do.
        sys.stderr.close()
        return EXIT_NOT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
