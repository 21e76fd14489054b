"""Inventories and quotes: upload a file with a profile, the stored reports of the tenant, one
report (per-site chart, filterable devices table) and its downloads. Plain `def` routes, as in
the API: parsing and scoring run in the thread pool, never on the event loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ...errors import InputError, NotFoundError
from ...service import RENDERERS
from ...service import webviews as views
from ..deps import ScreeningDep, SettingsDep
from ..uploads import read_upload
from .pages_datakit import missing, page, paged
from .session import PageUser, PageWriter, WebUser

router = APIRouter(include_in_schema=False)

# An estate of thousands of sites would make a chart nobody reads: the worst sites come first
# (the report's order), the rest are counted and reachable through the site filter.
CHART_BARS = 40
PROGRESS_HEADER = "x-upload-progress"
KINDS = {"inventory": "Installed devices (inventory)", "po": "A quote or purchase order"}


def _list_page(
    request: Request,
    user: WebUser,
    svc: ScreeningDep,
    *,
    status: int = 200,
    error: str = "",
    profile: str = "default",
    kind: str = "inventory",
) -> HTMLResponse:
    return page(
        request,
        "inventories.html",
        user,
        status=status,
        reports=svc.reports(user.principal.tenant, None, 200),
        profiles=views.profiles(),
        kinds=KINDS,
        chosen_profile=profile,
        chosen_kind=kind,
        error=error,
        can_write=user.principal.role in ("admin", "analyst"),
    )


@router.get("/inventories", response_class=HTMLResponse)
def inventories(request: Request, user: PageUser, svc: ScreeningDep) -> HTMLResponse:
    """The upload form and the tenant's stored reports, newest first."""
    return _list_page(request, user, svc)


@router.post("/inventories", response_class=HTMLResponse, response_model=None)
def upload(
    request: Request,
    user: PageWriter,
    svc: ScreeningDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
    profile: Annotated[str, Form()] = "default",
    kind: Annotated[str, Form()] = "inventory",
) -> Response:
    """Score and store an uploaded file, then show its report. The file is scored whole before
    the answer (synchronously): a refused file re-shows the form with the reason."""
    try:
        if kind not in KINDS:
            raise InputError(f"kind {kind[:40]!r}: choose an inventory or a quote")
        if file is None or not file.filename:
            raise InputError("file: choose a CSV, XLSX or JSON file to upload")
        data, name = read_upload(file, settings.max_upload_bytes)
        report = svc.score_upload(
            data,
            name,
            "inventory" if kind == "inventory" else "po",
            profile,
            store=True,
            who=user.principal,
        )
    except InputError as exc:
        return _list_page(
            request, user, svc, status=400, error=exc.detail, profile=profile, kind=kind
        )
    where = f"/inventories/{report.id}"
    if request.headers.get(PROGRESS_HEADER) == "1":
        # The upload script asks for the address rather than a redirect: an XMLHttpRequest
        # follows redirects itself, so the report (a large one takes seconds to read back)
        # would be read once for the script and again when the browser goes there.
        return JSONResponse({"location": where})
    return RedirectResponse(where, status_code=303)


@router.get("/inventories/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    report_id: str,
    user: PageUser,
    svc: ScreeningDep,
    tier: Annotated[str, Query(max_length=20)] = "",
    site: Annotated[str, Query(max_length=300)] = "",
    family: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """A stored report: counts, the chart per site (or vendor), the devices table filtered by
    tier, site, family and text, the row errors and the list versions used."""
    try:
        report = svc.report(report_id, user.principal.tenant)
    except NotFoundError:
        return missing(request, user, "this report", "/inventories", "Stored reports")
    groups = views.groups(report)
    items = views.filter_items(report, tier=tier, site=site, family=family, text=q)
    window = paged(len(items), page_no)
    filters = {"tier": tier, "site": site, "family": family, "q": q}
    return page(
        request,
        "inventory.html",
        user,
        report=report,
        groups=groups[:CHART_BARS],
        more_groups=max(0, len(groups) - CHART_BARS),
        rows=[views.item_row(i) for i in items[window["start"] : window["stop"]]],
        window=window,
        filters=filters,
        query={k: v for k, v in filters.items() if v},
        facets=views.facets(report),
        tiers=views.tiers(),
        tier_words=views.TIER_WORDS,
        where="site" if report.kind == "inventory" else "vendor",
        total=len(views.items_of(report)),
        can_write=user.principal.role in ("admin", "analyst"),
    )


_SUFFIX = {"csv": "csv", "json": "json", "html": "html"}


@router.get("/inventories/{report_id}/download.{fmt}")
def download(
    request: Request, report_id: str, fmt: str, user: PageUser, svc: ScreeningDep
) -> Response:
    """The stored report as CSV (formula-like cells neutralised), JSON or the self-contained
    HTML page, through the same renderers as the API and the CLI."""
    try:
        if fmt not in _SUFFIX:
            raise NotFoundError(f"no download as {fmt[:20]!r}: csv, json or html")
        report = svc.report(report_id, user.principal.tenant)
    except NotFoundError:
        return missing(request, user, "such download", "/inventories", "Stored reports")
    renderer = RENDERERS[fmt]
    name = f"report-{report_id[:40]}.{_SUFFIX[fmt]}"
    return Response(
        renderer.render(report),
        media_type=renderer.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/inventories/{report_id}/delete", response_class=HTMLResponse, response_model=None)
def delete(request: Request, report_id: str, user: PageWriter, svc: ScreeningDep) -> Response:
    """Delete a stored report of the tenant, then back to the list."""
    try:
        svc.delete_report(report_id, user.principal.tenant, who=user.principal)
    except NotFoundError:
        return missing(request, user, "this report", "/inventories", "Stored reports")
    return RedirectResponse("/inventories", status_code=303)
