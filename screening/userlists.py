"""Lists users bring: OpenSanctions imports and in-house custom lists, and diffs between any
two stored versions of a source. Part of the service layer (API and CLI call these)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session, select

from .diffs import diff_records
from .errors import InputError, NotFoundError, ScreeningError
from .models import Snapshot, SnapshotDiff, SourceRow
from .settings import Settings
from .snapshots import (
    Obtained,
    RefreshOutcome,
    ensure_source_row,
    ingest,
    now_utc,
    record_failure,
)
from .sources import custom, ftm
from .sources.fetch import fetch_files, make_client
from .store import snapshot_records


def add_custom(
    session: Session,
    settings: Settings,
    name: str,
    data: bytes,
    filename: str,
    *,
    force: bool = False,
    max_rows: int | None = None,
    tenant: str = "default",
) -> RefreshOutcome:
    """Load a CSV as the new version of `tenant`'s custom list `name` (`custom:<name>` for
    tenant `default`). Bad rows raise InputError naming each row and field, and nothing is
    stored; a list far smaller than the active one needs force. Uploads through the API pass
    `max_rows` (SCREENING_MAX_UPLOAD_ROWS); the CLI does not."""
    spec = custom.custom_spec(name, max_rows, tenant)
    if len(data) > settings.max_upload_bytes:
        raise InputError(
            f"{filename}: {len(data)} bytes is over the {settings.max_upload_bytes}-byte limit"
        )
    row = ensure_source_row(session, spec)
    row.tenant_id = tenant  # only this tenant sees the list (tenancy.visible_sources)
    session.add(row)
    session.commit()
    try:
        return ingest(
            session, spec, Obtained({filename: data}, "upload", filename), settings, force=force
        )
    except ScreeningError:
        session.rollback()
        raise


def import_opensanctions(
    session: Session,
    settings: Settings,
    dataset: str,
    file_or_url: str,
    *,
    force: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> RefreshOutcome:
    """Import a FollowTheMoney JSON-lines export from a local file or a URL as a new version of
    `opensanctions:<dataset>`. A failure keeps the previous version and is recorded."""
    is_url = file_or_url.startswith(("http://", "https://"))
    spec = ftm.ftm_spec(dataset, file_or_url if is_url else None)
    row = ensure_source_row(session, spec)
    session.commit()
    previous = session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None
    when = now_utc()
    try:
        if is_url:
            with make_client(settings, transport) as client:
                got = fetch_files(client, spec.files, settings)
            obtained = Obtained(got.files, "import", file_or_url, None, "full", got.cache)
        else:
            path = Path(file_or_url)
            if not path.is_file():
                raise InputError(f"{file_or_url}: no such file")
            # Keyed by the path as given, so an error names the user's file, not ours.
            obtained = Obtained({file_or_url: path.read_bytes()}, "import", path.name)
        return ingest(session, spec, obtained, settings, force=force, fetched_at=when)
    except ScreeningError as exc:
        session.rollback()
        record_failure(session, spec.id, when, exc.detail)
        version = previous.version if previous else None
        return RefreshOutcome(spec.id, "failed", version, version, detail=exc.detail)


def _versions(session: Session, source_id: str) -> list[Snapshot]:
    stmt = select(Snapshot).where(Snapshot.source_id == source_id, Snapshot.version.is_not(None))  # type: ignore[union-attr]
    return list(session.exec(stmt.order_by(Snapshot.id)))  # type: ignore[arg-type]


def diff(
    session: Session, source_id: str, from_version: str | None = None, to_version: str | None = None
) -> dict[str, Any]:
    """What changed between two stored versions of a source (default: the active version and
    the one before it), in the interfaces.md shape."""
    row = session.get(SourceRow, source_id)
    if row is None:
        raise NotFoundError(f"unknown source {source_id!r}")
    versions = _versions(session, source_id)
    by_version = {s.version: s for s in versions if s.version}
    if to_version is None:
        to_snap = session.get(Snapshot, row.active_snapshot_id) if row.active_snapshot_id else None
        if to_snap is None:
            raise NotFoundError(f"{source_id} has no data loaded")
    elif to_version in by_version:
        to_snap = by_version[to_version]
    else:
        raise NotFoundError(
            f"{source_id} has no version {to_version!r}; versions: {', '.join(by_version)}"
        )
    if from_version is None:
        earlier = [
            s for s in versions if s.id is not None and to_snap.id is not None and s.id < to_snap.id
        ]
        if not earlier:
            raise NotFoundError(
                f"{source_id}: version {to_snap.version} has no earlier version to compare with"
            )
        from_snap = earlier[-1]
    elif from_version in by_version:
        from_snap = by_version[from_version]
    else:
        raise NotFoundError(
            f"{source_id} has no version {from_version!r}; versions: {', '.join(by_version)}"
        )
    assert from_snap.id is not None and to_snap.id is not None
    stored = session.exec(
        select(SnapshotDiff).where(
            SnapshotDiff.from_snapshot_id == from_snap.id, SnapshotDiff.to_snapshot_id == to_snap.id
        )
    ).first()
    if stored is not None:
        added, removed, changed = stored.added, stored.removed, stored.changed
    else:
        d = diff_records(
            snapshot_records(session, from_snap.id), snapshot_records(session, to_snap.id)
        )
        added, removed, changed = d.added, d.removed, d.changed
    return {
        "source": source_id,
        "from": from_snap.version,
        "to": to_snap.version,
        "added": added,
        "removed": removed,
        "changed": changed,
    }


def list_name_from_source(source_id: str) -> str:
    prefix, _, name = source_id.partition(":")
    if prefix != "custom" or not name:
        raise InputError(f"{source_id!r} is not a custom list id (custom:<name>)")
    return name
