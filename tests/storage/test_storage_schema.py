"""The migrations build the schema the models describe, on start, any number of times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from addrcheck.storage import Base, downgrade_database, make_engine, session_scope, upgrade_database
from addrcheck.storage.models import Merchant, WarehouseConfigRow, utc_now

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "alembic_version",
    "api_keys",
    "audit_jobs",
    "decision_items",
    "decisions",
    "merchants",
    "warehouse_configs",
]


def test_migrations_match_models(engine: Engine) -> None:
    assert sorted(inspect(engine).get_table_names()) == TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == "0002_audit_jobs"


def test_upgrade_is_idempotent_and_reversible(engine: Engine) -> None:
    upgrade_database(engine)
    downgrade_database(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    upgrade_database(engine)
    assert sorted(inspect(engine).get_table_names()) == TABLES


def test_one_active_warehouse_config_per_merchant(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        session.add(Merchant(id="m1", name="m1", created_at=utc_now()))
    row = {
        "merchant_id": "m1",
        "config_hash": "h",
        "source_text": "",
        "format": "toml",
        "created_at": utc_now(),
    }
    with session_scope(engine, write=True) as session:
        session.add_all([WarehouseConfigRow(**row, active=False), WarehouseConfigRow(**row, active=False)])
        session.add(WarehouseConfigRow(**row, active=True))
    try:
        with session_scope(engine, write=True) as session:
            session.add(WarehouseConfigRow(**row, active=True))
        raise AssertionError("a second active configuration was accepted")
    except IntegrityError:
        pass
    try:
        with session_scope(engine, write=True) as session:
            session.add(WarehouseConfigRow(**{**row, "format": "json"}, active=False))
        raise AssertionError("format json was accepted")
    except IntegrityError:
        pass


def test_sqlite_file_settings(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'x.sqlite3'}")
    with engine.connect() as connection:
        pragmas = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        ]
    assert pragmas == ["wal", 30000, 1]
    assert (tmp_path / "a" / "b" / "x.sqlite3").exists()
    engine.dispose()


def test_default_database_is_created_relative_to_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADDRCHECK_")}
    env["PYTHONPATH"] = str(ROOT)
    code = "from addrcheck.storage import upgrade_database; upgrade_database()"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, timeout=60)
    assert (tmp_path / "var" / "addrcheck.sqlite3").is_file()
