"""the vendor master: a tenant's suppliers with their latest screening

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:00:00

Issue 15, point 2.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("name", sa.String(1000), nullable=False),
        sa.Column("country", sa.String(64), nullable=True),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("screened_at", sa.DateTime(), nullable=True),
        sa.Column("snapshots", sa.JSON(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_vendor_tenant_name", "vendor", ["tenant_id", "name"])


def downgrade() -> None:
    op.drop_index("ix_vendor_tenant_name", table_name="vendor")
    op.drop_table("vendor")
