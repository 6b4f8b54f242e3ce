"""``/v1/orders``: the pre-ship hook (which return address each item's parcel carries) and its record.

Decisions are recorded in the ledger per (merchant, order id): asking again returns what was recorded
(200), only the first call records (201). Orders are looked up within the calling merchant only; another
merchant's order id is answered exactly like an unknown one (404), so ids do not leak across tenants.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from addrcheck.storage.ledger import get_history
from addrcheck.storage.models import ORDER_ID_LENGTH
from addrcheck.storage.warehouse_configs import get_active_warehouse_config
from addrcheck.warehouses.hook import ship_order
from api.deps import EngineDep, MerchantDep
from api.errors import ApiError, JsonResponse
from api.schemas import ERROR_RESPONSES, ErrorOut, OrderDecisionOut, OrderRecordOut, OrderRequest

router = APIRouter(prefix="/v1/orders", tags=["orders"], responses=ERROR_RESPONSES)


@router.post(
    "/return-address",
    response_model=OrderDecisionOut,
    summary="Pre-ship hook: the return address of every item, recorded",
    responses={
        201: {"model": OrderDecisionOut, "description": "Decided and recorded by this call"},
        409: {
            "model": ErrorOut,
            "description": "No warehouse configuration stored (NO_WAREHOUSE_CONFIG), or the order id was "
            "decided with other contents and recompute is false (ORDER_CHANGED)",
        },
    },
)
def decide_return_address(body: OrderRequest, merchant: MerchantDep, engine: EngineDep) -> Response:
    """Route every item to its warehouse with the merchant's active configuration and record the decision.

    Idempotent per order id: a retry returns the recorded decision (200). With ``recompute`` and a
    configuration changed since, a new revision is recorded (201) and the old one stays in the history.
    Items no rule or default takes: 422 NO_WAREHOUSE_FOR_SKU, nothing recorded.
    """
    stored = get_active_warehouse_config(engine, merchant.id)
    if stored is None:
        raise ApiError(
            409,
            "NO_WAREHOUSE_CONFIG",
            f"Merchant {merchant.id!r} has no warehouse configuration yet: PUT /v1/warehouses first.",
        )
    order = body.model_dump(exclude={"recompute"})
    outcome = ship_order(engine, merchant.id, stored.config, order, recompute=body.recompute)
    return JsonResponse(outcome.to_dict(), status_code=201 if outcome.created else 200)


@router.get(
    "/{order_id}/return-address",
    response_model=OrderRecordOut,
    summary="The recorded decision for an order, with its history",
    responses={
        404: {"model": ErrorOut, "description": "No decision recorded for this order (ORDER_NOT_FOUND)"}
    },
)
def get_return_address(
    order_id: Annotated[str, Path(min_length=1, max_length=ORDER_ID_LENGTH)],
    merchant: MerchantDep,
    engine: EngineDep,
) -> Response:
    """The current decision and, in ``history``, the earlier revisions (oldest first), as recorded."""
    revisions = get_history(engine, merchant.id, order_id)
    if not revisions:
        raise ApiError(404, "ORDER_NOT_FOUND", f"No return address was recorded for order {order_id!r}.")
    *earlier, current = revisions
    return JsonResponse({**current.to_dict(), "history": [entry.to_dict() for entry in earlier]})
