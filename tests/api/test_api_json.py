"""``JsonResponse`` (orjson) writes what the json module wrote before, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest

import addrcheck
from api.errors import JsonResponse, error_body


def reference(content: Any) -> bytes:
    """The encoder JsonResponse used before orjson."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def render(content: Any) -> bytes:
    return bytes(JsonResponse(content).body)


@pytest.mark.parametrize(
    "content",
    [
        {"status": "ok"},
        {"input": "浙江省金华市义乌市稠城街道工人北路100号", "span": [0, 3], "code": None, "ok": True},
        {"text": 'a"b\\c\n\r\t\b\f\x00\x1f\x7f'},
        {"text": "浙江省\u2028金华市\u2029\x85", "emoji": "𠀀😀"},
        {"count": 2, "results": [{"a": []}, {"b": {}}], "big": 2**62, "negative": -7},
        {1: "int keys become strings", 2: None},
        ["a", 1, None, False, ["nested", {"k": "v"}]],
        error_body("BATCH_TOO_LARGE", "A batch holds at most 5 addresses; this one has 6.", {"max": 5}),
        {"input": "lone \ud800 surrogate"},  # orjson refuses it: the json fallback escapes it
    ],
)
def test_same_bytes_as_the_json_module(content: Any) -> None:
    assert render(content) == reference(content)


@pytest.mark.parametrize(
    "address",
    ["浙江省金华市义乌市稠城街道工人北路100号", "杭州市婺城区", "北京市朝阳区小关北里00号\u2028", ""],
)
def test_validation_results_same_bytes(address: str) -> None:
    content = addrcheck.validate(address).to_dict()
    assert render(content) == reference(content)


@pytest.mark.parametrize("number", [0.1, 1.5, 1e16, 123456.789])
def test_floats_same_value(number: float) -> None:
    # Digits may be spelled differently (1e16 / 1e+16); the value read back is the same.
    assert json.loads(render({"x": number})) == {"x": number}
