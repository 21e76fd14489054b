"""The pages people use most (issue 16): the overview, screening a name and the alerts feed
(the vendors' pages are in `pages_vendors`, included here). Server-rendered; every form that
changes state posts the session's CSRF token (`FormUser`/`PageWriter`); input the service
refuses (`InputError`) re-renders the form with the message, never a JSON body."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ...errors import InputError
from ...schemas.monitoring import ALERT_TYPES
from ...schemas.reports import InventoryReport
from ...service import alertreads
from ...service.checks import WARN_AGE
from ...service.listages import list_ages
from ..deps import ScreeningDep
from . import main_views, pages_vendors
from .pages_vendors import FLAGS, SAVED
from .render import render
from .session import FormUser, PageUser

router = APIRouter(include_in_schema=False)
router.include_router(pages_vendors.router)


# -- overview -----------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: PageUser, svc: ScreeningDep) -> HTMLResponse:
    """The overview: vendors with open hits, devices of the latest inventory by tier and by
    site, unread alerts and the freshness of every list."""
    tenant = user.principal.tenant
    open_vendors = svc.vendors(tenant, reviewed=False, limit=20)
    chart = None
    latest = svc.reports(tenant, kind="inventory", limit=1)
    if latest:
        report = svc.report(latest[0].id, tenant)
        if isinstance(report, InventoryReport):
            chart = main_views.inventory_chart(report)
    reader = user.email
    unread = alertreads.unread_count(svc.session, tenant, reader)
    recent = alertreads.feed(svc.session, tenant, reader, unread_only=True, limit=5)
    lists = list_ages(svc.sources(tenant))
    return render(
        request,
        "overview.html",
        user,
        open_vendors=open_vendors,
        chart=chart,
        unread=unread,
        recent=recent,
        lists=lists,
        stale=sum(1 for f in lists if f.stale),
        warn_days=WARN_AGE.days,
        tiers=main_views.TIER_WORDS,
    )


# -- screen a name ------------------------------------------------------------------------------
KINDS = ("organization", "person", "vessel", "aircraft")


@router.get("/screen", response_class=HTMLResponse)
def screen_page(
    request: Request,
    user: PageUser,
    svc: ScreeningDep,
    name: str = "",
    kind: str = "",
    country: str = "",
) -> HTMLResponse:
    """Screen one name (a GET: nothing is stored) and show each party with its listings."""
    result, error = None, None
    name, country = name.strip(), country.strip()
    if len(name) > 1000 or len(country) > 64:
        error = "The name is at most 1,000 characters and the country at most 64."
    elif kind and kind not in KINDS:
        error = f"Kind: choose one of {', '.join(KINDS)}."
    elif name:
        try:
            result = svc.screen_name(
                name,
                kind=kind or None,
                country=country or None,
                tenant=user.principal.tenant,
            )
        except InputError as exc:
            error = exc.detail
    return render(
        request,
        "screen.html",
        user,
        status=400 if error else 200,
        name=name[:1000],
        kind=kind if kind in KINDS else "",
        country=country,
        kinds=KINDS,
        result=result,
        error=error,
        relation_words=main_views.relation_words,
    )


# -- alerts ------------------------------------------------------------------------------------
@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    user: PageUser,
    svc: ScreeningDep,
    unread: str = "",
    type: str = "",
    before: str = "",
) -> HTMLResponse:
    """The tenant's alerts, newest first, with what each is about and a link to it."""
    tenant, reader = user.principal.tenant, user.email
    unread = unread if unread in FLAGS else ""
    before_id = int(before) if before.isdigit() and len(before) < 12 else None
    kind = type if type in ALERT_TYPES else ""
    page_size = 50
    items = alertreads.feed(
        svc.session,
        tenant,
        reader,
        unread_only=unread == "yes",
        kind=kind or None,
        before_id=before_id,
        limit=page_size + 1,
    )
    more = len(items) > page_size
    items = items[:page_size]
    older = None
    if more:
        older = "/alerts?" + urlencode(
            {
                k: v
                for k, v in {"unread": unread, "type": kind, "before": items[-1].alert.id}.items()
                if v
            }
        )
    return render(
        request,
        "alerts.html",
        user,
        items=items,
        unread=unread,
        kind=kind,
        kinds=ALERT_TYPES,
        older=older,
        unread_total=alertreads.unread_count(svc.session, tenant, reader),
        saved=SAVED.get(request.query_params.get("saved", "")),
        here="/alerts" + ("?" + urlencode(kept) if (kept := _kept(request)) else ""),
    )


def _kept(request: Request) -> dict[str, str]:
    """The feed's filters, to come back to after marking alerts read."""
    return {k: v for k, v in request.query_params.items() if k in ("unread", "type") and v}


@router.post("/alerts/read", response_model=None)
async def mark_alerts_read(request: Request, user: FormUser, svc: ScreeningDep) -> RedirectResponse:
    """Mark the chosen alerts (or every alert, `all`) as read for the signed-in person."""
    form = await request.form()
    # A row's own button marks that alert alone, whatever boxes are ticked in the same form.
    only = form.get("only")
    chosen = [only] if isinstance(only, str) and only else form.getlist("ids")
    ids = [int(v) for v in chosen if isinstance(v, str) and v.isdigit()]
    everything = form.get("all") == "1"
    await run_in_threadpool(  # a database write: off the event loop
        alertreads.mark_read,
        svc.session,
        user.principal.tenant,
        user.email,
        None if everything else ids,
    )
    back = form.get("next")
    target = (
        back
        if isinstance(back, str) and re.fullmatch(r"/alerts(\?[\w=&%.+-]*)?", back)
        else "/alerts"
    )
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}saved=read", status_code=303)
