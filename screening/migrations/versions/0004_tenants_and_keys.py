"""tenants and API keys; stored reports belong to a tenant

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 17:20:00

Issue 15 (first part). Every stored report existing before belongs to tenant `default`, which
is created here so that the CLI (an administrator of `default`) keeps seeing them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tenant = op.create_table(
        "tenant",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.bulk_insert(tenant, [{"id": "default", "created_at": datetime.now(UTC)}])
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_api_key_tenant_id", "api_key", ["tenant_id"])
    op.add_column(
        "stored_report",
        sa.Column("tenant_id", sa.String(64), nullable=False, server_default="default"),
    )
    op.create_index("ix_stored_report_tenant_id", "stored_report", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_stored_report_tenant_id", table_name="stored_report")
    with op.batch_alter_table("stored_report") as batch:
        batch.drop_column("tenant_id")
    op.drop_index("ix_api_key_tenant_id", table_name="api_key")
    op.drop_table("api_key")
    op.drop_table("tenant")
