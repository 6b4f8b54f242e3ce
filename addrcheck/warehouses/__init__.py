"""Return warehouses: which warehouse takes each SKU back, and the pre-ship hook that records it.

    >>> from addrcheck.warehouses import load_config, match_sku, plan_order
    >>> config = load_config("data/warehouses.example.toml")
    >>> match_sku(config, "YW-1001").warehouse.id
    'yiwu'

``load_config`` validates a whole file (``ConfigError`` lists every problem); ``match_sku`` explains its
choice; ``plan_order``/``ship_order`` handle an order (``ship_order`` records it in the ledger).
"""

from __future__ import annotations

from addrcheck.warehouses.config import (
    ConfigProblem,
    Rule,
    Warehouse,
    WarehouseConfig,
    format_for,
    load_config,
    load_config_text,
    normalize_phone,
)
from addrcheck.warehouses.hook import (
    Order,
    OrderItem,
    OrderPlan,
    Shipment,
    parse_order,
    plan_order,
    ship_order,
)
from addrcheck.warehouses.routing import Match, match_sku

__all__ = [
    "ConfigProblem",
    "Match",
    "Order",
    "OrderItem",
    "OrderPlan",
    "Rule",
    "Shipment",
    "Warehouse",
    "WarehouseConfig",
    "format_for",
    "load_config",
    "load_config_text",
    "match_sku",
    "normalize_phone",
    "parse_order",
    "plan_order",
    "ship_order",
]
