"""Alembic environment for addrcheck; run through ``addrcheck.storage.upgrade_database``.

The caller hands over an open connection (``config.attributes["connection"]``) already inside a
transaction, so the whole upgrade commits or rolls back as one.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from addrcheck.storage.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through addrcheck.storage.upgrade_database(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
