"""ORM models: the tables behind the decision ledger, merchants, API keys, warehouse configurations and
audit jobs.

The schema itself is owned by the Alembic migrations in ``addrcheck/storage/migrations``; a test checks
that these models and the migrations agree. Times are stored in UTC (SQLite returns them naive; read them
through ``as_utc``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so later migrations can alter them on SQLite (batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MERCHANT_ID_LENGTH = 64
ORDER_ID_LENGTH = 128
SKU_LENGTH = 128
AUDIT_JOB_ID_LENGTH = 32  # uuid4 hex
AUDIT_JOB_STATUSES = ("queued", "running", "done", "failed")


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """The same instant with tzinfo=UTC (SQLite hands back naive datetimes that were stored as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(String(MERCHANT_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utc_now)


class ApiKey(Base):
    """An API key of a merchant; only its sha256 is stored, and its first 8 characters for lookup."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(
        String(MERCHANT_ID_LENGTH), ForeignKey("merchants.id"), nullable=False, index=True
    )
    prefix: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WarehouseConfigRow(Base):
    """One version of a merchant's warehouse file; exactly one row per merchant is active."""

    __tablename__ = "warehouse_configs"
    __table_args__ = (
        CheckConstraint("format IN ('toml', 'yaml')", name="format"),
        # At most one active configuration per merchant, enforced by the database itself.
        Index(
            "uq_warehouse_configs_active_merchant",
            "merchant_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(
        String(MERCHANT_ID_LENGTH), ForeignKey("merchants.id"), nullable=False, index=True
    )
    config_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    source_text: Mapped[str] = mapped_column(Text, nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utc_now)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class DecisionRow(Base):
    """One recorded routing decision for an order; revisions > 1 are recomputations (history is kept)."""

    __tablename__ = "decisions"
    __table_args__ = (
        # The idempotency guarantee: one row per (merchant, order, revision), whatever the number of writers.
        UniqueConstraint("merchant_id", "order_id", "revision", name="uq_decisions_merchant_order_revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(
        String(MERCHANT_ID_LENGTH), ForeignKey("merchants.id"), nullable=False
    )
    order_id: Mapped[str] = mapped_column(String(ORDER_ID_LENGTH), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    config_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    order_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utc_now)
    # The decision exactly as it was returned to the caller (canonical JSON text, kept byte for byte).
    payload: Mapped[str] = mapped_column(Text, nullable=False)

    items: Mapped[list[DecisionItemRow]] = relationship(
        back_populates="decision", order_by="DecisionItemRow.item_index", lazy="selectin"
    )


class DecisionItemRow(Base):
    """One order item of a decision: where it ships back to, and why."""

    __tablename__ = "decision_items"
    __table_args__ = (UniqueConstraint("decision_id", "item_index", name="uq_decision_items_decision_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(Integer, ForeignKey("decisions.id"), nullable=False, index=True)
    item_index: Mapped[int] = mapped_column(Integer, nullable=False)
    sku: Mapped[str] = mapped_column(String(SKU_LENGTH), nullable=False)
    qty: Mapped[int] = mapped_column(Integer, nullable=False)
    category: Mapped[str | None] = mapped_column(String(128), nullable=True)
    warehouse_id: Mapped[str] = mapped_column(String(64), nullable=False)
    rule_id: Mapped[str] = mapped_column(String(128), nullable=False)
    shipment_index: Mapped[int] = mapped_column(Integer, nullable=False)
    return_address: Mapped[str] = mapped_column(Text, nullable=False)
    contact_name: Mapped[str] = mapped_column(String(64), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False)

    decision: Mapped[DecisionRow] = relationship(back_populates="items")


class AuditJobRow(Base):
    """One uploaded file to audit, its progress and the lease of the worker running it.

    A worker claims a queued job, or a running one whose lease expired (its worker died), by setting
    ``claim_token`` and ``lease_expires_at``; it renews the lease with ``heartbeat_at`` while it runs and
    writes only while its token is still the job's. The files live under the data directory, by id.
    """

    __tablename__ = "audit_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index("ix_audit_jobs_merchant_created", "merchant_id", "created_at"),
        Index("ix_audit_jobs_status_lease", "status", "lease_expires_at"),
    )

    id: Mapped[str] = mapped_column(String(AUDIT_JOB_ID_LENGTH), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(
        String(MERCHANT_ID_LENGTH), ForeignKey("merchants.id"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    format: Mapped[str] = mapped_column(String(16), nullable=False)
    encoding: Mapped[str | None] = mapped_column(String(32), nullable=True)
    column: Mapped[str | None] = mapped_column(String(200), nullable=True)
    policy: Mapped[str] = mapped_column(String(64), nullable=False)
    upload_bytes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The engine's JSON summary of a finished job (counts by status and reason), kept for the listing.
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
