"""Inventories (after deployment) and purchase orders (before)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse

from ... import reportstore
from ...errors import InputError
from ..deps import SessionDep, SettingsDep
from ..uploads import UploadTooLarge

router = APIRouter(prefix="/v1", tags=["devices"])


async def _read(upload: UploadFile, limit: int) -> tuple[bytes, str]:
    name = upload.filename or "upload"
    chunks, size = [], 0
    while chunk := await upload.read(1 << 16):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"{name}: upload is over the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks), name


@router.post("/inventories")
async def upload_inventory(
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX or JSON inventory")],
    profile: Annotated[str, Form()] = "default",
) -> dict[str, Any]:
    """Upload a device inventory: every device is identified and scored under `profile`; the
    report is stored (with the list versions used) and returned with its `id`. A file that
    cannot be read at all (wrong type, too large, no recognisable columns) is refused with a
    clear error and nothing is stored; unreadable rows are listed in `errors`."""
    data, name = await _read(file, settings.max_upload_bytes)
    return reportstore.score_upload(session, settings, data, name, profile, "inventory", store=True)


@router.get("/inventories/{report_id}")
def get_inventory(report_id: str, session: SessionDep) -> dict[str, Any]:
    """A stored inventory report, as it was scored (with the snapshot versions used)."""
    row = reportstore.get_report(session, report_id)
    return {"id": row.id, "created_at": row.created_at.isoformat(), **row.report}


@router.get("/inventories/{report_id}/report", response_model=None)
def inventory_report(
    report_id: str,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(json|csv|html)$")] = "json",
) -> Any:
    """A stored report as JSON, CSV (one row per device; formula cells neutralised) or a
    self-contained HTML page with a per-site chart of tiers."""
    from ...reports import csv as csv_report
    from ...reports import html as html_report

    row = reportstore.get_report(session, report_id)
    if format == "json":
        return {"id": row.id, **row.report}
    if format == "csv":
        return PlainTextResponse(csv_report.render(row.report, row.kind), media_type="text/csv")
    return HTMLResponse(html_report.render(row.report, row.kind))


@router.post("/purchase-orders/check")
async def check_purchase_order(
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, JSON or YAML order or quote")],
    profile: Annotated[str, Form()] = "default",
) -> dict[str, Any]:
    """Check a purchase order or quote before it is signed: each line item is identified (a
    part number alone is enough) and scored, and each vendor is screened against every list
    (`vendor_matches`). Nothing is stored."""
    data, name = await _read(file, settings.max_upload_bytes)
    if not data:
        raise InputError(f"{name}: the upload is empty")
    return reportstore.score_upload(session, settings, data, name, profile, "po", store=False)
