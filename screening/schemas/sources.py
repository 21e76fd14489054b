"""Lists, their snapshots, one listed entity, refresh outcomes and diffs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "refresh_failed", "no_data"]


class SourceSummary(BaseModel):
    """One list: its active version and how it got there (`screening lists --json`)."""

    source: str = Field(description="source id, e.g. us_ofac_sdn or custom:vendors")
    name: str
    publisher: str
    publisher_url: str
    version: str | None = Field(description="<published or fetched date>-<hash8>; null: no data")
    published_at: str | None = Field(description="the publisher's date of the data (ISO date)")
    fetched_at: str | None = Field(description="when it was obtained (ISO datetime)")
    entity_count: int
    completeness: str | None = Field(description="full | sample")
    status: Status
    last_error: str | None
    last_attempt_at: str | None
    record_type: str = Field(description="party (screened names) or vulnerability (CISA KEV)")
    origin: str | None = Field(description="live | bundled | upload | import")
    verified_at: str | None = Field(
        default=None,
        description="bundled-only sources (a statute, a PDF): the day the bundled copy was last "
        "checked current; list ages are measured from it",
    )
    jurisdiction: str | None = Field(default=None, description="whose measure: UK, UN, EU, US")
    uk_force: str | None = Field(
        default=None,
        description="for a UK buyer: binding (UK law), guidance (UK government), context",
    )
    uk_force_note: str = Field(default="", description="why, in a sentence")


class SnapshotInfo(BaseModel):
    """One stored version of a list, or one failed refresh attempt (status `failed`)."""

    id: int
    version: str | None
    status: str
    published_at: str | None
    fetched_at: str
    origin: str | None
    origin_url: str | None
    entity_count: int
    counts: dict[str, Any]
    completeness: str | None
    records_hash: str | None
    error: str | None


class EntityName(BaseModel):
    name: str
    type: str
    quality: str | None = None


class Provenance(BaseModel):
    source: str
    source_name: str
    publisher: str
    publisher_url: str
    snapshot_version: str | None
    published_at: str | None
    fetched_at: str
    origin: str | None
    origin_url: str | None
    completeness: str | None
    listed_on: str | None


class Entity(BaseModel):
    """One listed entity of a source's active snapshot, with its names and provenance."""

    entity_id: str
    source: str
    local_id: str
    kind: str
    name: str
    names: list[EntityName]
    programs: list[str]
    countries: list[str]
    addresses: list[str]
    identifiers: list[dict[str, Any]]
    listing_dates: list[Any]
    listed_on: str | None
    remarks: str | None
    details: dict[str, Any]
    provenance: Provenance


RefreshResult = Literal["created", "unchanged", "failed", "skipped"]


class RefreshOutcome(BaseModel):
    """What one refresh (or import or upload) did to one source."""

    source_id: str
    result: RefreshResult
    version: str | None = None
    previous_version: str | None = None
    entity_count: int = 0
    detail: str | None = None


class DiffEntry(BaseModel):
    """An entity added or removed: its id, name and kind."""

    model_config = ConfigDict(extra="allow")
    entity_id: str
    name: str | None = None
    kind: str | None = None


class FieldChange(BaseModel):
    old: Any = None
    new: Any = None


class ChangedEntry(BaseModel):
    """An entity present in both versions, with each changed field's old and new value."""

    model_config = ConfigDict(extra="allow")
    entity_id: str
    name: str | None = None
    fields: dict[str, FieldChange]


class Diff(BaseModel):
    """What changed between two versions of a list (`screening diff --json`)."""

    model_config = ConfigDict(populate_by_name=True)
    source: str
    from_version: str | None = Field(alias="from", serialization_alias="from")
    to: str | None
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[ChangedEntry]
