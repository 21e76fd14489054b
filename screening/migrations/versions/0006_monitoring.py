"""monitoring: alerts, reviews, webhooks and deliveries, the audit log, durable jobs; custom
lists per tenant; what a vendor was screened against

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:40:00

Issue 15, points 3-6. Custom lists made before belong to tenant `default` (the CLI's tenant).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _json(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.JSON(), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("tenant_id", sa.String(64), nullable=True))
    op.execute("UPDATE source SET tenant_id = 'default' WHERE id LIKE 'custom:%'")
    with op.batch_alter_table("vendor") as batch:
        batch.add_column(sa.Column("screened_key", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("listing_hashes", sa.JSON(), nullable=False, server_default="{}")
        )
    op.create_index("ix_vendor_screened_key", "vendor", ["screened_key"])
    # A stored inventory keeps its upload (gzip) so that it can be scored again when the lists
    # change, and the key of the list versions it was last scored against.
    with op.batch_alter_table("stored_report") as batch:
        batch.add_column(sa.Column("upload", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("screened_key", sa.String(16), nullable=True))
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        _json("data"),
    )
    op.create_index("ix_alert_tenant_id_id", "alert", ["tenant_id", "id"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("vendor_id", sa.String(36), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=True),
        _json("snapshots"),
    )
    op.create_index("ix_review_vendor_entity", "review", ["vendor_id", "entity_id"])
    op.create_table(
        "webhook",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        _json("events"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_webhook_tenant_id", "webhook", ["tenant_id"])
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("webhook_id", sa.String(36), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("webhook_id", "alert_id"),
    )
    op.create_index("ix_delivery_webhook_id", "delivery", ["webhook_id"])
    op.create_index("ix_delivery_status_next", "delivery", ["status", "next_attempt_at"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        _json("snapshots"),
        _json("detail"),
    )
    op.create_index("ix_audit_tenant_id_id", "audit", ["tenant_id", "id"])
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        _json("trigger"),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
    )


def downgrade() -> None:
    for table in ("job", "audit", "delivery", "webhook", "review", "alert"):
        op.drop_table(table)
    with op.batch_alter_table("stored_report") as batch:
        batch.drop_column("screened_key")
        batch.drop_column("upload")
    op.drop_index("ix_vendor_screened_key", table_name="vendor")
    with op.batch_alter_table("vendor") as batch:
        batch.drop_column("listing_hashes")
        batch.drop_column("screened_key")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("tenant_id")
