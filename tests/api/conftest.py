"""Fixtures for the HTTP API tests: a migrated SQLite file per test, an app, and keys of two merchants."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from addrcheck.settings import Settings
from addrcheck.storage.api_keys import create_api_key, revoke_api_key
from addrcheck.storage.engine import make_engine, session_scope, upgrade_database
from api.main import create_app


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database with the current schema, migrated once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "api.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    database = tmp_path / "api.sqlite3"
    shutil.copyfile(migrated_database, database)
    url = f"sqlite:///{database}"
    # auth_cache_seconds=0: every request sees revocations at once (the cache has its own test).
    return Settings(
        database_url=url,
        max_batch_size=5,
        max_body_bytes=4096,
        auth_cache_seconds=0,
        audit_data_dir=tmp_path / "audits",  # uploads (the fuzz test makes some) stay in the test's folder
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def keys(app: FastAPI) -> dict[str, str]:
    """Secret keys by name: "acme" and "globex" (two merchants), "revoked" (acme's, revoked)."""
    with session_scope(app.state.engine, write=True) as session:
        acme = create_api_key(session, "acme")
        globex = create_api_key(session, "globex")
        revoked = create_api_key(session, "acme")
        revoke_api_key(session, revoked.info.id)
    return {"acme": acme.key, "globex": globex.key, "revoked": revoked.key}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        app.state.warmup.done.wait(60)
        yield test_client


@pytest.fixture
def acme(keys: dict[str, str]) -> dict[str, str]:
    return bearer(keys["acme"])


@pytest.fixture
def globex(keys: dict[str, str]) -> dict[str, str]:
    return bearer(keys["globex"])
