"""Sources, snapshots and entities."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ... import services, userlists
from ..deps import SessionDep, SettingsDep
from ..uploads import read_limited

router = APIRouter(prefix="/v1", tags=["lists"])


@router.get("/sources")
def list_sources(session: SessionDep) -> list[dict[str, Any]]:
    """Every source with its active version, publisher's date, entity count and status
    (`ok`, `refresh_failed` with `last_error`, or `no_data`)."""
    return [services.summary_dict(s) for s in services.list_sources(session)]


@router.get("/sources/{source_id}/snapshots")
def list_snapshots(source_id: str, session: SessionDep) -> list[dict[str, Any]]:
    """Every stored snapshot and failed refresh attempt of one source, newest first."""
    return services.list_snapshots(session, source_id)


@router.get("/entities/{entity_id:path}")
def get_entity(entity_id: str, session: SessionDep) -> dict[str, Any]:
    """One listed entity (id `<source>:<local id>`) with its names, identifiers and provenance."""
    return services.get_entity(session, entity_id)


@router.get("/sources/{source_id}/diff")
def get_diff(
    source_id: str,
    session: SessionDep,
    from_: Annotated[str | None, Query(alias="from", description="Older version")] = None,
    to: Annotated[str | None, Query(description="Newer version")] = None,
) -> dict[str, Any]:
    """Entities added, removed and changed (field by field) between two versions of a source;
    by default the active version against the one before it."""
    return userlists.diff(session, source_id, from_, to)


@router.post("/custom-lists/{name}")
async def upload_custom_list(
    name: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    force: bool = False,
) -> dict[str, Any]:
    """Upload an in-house list (CSV body: header `name` and optional `aliases` (`;`-separated),
    `country`, `reason`, `id`) as a new version of `custom:<name>`. Bad rows are reported
    with row, line and field, and nothing is stored; a large shrink needs `force=true`."""
    data = await read_limited(request, settings.max_upload_bytes)
    out = userlists.add_custom(session, settings, name, data, f"upload:{name}", force=force)
    return services.outcome_dict(out)
