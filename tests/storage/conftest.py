"""Databases for storage tests: a fresh SQLite file per test, and PostgreSQL when
``ADDRCHECK_TEST_POSTGRES_URL`` names a database these tests may wipe (its ``public`` schema is recreated)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from addrcheck.storage import make_engine, upgrade_database

POSTGRES_URL = os.environ.get("ADDRCHECK_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set ADDRCHECK_TEST_POSTGRES_URL to test PostgreSQL"
        ),
    ),
]


def fresh_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'ledger.sqlite3'}"
    assert POSTGRES_URL is not None
    wipe = make_engine(POSTGRES_URL)
    with wipe.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    wipe.dispose()
    return POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_url(request.param, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()
