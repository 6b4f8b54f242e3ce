"""The fast path of ``POST /v1/addresses/validate`` (api.fast_path) answers exactly as the full application.

Two apps share one database: one as built, one with the fast path taken out. Every request goes to both
and the status, headers and body must be the same; a counter shows which requests the fast path served
itself, so that the comparison is not vacuous.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

import api.fast_path
from addrcheck.settings import Settings
from api.errors import JsonResponse
from api.fast_path import SingleValidationFastPath
from api.main import create_app
from tests.api.conftest import bearer

PATH = "/v1/addresses/validate"
GOOD = "浙江省金华市义乌市稠城街道工人北路100号"


@pytest.fixture
def cached_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"auth_cache_seconds": 60})  # the fast path needs the key cache


@pytest.fixture
def clients(cached_settings: Settings, keys: dict[str, str]) -> Iterator[tuple[TestClient, TestClient]]:
    fast = create_app(cached_settings)
    full = create_app(cached_settings)
    full.user_middleware = [
        m for m in full.user_middleware if cast(object, m.cls) is not SingleValidationFastPath
    ]
    assert len(full.user_middleware) == len(fast.user_middleware) - 1
    with TestClient(fast) as fast_client, TestClient(full) as full_client:
        for app in (fast, full):
            app.state.warmup.done.wait(60)
        yield fast_client, full_client


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many responses the fast path built itself."""
    count: list[int] = []

    class Counted(JsonResponse):
        def __init__(self, content: Any) -> None:
            count.append(1)
            super().__init__(content)

    monkeypatch.setattr(api.fast_path, "JsonResponse", Counted)
    return count


def _raw(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()


def _same(clients: tuple[TestClient, TestClient], headers: dict[str, str], body: Any) -> int:
    fast, full = clients
    content = _raw(body)
    sent = {"Content-Type": "application/json", **headers}
    got = fast.post(PATH, content=content, headers=sent)
    want = full.post(PATH, content=content, headers=sent)
    assert (got.status_code, dict(got.headers), got.content) == (
        want.status_code,
        dict(want.headers),
        want.content,
    ), body
    return got.status_code


def test_valid_requests_are_served_by_the_fast_path_with_the_full_answer(
    clients: tuple[TestClient, TestClient], keys: dict[str, str], served: list[int]
) -> None:
    acme = bearer(keys["acme"])
    assert _same(clients, acme, {"address": GOOD}) == 200  # the first request of a key fills the cache
    first = len(served)
    for body in (
        {"address": GOOD},
        {"address": GOOD, "policy": "strict"},
        {"address": "浙江省金华市", "policy": "loose"},
        {"address": "张三 13812345678 浙江省金华市婺城区八一北街100号"},
        {"address": "东方明珠花园8幢302室"},
        {"address": "路" * 300},
        {"address": ""},
        {"address": "a\u202eb 浙江省杭州市西湖区文三路478号"},
        {"address": GOOD, "address ": GOOD},  # an unknown field
    ):
        _same(clients, acme, body)
    assert first == 0
    assert len(served) == 8  # all but the body with an unknown field


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, {"address": GOOD}, 401),
        ({"Authorization": "Bearer not-a-key"}, {"address": GOOD}, 401),
        ({"Authorization": "Basic abc"}, {"address": GOOD}, 401),
        (None, {"address": GOOD, "policy": "lenient"}, 422),
        (None, {"address": 12}, 422),
        (None, {"policy": "strict"}, 422),
        (None, b'{"address": "\\ud800"}', 200),  # a lone surrogate: orjson refuses it, json reads it
        (None, b'{"address": "x"', 422),
        (None, b"\xff\xfe", 422),
        (None, b"[]", 422),
        (None, b"", 422),
    ],
)
def test_everything_else_takes_the_full_path(
    clients: tuple[TestClient, TestClient],
    keys: dict[str, str],
    served: list[int],
    headers: dict[str, str] | None,
    body: Any,
    status: int,
) -> None:
    acme = bearer(keys["acme"])
    _same(clients, acme, {"address": GOOD})  # the key is cached
    before = len(served)
    assert _same(clients, acme if headers is None else headers, body) == status
    assert len(served) == before


def test_a_revoked_key_and_another_content_type_take_the_full_path(
    clients: tuple[TestClient, TestClient], keys: dict[str, str], served: list[int]
) -> None:
    revoked = bearer(keys["revoked"])
    assert _same(clients, revoked, {"address": GOOD}) == 403
    assert _same(clients, revoked, {"address": GOOD}) == 403  # now from the cache
    acme = bearer(keys["acme"])
    _same(clients, acme, {"address": GOOD})
    before = len(served)
    assert _same(clients, {**acme, "Content-Type": "text/plain"}, {"address": GOOD}) == 422
    assert len(served) == before
