"""/v1/warehouses and /v1/orders: replace-or-reject configurations, the recorded pre-ship hook, tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from addrcheck.settings import PROJECT_ROOT
from addrcheck.storage.ledger import get_history
from addrcheck.warehouses import load_config_text

EXAMPLE = (PROJECT_ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")

ONE_WAREHOUSE = """
[[warehouses]]
id = "hz"
name = "杭州仓"
contact = "李敏"
phone = "13957112345"
address = "浙江省杭州市西湖区西溪街道文三路90号"

[routing]
default = "hz"
"""

ONE_WAREHOUSE_YAML = """
warehouses:
  - id: hz
    name: 杭州仓
    contact: 李敏
    phone: "13957112345"
    address: 浙江省杭州市西湖区西溪街道文三路90号
routing:
  default: hz
"""

BROKEN = """
[[warehouses]]
id = "hz"
name = "杭州仓"
contact = "李敏"
phone = "123"
address = "浙江省金华市"

[routing]
default = "nowhere"
"""

ORDER = {
    "order_id": "TB-1001",
    "shop": "tmall-hz-flagship",
    "items": [{"sku": "YW-1001", "qty": 2}, {"sku": "GZ-SHOE-42", "qty": 1}],
}
SPLIT_ORDER = {
    "order_id": "PDD-7",
    "shop": "pdd-main",
    "items": [
        {"sku": "YW-1001", "qty": 2},
        {"sku": "GZ-SHOE-42", "qty": 1},
        {"sku": "TV-1", "qty": 1, "category": "家电"},
    ],
}


def put(client: TestClient, headers: dict[str, str], content: str, fmt: str = "toml") -> Any:
    return client.put("/v1/warehouses", json={"format": fmt, "content": content}, headers=headers)


def test_no_configuration_yet(client: TestClient, acme: dict[str, str]) -> None:
    response = client.get("/v1/warehouses", headers=acme)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "NO_WAREHOUSE_CONFIG",
            "message": "Merchant 'acme' has no warehouse configuration yet.",
            "detail": None,
        }
    }


@pytest.mark.parametrize(
    ("content", "fmt"), [(EXAMPLE, "toml"), (ONE_WAREHOUSE, "toml"), (ONE_WAREHOUSE_YAML, "yaml")]
)
def test_put_then_get(client: TestClient, acme: dict[str, str], content: str, fmt: str) -> None:
    response = put(client, acme, content, fmt)
    assert response.status_code == 200
    body = response.json()
    expected = load_config_text(content, fmt)
    assert body["config_hash"] == expected.config_hash
    assert body["config"] == expected.to_dict()
    assert (body["merchant_id"], body["format"], body["content"]) == ("acme", fmt, content)
    assert client.get("/v1/warehouses", headers=acme).json() == body


def test_invalid_configuration_is_rejected_whole_and_old_one_stays(
    client: TestClient, acme: dict[str, str]
) -> None:
    before = put(client, acme, EXAMPLE).json()
    response = put(client, acme, BROKEN)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "CONFIG_INVALID"
    assert error["message"].endswith("problems in the warehouse file")
    codes = {(problem["code"], problem["line"]) for problem in error["detail"]}
    assert ("UNKNOWN_WAREHOUSE", 10) in codes  # [routing] default points nowhere
    assert len(error["detail"]) >= 3  # the phone, the vague address and the default: every problem
    assert all(set(problem) == {"code", "message", "line", "source"} for problem in error["detail"])
    assert client.get("/v1/warehouses", headers=acme).json() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"format": "json", "content": ONE_WAREHOUSE}, "INVALID_REQUEST"),
        ({"content": 5}, "INVALID_REQUEST"),
        ({"format": "toml"}, "INVALID_REQUEST"),
        ({"format": "toml", "content": "[[warehouses]\n"}, "CONFIG_INVALID"),
        ({"format": "yaml", "content": "- [unclosed"}, "CONFIG_INVALID"),
        ({"format": "toml", "content": ""}, "CONFIG_INVALID"),
    ],
)
def test_put_bad_bodies(client: TestClient, acme: dict[str, str], body: dict[str, Any], code: str) -> None:
    response = client.put("/v1/warehouses", json=body, headers=acme)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_configurations_are_per_merchant(
    client: TestClient, acme: dict[str, str], globex: dict[str, str]
) -> None:
    put(client, acme, EXAMPLE)
    assert client.get("/v1/warehouses", headers=globex).status_code == 404
    put(client, globex, ONE_WAREHOUSE)
    assert client.get("/v1/warehouses", headers=acme).json()["content"] == EXAMPLE
    assert client.get("/v1/warehouses", headers=globex).json()["content"] == ONE_WAREHOUSE


def test_order_before_configuration(client: TestClient, acme: dict[str, str]) -> None:
    response = client.post("/v1/orders/return-address", json=ORDER, headers=acme)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "NO_WAREHOUSE_CONFIG"


def test_order_decided_once_then_replayed(client: TestClient, acme: dict[str, str]) -> None:
    config = put(client, acme, EXAMPLE).json()
    first = client.post("/v1/orders/return-address", json=ORDER, headers=acme)
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True
    assert (body["merchant_id"], body["order_id"], body["revision"]) == ("acme", "TB-1001", 1)
    assert body["config_hash"] == config["config_hash"]
    # The shop rule (priority 30) sends everything from the Tmall flagship store to Hangzhou.
    assert [item["warehouse_id"] for item in body["decision"]["items"]] == ["hangzhou", "hangzhou"]
    assert [item["rule_id"] for item in body["decision"]["items"]] == ["tmall-flagship", "tmall-flagship"]
    [shipment] = body["decision"]["shipments"]
    assert shipment["return_address"] == "浙江省杭州市西湖区西溪街道文三路90号"
    assert (shipment["contact_name"], shipment["phone"]) == ("李敏", "13957112345")

    again = client.post("/v1/orders/return-address", json=ORDER, headers=acme)
    assert again.status_code == 200
    assert again.json() == {**body, "created": False}

    recorded = client.get("/v1/orders/TB-1001/return-address", headers=acme)
    assert recorded.status_code == 200
    expected = {key: value for key, value in body.items() if key != "created"}
    assert recorded.json() == {**expected, "history": []}


def test_order_split_into_shipments(client: TestClient, acme: dict[str, str]) -> None:
    put(client, acme, EXAMPLE)
    body = client.post("/v1/orders/return-address", json=SPLIT_ORDER, headers=acme).json()
    assert [(i["warehouse_id"], i["rule_id"], i["shipment"]) for i in body["decision"]["items"]] == [
        ("yiwu", "yiwu-stock", 0),
        ("guangzhou", "guangzhou-lines", 1),
        ("guangzhou", "electronics", 1),
    ]
    assert [(s["warehouse_id"], s["items"]) for s in body["decision"]["shipments"]] == [
        ("yiwu", [0]),
        ("guangzhou", [1, 2]),
    ]


def test_recompute_after_configuration_change_keeps_history(client: TestClient, acme: dict[str, str]) -> None:
    put(client, acme, EXAMPLE)
    first = client.post("/v1/orders/return-address", json=ORDER, headers=acme).json()
    put(client, acme, ONE_WAREHOUSE)
    # without recompute the recorded decision stands, even under the new configuration
    unchanged = client.post("/v1/orders/return-address", json=ORDER, headers=acme)
    assert (unchanged.status_code, unchanged.json()["revision"]) == (200, 1)
    second = client.post("/v1/orders/return-address", json=ORDER | {"recompute": True}, headers=acme)
    assert second.status_code == 201
    assert second.json()["revision"] == 2
    assert [s["warehouse_id"] for s in second.json()["decision"]["shipments"]] == ["hz"]
    recorded = client.get("/v1/orders/TB-1001/return-address", headers=acme).json()
    assert recorded["revision"] == 2
    assert recorded["history"] == [{key: value for key, value in first.items() if key != "created"}]


def test_same_order_id_with_other_items_is_a_conflict(client: TestClient, acme: dict[str, str]) -> None:
    put(client, acme, EXAMPLE)
    client.post("/v1/orders/return-address", json=ORDER, headers=acme)
    changed = ORDER | {"items": [{"sku": "YW-1001", "qty": 3}]}
    response = client.post("/v1/orders/return-address", json=changed, headers=acme)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ORDER_CHANGED"


def test_unroutable_order_records_nothing(client: TestClient, acme: dict[str, str], app: Any) -> None:
    put(client, acme, ONE_WAREHOUSE.replace('[routing]\ndefault = "hz"\n', ""))
    order = {"order_id": "X-1", "shop": "s", "items": [{"sku": "NOPE", "qty": 1}]}
    response = client.post("/v1/orders/return-address", json=order, headers=acme)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "NO_WAREHOUSE_FOR_SKU"
    assert get_history(app.state.engine, "acme", "X-1") == []
    assert client.get("/v1/orders/X-1/return-address", headers=acme).status_code == 404


@pytest.mark.parametrize(
    ("order", "code"),
    [
        ({"shop": "s", "items": [{"sku": "A", "qty": 1}]}, "INVALID_REQUEST"),
        ({"order_id": "o", "shop": "s", "items": []}, "INVALID_REQUEST"),
        ({"order_id": "o", "shop": "s", "items": [{"sku": "A", "qty": 0}]}, "INVALID_REQUEST"),
        ({"order_id": "o", "shop": "s", "items": [{"sku": "A"}]}, "INVALID_REQUEST"),
        (
            {"order_id": "o", "shop": "s", "items": [{"sku": "A", "qty": 1, "colour": "red"}]},
            "INVALID_REQUEST",
        ),
        ({"order_id": "o" * 129, "shop": "s", "items": [{"sku": "A", "qty": 1}]}, "INVALID_REQUEST"),
        ({"order_id": "  ", "shop": "s", "items": [{"sku": "A", "qty": 1}]}, "INVALID_REQUEST"),
        ({"order_id": "o", "shop": "  ", "items": [{"sku": "A", "qty": 1}]}, "INVALID_ORDER"),
    ],
)
def test_bad_orders(client: TestClient, acme: dict[str, str], order: dict[str, Any], code: str) -> None:
    put(client, acme, EXAMPLE)
    response = client.post("/v1/orders/return-address", json=order, headers=acme)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_ledger_is_per_merchant(client: TestClient, acme: dict[str, str], globex: dict[str, str]) -> None:
    put(client, acme, EXAMPLE)
    put(client, globex, ONE_WAREHOUSE)
    acme_decision = client.post("/v1/orders/return-address", json=ORDER, headers=acme).json()
    # globex cannot read acme's decision: same answer as for an order that does not exist
    response = client.get("/v1/orders/TB-1001/return-address", headers=globex)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "ORDER_NOT_FOUND",
            "message": "No return address was recorded for order 'TB-1001'.",
            "detail": None,
        }
    }
    # the same order id at globex is globex's own order, decided with globex's warehouses
    globex_decision = client.post("/v1/orders/return-address", json=ORDER, headers=globex)
    assert globex_decision.status_code == 201
    assert [s["warehouse_id"] for s in globex_decision.json()["decision"]["shipments"]] == ["hz"]
    assert (
        client.get("/v1/orders/TB-1001/return-address", headers=acme).json()["decision"]
        == (acme_decision["decision"])
    )
