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
