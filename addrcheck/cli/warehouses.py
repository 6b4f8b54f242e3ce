"""``addrcheck warehouses check``, ``addrcheck route`` and ``addrcheck ledger show``.

* ``warehouses check FILE [--json]``: validate a warehouse file; exit 0 when valid, 1 listing every
  problem when not, 2 when the file cannot be used at all (missing, unknown suffix).
* ``route --config FILE [--merchant ID] [--recompute] ORDER.json``: the pre-ship hook from the command
  line; prints the decision as JSON and records it in the ledger (``ADDRCHECK_DATABASE_URL``). Exit 1 when
  the order cannot be routed, 2 for usage or configuration errors.
* ``ledger show ORDER_ID [--merchant ID]``: the recorded decision and its history, as JSON; exit 1 if the
  order was never decided.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from addrcheck.errors import ConfigError, RoutingError

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE = 0, 1, 2
DEFAULT_MERCHANT = "local"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    warehouses = subparsers.add_parser("warehouses", help="check warehouse files")
    actions = warehouses.add_subparsers(dest="warehouses_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate a warehouse file (TOML or YAML)",
        description=(
            "Validate a warehouse file. Exit 0 when valid, 1 listing every problem, 2 on usage errors."
        ),
    )
    check.add_argument("file", type=Path, help="the warehouse file (.toml, .yaml or .yml)")
    check.add_argument("--json", action="store_true", help="print the result (or the problems) as JSON")
    check.set_defaults(handler=run_check)

    route = subparsers.add_parser(
        "route",
        help="give an order its return warehouses and record the decision",
        description=(
            "Route every item of ORDER.json to its return "
            "warehouse, print the decision as JSON and record it "
            "in the ledger. Asking again returns the recorded "
            "decision. Exit 1 when the order cannot be routed, "
            "2 on usage or configuration errors."
        ),
    )
    route.add_argument("--config", required=True, type=Path, help="the warehouse file")
    route.add_argument(
        "--merchant", default=DEFAULT_MERCHANT, help=f'merchant id (default "{DEFAULT_MERCHANT}")'
    )
    route.add_argument(
        "--recompute", action="store_true", help="record a new decision if the configuration or order changed"
    )
    route.add_argument("order", help='the order JSON file, or "-" for standard input')
    route.set_defaults(handler=run_route)

    ledger = subparsers.add_parser("ledger", help="show recorded pre-ship decisions")
    ledger_actions = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    show = ledger_actions.add_parser(
        "show",
        help="the recorded decision for an order, with its history",
        description=(
            "Print the current decision and every revision as JSON. Exit 1 if the order was never decided."
        ),
    )
    show.add_argument("order_id")
    show.add_argument(
        "--merchant", default=DEFAULT_MERCHANT, help=f'merchant id (default "{DEFAULT_MERCHANT}")'
    )
    show.set_defaults(handler=run_ledger_show)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _error(message: str) -> None:
    print(f"addrcheck: {message}", file=sys.stderr)


def _unusable(exc: ConfigError) -> bool:
    """A file that could not be looked at (missing, unknown suffix), as opposed to one with problems."""
    codes = {getattr(problem, "code", None) for problem in exc.problems}
    return codes in ({"READ_ERROR"}, {"UNKNOWN_FORMAT"}) and not _is_decoding_problem(exc)


def _is_decoding_problem(exc: ConfigError) -> bool:
    return "codec" in exc.message  # a file that exists but is not UTF-8 is an invalid file, not a usage error


def run_check(args: argparse.Namespace) -> int:
    from addrcheck.warehouses.config import ConfigProblem, load_config

    try:
        config = load_config(args.file)
    except ConfigError as exc:
        if args.json:
            problems = [p.to_dict() for p in exc.problems if isinstance(p, ConfigProblem)]
            _print_json({"file": str(args.file), "valid": False, "problems": problems})
        else:
            for problem in exc.problems:
                print(problem)
            count = len(exc.problems)
            print(f"{args.file}: invalid ({count} problem{'s' if count != 1 else ''})")
        return EXIT_USAGE if _unusable(exc) else EXIT_NOT_OK
    if args.json:
        _print_json({"file": str(args.file), "valid": True, **config.to_dict()})
    else:
        print(
            f"{args.file}: valid: {len(config.warehouses)} warehouses, {len(config.rules)} rules, "
            f"default {config.default.warehouse_ids[0] if config.default else 'none'}; "
            f"config hash {config.config_hash}"
        )
    return EXIT_OK


def _read_order(name: str) -> Any:
    raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    return json.loads(raw.decode("utf-8"))


def _engine() -> Any:
    from addrcheck.storage import get_engine, upgrade_database

    engine = get_engine()
    upgrade_database(engine)
    return engine


def run_route(args: argparse.Namespace) -> int:
    from addrcheck.warehouses.config import load_config
    from addrcheck.warehouses.hook import ship_order

    try:
        order = _read_order(args.order)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _error(f"cannot read the order {args.order}: {exc}")
        return EXIT_USAGE
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    try:
        outcome = ship_order(_engine(), args.merchant, config, order, recompute=args.recompute)
    except RoutingError as exc:
        _print_json({"error": {"code": exc.code, "message": exc.message}})
        _error(f"{exc.code}: {exc.message}")
        return EXIT_NOT_OK
    _print_json(outcome.to_dict())
    return EXIT_OK


def run_ledger_show(args: argparse.Namespace) -> int:
    from addrcheck.storage import get_history

    history = get_history(_engine(), args.merchant, args.order_id)
    if not history:
        _error(f"no decision recorded for order {args.order_id!r} of merchant {args.merchant!r}")
        return EXIT_NOT_OK
    _print_json(
        {
            "merchant_id": args.merchant,
            "order_id": args.order_id,
            "current": history[-1].to_dict(),
            "history": [entry.to_dict() for entry in history],
        }
    )
    return EXIT_OK
