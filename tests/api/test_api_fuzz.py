"""No input produces a 500: schemathesis against the OpenAPI schema, and hypothesis on raw bodies.

Bounded: a fixed number of examples per operation, no deadline (the machine's cores are shared).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from addrcheck.settings import PROJECT_ROOT, Settings
from addrcheck.storage.api_keys import create_api_key
from addrcheck.storage.engine import session_scope
from api.deps import KeyCache
from api.main import create_app

EXAMPLE = (PROJECT_ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")
FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def fuzz_app(app: FastAPI) -> tuple[FastAPI, dict[str, str]]:
    # the key cache on, as served: single validations then take the fast path (api.fast_path) too
    app.state.key_cache = KeyCache(60)
    with session_scope(app.state.engine, write=True) as session:
        key = create_api_key(session, "fuzz").key
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app) as client:
        app.state.warmup.done.wait(60)
        # a stored configuration, so that order requests reach the routing code
        assert client.put(
            "/v1/warehouses", json={"format": "toml", "content": EXAMPLE}, headers=headers
        ).is_success
    return app, headers


# The schema is the app's own; building an app opens no database connection (the engine is lazy).
# (schemathesis.pytest.from_fixture would be the natural loader, but it breaks on pytest 9.)
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


# Every check that applies to this API: no 500, documented status codes, content types, headers and
# bodies; 405 with Allow for undocumented methods and an Allow that matches the schema; the key required
# where the schema says so. Not positive_data_acceptance: a schema-valid body can still be unusable, and
# 422 is the documented answer (an empty address, an invalid warehouse file, a batch over the configured
# size). Not negative_data_rejection: the fixture's 4 KiB body limit answers 413 to the long arrays it
# sends, and it counts only 4xx codes other than 413 as a refusal.
STRICT_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
    allow_header_conformance,
    missing_required_header,
    ignored_auth,
]


@schema.parametrize()
@FUZZ_SETTINGS
def test_schemathesis_no_server_errors(case: Any, fuzz_app: tuple[FastAPI, dict[str, str]]) -> None:
    app, headers = fuzz_app
    case.operation.schema.app = (
        app  # the checks' own probes (ignored_auth sends requests without the key) use it too
    )
    case.call_and_validate(
        app=app,
        headers=headers,
        checks=STRICT_CHECKS,
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
ENDPOINTS = [
    ("POST", "/v1/addresses/validate"),
    ("POST", "/v1/addresses/validate-batch"),
    ("POST", "/v1/addresses/parse"),
    ("POST", "/v1/addresses/normalize"),
    ("PUT", "/v1/warehouses"),
    ("POST", "/v1/orders/return-address"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@FUZZ_SETTINGS
@given(raw=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_malformed_bodies_get_the_envelope(
    fuzz_app: tuple[FastAPI, dict[str, str]], method: str, path: str, raw: bytes
) -> None:
    app, headers = fuzz_app
    client = TestClient(app)
    response = client.request(
        method, path, content=raw, headers=headers | {"Content-Type": "application/json"}
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "detail"}
        assert body["error"]["code"].isupper()


@FUZZ_SETTINGS
@given(
    addresses=st.lists(st.one_of(st.text(max_size=60), json_values), max_size=5),
    policy=st.sampled_from(["default", "strict", "loose"]),
)
def test_batch_of_anything_answers_in_order(
    fuzz_app: tuple[FastAPI, dict[str, str]], addresses: list[Any], policy: str
) -> None:
    app, headers = fuzz_app
    client = TestClient(app)
    response = client.post(
        "/v1/addresses/validate-batch", json={"addresses": addresses, "policy": policy}, headers=headers
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == len(addresses)
    for element, result in zip(addresses, results, strict=True):
        if isinstance(element, str):
            assert result["input"] == element
        else:
            assert result["status"] == "invalid"
            assert [r["code"] for r in result["reasons"]] == ["NOT_AN_ADDRESS"]
