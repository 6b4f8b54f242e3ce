"""The pre-ship hook: give every item of an order its return warehouse, and record the decision.

``plan_order`` is pure: order in, plan out. ``ship_order`` is what a shipping integration calls: it plans
the order once and records the plan in the ledger, so asking again (a retry, a second worker, a refund
appeal months later) returns exactly what the order was given.

An order is a mapping ``{"order_id": str (ORDER_ID_PATTERN), "shop": str, "items": [{"sku": str, "qty": int, "category":
str?}], "buyer_address": str?}``; other keys are ignored (and not part of the order's hash). Items that go
to different warehouses make several shipments, each with one return address.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from addrcheck.errors import RoutingError
from addrcheck.storage.ledger import DecisionItem, LedgerOutcome, NewDecision, canonical_json, decide_once
from addrcheck.storage.models import ORDER_ID_LENGTH, SKU_LENGTH
from addrcheck.warehouses.config import Warehouse, WarehouseConfig
from addrcheck.warehouses.routing import Match, match_sku

if TYPE_CHECKING:
    from sqlalchemy import Engine

MAX_ORDER_ITEMS = 500
# An order id travels in a URL path (GET /v1/orders/{order_id}/return-address) and in log lines: "/", "?",
# "#", "%", NUL and spaces would record an order that cannot be read back. Marketplace ids are digits,
# letters and dashes; ".", "_" and ":" cover merchants' own schemes ("TB:2024.06-01_7").
ORDER_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]*"
ORDER_ID_RULE = (
    f"1 to {ORDER_ID_LENGTH} letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
)
MAX_QTY = 1_000_000
MAX_CATEGORY_LENGTH = 128
# A buyer address read this way only places the buyer for the nearest-warehouse tie-break; statuses that
# mean "we do not know where this is" give no district rather than a wrong one.
_USABLE_BUYER_STATUSES = ("ok", "vague")


@dataclass(frozen=True, slots=True)
class OrderItem:
    sku: str
    qty: int
    category: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"sku": self.sku, "qty": self.qty, "category": self.category}


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    shop: str
    items: tuple[OrderItem, ...]
    buyer_address: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "shop": self.shop,
            "items": [item.to_dict() for item in self.items],
            "buyer_address": self.buyer_address,
        }

    @property
    def order_hash(self) -> str:
        """sha256 of the order's canonical JSON: what identifies "the same order" in the ledger."""
        return hashlib.sha256(canonical_json(self.to_dict()).encode()).hexdigest()


def parse_order(data: object) -> Order:
    """Check an order mapping and return it typed.

    Errors: ``RoutingError`` code ``INVALID_ORDER`` listing every problem ("items[1].qty must be a
    positive integer", ...).
    """
    if isinstance(data, Order):
        return data
    if not isinstance(data, Mapping):
        raise RoutingError("an order must be a JSON object", code="INVALID_ORDER")
    problems: list[str] = []

    def text(value: object, where: str, max_length: int, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} must be a non-empty string")
            return None
        if len(value) > max_length:
            problems.append(f"{where} is longer than {max_length} characters")
            return None
        return value

    order_id = text(data.get("order_id"), "order_id", ORDER_ID_LENGTH)
    if order_id is not None and not re.fullmatch(ORDER_ID_PATTERN, order_id):
        problems.append(f"order_id must be {ORDER_ID_RULE}")
        order_id = None
    shop = text(data.get("shop"), "shop", 128)
    buyer_address = text(data.get("buyer_address"), "buyer_address", 1000, optional=True)
    raw_items = data.get("items")
    items: list[OrderItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("items must be a non-empty list")
    elif len(raw_items) > MAX_ORDER_ITEMS:
        problems.append(f"an order has at most {MAX_ORDER_ITEMS} items")
    else:
        for index, raw in enumerate(raw_items):
            where = f"items[{index}]"
            if not isinstance(raw, Mapping):
                problems.append(f"{where} must be an object")
                continue
            sku = text(raw.get("sku"), f"{where}.sku", SKU_LENGTH)
            qty = raw.get("qty")
            if type(qty) is not int or not 0 < qty <= MAX_QTY:
                problems.append(f"{where}.qty must be a positive integer (at most {MAX_QTY})")
                qty = None
            category = text(raw.get("category"), f"{where}.category", MAX_CATEGORY_LENGTH, optional=True)
            if sku is not None and qty is not None:
                items.append(OrderItem(sku, qty, category))
    if problems or order_id is None or shop is None:
        raise RoutingError("invalid order: " + "; ".join(problems), code="INVALID_ORDER")
    return Order(order_id, shop, tuple(items), buyer_address)


@dataclass(frozen=True, slots=True)
class Shipment:
    """The items that go back to one warehouse, and the return address the parcel carries."""

    index: int
    warehouse: Warehouse
    item_indexes: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "warehouse_id": self.warehouse.id,
            "warehouse_name": self.warehouse.name,
            "contact_name": self.warehouse.contact_name,
            "phone": self.warehouse.phone,
            "return_address": self.warehouse.normalized_address,
            "items": list(self.item_indexes),
        }


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """Per item its warehouse and rule; per warehouse one shipment with its return address."""

    order: Order
    config_hash: str
    buyer_district_code: str | None
    matches: tuple[Match, ...]
    shipments: tuple[Shipment, ...]

    def shipment_of(self, item_index: int) -> Shipment:
        return next(s for s in self.shipments if item_index in s.item_indexes)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for index, (item, found) in enumerate(zip(self.order.items, self.matches, strict=True)):
            items.append(
                {
                    "index": index,
                    **item.to_dict(),
                    "warehouse_id": found.warehouse.id,
                    "rule_id": found.rule.id,
                    "shipment": self.shipment_of(index).index,
                    "explanation": found.explanation,
                }
            )
        return {
            "order_id": self.order.order_id,
            "shop": self.order.shop,
            "config_hash": self.config_hash,
            "buyer_district_code": self.buyer_district_code,
            "items": items,
            "shipments": [shipment.to_dict() for shipment in self.shipments],
        }

    def ledger_items(self) -> list[DecisionItem]:
        result = []
        for index, (item, found) in enumerate(zip(self.order.items, self.matches, strict=True)):
            warehouse = found.warehouse
            result.append(
                DecisionItem(
                    item_index=index,
                    sku=item.sku,
                    qty=item.qty,
                    category=item.category,
                    warehouse_id=warehouse.id,
                    rule_id=found.rule.id,
                    shipment_index=self.shipment_of(index).index,
                    return_address=warehouse.normalized_address,
                    contact_name=warehouse.contact_name,
                    phone=warehouse.phone,
                )
            )
        return result


def buyer_district(address: str | None) -> str | None:
    """The county code of a buyer address, when it can be read without doubt; otherwise None."""
    if not address:
        return None
    from addrcheck import validate

    result = validate(address, policy="loose")
    district = result.components.get("district")
    if result.status.value not in _USABLE_BUYER_STATUSES or district is None:
        return None
    return district.code


def plan_order(config: WarehouseConfig, order: Order | Mapping[str, Any]) -> OrderPlan:
    """Route every item of ``order`` (see the module docstring for its shape).

    Result: the plan; shipments are numbered in the order their first item appears.
    Errors: ``RoutingError`` code ``INVALID_ORDER`` (bad order), ``NO_WAREHOUSE_FOR_SKU`` (listing every
    SKU that has no warehouse; nothing is routed then).
    """
    parsed = parse_order(order)
    district = buyer_district(parsed.buyer_address)
    matches: list[Match] = []
    unrouted: list[str] = []
    for index, item in enumerate(parsed.items):
        try:
            matches.append(
                match_sku(
                    config, item.sku, category=item.category, shop=parsed.shop, buyer_district_code=district
                )
            )
        except RoutingError as exc:
            if exc.code != "NO_WAREHOUSE_FOR_SKU":
                raise
            unrouted.append(f"items[{index}] {exc.message}")
    if unrouted:
        raise RoutingError(
            f"order {parsed.order_id!r} cannot be routed: " + "; ".join(unrouted), code="NO_WAREHOUSE_FOR_SKU"
        )
    groups: dict[str, list[int]] = {}
    for index, found in enumerate(matches):
        groups.setdefault(found.warehouse.id, []).append(index)
    shipments = tuple(
        Shipment(number, config.warehouses[warehouse_id], tuple(indexes))
        for number, (warehouse_id, indexes) in enumerate(groups.items())
    )
    return OrderPlan(parsed, config.config_hash, district, tuple(matches), shipments)


def ship_order(
    engine: Engine,
    merchant_id: str,
    config: WarehouseConfig,
    order: Order | Mapping[str, Any],
    *,
    recompute: bool = False,
) -> LedgerOutcome:
    """The pre-ship hook: the recorded decision for the order, planning and recording it if needed.

    Args:
        engine: the ledger database, schema current (``addrcheck.storage.upgrade_database``).
        merchant_id: whose order it is.
        config: the merchant's current warehouse configuration.
        order: see the module docstring.
        recompute: if the order was decided under another configuration (or with other contents),
            record a new decision; the old one stays in the history.

    Result: ``LedgerOutcome`` (``entry.payload`` is ``OrderPlan.to_dict()`` as recorded; ``created``).
    Errors: as ``plan_order`` (nothing is recorded), and ``RoutingError`` code ``ORDER_CHANGED`` from
    ``decide_once`` when the same order id comes back with other contents without ``recompute``.
    """
    parsed = parse_order(order)

    def decide() -> NewDecision:
        plan = plan_order(config, parsed)
        return NewDecision(config.config_hash, parsed.order_hash, plan.to_dict(), plan.ledger_items())

    return decide_once(
        engine,
        merchant_id,
        parsed.order_id,
        config_hash=config.config_hash,
        order_hash=parsed.order_hash,
        decide=decide,
        recompute=recompute,
    )
