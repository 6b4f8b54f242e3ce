"""The decision ledger: which return address every order was given, and why.

A decision is recorded once per (merchant, order id). Asking again returns the recorded decision, so the
pre-ship hook can be retried freely. A recomputation (``recompute=True``) records a new revision only when
the warehouse configuration or the order changed; older revisions stay, as the merchant's history.

Guarantees, tested with real processes against a real SQLite file:

* two processes deciding the same order at once record ONE decision; the loser returns the winner's;
* a crash in the middle of recording leaves nothing behind (the decision and its items are one transaction).

The first comes from the unique constraint on (merchant_id, order_id, revision): whoever inserts second
gets an IntegrityError, rolls back and reads the winner's row. On SQLite the write transaction also takes
the write lock up front, so the second writer simply waits and then finds the first one's row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addrcheck.errors import RoutingError
from addrcheck.storage.engine import session_scope
from addrcheck.storage.models import DecisionItemRow, DecisionRow, Merchant, as_utc, utc_now

MAX_WRITE_ATTEMPTS = 5  # a lost race costs one retry; more than a few means something else is wrong


@dataclass(frozen=True, slots=True)
class DecisionItem:
    """One order item as decided: its warehouse, the rule that chose it and the exact return address."""

    item_index: int
    sku: str
    qty: int
    category: str | None
    warehouse_id: str
    rule_id: str
    shipment_index: int
    return_address: str
    contact_name: str
    phone: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_index": self.item_index,
            "sku": self.sku,
            "qty": self.qty,
            "category": self.category,
            "warehouse_id": self.warehouse_id,
            "rule_id": self.rule_id,
            "shipment_index": self.shipment_index,
            "return_address": self.return_address,
            "contact_name": self.contact_name,
            "phone": self.phone,
        }


@dataclass(frozen=True, slots=True)
class NewDecision:
    """What a decision function hands to the ledger: the JSON payload returned to the caller, and items."""

    config_hash: str
    order_hash: str
    payload: Mapping[str, Any]
    items: Sequence[DecisionItem]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A recorded decision (one revision)."""

    merchant_id: str
    order_id: str
    revision: int
    config_hash: str
    order_hash: str
    decided_at: datetime  # UTC
    payload: Mapping[str, Any]
    items: tuple[DecisionItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "order_id": self.order_id,
            "revision": self.revision,
            "decided_at": self.decided_at.isoformat(),
            "config_hash": self.config_hash,
            "order_hash": self.order_hash,
            "decision": dict(self.payload),
        }


@dataclass(frozen=True, slots=True)
class LedgerOutcome:
    """The answer of ``decide_once``: the current decision, and whether this call recorded it."""

    entry: LedgerEntry
    created: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.entry.to_dict(), "created": self.created}


def canonical_json(value: Any) -> str:
    """The one JSON spelling used for hashes and the stored payload (sorted keys, UTF-8, no spaces)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _entry(row: DecisionRow) -> LedgerEntry:
    return LedgerEntry(
        merchant_id=row.merchant_id,
        order_id=row.order_id,
        revision=row.revision,
        config_hash=row.config_hash,
        order_hash=row.order_hash,
        decided_at=as_utc(row.decided_at),
        payload=json.loads(row.payload),
        items=tuple(
            DecisionItem(
                item_index=item.item_index,
                sku=item.sku,
                qty=item.qty,
                category=item.category,
                warehouse_id=item.warehouse_id,
                rule_id=item.rule_id,
                shipment_index=item.shipment_index,
                return_address=item.return_address,
                contact_name=item.contact_name,
                phone=item.phone,
            )
            for item in row.items
        ),
    )


def _current_row(session: Session, merchant_id: str, order_id: str) -> DecisionRow | None:
    statement = (
        select(DecisionRow)
        .where(DecisionRow.merchant_id == merchant_id, DecisionRow.order_id == order_id)
        .order_by(DecisionRow.revision.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def get_decision(engine: Engine, merchant_id: str, order_id: str) -> LedgerEntry | None:
    """The current (newest) recorded decision for the order, or None if it was never decided."""
    with session_scope(engine) as session:
        row = _current_row(session, merchant_id, order_id)
        return _entry(row) if row is not None else None


def get_history(engine: Engine, merchant_id: str, order_id: str) -> list[LedgerEntry]:
    """Every recorded revision for the order, oldest first (empty if it was never decided)."""
    with session_scope(engine) as session:
        rows = session.scalars(
            select(DecisionRow)
            .where(DecisionRow.merchant_id == merchant_id, DecisionRow.order_id == order_id)
            .order_by(DecisionRow.revision)
        ).all()
        return [_entry(row) for row in rows]


def ensure_merchant(session: Session, merchant_id: str, name: str = "") -> Merchant:
    """The merchant row, created if missing (inside the caller's transaction)."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        merchant = Merchant(id=merchant_id, name=name or merchant_id, created_at=utc_now())
        session.add(merchant)
        session.flush()
    return merchant


def _reuse(current: LedgerEntry, order_hash: str, config_hash: str, recompute: bool) -> bool:
    """Whether the recorded decision answers this request; raises if the order itself changed."""
    if current.order_hash == order_hash and current.config_hash == config_hash:
        return True
    if recompute:
        return False
    if current.order_hash != order_hash:
        raise RoutingError(
            f"order {current.order_id!r} was already decided (revision {current.revision}) with different "
            "contents; ask again with recompute to record a new decision",
            code="ORDER_CHANGED",
        )
    return True  # the configuration changed, but without recompute the recorded decision stands


def decide_once(
    engine: Engine,
    merchant_id: str,
    order_id: str,
    *,
    config_hash: str,
    order_hash: str,
    decide: Callable[[], NewDecision],
    recompute: bool = False,
) -> LedgerOutcome:
    """Return the recorded decision for the order, or compute one with ``decide()`` and record it.

    Args:
        engine: the ledger database (``get_engine()``); the schema must be current (``upgrade_database``).
        merchant_id: created in ``merchants`` if missing.
        order_id: the marketplace order id.
        config_hash, order_hash: identify the configuration version and the order contents of this request.
        decide: computes the decision; called at most once, outside any transaction, and only when nothing
            reusable is recorded. Its exceptions propagate and nothing is recorded.
        recompute: record a new revision if the configuration or the order differ from the recorded ones.

    Result: the current decision; ``created`` tells whether this call recorded it.

    Errors: ``RoutingError`` code ``ORDER_CHANGED`` when the order was decided with other contents and
    ``recompute`` is false; ``decide``'s own errors; ``sqlalchemy.exc.OperationalError`` if the database
    stays locked longer than the busy timeout.
    """
    current = get_decision(engine, merchant_id, order_id)
    if current is not None and _reuse(current, order_hash, config_hash, recompute):
        return LedgerOutcome(current, created=False)

    new = decide()
    if (new.config_hash, new.order_hash) != (config_hash, order_hash):
        raise ValueError("decide() returned a decision for another configuration or order")
    payload_text = canonical_json(new.payload)

    lost_race: tuple[int, IntegrityError] | None = None  # (revision we tried to insert, the error)
    own_error: IntegrityError | None = None
    for _attempt in range(MAX_WRITE_ATTEMPTS):
        try:
            with session_scope(engine, write=True) as session:
                row = _current_row(session, merchant_id, order_id)
                revision = 1 if row is None else row.revision + 1
                if lost_race is not None and revision <= lost_race[0]:
                    own_error = lost_race[
                        1
                    ]  # nobody else wrote that revision: the error was ours, not a race
                    break
                if row is not None:
                    recorded = _entry(row)
                    if _reuse(recorded, order_hash, config_hash, recompute):
                        return LedgerOutcome(recorded, created=False)
                ensure_merchant(session, merchant_id)
                decision = DecisionRow(
                    merchant_id=merchant_id,
                    order_id=order_id,
                    revision=revision,
                    config_hash=config_hash,
                    order_hash=order_hash,
                    decided_at=utc_now(),
                    payload=payload_text,
                )
                decision.items = [
                    DecisionItemRow(**item.to_dict())
                    for item in sorted(new.items, key=lambda i: i.item_index)
                ]
                session.add(decision)
                try:
                    session.flush()
                except IntegrityError as exc:
                    lost_race = (revision, exc)
                    raise
                entry = _entry(decision)
            return LedgerOutcome(entry, created=True)
        except IntegrityError:
            continue  # another writer may have recorded this revision first: read what it wrote
    if own_error is not None:
        raise own_error
    raise RuntimeError(
        f"could not record a decision for order {order_id!r} after {MAX_WRITE_ATTEMPTS} attempts"
    )
