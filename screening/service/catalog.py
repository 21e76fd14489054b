"""The lists: every source's summary, its snapshots, one entity, refresh and first load. Typed
results (`screening.schemas.sources`); the `Screening` object is how faces call these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

import httpx
from sqlmodel import Session, select

from ..errors import InputError, NotFoundError
from ..models import EntityName, ListedEntity, Snapshot, SourceRow
from ..schemas.sources import Entity, RefreshOutcome, SnapshotInfo, SourceSummary
from ..settings import Settings, get_settings
from ..snapshots import RefreshOutcome as Outcome
from ..snapshots import ensure_source_row, refresh_source, snapshots_of
from ..sources import ftm
from ..sources.base import SourceSpec
from ..sources.bundled import verified_at
from ..sources.fetch import make_client
from ..sources.ids import split_entity_id
from ..sources.registry import FIXED_SOURCES, get_spec
from ..store import Progress


def sync_registry(session: Session) -> None:
    """Make sure every fixed source has its row (so it lists as `no_data` before any load)."""
    for spec in FIXED_SOURCES:
        ensure_source_row(session, spec)
    session.commit()


def _summary(row: SourceRow, snap: Snapshot | None, data_dir: Path) -> SourceSummary:
    spec = get_spec(row.id)
    verified = (
        verified_at(data_dir, row.id) if snap is not None and snap.origin == "bundled" else None
    )
    return SourceSummary(
        source=row.id,
        name=row.name,
        publisher=row.publisher,
        publisher_url=row.publisher_url,
        version=snap.version if snap else None,
        published_at=snap.published_at.isoformat() if snap and snap.published_at else None,
        fetched_at=snap.fetched_at.isoformat() if snap else None,
        entity_count=snap.entity_count if snap else 0,
        completeness=snap.completeness if snap else None,
        status=row.status if snap else "no_data",
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at.isoformat() if row.last_attempt_at else None,
        record_type=row.record_type,
        origin=snap.origin if snap else None,
        verified_at=verified.isoformat() if verified else None,
        jurisdiction=spec.jurisdiction if spec else None,
        uk_force=spec.uk_force if spec else None,
        uk_force_note=spec.uk_force_note if spec else "",
    )


def list_sources(session: Session, data_dir: Path | None = None) -> list[SourceSummary]:
    """Every source, fixed ones in registry order, then user-loaded ones by id."""
    sync_registry(session)
    rows = {r.id: r for r in session.exec(select(SourceRow))}
    order = [s.id for s in FIXED_SOURCES] + sorted(set(rows) - {s.id for s in FIXED_SOURCES})
    snaps = {s.id: s for s in session.exec(select(Snapshot).where(Snapshot.status == "active"))}
    out = []
    for sid in order:
        row = rows[sid]
        snap = snaps.get(row.active_snapshot_id) if row.active_snapshot_id else None
        out.append(_summary(row, snap, data_dir or get_settings().data_dir))
    return out


def get_source(session: Session, source_id: str, data_dir: Path | None = None) -> SourceSummary:
    sync_registry(session)
    row = session.get(SourceRow, source_id)
    if row is None:
        raise NotFoundError(f"unknown source {source_id!r}")
    snap = session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None
    return _summary(row, snap, data_dir or get_settings().data_dir)


def list_snapshots(session: Session, source_id: str) -> list[SnapshotInfo]:
    """Every snapshot and failed refresh attempt of a source, newest first."""
    get_source(session, source_id)
    return [
        SnapshotInfo(
            id=s.id or 0,
            version=s.version,
            status=s.status,
            published_at=s.published_at.isoformat() if s.published_at else None,
            fetched_at=s.fetched_at.isoformat(),
            origin=s.origin,
            origin_url=s.origin_url,
            entity_count=s.entity_count,
            counts=s.counts,
            completeness=s.completeness,
            records_hash=s.records_hash,
            error=s.error,
        )
        for s in snapshots_of(session, source_id)
    ]


def get_entity(session: Session, entity_id: str) -> Entity:
    """One listed entity from its source's active snapshot, with its names and provenance."""
    try:
        source_id, _ = split_entity_id(entity_id)
    except ValueError as exc:
        raise InputError(f"{exc}; entity ids look like us_ofac_sdn:306") from exc
    sync_registry(session)
    row = session.get(SourceRow, source_id)
    if row is None:
        raise NotFoundError(f"unknown source {source_id!r} in entity id {entity_id!r}")
    if not row.active_snapshot_id:
        raise NotFoundError(f"{source_id} has no data loaded; run `screening refresh`")
    ent = session.exec(
        select(ListedEntity).where(
            ListedEntity.snapshot_id == row.active_snapshot_id,
            ListedEntity.entity_id == entity_id,
        )
    ).first()
    if ent is None:
        raise NotFoundError(f"no entity {entity_id!r} in the active snapshot of {source_id}")
    snap = session.get(Snapshot, row.active_snapshot_id)
    assert snap is not None
    names = session.exec(
        select(EntityName).where(EntityName.entity_pk == ent.id).order_by(EntityName.id)  # type: ignore[arg-type]
    ).all()
    return Entity.model_validate(
        {
            "entity_id": ent.entity_id,
            "source": ent.source_id,
            "local_id": ent.local_id,
            "kind": ent.kind,
            "name": ent.name,
            "names": [{"name": n.name, "type": n.name_type, "quality": n.quality} for n in names],
            "programs": ent.programs,
            "countries": ent.countries,
            "addresses": ent.addresses,
            "identifiers": ent.identifiers,
            "listing_dates": ent.listing_dates,
            "listed_on": ent.listed_on.isoformat() if ent.listed_on else None,
            "remarks": ent.remarks,
            "details": ent.details,
            "provenance": {
                "source": row.id,
                "source_name": row.name,
                "publisher": row.publisher,
                "publisher_url": row.publisher_url,
                "snapshot_version": snap.version,
                "published_at": snap.published_at.isoformat() if snap.published_at else None,
                "fetched_at": snap.fetched_at.isoformat(),
                "origin": snap.origin,
                "origin_url": snap.origin_url,
                "completeness": snap.completeness,
                "listed_on": ent.listed_on.isoformat() if ent.listed_on else None,
            },
        }
    )


def _imported_specs(session: Session) -> dict[str, SourceSpec]:
    """OpenSanctions imports that came from a URL refresh from it like any live source."""
    out: dict[str, SourceSpec] = {}
    rows = session.exec(select(SourceRow).where(SourceRow.id.startswith("opensanctions:")))
    for row in rows:
        snap = session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None
        if snap and snap.origin_url and snap.origin_url.startswith(("http://", "https://")):
            out[row.id] = ftm.ftm_spec(row.id.split(":", 1)[1], snap.origin_url)
    return out


def resolve_specs(
    source_ids: Iterable[str] | None, session: Session | None = None
) -> list[SourceSpec]:
    """The sources to refresh: the named ones, or every fixed source plus URL imports."""
    imported = _imported_specs(session) if session is not None else {}
    if not source_ids:
        return list(FIXED_SOURCES) + [imported[k] for k in sorted(imported)]
    specs = []
    for sid in source_ids:
        spec = get_spec(sid) or imported.get(sid)
        if spec is None:
            known = ", ".join([s.id for s in FIXED_SOURCES] + sorted(imported))
            raise NotFoundError(
                f"unknown or not refreshable source {sid!r}; known sources: {known}"
            )
        specs.append(spec)
    return specs


def refresh(
    session: Session,
    settings: Settings,
    source_ids: Iterable[str] | None = None,
    *,
    offline: bool = False,
    force: bool = False,
    transport: httpx.BaseTransport | None = None,
    progress: Progress | None = None,
    on_source: Callable[[SourceSpec], None] | None = None,
) -> list[RefreshOutcome]:
    """Refresh the named sources (default: all). One source's failure never stops the others."""
    sync_registry(session)
    specs = resolve_specs(source_ids, session)
    outcomes = []
    with make_client(settings, transport) as client:
        for spec in specs:
            if on_source:
                on_source(spec)
            outcomes.append(
                typed_outcome(
                    refresh_source(
                        session,
                        spec,
                        settings,
                        offline=offline,
                        force=force,
                        client=client,
                        progress=progress,
                    )
                )
            )
    return outcomes


def load_bundled_if_empty(session: Session, settings: Settings) -> list[RefreshOutcome]:
    """First start: load the bundled snapshots of every source that has no data yet."""
    sync_registry(session)
    empty = [r.id for r in session.exec(select(SourceRow)) if not r.active_snapshot_id]
    todo = [s.id for s in FIXED_SOURCES if s.id in empty and s.parse is not None]
    if not todo:
        return []
    return refresh(session, settings, todo, offline=True)


def typed_outcome(outcome: Outcome) -> RefreshOutcome:
    """The storage layer's outcome as the typed result faces show."""
    return RefreshOutcome.model_validate(asdict(outcome))
