"""``/v1/warehouses``: read and replace the calling merchant's warehouse configuration.

The merchant is the one owning the API key: there is no URL naming another merchant's configuration,
so one merchant can neither read nor change another's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field
from starlette.responses import Response

from addrcheck.storage.models import ORDER_ID_LENGTH
from addrcheck.storage.warehouse_configs import (
    StoredWarehouseConfig,
    get_active_warehouse_config,
    save_warehouse_config,
)
from addrcheck.warehouses.hook import MAX_ORDER_ITEMS, plan_order
from api.deps import EngineDep, MerchantDep
from api.errors import ApiError, JsonResponse
from api.schemas import (
    ERROR_RESPONSES,
    ErrorOut,
    OrderItemRequest,
    RequestModel,
    WarehouseConfigOut,
    WarehouseConfigRequest,
)

router = APIRouter(prefix="/v1/warehouses", tags=["warehouses"], responses=ERROR_RESPONSES)


def stored_config_to_dict(stored: StoredWarehouseConfig) -> dict[str, Any]:
    return {
        "merchant_id": stored.merchant_id,
        "config_hash": stored.config_hash,
        "format": stored.format,
        "created_at": stored.created_at.isoformat(),
        "content": stored.source_text,
        "config": stored.config.to_dict(),
    }


@router.get(
    "",
    response_model=WarehouseConfigOut,
    summary="The merchant's active warehouse configuration",
    responses={404: {"model": ErrorOut, "description": "No configuration stored yet"}},
)
def get_warehouses(merchant: MerchantDep, engine: EngineDep) -> Response:
    """The stored file (``content``), its version hash, and the validated warehouses and rules."""
    stored = get_active_warehouse_config(engine, merchant.id)
    if stored is None:
        raise ApiError(
            404, "NO_WAREHOUSE_CONFIG", f"Merchant {merchant.id!r} has no warehouse configuration yet."
        )
    return JsonResponse(stored_config_to_dict(stored))


@router.put("", response_model=WarehouseConfigOut, summary="Replace the merchant's warehouse configuration")
def put_warehouses(body: WarehouseConfigRequest, merchant: MerchantDep, engine: EngineDep) -> Response:
    """Validate the file as ``addrcheck warehouses check`` does and make it the active one.

    An invalid file is rejected whole (422 CONFIG_INVALID, every problem in ``detail`` with its line)
    and the configuration in force stays. Older versions are kept, so recorded decisions stay traceable.
    """
    stored = save_warehouse_config(engine, merchant.id, body.content, body.format)
    return JsonResponse(stored_config_to_dict(stored))


# Kept beside its only endpoint rather than in api/schemas.py: it is OrderRequest without the ledger's
# fields (order id optional, no recompute), for trying rules out.
class RouteTestRequest(RequestModel):
    """An order to route without recording it: SKUs (with category), shop, and the buyer's address."""

    order_id: str = Field("route-test", min_length=1, max_length=ORDER_ID_LENGTH)
    shop: str = Field(min_length=1, max_length=128)
    items: list[OrderItemRequest] = Field(min_length=1, max_length=MAX_ORDER_ITEMS)
    buyer_address: str | None = Field(None, min_length=1, max_length=1000)


@router.post(
    "/route-test",
    summary="Dry run: which warehouse and rule each item would get, recording nothing",
    responses={409: {"model": ErrorOut, "description": "No configuration stored yet (NO_WAREHOUSE_CONFIG)"}},
)
def route_test(body: RouteTestRequest, merchant: MerchantDep, engine: EngineDep) -> Response:
    """The plan ``POST /v1/orders/return-address`` would record (items with warehouse, rule and
    explanation; shipments with return addresses) under the active configuration, but nothing is
    written to the ledger. Items no rule or default takes: 422 NO_WAREHOUSE_FOR_SKU."""
    stored = get_active_warehouse_config(engine, merchant.id)
    if stored is None:
        raise ApiError(
            409,
            "NO_WAREHOUSE_CONFIG",
            f"Merchant {merchant.id!r} has no warehouse configuration yet: PUT /v1/warehouses first.",
        )
    plan = plan_order(stored.config, body.model_dump())
    return JsonResponse({**plan.to_dict(), "recorded": False})
