"""SQLModel tables. Same schema on SQLite and PostgreSQL, created by Alembic migrations.

Entities are stored per snapshot, so an old version stays readable (and diffable) after a new one
becomes active; `Source.active_snapshot_id` is the single switch a refresh flips.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class SourceRow(SQLModel, table=True):
    __tablename__ = "source"

    id: str = Field(primary_key=True, max_length=200)
    name: str
    publisher: str = ""
    publisher_url: str = ""
    record_type: str = "party"
    # Migration 0006: a custom list belongs to one tenant (None: public, seen by every tenant).
    tenant_id: str | None = Field(default=None, max_length=64)
    # No foreign key: snapshot already points at source, and a cycle would break table ordering.
    active_snapshot_id: int | None = None
    status: str = "no_data"  # ok | refresh_failed | no_data
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    # ETag / Last-Modified per URL, for conditional GETs.
    http_cache: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Snapshot(SQLModel, table=True):
    __tablename__ = "snapshot"
    __table_args__ = (Index("ix_snapshot_source_created", "source_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", max_length=200)
    version: str | None = Field(default=None, max_length=64)
    published_at: date | None = None
    fetched_at: datetime
    origin_url: str | None = None
    origin: str = "live"  # live | bundled | import | upload
    records_hash: str | None = Field(default=None, max_length=64)
    entity_count: int = 0
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    completeness: str | None = None  # full | sample
    status: str = "loading"  # loading | active | superseded | failed
    error: str | None = None


class ListedEntity(SQLModel, table=True):
    __tablename__ = "listed_entity"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "entity_id"),
        Index("ix_listed_entity_entity_id", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshot.id", index=True)
    source_id: str = Field(max_length=200)
    entity_id: str
    local_id: str
    kind: str = Field(max_length=32)
    name: str
    # Every alias as {"value", "type", "quality"}: the record is reconstructible for diffs.
    aliases: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    programs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    countries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    addresses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    identifiers: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    listing_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    listed_on: date | None = None
    remarks: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    record_hash: str = Field(max_length=64)


class EntityName(SQLModel, table=True):
    __tablename__ = "entity_name"
    __table_args__ = (
        Index("ix_entity_name_norm", "normalized"),
        Index("ix_entity_name_snapshot", "snapshot_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_pk: int = Field(foreign_key="listed_entity.id", index=True)
    snapshot_id: int = Field(foreign_key="snapshot.id")
    name: str
    name_type: str = Field(max_length=16)  # primary | aka | fka | nka | weak
    quality: str | None = None
    normalized: str


class SnapshotDiff(SQLModel, table=True):
    """What changed from one version of a source to the next, stored when the new one is made."""

    __tablename__ = "snapshot_diff"
    __table_args__ = (UniqueConstraint("from_snapshot_id", "to_snapshot_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", max_length=200, index=True)
    from_snapshot_id: int = Field(foreign_key="snapshot.id")
    to_snapshot_id: int = Field(foreign_key="snapshot.id")
    from_version: str = Field(max_length=64)
    to_version: str = Field(max_length=64)
    added: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    removed: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    changed: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class StoredReport(SQLModel, table=True):
    """An uploaded inventory or purchase order as scored, with the list versions it used."""

    __tablename__ = "stored_report"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16)  # inventory | po
    filename: str
    profile: str = Field(max_length=32)
    created_at: datetime
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Migration 0003: the report gzip-compressed (rows stored before keep `report` instead).
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    size_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # Migration 0004: the tenant the upload belongs to (reports are invisible to other tenants).
    tenant_id: str = Field(default="default", max_length=64, index=True)
    # Migration 0006: the upload itself (gzip), to score it again when the lists change, and
    # the key of the list versions it was last scored against.
    upload: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    screened_key: str | None = Field(default=None, max_length=16)


class Tenant(SQLModel, table=True):
    """A customer of the service. Public lists are shared; what a tenant stores is its own."""

    __tablename__ = "tenant"

    id: str = Field(primary_key=True, max_length=64)
    created_at: datetime


class ApiKey(SQLModel, table=True):
    """A machine's key: only its SHA-256 and its visible prefix are kept (see `auth.keys`)."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=64, index=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # admin | analyst | ci
    prefix: str = Field(max_length=16, unique=True)
    key_hash: str = Field(max_length=64)
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class Vendor(SQLModel, table=True):
    """A supplier in a tenant's vendor master, with its latest screening (re-screened when the
    lists change)."""

    __tablename__ = "vendor"
    __table_args__ = (Index("ix_vendor_tenant_name", "tenant_id", "name"),)

    id: str = Field(primary_key=True, max_length=36)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=64)
    name: str = Field(max_length=1000)
    country: str | None = Field(default=None, max_length=64)
    identifiers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime
    screened_at: datetime | None = None
    # The list versions and the hits (parties at or above the threshold) of the last screening.
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    hits: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hit_count: int = 0
    # Migration 0006: a short key of the list versions screened against (a vendor whose key is
    # not the current one is due for re-screening), and each hit listing's record hash then.
    screened_key: str | None = Field(default=None, max_length=16, index=True)
    listing_hashes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class Alert(SQLModel, table=True):
    """A change of a screening outcome after a list changed (the `GET /v1/alerts` feed)."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_tenant_id_id", "tenant_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=64)
    type: str = Field(
        max_length=40
    )  # vendor.hit.added | .removed | .changed | inventory.tier.changed
    created_at: datetime
    subject_id: str = Field(max_length=36)  # the vendor's (or stored report's) id
    entity_id: str | None = None
    source: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Review(SQLModel, table=True):
    """An analyst's decision on one hit (vendor, listing), against the listing as it then was."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_vendor_entity", "vendor_id", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=64)
    vendor_id: str = Field(max_length=36)
    entity_id: str
    decision: str = Field(max_length=16)  # confirmed | dismissed
    reason: str
    actor: str = Field(max_length=200)
    role: str = Field(max_length=16)
    created_at: datetime
    record_hash: str | None = Field(default=None, max_length=64)
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Webhook(SQLModel, table=True):
    """A tenant's subscription: alerts are delivered to `url`, signed with `secret`."""

    __tablename__ = "webhook"

    id: str = Field(primary_key=True, max_length=36)
    tenant_id: str = Field(max_length=64, index=True)
    url: str = Field(max_length=2000)
    # Kept as given: it must sign every delivery, so it cannot be stored as a one-way hash.
    secret: str = Field(max_length=200)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    active: bool = True


class Delivery(SQLModel, table=True):
    """One alert to one webhook: attempts with backoff until delivered or given up."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "alert_id"),
        Index("ix_delivery_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: str = Field(max_length=36, index=True)
    alert_id: int
    msg_id: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16)  # pending|sending|delivered|failed
    attempts: int = 0
    next_attempt_at: datetime
    claimed_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only: every write and every screening decision a report or alert relied on."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_tenant_id_id", "tenant_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=64)
    at: datetime
    actor: str = Field(max_length=200)
    role: str = Field(max_length=16)
    action: str = Field(max_length=64)
    target: str | None = None
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Job(SQLModel, table=True):
    """Durable background work (re-screening after a list change): resumed after a crash."""

    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    status: str = Field(default="pending", max_length=16)  # pending | running | done | failed
    created_at: datetime
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    trigger: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    done: int = 0
    alerts: int = 0
    error: str | None = None


from .models_jobs import ScreenJob, ScreenJobPart  # noqa: E402, F401  (issue 18)
from .models_web import SignInFailure, User, WebSession  # noqa: E402, F401  (issue 16)
