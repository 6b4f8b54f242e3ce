"""Fixtures for the console tests without a browser: an app on a migrated SQLite file, keys of two merchants."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from addrcheck.settings import PROJECT_ROOT, Settings
from addrcheck.storage.api_keys import create_api_key, revoke_api_key
from addrcheck.storage.engine import make_engine, session_scope, upgrade_database
from api.main import create_app

EXAMPLE_WAREHOUSES = (PROJECT_ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("console-template") / "console.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    database = tmp_path / "console.sqlite3"
    shutil.copyfile(migrated_database, database)
    return Settings(database_url=f"sqlite:///{database}", auth_cache_seconds=0, console_secret="test-secret")


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
    with TestClient(app, follow_redirects=False) as test_client:
        app.state.warmup.done.wait(60)
        yield test_client


def login_token(client: TestClient) -> str:
    page = client.get("/console/login")
    found = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def csrf_of(client: TestClient, path: str = "/console/check") -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, key: str, next_path: str = "/console/check") -> str:
    """Sign ``client`` in through the form; the CSRF token of the new session."""
    response = client.post(
        "/console/login", data={"key": key, "login_token": login_token(client), "next": next_path}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_path
    return csrf_of(client)
