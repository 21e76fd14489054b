"""Name screening: one name, or a batch (JSON array or CSV upload)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from ... import namescreen, screenfile
from ...errors import InputError
from ...schemas.screening import BatchRow, ScreenResult
from ..deps import SessionDep, SettingsDep
from ..uploads import read_limited

router = APIRouter(prefix="/v1", tags=["screening"])
BATCH_ROW_SCHEMA = BatchRow.model_json_schema()


class ScreenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    kind: str | None = None
    country: str | None = Field(default=None, max_length=64)
    identifiers: list[str] | None = Field(default=None, max_length=50)
    sources: list[str] | None = None
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    limit: int = Field(default=10, ge=1, le=1000)


@router.post("/screen", response_model=ScreenResult)
def screen(req: ScreenRequest, session: SessionDep, settings: SettingsDep) -> ScreenResult:
    """Screen one vendor or maker name against every active list (or `sources`). `parties`
    groups the listings of one party (list, entity id, listing date, programmes) and says how
    the name relates to it: `listed`, or a corporate-family relation (`subsidiary of ...`) with
    the family-table row, its source and confidence. `matches` lists each matching listing with
    its score, snapshot version and per-feature explanation; an exact identifier match (ISIN,
    USCC, LEI, registration number) scores 1.0."""
    return namescreen.screen_name(
        session,
        settings,
        req.name,
        kind=req.kind,
        country=req.country,
        identifiers=req.identifiers,
        sources=req.sources,
        threshold=req.threshold,
        limit=req.limit,
    )


@router.post(
    "/screen/batch",
    response_model=None,
    responses={
        200: {
            "description": "One row per input row, in input order.",
            "content": {
                "application/json": {"schema": {"type": "array", "items": BATCH_ROW_SCHEMA}},
                "application/x-ndjson": {"schema": BATCH_ROW_SCHEMA},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def screen_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    format: Annotated[
        str, Query(pattern="^(csv|ndjson|json)$", description="Response format")
    ] = "json",
    kind: str | None = None,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    sources: str | None = None,
) -> Any:
    """Screen many names: a JSON array of objects with `name` (and optional `kind`, `country`),
    or a CSV upload (`Content-Type: text/csv`) with a `name` column. Rows come back in input
    order with the `screen --file` columns (match, score, entity_id, source, matched_name, hits,
    hit_sources, error, party, relation), as JSON or NDJSON (real booleans and numbers) or CSV
    (text, formula-like cells neutralised), streamed. Size-capped by
    SCREENING_MAX_UPLOAD_BYTES."""
    data = await read_limited(request, settings.max_upload_bytes)
    source_list = [s for s in (sources or "").split(",") if s] or None
    ctype = request.headers.get("content-type", "")
    if "csv" in ctype:
        header, rows = screenfile.read_name_csv(data, "upload")
    else:
        try:
            items = json.loads(data)
        except ValueError as exc:
            raise InputError(f"body: not JSON ({exc}); send a JSON array or text/csv") from exc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError("body: expected a JSON array of objects with a 'name'")
        header = ["name", "kind", "country"]
        rows = iter([{k: "" if i.get(k) is None else str(i.get(k)) for k in header} for i in items])
    ctx = namescreen.screen_context(session, settings)
    if source_list:
        unknown = sorted(set(source_list) - set(ctx.versions))
        if unknown:
            raise InputError(f"sources: no data for {', '.join(unknown)[:200]}")
    results = screenfile.screen_rows(ctx, rows, kind=kind, threshold=threshold, sources=source_list)
    columns = header + list(screenfile.OUT_COLUMNS)
    if format == "json":
        return JSONResponse([_typed(r) for r in results])
    if format == "ndjson":
        return StreamingResponse(
            (json.dumps(_typed(r), ensure_ascii=False) + "\n" for r in results),
            media_type="application/x-ndjson",
        )
    return StreamingResponse(screenfile.csv_lines(results, columns), media_type="text/csv")


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """A result row as JSON values: the result columns as the BatchRow model types them."""
    return BatchRow.model_validate(row).model_dump(mode="json")
