"""one active snapshot per source; compact stored reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:20:00

Issue 19. (1) Concurrent refreshes left two `active` snapshots for one source: the database now
allows at most one (a partial unique index, the same on SQLite and PostgreSQL). A database
already forked keeps the snapshot its source points at and marks the other `superseded`.
(2) A stored report was one unbounded JSON value (1.47 GB for 341,000 rows): reports are now
stored gzip-compressed in `body` with their stored size in `size_bytes`, and `report` holds
`{}` for them. Rows stored before keep their `report` and are read as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.execute(
        "UPDATE snapshot SET status = 'superseded' WHERE status = 'active' AND id NOT IN "
        "(SELECT active_snapshot_id FROM source WHERE active_snapshot_id IS NOT NULL)"
    )
    op.create_index(
        "uq_snapshot_one_active",
        "snapshot",
        ["source_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.add_column("stored_report", sa.Column("body", sa.LargeBinary(), nullable=True))
    op.add_column(
        "stored_report",
        sa.Column("size_bytes", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_stored_report_created_at", "stored_report", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_stored_report_created_at", table_name="stored_report")
    with op.batch_alter_table("stored_report") as batch:
        batch.drop_column("size_bytes")
        batch.drop_column("body")
    op.drop_index("uq_snapshot_one_active", table_name="snapshot")
