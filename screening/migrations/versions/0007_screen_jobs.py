"""screen jobs: asynchronous bulk screening of an uploaded file (issue 18, point 4)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:20:00

The upload and the result are kept in the database in compressed parts (`screen_job_part`), so
that any API worker or job worker on any machine reaches them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_job",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("input_format", sa.String(16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("claim", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("input_bytes", sa.BigInteger(), nullable=False),
        sa.Column("result_bytes", sa.BigInteger(), nullable=False),
        sa.Column("result_format", sa.String(16), nullable=True),
        sa.Column("snapshots", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
    )
    op.create_index("ix_screen_job_status", "screen_job", ["status"])
    op.create_index("ix_screen_job_tenant_created", "screen_job", ["tenant_id", "created_at"])
    op.create_table(
        "screen_job_part",
        sa.Column("job_id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("screen_job_part")
    op.drop_index("ix_screen_job_tenant_created", table_name="screen_job")
    op.drop_index("ix_screen_job_status", table_name="screen_job")
    op.drop_table("screen_job")
