"""Initial schema: merchants, API keys, warehouse configurations, the decision ledger.

Revision ID: 0001_initial
Revises:
Create Date: 2024-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merchants",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_merchants"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], name="fk_api_keys_merchant_id_merchants"),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_api_keys_merchant_id", "api_keys", ["merchant_id"])
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])
    op.create_table(
        "warehouse_configs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("format IN ('toml', 'yaml')", name="ck_warehouse_configs_format"),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name="fk_warehouse_configs_merchant_id_merchants"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_warehouse_configs"),
    )
    op.create_index("ix_warehouse_configs_merchant_id", "warehouse_configs", ["merchant_id"])
    op.create_index(
        "uq_warehouse_configs_active_merchant",
        "warehouse_configs",
        ["merchant_id"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(128), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("order_hash", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], name="fk_decisions_merchant_id_merchants"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint(
            "merchant_id", "order_id", "revision", name="uq_decisions_merchant_order_revision"
        ),
    )
    op.create_table(
        "decision_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(128), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(128), nullable=True),
        sa.Column("warehouse_id", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(128), nullable=False),
        sa.Column("shipment_index", sa.Integer(), nullable=False),
        sa.Column("return_address", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_decision_items_decision_id_decisions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decision_items"),
        sa.UniqueConstraint("decision_id", "item_index", name="uq_decision_items_decision_item"),
    )
    op.create_index("ix_decision_items_decision_id", "decision_items", ["decision_id"])


def downgrade() -> None:
    op.drop_table("decision_items")
    op.drop_table("decisions")
    op.drop_index("uq_warehouse_configs_active_merchant", table_name="warehouse_configs")
    op.drop_table("warehouse_configs")
    op.drop_table("api_keys")
    op.drop_table("merchants")
