"""/v1/addresses: the API returns exactly what the library returns, and the documented errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import addrcheck

REAL = [
    # (address, policy, status, reason codes) from the core's contract
    ("浙江省金华市义乌市稠城街道工人北路100号", "default", "ok", []),
    ("浙江省金华市", "default", "vague", ["MISSING_DISTRICT", "MISSING_STREET"]),
    ("杭州市婺城区", "default", "inconsistent", None),
    ("", "default", "invalid", ["EMPTY"]),
]


@pytest.mark.parametrize(("address", "policy", "status", "codes"), REAL)
def test_validate_matches_library(
    client: TestClient, acme: dict[str, str], address: str, policy: str, status: str, codes: list[str] | None
) -> None:
    response = client.post(
        "/v1/addresses/validate", json={"address": address, "policy": policy}, headers=acme
    )
    assert response.status_code == 200
    body = response.json()
    assert body == addrcheck.validate(address, policy=policy).to_dict()
    assert body["status"] == status
    if codes is not None:
        assert [reason["code"] for reason in body["reasons"]] == codes


@pytest.mark.parametrize("policy", ["default", "strict", "loose"])
def test_validate_policy_is_passed(client: TestClient, acme: dict[str, str], policy: str) -> None:
    address = "浙江省金华市义乌市工人北路100号"
    body = client.post(
        "/v1/addresses/validate", json={"address": address, "policy": policy}, headers=acme
    ).json()
    assert body == addrcheck.validate(address, policy=policy).to_dict()
    assert body["policy"] == policy


def test_validate_lone_surrogate_is_not_a_500(client: TestClient, acme: dict[str, str]) -> None:
    # Valid JSON, but not encodable as UTF-8 once decoded: the reply falls back to \u escapes.
    response = client.post(
        "/v1/addresses/validate",
        content=b'{"address": "\\ud800\\u6d59\\u6c5f"}',
        headers=acme | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == addrcheck.validate("\ud800浙江").to_dict()


def test_batch_results_in_order_with_bad_elements(client: TestClient, acme: dict[str, str]) -> None:
    addresses: list[Any] = ["浙江省金华市", 7, None, "", {"a": 1}]
    response = client.post("/v1/addresses/validate-batch", json={"addresses": addresses}, headers=acme)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    results = body["results"]
    assert results[0] == addrcheck.validate("浙江省金华市").to_dict()
    assert results[3] == addrcheck.validate("").to_dict()
    for index, text, kind in [(1, "7", "number"), (2, "null", "null"), (4, '{"a": 1}', "object")]:
        assert results[index] == {
            "input": text,
            "status": "invalid",
            "granularity": "none",
            "normalized": "",
            "policy": "default",
            "components": {},
            "reasons": [
                {
                    "code": "NOT_AN_ADDRESS",
                    "severity": "error",
                    "message": f"第 {index} 项不是字符串（收到 JSON {kind}），不是地址",
                    "message_en": f"element {index} is a JSON {kind}, not a string",
                    "span": None,
                }
            ],
            "candidates": [],
            "unresolved": [],
            "removed": [],
        }


def test_batch_policy_applies_to_every_element(client: TestClient, acme: dict[str, str]) -> None:
    addresses = ["浙江省金华市义乌市工人北路100号", "浙江省金华市义乌市稠城街道工人北路100号"]
    body = client.post(
        "/v1/addresses/validate-batch", json={"addresses": addresses, "policy": "strict"}, headers=acme
    ).json()
    assert body["results"] == [addrcheck.validate(a, policy="strict").to_dict() for a in addresses]


@pytest.mark.parametrize(("count", "status"), [(0, 200), (5, 200), (6, 422)])
def test_batch_size_limit(client: TestClient, acme: dict[str, str], count: int, status: int) -> None:
    # the fixture settings allow 5 per batch
    response = client.post("/v1/addresses/validate-batch", json={"addresses": ["杭州"] * count}, headers=acme)
    assert response.status_code == status
    if status == 422:
        assert response.json() == {
            "error": {
                "code": "BATCH_TOO_LARGE",
                "message": "A batch holds at most 5 addresses; this one has 6.",
                "detail": {"max_batch_size": 5, "count": 6},
            }
        }
    else:
        assert response.json()["count"] == count


@pytest.mark.parametrize(
    "address", ["浙江省金华市义乌市稠城街道工人北路100号", "浙江省金华市", "杭州市婺城区", "", "x" * 300]
)
def test_parse_matches_library(client: TestClient, acme: dict[str, str], address: str) -> None:
    response = client.post("/v1/addresses/parse", json={"address": address}, headers=acme)
    assert response.status_code == 200
    result = addrcheck.parse(address)
    body = response.json()
    assert body["input"] == address
    assert body["normalized"] == result.normalized
    assert body["components"] == {name: c.to_dict() for name, c in result.components.items()}
    assert body["candidates"] == [c.to_dict() for c in result.candidates]
    assert body["unresolved"] == [u.to_dict() for u in result.unresolved]
    assert body["notes"] == [n.to_dict() for n in result.notes]


def test_parse_components_in_public_order(client: TestClient, acme: dict[str, str]) -> None:
    body = client.post(
        "/v1/addresses/parse", json={"address": "浙江省金华市义乌市稠城街道工人北路100号"}, headers=acme
    ).json()
    assert list(body["components"]) == [n for n in addrcheck.COMPONENT_NAMES if n in body["components"]]
    assert body["components"]["district"]["code"] == "330782"


def test_normalize_ok(client: TestClient, acme: dict[str, str]) -> None:
    address = "浙江省金华市义乌市稠城街道工人北路100号"
    response = client.post("/v1/addresses/normalize", json={"address": address}, headers=acme)
    assert response.status_code == 200
    assert response.json() == {
        "input": address,
        "normalized": addrcheck.normalize(address),
        "policy": "default",
    }


@pytest.mark.parametrize(("address", "code"), [("", "EMPTY"), ("杭州市婺城区", "INCONSISTENT_HIERARCHY")])
def test_normalize_unusable_address_is_422_with_reasons(
    client: TestClient, acme: dict[str, str], address: str, code: str
) -> None:
    response = client.post("/v1/addresses/normalize", json={"address": address}, headers=acme)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    with pytest.raises(addrcheck.AddressError) as raised:
        addrcheck.normalize(address)
    assert error["message"] == raised.value.message
    assert error["detail"] == [reason.to_dict() for reason in raised.value.reasons]


@pytest.mark.parametrize(
    ("path", "body", "loc", "type_"),
    [
        ("/v1/addresses/validate", {}, ["body", "address"], "missing"),
        ("/v1/addresses/validate", {"address": 5}, ["body", "address"], "string_type"),
        ("/v1/addresses/validate", {"address": "x", "policy": "lax"}, ["body", "policy"], "literal_error"),
        ("/v1/addresses/validate", {"address": "x", "adress": "y"}, ["body", "adress"], "extra_forbidden"),
        ("/v1/addresses/validate", ["x"], ["body"], "model_attributes_type"),
        ("/v1/addresses/validate-batch", {"addresses": "x"}, ["body", "addresses"], "list_type"),
        ("/v1/addresses/parse", {"address": None}, ["body", "address"], "string_type"),
        ("/v1/addresses/normalize", {"address": "x", "policy": 1}, ["body", "policy"], "literal_error"),
    ],
)
def test_schema_errors_are_422(
    client: TestClient, acme: dict[str, str], path: str, body: Any, loc: list[str], type_: str
) -> None:
    response = client.post(path, json=body, headers=acme)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert error["message"] == "The request does not match the schema."
    assert [(item["loc"], item["type"]) for item in error["detail"]] == [(loc, type_)]


@pytest.mark.parametrize(
    "raw", [b"{", b"not json", b'{"address": "x",}', b"\xff\xfe\x00", b'{"address": "\\ud83"}']
)
def test_malformed_json_is_422(client: TestClient, acme: dict[str, str], raw: bytes) -> None:
    response = client.post(
        "/v1/addresses/validate", content=raw, headers=acme | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": {"code": "MALFORMED_JSON", "message": "The request body is not valid JSON.", "detail": None}
    }


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_non_json_body_is_422(client: TestClient, acme: dict[str, str], content_type: str | None) -> None:
    headers = dict(acme)
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post("/v1/addresses/validate", content=b'{"address": "x"}', headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_REQUEST"


def test_concurrent_requests_match_sequential_results(client: TestClient, acme: dict[str, str]) -> None:
    # The endpoints run validate() in FastAPI's thread pool: threads must not disturb each other.
    from concurrent.futures import ThreadPoolExecutor

    addresses = [
        "浙江省金华市义乌市稠城街道工人北路100号",
        "浙江省金华市",
        "杭州市婺城区",
        "广东省广州市天河区天河南街道体育东路108号",
        "浙江省杭州市西湖区西溪街道文三路90号",
        "",
    ] * 8
    expected = [addrcheck.validate(a).to_dict() for a in addresses]

    def call(address: str) -> Any:
        return client.post("/v1/addresses/validate", json={"address": address}, headers=acme).json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(call, addresses)) == expected
