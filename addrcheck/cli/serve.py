"""``addrcheck serve`` (the HTTP service under uvicorn) and ``addrcheck keys`` (merchant API keys).

Both use the same settings as the service (``ADDRCHECK_*`` variables and the settings file), migrate
the database to the newest schema before doing anything, and exit 2 on usage or configuration errors.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from addrcheck.cli import EXIT_OK, EXIT_USAGE

DEMO_MERCHANT = "demo"
DEMO_ADDRESS = "浙江省金华市义乌市稠城街道工人北路100号"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the HTTP API (uvicorn)",
        description="Run the HTTP API. Migrates the database first; OpenAPI docs at /docs.",
    )
    serve.add_argument("--host", help="interface to listen on (default: settings.host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default: settings.port, 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default: settings.workers, 1)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help=f"create merchant {DEMO_MERCHANT!r} with the example warehouses and print a demo API key",
    )
    serve.add_argument("--no-access-log", action="store_true", help="do not log every request")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(handler=run_serve)

    keys = subparsers.add_parser("keys", help="create, list and revoke merchants' API keys")
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a key (printed once; only its hash is stored)")
    create.add_argument("--merchant", required=True, help="merchant id (created if new)")
    create.add_argument("--name", help="merchant display name, when the merchant is new")
    create.set_defaults(handler=run_keys_create)
    listing = actions.add_parser("list", help="list keys (never the keys themselves)")
    listing.add_argument("--merchant", help="only this merchant's keys")
    listing.set_defaults(handler=run_keys_list)
    revoke = actions.add_parser("revoke", help="revoke a key by its id (see 'keys list')")
    revoke.add_argument("key_id", type=int, metavar="KEY_ID")
    revoke.set_defaults(handler=run_keys_revoke)


def _engine() -> Any:
    from addrcheck.settings import get_settings
    from addrcheck.storage.engine import get_engine, upgrade_database

    engine = get_engine(get_settings().database_url)
    upgrade_database(engine)
    return engine


def _fail(message: str) -> int:
    print(f"addrcheck: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_keys_create(args: argparse.Namespace) -> int:
    from addrcheck.errors import AddrcheckError
    from addrcheck.storage.api_keys import create_api_key
    from addrcheck.storage.engine import session_scope

    try:
        with session_scope(_engine(), write=True) as session:
            new = create_api_key(session, args.merchant, merchant_name=args.name)
    except AddrcheckError as exc:
        return _fail(str(exc))
    print(
        f"API key {new.info.id} for merchant {new.info.merchant_id!r}; it is shown only now, store it:",
        file=sys.stderr,
    )
    print(new.key)
    return EXIT_OK


def run_keys_list(args: argparse.Namespace) -> int:
    from addrcheck.storage.api_keys import list_api_keys
    from addrcheck.storage.engine import session_scope

    with session_scope(_engine()) as session:
        keys = list_api_keys(session, args.merchant)
    print(f"{'id':>5}  {'merchant':<20} {'prefix':<10} {'created (UTC)':<20} revoked (UTC)")
    for key in keys:
        revoked = key.revoked_at.strftime("%Y-%m-%d %H:%M:%S") if key.revoked_at else "-"
        created = key.created_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{key.id:>5}  {key.merchant_id:<20} {key.prefix:<10} {created:<20} {revoked}")
    return EXIT_OK


def run_keys_revoke(args: argparse.Namespace) -> int:
    from addrcheck.errors import AddrcheckError
    from addrcheck.storage.api_keys import revoke_api_key
    from addrcheck.storage.engine import session_scope

    try:
        with session_scope(_engine(), write=True) as session:
            info = revoke_api_key(session, args.key_id)
    except AddrcheckError as exc:
        return _fail(str(exc))
    assert info.revoked_at is not None
    when = info.revoked_at.strftime("%Y-%m-%d %H:%M:%S")
    print(f"revoked key {info.id} ({info.prefix}…) of merchant {info.merchant_id!r} at {when} UTC")
    return EXIT_OK


def _set_up_demo(engine: Any, host: str, port: int) -> None:
    """Create the demo merchant with the example warehouses and print a key and a curl command."""
    from addrcheck.settings import get_settings
    from addrcheck.storage.api_keys import create_api_key, ensure_merchant, revoke_merchant_keys
    from addrcheck.storage.engine import session_scope
    from addrcheck.storage.warehouse_configs import save_warehouse_config

    settings = get_settings()
    path = settings.warehouses_file
    fmt = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "toml"
    # the configuration first: if it is invalid, no key is created for nothing
    with session_scope(engine, write=True) as session:
        ensure_merchant(session, DEMO_MERCHANT, "Demo merchant")
        save_warehouse_config(session, DEMO_MERCHANT, path.read_text(encoding="utf-8"), fmt)
        revoked = revoke_merchant_keys(session, DEMO_MERCHANT)  # only the key printed now stays valid
        new = create_api_key(session, DEMO_MERCHANT)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown_host}:{port}"
    body = '{"address": "' + DEMO_ADDRESS + '"}'
    print(f"demo merchant {DEMO_MERCHANT!r}: warehouses from {path}", flush=True)
    print(f"demo API key (shown once): {new.key}", flush=True)
    print(f"web console: {base}/console/ (sign in with the demo API key)", flush=True)
    if revoked:
        print(f"earlier demo keys revoked: {', '.join(str(key.id) for key in revoked)}", flush=True)
    print("try:", flush=True)
    print(
        f"  curl -s {base}/v1/addresses/validate -H 'Authorization: Bearer {new.key}' "
        f"-H 'Content-Type: application/json' -d {shlex.quote(body)}",
        flush=True,
    )


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from addrcheck.settings import get_settings

    settings = get_settings()
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    workers = args.workers if args.workers is not None else settings.workers
    if workers < 1 or not 0 <= port <= 65535:
        return _fail("--workers must be >= 1 and --port within 0-65535")
    from addrcheck.errors import AddrcheckError

    try:
        engine = _engine()
    except Exception as exc:
        return _fail(f"cannot prepare the database {settings.database_url}: {exc}")
    if args.demo:
        try:
            _set_up_demo(engine, host, port)
        except (AddrcheckError, OSError) as exc:
            return _fail(f"cannot set up the demo merchant: {exc}")
    engine.dispose()
    if not settings.console_secret:
        # The console's session cookies are signed with this secret: every worker must hold the same
        # one, so it is made here and inherited through the environment (several machines: set it).
        import os
        import secrets

        os.environ["ADDRCHECK_CONSOLE_SECRET"] = secrets.token_urlsafe(32)
        get_settings.cache_clear()
    if not args.demo:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        print(f"web console: http://{shown_host}:{port}/console/", flush=True)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=not args.no_access_log,
        log_level=args.log_level,
    )
    return EXIT_OK
