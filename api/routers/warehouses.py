"""``/v1/warehouses``: read and replace the calling merchant's warehouse configuration.

The merchant is the one owning the API key: there is no URL naming another merchant's configuration,
so one merchant can neither read nor change another's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from addrcheck.storage.warehouse_configs import (
    StoredWarehouseConfig,
    get_active_warehouse_config,
    save_warehouse_config,
)
from api.deps import EngineDep, MerchantDep
from api.errors import ApiError, JsonResponse
from api.schemas import ERROR_RESPONSES, ErrorOut, WarehouseConfigOut, WarehouseConfigRequest

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
