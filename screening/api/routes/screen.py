"""Name screening: one name, or a batch (JSON array or CSV upload)."""

from __future__ import annotations

import itertools
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, BeforeValidator, Field, StrictFloat, StrictInt
from starlette.concurrency import run_in_threadpool

from ...schemas.screening import BatchRow, ScreenResult
from ...service import Settings, open_screening
from ...service.names import check_kind
from ..auth import Screener
from ..deps import ScreeningDep, SettingsDep
from .jobs import BatchBody

router = APIRouter(prefix="/v1", tags=["screening"])
BATCH_ROW_SCHEMA = BatchRow.model_json_schema()


def _whole_number(value: object) -> object:
    """JSON has one number type: `10.0` is the integer 10 (JSON Schema says so too, and the
    OpenAPI document promises an integer), while `true`, `"10"` and `10.5` stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as JSON counts one: a whole number, not a boolean or a numeric string.
JsonInt = Annotated[StrictInt, BeforeValidator(_whole_number)]


class ScreenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    kind: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=64)
    identifiers: list[str] | None = Field(default=None, max_length=50)
    sources: list[str] | None = Field(default=None, max_length=100)
    # Strict: `false` or `"0.8"` is not a threshold (JSON true/false would pass as 1.0/0.0);
    # a strict float still takes a JSON integer (0 or 1). One type, so that the bounds reach
    # the OpenAPI document as minimum/maximum (on a union they were left as `ge`/`le`, which
    # JSON Schema ignores, and clients were told any number would do).
    threshold: StrictFloat | None = Field(default=None, ge=0.0, le=1.0)
    limit: JsonInt = Field(default=10, ge=1, le=1000)


@router.post("/screen", response_model=ScreenResult)
async def screen(req: ScreenRequest, who: Screener, settings: SettingsDep) -> Response:
    """Screen one vendor or maker name against every active list (or `sources`). `parties`
    groups the listings of one party (list, entity id, listing date, programmes) and says how
    the name relates to it: `listed`, or a corporate-family relation (`subsidiary of ...`) with
    the family-table row, its source and confidence. `matches` lists each matching listing with
    its score, snapshot version and per-feature explanation; an exact identifier match (ISIN,
    USCC, LEI, registration number) scores 1.0."""
    # The busiest route: one hop to the thread pool for the whole of it (session, screening and
    # serialising), where a sync route with a sync session dependency took several.
    body = await run_in_threadpool(_screen_one, settings, req, who.tenant)
    return Response(body, media_type="application/json")


def _screen_one(settings: Settings, req: ScreenRequest, tenant: str) -> bytes:
    with open_screening(settings) as svc:
        result = svc.screen_name(
            req.name,
            kind=req.kind,
            country=req.country,
            identifiers=req.identifiers,
            sources=req.sources,
            threshold=req.threshold,
            limit=req.limit,
            tenant=tenant,
        )
    # The document the response model would make (FastAPI dumps it the same way).
    return result.model_dump_json(by_alias=True).encode()


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
def screen_batch(
    request: Request,
    who: Screener,  # before the body: an unauthenticated caller is refused before it is read
    data: BatchBody,  # past the limit, the 413 points to POST /v1/jobs/screen
    svc: ScreeningDep,
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
    source_list = [s for s in (sources or "").split(",") if s] or None
    as_csv = "csv" in request.headers.get("content-type", "")
    table = svc.read_names(data, "body", as_csv=as_csv)
    rows = svc.screen_names(
        table, kind=check_kind(kind), threshold=threshold, sources=source_list, tenant=who.tenant
    )
    # The rows are a generator that checks its arguments when first asked for a row: ask now,
    # while a refusal can still be a 400 (once a streamed 200 has begun, an error could only
    # cut the response short).
    first = list(itertools.islice(rows, 1))
    results = itertools.chain(first, rows)
    if format == "json":
        return JSONResponse([_typed(r) for r in results])
    # Streamed: Starlette iterates these plain generators in its thread pool.
    if format == "ndjson":
        return StreamingResponse(
            (json.dumps(_typed(r), ensure_ascii=False) + "\n" for r in results),
            media_type="application/x-ndjson",
        )
    return StreamingResponse(svc.names_csv(table, results), media_type="text/csv")


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """A result row as JSON values: the result columns as the BatchRow model types them."""
    return BatchRow.model_validate(row).model_dump(mode="json")
