"""Name screening: one name, or a batch (JSON array or CSV upload)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ... import namescreen
from ...errors import InputError
from ..deps import SessionDep, SettingsDep
from ..uploads import read_limited

router = APIRouter(prefix="/v1", tags=["screening"])


class ScreenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    kind: str | None = None
    country: str | None = Field(default=None, max_length=64)
    identifiers: list[str] | None = Field(default=None, max_length=50)
    sources: list[str] | None = None
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    limit: int = Field(default=10, ge=1, le=1000)


@router.post("/screen")
def screen(req: ScreenRequest, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Screen one vendor or maker name against every active list (or `sources`). Each match
    carries its score, matched name, entity id, source, snapshot version and per-feature
    explanation; an exact identifier match (ISIN, USCC, LEI, registration number) scores 1.0."""
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
    hit_sources, error), as JSON, NDJSON or CSV (`format`), streamed. Size-capped by
    SCREENING_MAX_UPLOAD_BYTES."""
    data = await read_limited(request, settings.max_upload_bytes)
    source_list = [s for s in (sources or "").split(",") if s] or None
    ctype = request.headers.get("content-type", "")
    if "csv" in ctype:
        header, rows = namescreen.read_name_csv(data, "upload")
    else:
        try:
            items = json.loads(data)
        except ValueError as exc:
            raise InputError(f"body: not JSON ({exc}); send a JSON array or text/csv") from exc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError("body: expected a JSON array of objects with a 'name'")
        header = ["name", "kind", "country"]
        rows = iter([{k: "" if i.get(k) is None else str(i.get(k)) for k in header} for i in items])
    matcher, _ = namescreen.get_matcher(session, settings)
    results = namescreen.screen_table(
        matcher, rows, kind=kind, threshold=threshold, sources=source_list
    )
    columns = header + list(namescreen.OUT_COLUMNS)
    if format == "json":
        return list(results)
    if format == "ndjson":
        return StreamingResponse(
            (json.dumps(r, ensure_ascii=False) + "\n" for r in results),
            media_type="application/x-ndjson",
        )
    return StreamingResponse(_csv_lines(results, columns), media_type="text/csv")


def _csv_lines(rows: Iterator[dict[str, str]], columns: list[str]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()
