"""Sources, snapshots and entities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ... import services
from ..deps import SessionDep

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
