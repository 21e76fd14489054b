"""The lists: every source the tenant sees with its status, version, dates and counts; one
list with its stored versions; what changed between any two of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ...errors import InputError, NotFoundError
from ...service import webviews as views
from ..deps import ScreeningDep
from .pages_datakit import missing, page
from .session import PageUser

router = APIRouter(include_in_schema=False)

# A diff of a whole list can run to thousands of entries: the page shows this many of each
# kind (the counts are always whole; `screening diff --json` gives everything).
DIFF_SHOWN = 300


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, user: PageUser, svc: ScreeningDep) -> HTMLResponse:
    """Every public list and the tenant's custom lists (never another tenant's)."""
    return page(request, "lists.html", user, sources=svc.sources(user.principal.tenant))


@router.get("/lists/{source_id}", response_class=HTMLResponse)
def list_page(request: Request, source_id: str, user: PageUser, svc: ScreeningDep) -> HTMLResponse:
    """One list: its summary, its stored versions (newest first) and a form to compare two."""
    tenant = user.principal.tenant
    try:
        summary = svc.source(source_id, tenant)
        versions = svc.snapshots(source_id, tenant)
    except NotFoundError:
        return missing(request, user, "such list", "/lists", "the lists")
    versions = sorted(versions, key=lambda v: v.id, reverse=True)
    named = [v for v in versions if v.version]
    return page(
        request,
        "list.html",
        user,
        source=summary,
        versions=versions,
        named=named,
        default_to=named[0].version if named else "",
        default_from=named[1].version if len(named) > 1 else "",
    )


@router.get("/lists/{source_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    source_id: str,
    user: PageUser,
    svc: ScreeningDep,
    from_version: Annotated[str, Query(alias="from", max_length=200)] = "",
    to_version: Annotated[str, Query(alias="to", max_length=200)] = "",
) -> HTMLResponse:
    """What changed between two versions (blank: the active one and the one before it)."""
    tenant = user.principal.tenant
    try:
        summary = svc.source(source_id, tenant)
    except NotFoundError:
        return missing(request, user, "such list", "/lists", "the lists")
    error = ""
    diff = None
    try:
        if from_version and from_version == to_version:
            raise InputError("from and to: choose two different versions")
        diff = svc.diff(source_id, from_version or None, to_version or None, tenant)
    except (InputError, NotFoundError) as exc:
        error = exc.detail
    return page(
        request,
        "diff.html",
        user,
        status=200 if diff else 400,
        source=summary,
        diff=diff,
        error=error,
        shown=DIFF_SHOWN,
        change_text=views.change_text,
    )
