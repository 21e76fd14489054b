"""Administration of the tenant, for its admins: people's accounts, API keys (a new key shown
once), webhooks with their delivery log, and the audit trail, paged. Viewing needs the admin
role as changing does: keys, webhook targets and the trail are the tenant's secrets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ...errors import InputError, NotFoundError
from ...schemas.accounts import NewKey
from ...schemas.monitoring import ALERT_TYPES, NewWebhook, WebhookIn
from ...service import auditview, webviews
from ..deps import ScreeningDep
from .pages_datakit import missing, page
from .session import PageAdmin, PageUser, WebUser

router = APIRouter(prefix="/admin", include_in_schema=False)

ROLES = ("admin", "analyst", "ci")
AUDIT_PAGE = 50
DONE = {
    "key-revoked": "The key is revoked: calls with it are refused from now on.",
    "user-created": "The account is made: give the person their first password privately.",
    "user-disabled": "The account is disabled and its sessions have ended.",
    "webhook-deleted": "The webhook is deleted: no more alerts are sent to it.",
}


def _refused(request: Request, user: WebUser) -> HTMLResponse | None:
    """A 403 page for anyone but an admin (None for an admin)."""
    if user.principal.role == "admin":
        return None
    who = user.principal
    why = f"Only an administrator of {who.tenant} sees this page (you are {who.role})."
    return page(request, "_d_forbidden.html", user, status=403, why=why)


def _admin_page(
    request: Request,
    user: WebUser,
    svc: ScreeningDep,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    new_key: NewKey | None = None,
    new_hook: NewWebhook | None = None,
    done: str = "",
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    tenant = user.principal.tenant
    return page(
        request,
        "admin.html",
        user,
        status=status,
        users=svc.users(tenant),
        keys=sorted(svc.keys(tenant), key=lambda k: k.created_at, reverse=True),
        hooks=svc.webhooks(tenant),
        roles=ROLES,
        alert_types=ALERT_TYPES,
        errors=errors or {},
        new_key=new_key,
        new_hook=new_hook,
        done=DONE.get(done, ""),
        form=form or {},
    )


@router.get("", response_class=HTMLResponse)
def admin(
    request: Request,
    user: PageUser,
    svc: ScreeningDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """People, keys and webhooks of the tenant; the audit trail is on its own page."""
    return _refused(request, user) or _admin_page(request, user, svc, done=done)


@router.post("/keys", response_class=HTMLResponse)
def create_key(
    request: Request,
    user: PageAdmin,
    svc: ScreeningDep,
    role: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """A new key of the tenant: its secret is on this answer only (not in a redirect, so it
    is in no address bar or history entry)."""
    if role not in ROLES:
        return _admin_page(
            request,
            user,
            svc,
            status=400,
            errors={"key": f"role: choose one of {', '.join(ROLES)}"},
            form={"key_name": name},
        )
    made = svc.create_key(user.principal.tenant, role, name.strip() or None, who=user.principal)
    return _admin_page(request, user, svc, new_key=made)


@router.post("/keys/{prefix}/revoke", response_class=HTMLResponse, response_model=None)
def revoke_key(request: Request, prefix: str, user: PageAdmin, svc: ScreeningDep) -> Response:
    """Revoke a key of the tenant; calls with it get 401 from then on."""
    try:
        svc.revoke_key(prefix, user.principal.tenant, who=user.principal)
    except NotFoundError:
        return missing(request, user, "such key", "/admin", "administration")
    return RedirectResponse("/admin?done=key-revoked#keys", status_code=303)


@router.post("/users", response_class=HTMLResponse, response_model=None)
def create_user(
    request: Request,
    user: PageAdmin,
    svc: ScreeningDep,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """An account for a person of the tenant, with a first password they should change."""
    try:
        if role not in ROLES:
            raise InputError(f"role: choose one of {', '.join(ROLES)}")
        svc.create_user(user.principal.tenant, email.strip(), role, password, who=user.principal)
    except InputError as exc:
        return _admin_page(
            request,
            user,
            svc,
            status=400,
            errors={"user": exc.detail},
            form={"user_email": email, "user_role": role},
        )
    return RedirectResponse("/admin?done=user-created#users", status_code=303)


@router.post("/users/disable", response_class=HTMLResponse, response_model=None)
def disable_user(
    request: Request,
    user: PageAdmin,
    svc: ScreeningDep,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Disable an account of the tenant: it cannot sign in and its sessions end at once."""
    try:
        svc.disable_user(email, user.principal.tenant, who=user.principal)
    except NotFoundError:
        return missing(request, user, "such account", "/admin", "administration")
    except InputError as exc:
        return _admin_page(request, user, svc, status=400, errors={"user": exc.detail})
    return RedirectResponse("/admin?done=user-disabled#users", status_code=303)


@router.post("/webhooks", response_class=HTMLResponse)
def add_webhook(
    request: Request,
    user: PageAdmin,
    svc: ScreeningDep,
    url: Annotated[str, Form(max_length=2000)] = "",
    events: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    """Subscribe a URL to the tenant's alerts (none ticked: every type); the signing secret
    is shown on this answer only."""
    chosen = [e for e in (events or []) if e]
    try:
        bad = [e for e in chosen if e not in ALERT_TYPES]
        if bad:
            raise InputError(f"events: unknown alert type {bad[0][:60]!r}")
        try:
            item = WebhookIn.model_validate({"url": url.strip(), "events": chosen})
        except ValidationError as exc:
            raise InputError("url: give the full https:// address (8 to 2000 characters)") from exc
        made = svc.add_webhook(item, who=user.principal)
    except InputError as exc:
        return _admin_page(
            request,
            user,
            svc,
            status=400,
            errors={"webhook": exc.detail},
            form={"hook_url": url, "hook_events": chosen},
        )
    return _admin_page(request, user, svc, new_hook=made)


@router.post("/webhooks/{hook_id}/delete", response_class=HTMLResponse, response_model=None)
def delete_webhook(request: Request, hook_id: str, user: PageAdmin, svc: ScreeningDep) -> Response:
    """Stop sending alerts to a webhook."""
    try:
        svc.delete_webhook(hook_id, who=user.principal)
    except NotFoundError:
        return missing(request, user, "such webhook", "/admin", "administration")
    return RedirectResponse("/admin?done=webhook-deleted#webhooks", status_code=303)


@router.get("/webhooks/{hook_id}", response_class=HTMLResponse)
def webhook_page(request: Request, hook_id: str, user: PageUser, svc: ScreeningDep) -> HTMLResponse:
    """A webhook and its delivery log, newest first."""
    if refused := _refused(request, user):
        return refused
    tenant = user.principal.tenant
    hook = next((h for h in svc.webhooks(tenant) if h.id == hook_id), None)
    if hook is None:
        return missing(request, user, "such webhook", "/admin", "administration")
    deliveries = sorted(svc.deliveries(hook_id, tenant), key=lambda d: d.id, reverse=True)
    return page(request, "admin_webhook.html", user, hook=hook, deliveries=deliveries)


@router.post(
    "/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver",
    response_class=HTMLResponse,
    response_model=None,
)
def redeliver(
    request: Request, hook_id: str, delivery_id: int, user: PageAdmin, svc: ScreeningDep
) -> Response:
    """Send a delivery again (it goes back in the queue)."""
    try:
        svc.redeliver(hook_id, delivery_id, who=user.principal)
    except NotFoundError:
        return missing(request, user, "such delivery", f"/admin/webhooks/{hook_id}", "the webhook")
    return RedirectResponse(f"/admin/webhooks/{hook_id}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    user: PageUser,
    svc: ScreeningDep,
    before: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[str, Query(max_length=100)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The audit trail, newest first, a page at a time, filtered by action (prefix) and actor."""
    if refused := _refused(request, user):
        return refused
    entries = auditview.latest(
        svc,
        user.principal.tenant,
        before_id=before,
        action=action or None,
        actor=actor or None,
        limit=AUDIT_PAGE + 1,
    )
    more = len(entries) > AUDIT_PAGE
    entries = entries[:AUDIT_PAGE]
    query = {k: v for k, v in {"action": action, "actor": actor}.items() if v}
    return page(
        request,
        "admin_audit.html",
        user,
        entries=entries,
        next_before=entries[-1].id if more and entries else None,
        before=before,
        query=query,
        filters={"action": action, "actor": actor},
        change_text=webviews.change_text,
    )
