"""Merchants' warehouse configurations, stored with their history.

A merchant has at most one active configuration (a partial unique index enforces it). Saving validates
the text first: an invalid file is rejected whole and the active one stays. Older versions remain as
inactive rows, so the ledger's ``config_hash`` can always be traced back to the text that produced it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from addrcheck.storage.engine import session_scope
from addrcheck.storage.ledger import ensure_merchant
from addrcheck.storage.models import WarehouseConfigRow, as_utc, utc_now

if TYPE_CHECKING:
    from addrcheck.warehouses.config import WarehouseConfig

_parsed: dict[tuple[str, str], WarehouseConfig] = {}  # (format, text) -> validated config
_parsed_lock = threading.Lock()
_PARSED_CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class StoredWarehouseConfig:
    """A stored version of a merchant's warehouse file, and the validated configuration it holds."""

    id: int
    merchant_id: str
    config_hash: str
    format: str
    source_text: str
    created_at: datetime
    active: bool
    config: WarehouseConfig


def _validated(text: str, fmt: str, source: str) -> WarehouseConfig:
    from addrcheck.warehouses.config import load_config_text

    key = (fmt, text)
    with _parsed_lock:
        cached = _parsed.get(key)
    if cached is not None:
        return cached
    config = load_config_text(text, fmt, source=source)
    with _parsed_lock:
        if len(_parsed) >= _PARSED_CACHE_SIZE:
            _parsed.pop(next(iter(_parsed)))
        _parsed[key] = config
    return config


def _stored(row: WarehouseConfigRow, config: WarehouseConfig) -> StoredWarehouseConfig:
    return StoredWarehouseConfig(
        id=row.id,
        merchant_id=row.merchant_id,
        config_hash=row.config_hash,
        format=row.format,
        source_text=row.source_text,
        created_at=as_utc(row.created_at),
        active=row.active,
        config=config,
    )


@contextmanager
def _session(target: Session | Engine, *, write: bool) -> Iterator[Session]:
    if isinstance(target, Session):
        yield target  # the caller's transaction: we flush, the caller commits
        target.flush()
    else:
        with session_scope(target, write=write) as session:
            yield session


def _active_row(session: Session, merchant_id: str) -> WarehouseConfigRow | None:
    return session.scalars(
        select(WarehouseConfigRow).where(
            WarehouseConfigRow.merchant_id == merchant_id, WarehouseConfigRow.active
        )
    ).first()


def save_warehouse_config(
    target: Session | Engine, merchant_id: str, text: str, fmt: str
) -> StoredWarehouseConfig:
    """Validate ``text`` and make it the merchant's active warehouse configuration.

    Args:
        target: an Engine (this function commits) or a Session (it only flushes; the caller commits).
        merchant_id: created if missing.
        text: the warehouse file, as uploaded.
        fmt: "toml" or "yaml".

    Result: the stored version. Saving text identical to the active version returns that row unchanged.

    Errors: ``ConfigError`` (every problem listed) before anything is written; the active configuration
    is then untouched. ``sqlalchemy.exc.IntegrityError`` if another writer activated a configuration for
    the same merchant at the same moment (PostgreSQL; SQLite serialises the two).
    """
    config = _validated(text, fmt, f"<{merchant_id}.{fmt}>")
    with _session(target, write=True) as session:
        ensure_merchant(session, merchant_id)
        current = _active_row(session, merchant_id)
        if current is not None and current.format == fmt and current.source_text == text:
            return _stored(current, config)
        if current is not None:
            current.active = False
            session.flush()  # the partial unique index allows one active row: retire the old one first
        row = WarehouseConfigRow(
            merchant_id=merchant_id,
            config_hash=config.config_hash,
            source_text=text,
            format=fmt,
            created_at=utc_now(),
            active=True,
        )
        session.add(row)
        session.flush()
        return _stored(row, config)


def get_active_warehouse_config(target: Session | Engine, merchant_id: str) -> StoredWarehouseConfig | None:
    """The merchant's active configuration, validated (cached per text), or None if it never saved one.

    Caveat: the text is re-validated against the current division data on first use in a process; if
    an address stopped passing the strict policy since it was saved, this raises ``ConfigError``.
    """
    with _session(target, write=False) as session:
        row = _active_row(session, merchant_id)
        if row is None:
            return None
        return _stored(row, _validated(row.source_text, row.format, f"<{merchant_id}.{row.format}>"))


def list_warehouse_configs(
    target: Session | Engine, merchant_id: str
) -> list[tuple[int, str, str, datetime, bool]]:
    """Every stored version for the merchant, oldest first.

    Result: ``(id, config_hash, format, created_at, active)`` tuples.
    """
    with _session(target, write=False) as session:
        rows = session.scalars(
            select(WarehouseConfigRow)
            .where(WarehouseConfigRow.merchant_id == merchant_id)
            .order_by(WarehouseConfigRow.id)
        ).all()
        return [(r.id, r.config_hash, r.format, as_utc(r.created_at), r.active) for r in rows]
