"""Engines, transactions and schema upgrades.

The database is named by a SQLAlchemy URL: ``addrcheck.settings.get_settings().database_url`` unless one
is passed (``sqlite:///var/addrcheck.sqlite3`` by default, relative to the working directory; any
PostgreSQL URL such as ``postgresql+psycopg://user@host/db`` works the same way).

SQLite is opened in WAL mode (readers never block the writer) with a busy timeout, foreign keys on, and
with transactions begun by us rather than by the driver, so that a writing transaction can take the write
lock up front (``BEGIN IMMEDIATE``): two processes that read-then-write the same order are serialised
instead of failing with "database is locked" when the second one upgrades its read lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another one before giving up
_IMMEDIATE = "addrcheck_immediate"  # execution option: begin a SQLite transaction with the write lock

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def default_database_url() -> str:
    from addrcheck.settings import get_settings

    return get_settings().database_url


def _prepare_sqlite_path(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _use_wal(cursor: Any) -> None:
    """Put the database file in WAL mode, which it keeps once set.

    Switching needs the file to itself, and SQLite answers "database is locked" at once instead of waiting
    out the busy timeout: three processes opening a new database together failed that way. So the mode
    is only set when it is not WAL already, and a locked switch is tried again until the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def make_engine(url: str | URL) -> Engine:
    """A new engine for ``url``; prefer ``get_engine`` outside tests.

    For SQLite file URLs the parent folder is created. Errors: ``sqlalchemy.exc.ArgumentError`` for a
    malformed URL, ``ModuleNotFoundError`` when the URL's driver is not installed.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)

    _prepare_sqlite_path(parsed)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the sqlite3 module from issuing its own BEGIN; the "begin" hook below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if parsed.database and parsed.database != ":memory:":
                _use_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def get_engine(url: str | URL | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured ``database_url``), created once."""
    key = str(url) if url is not None else default_database_url()
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(url if url is not None else key)
        return engine


def dispose_engines() -> None:
    """Close every cached engine (tests, and after ``os.fork``)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One transaction as a ``Session``: committed when the block ends, rolled back if it raises.

    Args:
        engine: from ``get_engine``/``make_engine``.
        write: the block will write; on SQLite the write lock is taken at the start (``BEGIN IMMEDIATE``),
            so read-then-write logic inside the block cannot race another process. No effect elsewhere.

    Caveat: objects stay usable after the block (``expire_on_commit=False``) but are detached.
    """
    with engine.connect() as connection:
        if write:
            connection = connection.execution_options(**{_IMMEDIATE: True})
        with connection.begin(), Session(bind=connection, expire_on_commit=False) as session:
            yield session
            session.flush()


def upgrade_database(url: str | URL | Engine | None = None, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest) with the migrations shipped in the package.

    Safe to call on every start, from several processes at once: the upgrade runs in one transaction that
    holds the SQLite write lock (or, on PostgreSQL, a transaction-level advisory lock), and a database
    that is already current is left untouched. No ``alembic.ini`` is needed.
    """
    _migrate(url, "upgrade", revision)


def downgrade_database(url: str | URL | Engine | None, revision: str) -> None:
    """Take the schema back to ``revision`` ("base" drops every table). Data in dropped tables is lost."""
    _migrate(url, "downgrade", revision)


def _migrate(url: str | URL | Engine | None, direction: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = url if isinstance(url, Engine) else get_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.connect() as connection:
        connection = connection.execution_options(**{_IMMEDIATE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
            config.attributes["connection"] = connection
            if direction == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
