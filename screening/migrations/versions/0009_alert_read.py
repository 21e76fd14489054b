"""alert reads: which alerts each person has marked as read (the Alerts page, issue 16)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Read state is per person (one analyst reading an alert does not hide it from another);
    # the alert's tenant is kept so that a tenant's rows can be found and removed together.
    op.create_table(
        "alert_read",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("reader", sa.String(320), primary_key=True),
        sa.Column("alert_id", sa.Integer(), primary_key=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_read")
