"""Sources, snapshots, entities, diffs and custom lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...schemas.errors import ErrorDetail
from ...schemas.sources import Diff, Entity, RefreshOutcome, SnapshotInfo, SourceSummary
from ..auth import Admin, Reader
from ..deps import ScreeningDep, SettingsDep
from ..uploads import RawBody

router = APIRouter(prefix="/v1", tags=["lists"])


@router.get("/sources", response_model=list[SourceSummary])
def list_sources(who: Reader, svc: ScreeningDep) -> list[SourceSummary]:
    """Every source with its active version, publisher's date, entity count and status
    (`ok`, `refresh_failed` with `last_error`, or `no_data`)."""
    return svc.sources(who.tenant)


@router.get("/sources/{source_id}/snapshots", response_model=list[SnapshotInfo])
def list_snapshots(source_id: str, who: Reader, svc: ScreeningDep) -> list[SnapshotInfo]:
    """Every stored snapshot and failed refresh attempt of one source, newest first."""
    return svc.snapshots(source_id, who.tenant)


@router.get("/entities/{entity_id:path}", response_model=Entity)
def get_entity(entity_id: str, who: Reader, svc: ScreeningDep) -> Entity:
    """One listed entity (id `<source>:<local id>`) with its names, identifiers and provenance."""
    return svc.entity(entity_id, who.tenant)


@router.get("/sources/{source_id}/diff", response_model=Diff)
def get_diff(
    source_id: str,
    who: Reader,
    svc: ScreeningDep,
    from_: Annotated[str | None, Query(alias="from", description="Older version")] = None,
    to: Annotated[str | None, Query(description="Newer version")] = None,
) -> Diff:
    """Entities added, removed and changed (field by field) between two versions of a source;
    by default the active version against the one before it."""
    return svc.diff(source_id, from_, to, who.tenant)


@router.post(
    "/custom-lists/{name}",
    response_model=RefreshOutcome,
    responses={
        409: {
            "model": ErrorDetail,
            "description": "A large shrink of the list, refused without `force=true`",
        }
    },
    # The body is read raw (under the size limit, see `RawBody`), so FastAPI cannot see it:
    # documented here, or clients and fuzzers would send none.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "minLength": 1}}},
        }
    },
)
def upload_custom_list(
    name: str,
    who: Admin,  # before the body: an unauthenticated caller is refused before it is read
    data: RawBody,
    svc: ScreeningDep,
    settings: SettingsDep,
    force: bool = False,
) -> RefreshOutcome:
    """Upload an in-house denied-party list (CSV body: header `name` and optional `aliases`
    (`;`-separated), `country`, `reason`, `id`) as a new version of the tenant's list `name`
    (`custom:<name>` for tenant `default`, `custom:<tenant>:<name>` otherwise; other tenants
    never see it). Admin keys only. The tenant's vendors are re-screened against it. Bad rows
    are reported with row, line and field, and nothing is stored; a large shrink needs
    `force=true` (a refused shrink answers 409). Bounded by SCREENING_MAX_UPLOAD_BYTES and
    SCREENING_MAX_UPLOAD_ROWS."""
    return svc.add_custom_list(
        name, data, f"upload:{name}", force=force, max_rows=settings.max_upload_rows, who=who
    )
