"""Storage: the database behind the decision ledger, merchants, API keys and warehouse configurations.

    >>> from addrcheck.storage import get_engine, upgrade_database, session_scope
    >>> engine = get_engine()          # ADDRCHECK_DATABASE_URL, default sqlite:///var/addrcheck.sqlite3
    >>> upgrade_database(engine)       # run on start; a no-op when the schema is current

Tables (see ``models``): ``merchants``, ``api_keys``, ``warehouse_configs``, ``decisions`` and
``decision_items``. Nothing connects at import time.
"""

from __future__ import annotations

from addrcheck.storage.engine import (
    dispose_engines,
    downgrade_database,
    get_engine,
    make_engine,
    session_scope,
    upgrade_database,
)
from addrcheck.storage.ledger import (
    DecisionItem,
    LedgerEntry,
    LedgerOutcome,
    NewDecision,
    decide_once,
    ensure_merchant,
    get_decision,
    get_history,
)
from addrcheck.storage.models import ApiKey, Base, DecisionItemRow, DecisionRow, Merchant, WarehouseConfigRow
from addrcheck.storage.warehouse_configs import (
    StoredWarehouseConfig,
    get_active_warehouse_config,
    list_warehouse_configs,
    save_warehouse_config,
)

__all__ = [
    "ApiKey",
    "Base",
    "DecisionItem",
    "DecisionItemRow",
    "DecisionRow",
    "LedgerEntry",
    "LedgerOutcome",
    "Merchant",
    "NewDecision",
    "StoredWarehouseConfig",
    "WarehouseConfigRow",
    "decide_once",
    "dispose_engines",
    "downgrade_database",
    "ensure_merchant",
    "get_active_warehouse_config",
    "get_decision",
    "get_engine",
    "get_history",
    "list_warehouse_configs",
    "make_engine",
    "save_warehouse_config",
    "session_scope",
    "upgrade_database",
]
