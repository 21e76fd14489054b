"""Inventories (after deployment) and purchase orders (before). Plain `def` routes: FastAPI
runs them in its thread pool, so parsing and scoring never hold up the event loop (the body has
already been received, under the guard's size limit, before they start)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from ...schemas.reports import InventoryReport, OrderReport
from ...schemas.stored import StoredReportInfo
from ...service import RENDERERS
from ..auth import Reader, Screener, Writer
from ..deps import ScreeningDep, SettingsDep
from ..uploads import read_upload

router = APIRouter(prefix="/v1", tags=["devices"])


def json_report(report: InventoryReport | OrderReport) -> Response:
    """The report as JSON, its items dumped one at a time here in the thread pool: returned as
    a model, FastAPI would serialise a 100,000-device report in one call on the event loop
    (seconds during which no other request, not even /health, is answered)."""
    big = "devices" if isinstance(report, InventoryReport) else "items"
    head = report.model_dump_json(exclude={big})
    items = ",".join(x.model_dump_json() for x in getattr(report, big))
    return Response(f'{head[:-1]},"{big}":[{items}]}}', media_type="application/json")


@router.post("/inventories", response_model=InventoryReport)
def upload_inventory(
    who: Writer,
    svc: ScreeningDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX or JSON inventory")],
    profile: Annotated[str, Form()] = "default",
) -> Response:
    """Upload a device inventory: every device is identified and scored under `profile`; the
    report is stored (with the list versions used) and returned with its `id`. A file that
    cannot be read at all (wrong type, too large, no recognisable columns) is refused with a
    clear error and nothing is stored; unreadable rows are listed in `errors`."""
    data, name = read_upload(file, settings.max_upload_bytes)
    report = svc.score_upload(data, name, "inventory", profile, store=True, who=who)
    assert isinstance(report, InventoryReport)
    return json_report(report)


@router.get("/inventories", response_model=list[StoredReportInfo])
def list_inventories(
    who: Reader,
    svc: ScreeningDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[StoredReportInfo]:
    """The caller's tenant's stored inventory reports, newest first (without their devices)."""
    return svc.reports(who.tenant, "inventory", limit)


@router.get("/inventories/{report_id}", response_model=InventoryReport)
def get_inventory(report_id: str, who: Reader, svc: ScreeningDep) -> InventoryReport:
    """A stored inventory report of the caller's tenant, as it was scored (with the snapshot
    versions used); another tenant's id answers 404."""
    report = svc.report(report_id, who.tenant)
    assert isinstance(report, InventoryReport)
    return report


@router.delete("/inventories/{report_id}", status_code=204, response_class=Response)
def delete_inventory(report_id: str, who: Writer, svc: ScreeningDep) -> Response:
    """Delete a stored inventory report (404 when there is none with that id). Stored reports
    are also deleted after `SCREENING_REPORT_RETENTION_DAYS`."""
    svc.delete_report(report_id, who.tenant, who=who)
    return Response(status_code=204)


@router.get(
    "/inventories/{report_id}/report",
    response_model=InventoryReport,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
            "description": "The report as JSON, CSV or HTML (`format`).",
        }
    },
)
def inventory_report(
    report_id: str,
    who: Reader,
    svc: ScreeningDep,
    format: Annotated[str, Query(pattern="^(json|csv|html)$")] = "json",
) -> Response:
    """A stored report as JSON, CSV (one row per device; formula cells neutralised) or a
    self-contained HTML page with a per-site chart of tiers."""
    renderer = RENDERERS[format]
    report = svc.report(report_id, who.tenant)
    return Response(renderer.render(report), media_type=renderer.media_type)


@router.post("/purchase-orders/check", response_model=OrderReport)
def check_purchase_order(
    who: Screener,
    svc: ScreeningDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, JSON or YAML order or quote")],
    profile: Annotated[str, Form()] = "default",
) -> Response:
    """Check a purchase order or quote before it is signed: each line item is identified (a
    part number alone is enough) and scored, and each vendor is screened against every list
    (`vendor_matches`). Nothing is stored."""
    data, name = read_upload(file, settings.max_upload_bytes)
    report = svc.score_upload(data, name, "po", profile, store=False, who=who)
    assert isinstance(report, OrderReport)
    return json_report(report)
