"""Refresh: obtain files -> parse -> sanity checks -> atomic switch of the active snapshot -> diff.

A refresh never loses a good list. Any failure (download, parse, an empty result, a result far
smaller than the active snapshot unless forced) leaves the previous snapshot active, marks the
source `refresh_failed` and records why, both on the source and as a `failed` snapshot row.
A new snapshot is written only when the canonical records' hash differs from the active one,
and with it the diff against the snapshot it replaces.

Concurrent refreshes of one source (several processes, cron beside an API worker) cannot fork
its history: parsing runs unlocked, then `lock_source` takes a per-source lock held to the
commit, the active snapshot is read after it, and the switch is a guarded update that fails if
the active snapshot changed. Migration 0003 adds the database's own guarantee: a unique index
allows at most one `active` snapshot per source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from .canonical import record_hash, records_hash
from .diffs import diff_records
from .errors import FetchError, NotFoundError, ParseError, RefreshRejected, ScreeningError
from .models import Snapshot, SnapshotDiff, SourceRow
from .settings import Settings
from .sources.base import Files, Record, SourceSpec
from .sources.bundled import has_bundle, load_bundle
from .sources.fetch import fetch_files
from .store import Progress, items_as_records, snapshot_records, write_entities


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
    """A source's files and what we know of where and when they come from."""

    files: Files
    origin: str  # live | bundled | import | upload
    origin_url: str | None = None
    published_at: date | None = None
    completeness: str = "full"
    cache: dict[str, Any] = field(default_factory=dict)


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands datetimes back without one (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
        try:
            session.flush()
        except IntegrityError:
            # Another process created it first (two first refreshes at once): use theirs.
            session.rollback()
            found = session.get(SourceRow, spec.id)
            if found is None:
                raise
            row = found
    elif (row.name, row.publisher, row.publisher_url) != (
        spec.name,
        spec.publisher,
        spec.publisher_url,
    ):
        row.name, row.publisher, row.publisher_url = spec.name, spec.publisher, spec.publisher_url
    return row


def active_snapshot(session: Session, row: SourceRow) -> Snapshot | None:
    return session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None


def obtain(
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
            bundle.files, "bundled", bundle.origin_url, bundle.published_at, bundle.completeness
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
        url = got.urls[0] if got.urls else None
        return Obtained(got.files, "live", url, published, "full", got.cache)
    raise FetchError("; ".join(errors))


def parse_items(spec: SourceSpec, files: Files) -> list[tuple[Record, str]]:
    """Run the parser and check what every record must have: a unique id and a name."""
    if spec.parse is None:
        raise ParseError(f"{spec.id}: no parser for this source")
    out: list[tuple[Record, str]] = []
    seen: set[str] = set()
    records: Iterator[Record] = spec.parse(files)
    try:
        for rec in records:
            if not rec.local_id or not rec.name.strip():
                raise ParseError(f"{spec.id}: a record has an empty id or name ({rec.local_id!r})")
            if rec.local_id in seen:
                raise ParseError(f"{spec.id}: local id {rec.local_id!r} appears twice")
            seen.add(rec.local_id)
            out.append((rec, record_hash(rec)))
    except ScreeningError:
        raise
    except Exception as exc:  # a parser bug or a layout it did not foresee
        raise ParseError(f"{spec.id}: {type(exc).__name__}: {exc}") from exc
    return out


def lock_source(session: Session, source_id: str) -> None:
    """Start a transaction holding the write lock for `source_id` until it commits or rolls
    back, across processes: PostgreSQL's transaction-level advisory lock keyed by the source;
    on SQLite `BEGIN IMMEDIATE` (SQLite has one writer at a time, so this locks every source).
    Whatever the session read before is expired: the caller reads the active snapshot again,
    after the lock, so two refreshes can never both build on the same one (issue 19 defect 7).
    """
    session.commit()  # the lock must begin a transaction of its own
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": source_id})
    elif conn.dialect.name == "sqlite":
        # pysqlite opens its own transaction only before DML; an explicit BEGIN IMMEDIATE
        # takes the write lock now (waiting up to busy_timeout) and pysqlite then adds none.
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:  # "database is locked" after busy_timeout
            session.rollback()
            raise RefreshRejected(
                f"{source_id}: another writer held the database for too long ({exc.orig}); "
                "kept the active snapshot, try again"
            ) from exc
    session.expire_all()


# The PostgreSQL channel a snapshot switch is announced on (issue 18: live reload).
SWITCH_CHANNEL = "screening_snapshots"


class SwitchLost(RefreshRejected):
    """The active snapshot changed under a refresh holding the lock (a bug, or a writer not
    taking the lock): nothing is switched."""


def switch_active(session: Session, source_id: str, old_id: int | None, new_id: int) -> None:
    """Make `new_id` the active snapshot of `source_id` if `old_id` still is, in the caller's
    transaction. A guarded update: when another writer switched first, SwitchLost."""
    column = SourceRow.active_snapshot_id
    cond = column == old_id if old_id is not None else column.is_(None)  # type: ignore[union-attr]
    moved = session.execute(
        update(SourceRow).where(SourceRow.id == source_id, cond).values(active_snapshot_id=new_id)  # type: ignore[arg-type]
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise SwitchLost(
            f"{source_id}: another refresh switched the active snapshot meanwhile; kept theirs"
        )
    # Supersede whatever is active (the unique index allows one), then activate the new one.
    session.execute(
        update(Snapshot)
        .where(Snapshot.source_id == source_id, Snapshot.status == "active")  # type: ignore[arg-type]
        .values(status="superseded")
    )
    session.execute(update(Snapshot).where(Snapshot.id == new_id).values(status="active"))  # type: ignore[arg-type]
    if session.get_bind().dialect.name == "postgresql":
        # Delivered to every listening server when this transaction commits (never before, and
        # not at all if it rolls back): they rebuild their index at once instead of at their
        # next periodic check.
        session.execute(text("SELECT pg_notify(:c, :s)"), {"c": SWITCH_CHANNEL, "s": source_id})


def ingest(
    session: Session,
    spec: SourceSpec,
    got: Obtained,
    settings: Settings,
    *,
    force: bool = False,
    fetched_at: datetime | None = None,
    progress: Progress | None = None,
) -> RefreshOutcome:
    """Parse `got`, check it, and make it the active snapshot if its records changed. Raises
    ScreeningError without writing anything when the data is unusable or suspicious."""
    fetched_at = fetched_at or now_utc()
    ensure_source_row(session, spec)
    if progress:
        progress("parsing", 0, None)
    items = parse_items(spec, got.files)  # the slow part, before the lock
    published_at = got.published_at
    if spec.published is not None:
        published_at = spec.published(got.files) or published_at
    if not items:
        raise RefreshRejected(f"{spec.id}: the new data has no entries; kept the active snapshot")
    lock_source(session, spec.id)
    row = session.get(SourceRow, spec.id)
    if row is None:  # pragma: no cover - created above
        raise NotFoundError(f"unknown source {spec.id}")
    active = active_snapshot(session, row)
    previous_version = active.version if active else None
    if active and not force:
        ratio = settings.min_ratio_for(spec.id)
        if len(items) < active.entity_count * ratio:
            raise RefreshRejected(
                f"{spec.id}: the new data has {len(items)} entries, under {ratio:.0%} of the "
                f"active snapshot's {active.entity_count}; kept the active snapshot "
                "(force it to accept: `--force` on the command line, `force=true` in the API)"
            )
    digest = records_hash((rec.local_id, rh) for rec, rh in items)
    if active and active.records_hash == digest:
        row.status, row.last_error, row.last_attempt_at = "ok", None, fetched_at
        row.http_cache = got.cache
        session.commit()
        return RefreshOutcome(spec.id, "unchanged", active.version, previous_version, len(items))
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
    write_entities(session, snap.id, spec.id, items, progress)
    if active and active.id is not None and active.version and snap.version:
        diff = diff_records(snapshot_records(session, active.id), items_as_records(spec.id, items))
        session.add(
            SnapshotDiff(
                source_id=spec.id,
                from_snapshot_id=active.id,
                to_snapshot_id=snap.id,
                from_version=active.version,
                to_version=snap.version,
                added=diff.added,
                removed=diff.removed,
                changed=diff.changed,
            )
        )
    # The switch: the old snapshot is superseded and the new one active in one commit.
    row.status, row.last_error, row.last_attempt_at = "ok", None, fetched_at
    row.http_cache = got.cache
    session.flush()
    switch_active(session, spec.id, active.id if active else None, snap.id)
    session.commit()
    session.expire_all()  # the switch went round the ORM
    return RefreshOutcome(spec.id, "created", snap.version, previous_version, len(items))


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
        got = obtain(spec, settings, offline=offline, client=client, cache=dict(row.http_cache))
        if got is None:
            row.last_error, row.last_attempt_at = None, fetched_at
            if active:
                row.status = "ok"
            session.commit()
            count = active.entity_count if active else 0
            return RefreshOutcome(
                spec.id,
                "unchanged",
                previous_version,
                previous_version,
                count,
                "not modified (HTTP 304)",
            )
        return ingest(
            session, spec, got, settings, force=force, fetched_at=fetched_at, progress=progress
        )
    except ScreeningError as exc:
        session.rollback()
        record_failure(session, spec.id, fetched_at, exc.detail)
        return RefreshOutcome(
            spec.id, "failed", previous_version, previous_version, detail=exc.detail
        )


def record_failure(session: Session, source_id: str, when: datetime, detail: str) -> None:
    """Mark the source failed (its active snapshot, if any, stays) and keep the attempt."""
    row = session.get(SourceRow, source_id)
    if row is None:  # pragma: no cover - created at the start of the refresh
        raise NotFoundError(f"unknown source {source_id}")
    row.status = "refresh_failed" if row.active_snapshot_id else "no_data"
    row.last_error = detail
    row.last_attempt_at = when
    session.add(Snapshot(source_id=source_id, fetched_at=when, status="failed", error=detail))
    session.commit()


def snapshots_of(session: Session, source_id: str) -> list[Snapshot]:
    stmt = select(Snapshot).where(Snapshot.source_id == source_id)
    return list(session.exec(stmt.order_by(Snapshot.id.desc())))  # type: ignore[union-attr]
