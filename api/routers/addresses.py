"""``/v1/addresses``: validate (one or a batch), parse, normalize.

The single-address handlers are ``async def`` and run on the event loop: one address costs tens of
microseconds (about 1 ms at worst: the API's preset policies refuse text over 200 characters as
TOO_LONG before parsing, and parse() never reads more than 1,000), while the hop
to FastAPI's thread pool and back cost several times that (bench/api_load.py). The batch handler stays
a plain ``def`` in the thread pool, so a thousand addresses never block the loop. All return the
library's own ``to_dict()`` JSON directly, without re-validating it through the response model (which
only documents it).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

import addrcheck
from addrcheck.models import (
    Granularity,
    Reason,
    ReasonCode,
    Status,
    ValidationResult,
)
from api.deps import MerchantDep, SettingsDep
from api.errors import ApiError, JsonResponse
from api.schemas import (
    ERROR_RESPONSES,
    AddressRequest,
    BatchRequest,
    BatchResultOut,
    NormalizeOut,
    ParseRequest,
    ParseResultOut,
    ValidationResultOut,
)

router = APIRouter(prefix="/v1/addresses", tags=["addresses"], responses=ERROR_RESPONSES)

_JSON_TYPE_NAMES = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    list: "array",
    dict: "object",
}


def not_an_address(element: Any, index: int, policy: str) -> ValidationResult:
    """The invalid result given to a batch element that is not a string (the batch carries on)."""
    kind = _JSON_TYPE_NAMES.get(type(element), type(element).__name__)
    return ValidationResult(
        original=json.dumps(element, ensure_ascii=False),
        normalized="",
        status=Status.INVALID,
        granularity=Granularity.NONE,
        components={},
        reasons=(
            Reason(
                code=ReasonCode.NOT_AN_ADDRESS,
                message=f"第 {index} 项不是字符串（收到 JSON {kind}），不是地址",
                message_en=f"element {index} is a JSON {kind}, not a string",
            ),
        ),
        candidates=(),
        unresolved=(),
        policy=policy,
    )


@router.post("/validate", response_model=ValidationResultOut, summary="Validate one address")
async def validate_address(body: AddressRequest, merchant: MerchantDep) -> Response:
    """The verdict on one address under a policy: the same object as ``addrcheck check --json``.

    Never an error for the address itself: a bad address is a 200 with ``status`` and ``reasons``.
    """
    return JsonResponse(addrcheck.validate(body.address, policy=body.policy).to_dict())


@router.post("/validate-batch", response_model=BatchResultOut, summary="Validate many addresses, in order")
def validate_batch(body: BatchRequest, merchant: MerchantDep, settings: SettingsDep) -> Response:
    """Up to ``max_batch_size`` addresses; ``results[i]`` is the verdict on ``addresses[i]``."""
    if len(body.addresses) > settings.max_batch_size:
        raise ApiError(
            422,
            "BATCH_TOO_LARGE",
            f"A batch holds at most {settings.max_batch_size} addresses; this one has {len(body.addresses)}.",
            {"max_batch_size": settings.max_batch_size, "count": len(body.addresses)},
        )
    policy = addrcheck.get_policy(body.policy)
    results = [
        (
            addrcheck.validate(element, policy=policy)
            if isinstance(element, str)
            else not_an_address(element, index, policy.name)
        ).to_dict()
        for index, element in enumerate(body.addresses)
    ]
    return JsonResponse({"count": len(results), "results": results})


@router.post("/parse", response_model=ParseResultOut, summary="Split an address into components")
async def parse_address(body: ParseRequest, merchant: MerchantDep) -> Response:
    """The components found, without a verdict; ``notes`` lists what the parser noticed."""
    return JsonResponse(addrcheck.parse(body.address).to_dict())


@router.post("/normalize", response_model=NormalizeOut, summary="The canonical form of an address")
async def normalize_address(body: AddressRequest, merchant: MerchantDep) -> Response:
    """The normalised string; 422 with the reasons (code of the first one) when the address is not
    usable under the policy."""
    normalized = addrcheck.normalize(body.address, policy=body.policy)
    return JsonResponse({"input": body.address, "normalized": normalized, "policy": body.policy})
