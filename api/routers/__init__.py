"""One router per resource: addresses, divisions, warehouses, orders, and meta (health, readiness)."""
