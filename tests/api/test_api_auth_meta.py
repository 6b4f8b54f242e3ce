"""Keys (401/403, cache), health, readiness, meta, divisions, body limits and unknown paths."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import addrcheck
from addrcheck import gazetteer
from addrcheck.models import ReasonCode
from addrcheck.settings import Settings
from addrcheck.storage.api_keys import create_api_key, list_api_keys, revoke_api_key, verify_api_key
from addrcheck.storage.engine import session_scope
from api.main import create_app

PROTECTED = [
    ("POST", "/v1/addresses/validate", {"address": "杭州"}),
    ("POST", "/v1/addresses/validate-batch", {"addresses": ["杭州"]}),
    ("POST", "/v1/addresses/parse", {"address": "杭州"}),
    ("POST", "/v1/addresses/normalize", {"address": "杭州"}),
    ("GET", "/v1/divisions", None),
    ("GET", "/v1/warehouses", None),
    ("PUT", "/v1/warehouses", {"format": "toml", "content": ""}),
    ("POST", "/v1/orders/return-address", {"order_id": "o1", "items": [{"sku": "A", "qty": 1}]}),
    ("GET", "/v1/orders/o1/return-address", None),
]

AUTH_ERRORS = {
    "AUTH_REQUIRED": (401, "Send an API key as 'Authorization: Bearer <key>'."),
    "AUTH_INVALID": (401, "This API key is not valid."),
    "KEY_REVOKED": (403, "This API key was revoked."),
}


def _headers(keys: dict[str, str], which: str) -> dict[str, str]:
    return {
        "none": {},
        "empty": {"Authorization": "Bearer "},
        "basic": {"Authorization": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
        "unknown": {"Authorization": "Bearer ak_" + "x" * 43},
        "garbage": {"Authorization": b"Bearer " + "键".encode() * 10},  # type: ignore[dict-item]
        "tampered": {
            "Authorization": "Bearer " + keys["acme"][:-1] + ("A" if keys["acme"][-1] != "A" else "B")
        },
        "revoked": {"Authorization": f"Bearer {keys['revoked']}"},
    }[which]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
@pytest.mark.parametrize(
    ("which", "code"),
    [
        ("none", "AUTH_REQUIRED"),
        ("empty", "AUTH_REQUIRED"),
        ("basic", "AUTH_REQUIRED"),
        ("unknown", "AUTH_INVALID"),
        ("garbage", "AUTH_INVALID"),
        ("tampered", "AUTH_INVALID"),
        ("revoked", "KEY_REVOKED"),
    ],
)
def test_every_v1_endpoint_needs_a_valid_key(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: Any, which: str, code: str
) -> None:
    response = client.request(method, path, json=body, headers=_headers(keys, which))
    status, message = AUTH_ERRORS[code]
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message, "detail": None}}
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_key_store_roundtrip(app: FastAPI) -> None:
    engine = app.state.engine
    with session_scope(engine, write=True) as session:
        new = create_api_key(session, "shop-1.cn", merchant_name="Shop One")
    assert new.key.startswith("ak_") and len(new.key) == 46
    assert new.info.prefix == new.key[:8]
    with session_scope(engine) as session:
        found = verify_api_key(session, new.key)
        assert found == new.info
        assert verify_api_key(session, new.key + "x") is None
        assert verify_api_key(session, "ak_" + "-" * 500) is None
        assert [k.id for k in list_api_keys(session, "shop-1.cn")] == [new.info.id]
    with session_scope(engine, write=True) as session:
        first = revoke_api_key(session, new.info.id)
    with session_scope(engine, write=True) as session:
        again = revoke_api_key(session, new.info.id)
    assert first.revoked and again.revoked_at == first.revoked_at


@pytest.mark.parametrize("merchant_id", ["", "-a", "a b", "商家", "a" * 65, "a/b"])
def test_bad_merchant_ids_are_refused(app: FastAPI, merchant_id: str) -> None:
    with (
        session_scope(app.state.engine, write=True) as session,
        pytest.raises(addrcheck.AddrcheckError) as raised,
    ):
        create_api_key(session, merchant_id)
    assert raised.value.code == "INVALID_MERCHANT_ID"


def test_revoking_unknown_key(app: FastAPI) -> None:
    with (
        session_scope(app.state.engine, write=True) as session,
        pytest.raises(addrcheck.AddrcheckError) as raised,
    ):
        revoke_api_key(session, 999)
    assert (raised.value.code, raised.value.message) == ("UNKNOWN_API_KEY", "no API key with id 999")


def test_key_cache_delays_revocation_until_it_expires(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"auth_cache_seconds": 3600}))
    with session_scope(app.state.engine, write=True) as session:
        new = create_api_key(session, "acme")
    headers = {"Authorization": f"Bearer {new.key}"}
    with TestClient(app) as client:
        assert client.get("/v1/divisions", headers=headers).status_code == 200
        with session_scope(app.state.engine, write=True) as session:
            revoke_api_key(session, new.info.id)
        assert client.get("/v1/divisions", headers=headers).status_code == 200  # still cached
        app.state.key_cache.clear()
        assert client.get("/v1/divisions", headers=headers).status_code == 403


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"divisions": True, "database": True}}


def test_readyz_is_503_until_warm(settings: Settings) -> None:
    app = create_app(settings)  # lifespan not run: the warm-up never started
    client = TestClient(app)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "error": {
            "code": "NOT_READY",
            "message": "The service is not ready yet.",
            "detail": {"checks": {"divisions": False, "database": True}},
        }
    }


def test_readyz_reports_unreachable_database(tmp_path: Any) -> None:
    # a directory where the database file should be: SQLite cannot open it
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}", auth_cache_seconds=0))
    with TestClient(app) as client:
        app.state.warmup.done.wait(60)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["detail"] == {"checks": {"divisions": True, "database": False}}


def test_meta(client: TestClient) -> None:
    assert client.get("/v1/meta").json() == {
        "name": "addrcheck",
        "version": addrcheck.__version__,
        "api_version": "v1",
        "data": addrcheck.data_version(),
        "policies": ["default", "loose", "strict"],
        "max_batch_size": 5,
        "max_body_bytes": 4096,
    }
    assert "vintage" in client.get("/v1/meta").json()["data"]


def _division(code: str) -> dict[str, Any]:
    division = gazetteer.get_division(code)
    assert division is not None
    return {
        "code": division.code,
        "name": division.name,
        "short_name": division.short_name,
        "level": division.level,
        "parent_code": division.parent_code,
        "longitude": division.longitude,
        "latitude": division.latitude,
    }


@pytest.mark.parametrize("parent", [None, "33", "3307", "330782"])
def test_divisions_children(client: TestClient, acme: dict[str, str], parent: str | None) -> None:
    params = {"parent": parent} if parent else {}
    response = client.get("/v1/divisions", params=params, headers=acme)
    assert response.status_code == 200
    body = response.json()
    assert body["parent"] == (_division(parent) if parent else None)
    assert body["children"] == [_division(child.code) for child in gazetteer.children(parent)]
    assert body["children"]


def test_divisions_known_values(client: TestClient, acme: dict[str, str]) -> None:
    provinces = client.get("/v1/divisions", headers=acme).json()["children"]
    assert len(provinces) == 31
    assert {"code": "33", "name": "浙江省", "level": "province"}.items() <= next(
        p for p in provinces if p["code"] == "33"
    ).items()
    towns = client.get("/v1/divisions", params={"parent": "330782"}, headers=acme).json()["children"]
    assert "330782001" in {t["code"] for t in towns}


@pytest.mark.parametrize(
    ("parent", "status", "code"),
    [
        ("99", 404, "DIVISION_NOT_FOUND"),
        ("330799", 404, "DIVISION_NOT_FOUND"),
        ("3", 422, "INVALID_REQUEST"),
        ("33a", 422, "INVALID_REQUEST"),
        ("", 422, "INVALID_REQUEST"),
        ("1" * 13, 422, "INVALID_REQUEST"),
    ],
)
def test_divisions_errors(
    client: TestClient, acme: dict[str, str], parent: str, status: int, code: str
) -> None:
    response = client.get("/v1/divisions", params={"parent": parent}, headers=acme)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("size", [4096, 4097, 100_000])
def test_body_size_limit(client: TestClient, acme: dict[str, str], size: int) -> None:
    # max_body_bytes is 4096 in the fixture settings
    prefix = b'{"address": "'
    body = prefix + b"x" * (size - len(prefix) - 2) + b'"}'
    assert len(body) == size
    response = client.post(
        "/v1/addresses/validate", content=body, headers=acme | {"Content-Type": "application/json"}
    )
    if size <= 4096:
        assert response.status_code == 200
    else:
        assert response.status_code == 413
        assert response.json() == {
            "error": {
                "code": "BODY_TOO_LARGE",
                "message": "The request body is larger than 4096 bytes.",
                "detail": {"max_bytes": 4096},
            }
        }


def test_body_size_limit_without_content_length(client: TestClient, acme: dict[str, str]) -> None:
    def chunks() -> Any:
        yield b'{"address": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(
        "/v1/addresses/validate", content=chunks(), headers=acme | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "BODY_TOO_LARGE"


def test_too_large_is_checked_before_auth(client: TestClient) -> None:
    response = client.post("/v1/addresses/validate", content=b"x" * 5000)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nope", 404, "NOT_FOUND"),
        ("GET", "/v1/addresses/validate", 405, "METHOD_NOT_ALLOWED"),
        ("DELETE", "/healthz", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_unknown_paths_and_methods(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/healthz",
        "/readyz",
        "/v1/meta",
        "/v1/addresses/validate",
        "/v1/addresses/validate-batch",
        "/v1/addresses/parse",
        "/v1/addresses/normalize",
        "/v1/divisions",
        "/v1/warehouses",
        "/v1/warehouses/route-test",
        "/v1/orders/return-address",
        "/v1/orders/{order_id}/return-address",
        "/v1/audits",
        "/v1/audits/{job_id}",
        "/v1/audits/{job_id}/result",
        "/v1/audits/{job_id}/report",
    }
    assert client.get("/docs").status_code == 200


def test_openapi_lists_the_reason_codes(client: TestClient) -> None:
    """Integrators generate clients from the schema: a reason's code is an enum there, every code named."""
    schema = client.get("/openapi.json").json()
    reason = schema["components"]["schemas"]["ReasonOut"]["properties"]["code"]
    assert reason["$ref"] == "#/components/schemas/ReasonCode"
    listed = schema["components"]["schemas"]["ReasonCode"]["enum"]
    assert {"UNCONFIRMED_REGION", "INVISIBLE_CHARACTER", "TOO_MANY_NAMES", "UNKNOWN_REGION"} <= set(listed)
    assert sorted(listed) == sorted(code.value for code in ReasonCode)
