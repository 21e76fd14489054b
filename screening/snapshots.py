"""Refresh: obtain files -> parse -> sanity checks -> atomic switch of the active snapshot.

A refresh never loses a good list. Any failure (download, parse, an empty result, a result far
smaller than the active snapshot unless forced) leaves the previous snapshot active, marks the
source `refresh_failed` and records why, both on the source and as a `failed` snapshot row.
A new snapshot is written only when the canonical records' hash differs from the active one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import Table, insert, text
from sqlmodel import Session, select

from .canonical import record_dict, record_hash, records_hash
from .errors import FetchError, NotFoundError, ParseError, RefreshRejected, ScreeningError
from .matching.normalize import normalize_name
from .models import EntityName, ListedEntity, Snapshot, SourceRow
from .settings import Settings
from .sources.base import Files, Record, SourceSpec
from .sources.bundled import has_bundle, load_bundle
from .sources.fetch import fetch_files

Progress = Callable[[str, int, int | None], None]
_BATCH = 2000
_ENTITY: Table = ListedEntity.__table__  # type: ignore[attr-defined]
_NAME: Table = EntityName.__table__  # type: ignore[attr-defined]


@dataclass
class RefreshOutcome:
    source_id: str
    result: str  # created | unchanged | failed | skipped
    version: str | None = None
    previous_version: str | None = None
    entity_count: int = 0
    detail: str | None = None


@dataclass
class Obtained:
    files: Files
    origin: str
    origin_url: str | None
    published_at: date | None
    completeness: str
    cache: dict[str, Any]


def now_utc() -> datetime:
    return datetime.now(UTC)


def make_version(published_at: date | None, fetched_at: datetime, digest: str) -> str:
    return f"{(published_at or fetched_at.date()).isoformat()}-{digest[:8]}"


def ensure_source_row(session: Session, spec: SourceSpec) -> SourceRow:
    row = session.get(SourceRow, spec.id)
    if row is None:
        row = SourceRow(
            id=spec.id,
            name=spec.name,
            publisher=spec.publisher,
            publisher_url=spec.publisher_url,
            record_type=spec.record_type,
        )
        session.add(row)
        session.flush()
    elif (row.name, row.publisher, row.publisher_url) != (
        spec.name,
        spec.publisher,
        spec.publisher_url,
    ):
        row.name, row.publisher, row.publisher_url = spec.name, spec.publisher, spec.publisher_url
    return row


def active_snapshot(session: Session, row: SourceRow) -> Snapshot | None:
    return session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None


def _obtain(
    spec: SourceSpec,
    settings: Settings,
    *,
    offline: bool,
    client: httpx.Client | None,
    cache: dict[str, Any],
) -> Obtained | None:
    """The files to parse: the bundled copy offline or for a bundled-only source, else a
    download of the first live form that works. None means the publisher has not changed them."""
    if offline or spec.bundled_only:
        bundle = load_bundle(settings.data_dir, spec.id)
        return Obtained(
            bundle.files,
            "bundled",
            bundle.origin_url,
            bundle.published_at,
            bundle.completeness,
            cache,
        )
    if client is None:
        raise FetchError(f"{spec.id}: no HTTP client for a live refresh")
    errors: list[str] = []
    for form in (spec.files, *spec.alternatives):
        try:
            got = fetch_files(client, form, settings, cache)
        except FetchError as exc:
            errors.append(exc.detail)
            continue
        if got.not_modified:
            return None
        published = got.last_modified.date() if got.last_modified else None
        return Obtained(
            got.files, "live", got.urls[0] if got.urls else None, published, "full", got.cache
        )
    raise FetchError("; ".join(errors))


def _with_ids(spec: SourceSpec, records: Iterator[Record]) -> list[tuple[Record, str]]:
    out: list[tuple[Record, str]] = []
    seen: set[str] = set()
    for rec in records:
        if not rec.local_id or not rec.name.strip():
            raise ParseError(f"{spec.id}: a record has an empty id or name ({rec.local_id!r})")
        if rec.local_id in seen:
            raise ParseError(f"{spec.id}: local id {rec.local_id!r} appears twice")
        seen.add(rec.local_id)
        out.append((rec, record_hash(rec)))
    return out


def _write(
    session: Session,
    snap_id: int,
    spec: SourceSpec,
    items: list[tuple[Record, str]],
    progress: Progress | None,
) -> None:
    total = len(items)
    for start in range(0, total, _BATCH):
        chunk = items[start : start + _BATCH]
        rows = []
        for rec, rh in chunk:
            data = record_dict(rec)
            rows.append(
                {
                    "snapshot_id": snap_id,
                    "source_id": spec.id,
                    "entity_id": f"{spec.id}:{rec.local_id}",
                    "local_id": rec.local_id,
                    "kind": rec.kind,
                    "name": rec.name,
                    "programs": list(rec.programs),
                    "countries": list(rec.countries),
                    "addresses": list(rec.addresses),
                    "identifiers": data["identifiers"],
                    "listing_dates": data["listing_dates"],
                    "listed_on": rec.listed_on,
                    "remarks": rec.remarks,
                    "details": data["details"],
                    "record_hash": rh,
                }
            )
        result = session.execute(insert(_ENTITY).returning(_ENTITY.c.id, _ENTITY.c.entity_id), rows)
        pk_by_id = {eid: pk for pk, eid in result.all()}
        names = []
        for rec, _ in chunk:
            pk = pk_by_id[f"{spec.id}:{rec.local_id}"]
            names.append(
                {
                    "entity_pk": pk,
                    "snapshot_id": snap_id,
                    "name": rec.name,
                    "name_type": "primary",
                    "quality": None,
                    "normalized": normalize_name(rec.name),
                }
            )
            for alias in rec.aliases:
                names.append(
                    {
                        "entity_pk": pk,
                        "snapshot_id": snap_id,
                        "name": alias.value,
                        "name_type": alias.type,
                        "quality": alias.quality,
                        "normalized": normalize_name(alias.value),
                    }
                )
        if names:
            session.execute(insert(_NAME), names)
        if progress:
            progress("storing", min(start + _BATCH, total), total)


def _lock(session: Session, source_id: str) -> None:
    """One refresher per source at a time across workers (PostgreSQL advisory lock; SQLite
    already serialises writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": source_id})


def refresh_source(
    session: Session,
    spec: SourceSpec,
    settings: Settings,
    *,
    offline: bool = False,
    force: bool = False,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> RefreshOutcome:
    """Refresh one source; see the module docstring for the guarantees."""
    row = ensure_source_row(session, spec)
    session.commit()
    if spec.parse is None:
        return RefreshOutcome(spec.id, "skipped", detail="no parser for this source yet")
    if (offline or spec.bundled_only) and not has_bundle(settings.data_dir, spec.id):
        return RefreshOutcome(spec.id, "skipped", detail="no bundled snapshot; refresh it live")
    fetched_at = now_utc()
    active = active_snapshot(session, row)
    previous_version = active.version if active else None
    try:
        if progress:
            progress("fetching", 0, None)
        got = _obtain(spec, settings, offline=offline, client=client, cache=dict(row.http_cache))
        if got is None:
            row.status, row.last_error, row.last_attempt_at = (
                "ok" if active else row.status,
                None,
                fetched_at,
            )
            session.commit()
            return RefreshOutcome(
                spec.id,
                "unchanged",
                previous_version,
                previous_version,
                active.entity_count if active else 0,
                "not modified (HTTP 304)",
            )
        if progress:
            progress("parsing", 0, None)
        try:
            items = _with_ids(spec, spec.parse(got.files))
        except ScreeningError:
            raise
        except Exception as exc:  # a parser bug or a layout it did not foresee
            raise ParseError(f"{spec.id}: {type(exc).__name__}: {exc}") from exc
        published_at = got.published_at
        if spec.published is not None:
            published_at = spec.published(got.files) or published_at
        if not items:
            raise RefreshRejected(
                f"{spec.id}: the new data has no entries; kept the active snapshot"
            )
        if active and not force:
            ratio = settings.min_ratio_for(spec.id)
            if len(items) < active.entity_count * ratio:
                raise RefreshRejected(
                    f"{spec.id}: the new data has {len(items)} entries, under {ratio:.0%} of the "
                    f"active snapshot's {active.entity_count}; kept the active snapshot "
                    "(use --force to accept it)"
                )
        digest = records_hash((rec.local_id, rh) for rec, rh in items)
        if active and active.records_hash == digest:
            row.status, row.last_error, row.last_attempt_at = "ok", None, fetched_at
            row.http_cache = got.cache
            session.commit()
            return RefreshOutcome(
                spec.id, "unchanged", active.version, previous_version, len(items)
            )
        _lock(session, spec.id)
        snap = Snapshot(
            source_id=spec.id,
            version=make_version(published_at, fetched_at, digest),
            published_at=published_at,
            fetched_at=fetched_at,
            origin_url=got.origin_url,
            origin=got.origin,
            records_hash=digest,
            entity_count=len(items),
            counts=dict(Counter(rec.kind for rec, _ in items)),
            completeness=got.completeness,
            status="loading",
        )
        session.add(snap)
        session.flush()
        assert snap.id is not None
        _write(session, snap.id, spec, items, progress)
        # The switch: the old snapshot is superseded and the new one active in one commit.
        if active:
            active.status = "superseded"
        snap.status = "active"
        row.active_snapshot_id = snap.id
        row.status, row.last_error, row.last_attempt_at = "ok", None, fetched_at
        row.http_cache = got.cache
        session.commit()
        return RefreshOutcome(spec.id, "created", snap.version, previous_version, len(items))
    except ScreeningError as exc:
        session.rollback()
        return _record_failure(session, spec, fetched_at, exc.detail, previous_version)


def _record_failure(
    session: Session, spec: SourceSpec, when: datetime, detail: str, previous_version: str | None
) -> RefreshOutcome:
    row = session.get(SourceRow, spec.id)
    if row is None:  # pragma: no cover - created at the start of the refresh
        raise NotFoundError(f"unknown source {spec.id}")
    row.status = "refresh_failed" if row.active_snapshot_id else "no_data"
    row.last_error = detail
    row.last_attempt_at = when
    session.add(Snapshot(source_id=spec.id, fetched_at=when, status="failed", error=detail))
    session.commit()
    return RefreshOutcome(spec.id, "failed", previous_version, previous_version, detail=detail)


def snapshots_of(session: Session, source_id: str) -> list[Snapshot]:
    return list(
        session.exec(
            select(Snapshot).where(Snapshot.source_id == source_id).order_by(Snapshot.id.desc())  # type: ignore[union-attr]
        )
    )
