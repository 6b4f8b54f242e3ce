"""The API's edges from issue 14: order ids that can be read back, strict types, honest ``Allow``, and
hostile warehouse files answered with 422, never a 500."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addrcheck.errors import RoutingError
from addrcheck.settings import PROJECT_ROOT
from addrcheck.warehouses.hook import parse_order

EXAMPLE = (PROJECT_ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")
ITEM = {"sku": "YW-1001", "qty": 1}
ID_RULE = "1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"


def order(order_id: str, **changes: Any) -> dict[str, Any]:
    return {"order_id": order_id, "shop": "pdd-main", "items": [ITEM], **changes}


@pytest.fixture
def configured(client: TestClient, acme: dict[str, str]) -> TestClient:
    response = client.put("/v1/warehouses", json={"format": "toml", "content": EXAMPLE}, headers=acme)
    assert response.status_code == 200
    return client


BAD_IDS = [
    "TB/1",
    "TB\x001",
    "TB 1",
    "TB%2F1",
    "TB?1",
    "TB#1",
    "-TB1",
    ".hidden",
    "..",
    "订单1",
    "x" * 129,
    "",
]


@pytest.mark.parametrize("order_id", BAD_IDS)
def test_order_ids_outside_the_alphabet_are_refused(
    configured: TestClient, acme: dict[str, str], order_id: str
) -> None:
    response = configured.post("/v1/orders/return-address", json=order(order_id), headers=acme)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert [d["loc"] for d in error["detail"]] == [["body", "order_id"]]


@pytest.mark.parametrize("order_id", ["TB/1", "TB\x001", "TB 1", "-TB1", "订单1"])
def test_cli_route_refuses_the_same_ids(order_id: str) -> None:
    with pytest.raises(RoutingError) as caught:
        parse_order(order(order_id))
    assert (caught.value.code, caught.value.message) == (
        "INVALID_ORDER",
        f"invalid order: order_id must be {ID_RULE}",
    )


ORDER_IDS = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from("AZaz09"),
    st.text(alphabet="ABCxyz019._:-", max_size=127),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(order_id=ORDER_IDS)
def test_every_accepted_id_reads_back(configured: TestClient, acme: dict[str, str], order_id: str) -> None:
    written = configured.post("/v1/orders/return-address", json=order(order_id), headers=acme)
    assert written.status_code in (200, 201), written.text
    read = configured.get(f"/v1/orders/{quote(order_id, safe='')}/return-address", headers=acme)
    assert read.status_code == 200, read.text
    assert read.json()["order_id"] == order_id


def test_edge_ids_read_back(configured: TestClient, acme: dict[str, str]) -> None:
    for order_id in ["a", "a..b", "9:", "x" * 128, "TB:2024.06-01_7", "A-"]:
        assert (
            configured.post("/v1/orders/return-address", json=order(order_id), headers=acme).status_code
            == 201
        )
        read = configured.get(f"/v1/orders/{order_id}/return-address", headers=acme)
        assert (read.status_code, read.json()["order_id"]) == (200, order_id)


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"recompute": 0}, ["body", "recompute"]),
        ({"recompute": "true"}, ["body", "recompute"]),
        ({"items": [{"sku": "YW-1001", "qty": "1"}]}, ["body", "items", 0, "qty"]),
        ({"items": [{"sku": "YW-1001", "qty": True}]}, ["body", "items", 0, "qty"]),
        ({"items": [{"sku": "YW-1001", "qty": 1.0}]}, ["body", "items", 0, "qty"]),
        ({"items": [{"sku": 1001, "qty": 1}]}, ["body", "items", 0, "sku"]),
        ({"shop": 7}, ["body", "shop"]),
    ],
)
def test_types_are_strict(
    configured: TestClient, acme: dict[str, str], changes: dict[str, Any], loc: list[Any]
) -> None:
    response = configured.post("/v1/orders/return-address", json=order("T-1", **changes), headers=acme)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], [d["loc"] for d in error["detail"]]) == ("INVALID_REQUEST", [loc])


def test_strict_types_still_take_the_documented_ones(configured: TestClient, acme: dict[str, str]) -> None:
    body = order("T-2", recompute=True, items=[{"sku": "YW-1001", "qty": 3, "category": "玩具"}])
    assert configured.post("/v1/orders/return-address", json=body, headers=acme).status_code == 201
    response = configured.post(
        "/v1/addresses/validate", json={"address": "浙江省", "policy": "strict"}, headers=acme
    )
    assert response.status_code == 200


def test_allow_lists_every_method_of_every_path(client: TestClient, app: FastAPI) -> None:
    schema = app.openapi()
    for path, operations in schema["paths"].items():
        url = path.replace("{order_id}", "TB-1")
        documented = sorted({method.upper() for method in operations} | {"OPTIONS"})
        options = client.options(url)
        assert (options.status_code, options.headers.get("allow")) == (204, ", ".join(documented)), path
        missing = next(m for m in ("DELETE", "PATCH", "PUT", "POST") if m not in documented)
        refused = client.request(missing, url)
        assert refused.status_code == 405, path
        assert refused.headers["allow"] == ", ".join(documented)
        assert refused.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_options_on_warehouses_names_put() -> None:
    # the exact complaint, spelled out
    from addrcheck.settings import Settings
    from api.main import create_app

    response = TestClient(create_app(Settings(database_url="sqlite://"))).options("/v1/warehouses")
    assert response.headers["allow"] == "GET, OPTIONS, PUT"


LAUGHS = 'a0: &a0 ["x"]\n' + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 8)
)


@pytest.mark.parametrize(
    ("fmt", "content", "problem"),
    [
        ("yaml", LAUGHS + "warehouses: *a7\n", ("CONFIG_TOO_COMPLEX", 5)),
        ("toml", "a = " + "[" * 1000 + "]" * 1000, ("CONFIG_TOO_COMPLEX", 1)),
        ("yaml", "a: " + "[" * 500 + "]" * 500, ("CONFIG_TOO_COMPLEX", 1)),
        ("toml", 'a = "\ud800"', ("INVALID_CHARACTER", 1)),
        ("yaml", "a: 2001-13-45", ("PARSE_ERROR", None)),
    ],
)
def test_hostile_warehouse_files_get_a_422(
    client: TestClient, acme: dict[str, str], fmt: str, content: str, problem: tuple[str, int | None]
) -> None:
    # json.dumps keeps the lone surrogate as the escape "\ud800", which is how a client sends one
    body = json.dumps({"format": fmt, "content": content})
    response = client.put("/v1/warehouses", content=body, headers=acme | {"Content-Type": "application/json"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "CONFIG_INVALID"
    assert [(d["code"], d["line"]) for d in error["detail"]] == [problem]
    assert client.get("/v1/warehouses", headers=acme).status_code == 404  # nothing was stored
