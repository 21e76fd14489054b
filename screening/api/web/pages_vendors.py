"""The vendors' pages (issue 16): the list with search and filters, adding one, importing a
CSV (the refused rows shown against the file's rows), and one vendor with its parties,
listings, decisions (confirm / dismiss with a reason) and history. Another tenant's vendor is
"not found"."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ...errors import InputError, NotFoundError, TooLargeError
from ...schemas.monitoring import ReviewIn
from ...schemas.vendors import VendorIn
from ...service import alertreads
from ...service.accounts import can
from ..deps import ScreeningDep
from .render import render
from .session import PageUser, PageWriter, WebUser

router = APIRouter(include_in_schema=False)

FLAGS = ("yes", "no")
VENDOR_TIERS = ("high", "medium", "low", "none")
SAVED = {  # what a redirect after a change says it did (a code, never user text)
    "added": "Vendor added and screened.",
    "review": "Decision recorded.",
    "read": "Marked as read.",
}


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _redirect(path: str, **query: str) -> RedirectResponse:
    return RedirectResponse(path + ("?" + urlencode(query) if query else ""), status_code=303)


# -- vendors -----------------------------------------------------------------------------------
def _vendors_page(
    request: Request,
    user: WebUser,
    svc: Any,
    *,
    q: str = "",
    hits: str = "",
    tier: str = "",
    reviewed: str = "",
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    tenant = user.principal.tenant
    shown = svc.vendors(
        tenant,
        name=q.strip() or None,
        has_hits=_flag(hits),
        tier=tier or None,
        reviewed=_flag(reviewed),
        limit=500,
    )
    filtered = bool(q.strip() or hits or tier or reviewed)
    return render(
        request,
        "vendors.html",
        user,
        status=status,
        vendors=shown,
        q=q,
        hits=hits,
        tier=tier,
        reviewed=reviewed,
        filtered=filtered,
        tiers=VENDOR_TIERS,
        can_write=can(user.principal.role, "write"),
        saved=SAVED.get(request.query_params.get("saved", "")),
        **extra,
    )


@router.get("/vendors", response_class=HTMLResponse)
def vendors_page(
    request: Request,
    user: PageUser,
    svc: ScreeningDep,
    q: str = "",
    hits: str = "",
    tier: str = "",
    reviewed: str = "",
) -> HTMLResponse:
    """The tenant's vendors, searchable and filtered, with forms to add one or import a CSV.
    A filter value the form does not offer is ignored (a page, not an API: no 422)."""
    return _vendors_page(
        request,
        user,
        svc,
        q=q[:200],
        hits=hits if hits in FLAGS else "",
        tier=tier if tier in VENDOR_TIERS else "",
        reviewed=reviewed if reviewed in FLAGS else "",
    )


def _identifiers(text: str) -> list[str]:
    return [i.strip() for i in re.split(r"[;\n]", text) if i.strip()]


@router.post("/vendors", response_class=HTMLResponse, response_model=None)
def add_vendor(
    request: Request,
    user: PageWriter,
    svc: ScreeningDep,
    name: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    identifiers: Annotated[str, Form()] = "",
    external_id: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Add one vendor (screened at once), then show its page."""
    form = {
        "name": name,
        "country": country,
        "identifiers": identifiers,
        "external_id": external_id,
    }
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "Give the vendor's name."
    elif len(name) > 1000:
        problems["name"] = "At most 1,000 characters."
    if len(country) > 64:
        problems["country"] = "At most 64 characters."
    if len(external_id) > 200:
        problems["external_id"] = "At most 200 characters."
    ids = _identifiers(identifiers)
    if len(ids) > 50:
        problems["identifiers"] = "At most 50 identifiers."
    if not problems:
        item = VendorIn(
            name=name.strip(),
            country=country.strip() or None,
            identifiers=ids,
            external_id=external_id.strip() or None,
        )
        try:
            made = svc.add_vendor(item, tenant=user.principal.tenant, who=user.principal)
        except InputError as exc:
            problems["form"] = exc.detail
        else:
            return _redirect(f"/vendors/{made.id}", saved="added")
    return _vendors_page(request, user, svc, status=400, add_form=form, add_errors=problems)


_ROW_PROBLEM = re.compile(r"row (\d+): (.+?)(?=; row \d+: |; …$|$)")


def _import_rows(data: bytes, limit: int = 200) -> tuple[list[str], list[list[str]]]:
    """The uploaded file's header and first rows, to show the errors against them (only for
    display: the service is what reads and refuses the file)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], []
    # Numbered as the service numbers them: csv.DictReader skips empty lines.
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    if not rows:
        return [], []
    body = rows[1 : limit + 1]
    return rows[0][:20], [r[:20] for r in body]


@router.post("/vendors/import", response_class=HTMLResponse, response_model=None)
async def import_vendors(
    request: Request,
    user: PageWriter,
    svc: ScreeningDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse | RedirectResponse:
    """Import a vendor CSV: every row stored and screened, or none, with each bad row named."""
    filename = (file.filename if file else "") or "upload.csv"
    data = await file.read() if file else b""
    # Storing and screening every row is blocking work: off the event loop.
    return await run_in_threadpool(_import_page, request, user, svc, filename, data)


def _import_page(
    request: Request, user: WebUser, svc: Any, filename: str, data: bytes
) -> HTMLResponse:
    if not data:
        return _vendors_page(
            request, user, svc, status=400, import_error="Choose a CSV file to import."
        )
    try:
        done = svc.import_vendors(data, filename, tenant=user.principal.tenant, who=user.principal)
    except InputError as exc:
        found = {int(n): msg for n, msg in _ROW_PROBLEM.findall(exc.detail)}
        header, rows = _import_rows(data) if found else ([], [])
        return _vendors_page(
            request,
            user,
            svc,
            status=413 if isinstance(exc, TooLargeError) else 400,
            import_error=exc.detail,
            import_file=filename,
            import_header=header,
            import_rows=rows,
            import_problems=found,
        )
    return _vendors_page(request, user, svc, imported=done)


# -- one vendor ----------------------------------------------------------------------------------
def _vendor_page(
    request: Request, user: WebUser, svc: Any, vendor_id: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    tenant = user.principal.tenant
    try:
        vendor = svc.vendor(vendor_id, tenant)
    except NotFoundError:
        return render(
            request,
            "_message.html",
            user,
            status=404,
            heading="No such vendor",
            message="This vendor does not exist, or belongs to another organisation.",
            back=("/vendors", "Back to the vendors"),
        )
    return render(
        request,
        "vendor.html",
        user,
        status=status,
        vendor=vendor,
        reviews=svc.reviews(vendor_id, tenant),
        alerts=alertreads.vendor_alerts(svc.session, tenant, vendor_id),
        history=alertreads.vendor_audit(svc.session, tenant, vendor_id),
        saved=SAVED.get(request.query_params.get("saved", "")),
        can_write=can(user.principal.role, "write"),
        **extra,
    )


@router.get("/vendors/{vendor_id}", response_class=HTMLResponse)
def vendor_page(
    request: Request, vendor_id: str, user: PageUser, svc: ScreeningDep
) -> HTMLResponse:
    """One vendor: its parties and listings, the decisions on them and its history."""
    return _vendor_page(request, user, svc, vendor_id)


@router.post("/vendors/{vendor_id}/reviews", response_class=HTMLResponse, response_model=None)
def review_hit(
    request: Request,
    vendor_id: str,
    user: PageWriter,
    svc: ScreeningDep,
    entity_id: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Confirm or dismiss one hit of the vendor, with a reason."""
    error = None
    if decision not in ("confirmed", "dismissed"):
        error = "Choose confirm or dismiss."
    elif not reason.strip():
        error = "Give a reason for the decision."
    elif len(reason) > 2000:
        error = "The reason is at most 2,000 characters."
    elif not entity_id or len(entity_id) > 300:
        error = "The form does not name a listing: reload the page."
    if error is None:
        item = ReviewIn(entity_id=entity_id, decision=decision, reason=reason.strip())
        try:
            svc.vendor(vendor_id, user.principal.tenant)  # another tenant's: the 404 page
            svc.review(vendor_id, item, who=user.principal)
        except NotFoundError:
            return _vendor_page(request, user, svc, vendor_id)
        except InputError as exc:
            error = exc.detail
        else:
            return _redirect(f"/vendors/{vendor_id}", saved="review")
    return _vendor_page(
        request,
        user,
        svc,
        vendor_id,
        status=400,
        review_error=error,
        review_form={"entity_id": entity_id, "decision": decision, "reason": reason},
    )
