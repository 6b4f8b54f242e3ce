"""Audit jobs: uploaded files audited by a worker outside the request, claimed through the database.

Revision ID: 0002_audit_jobs
Revises: 0001_initial
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_audit_jobs"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("column", sa.String(200), nullable=True),
        sa.Column("policy", sa.String(64), nullable=False),
        sa.Column("upload_bytes", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("eta_seconds", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_audit_jobs_status"),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name="fk_audit_jobs_merchant_id_merchants"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_jobs"),
    )
    op.create_index("ix_audit_jobs_merchant_created", "audit_jobs", ["merchant_id", "created_at"])
    op.create_index("ix_audit_jobs_status_lease", "audit_jobs", ["status", "lease_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_jobs_status_lease", table_name="audit_jobs")
    op.drop_index("ix_audit_jobs_merchant_created", table_name="audit_jobs")
    op.drop_table("audit_jobs")
