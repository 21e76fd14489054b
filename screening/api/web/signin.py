"""Signing in and out: `GET/POST /login` (fields `email`, `password`, `csrf_token`, and `next`,
the local page to go back to) and `GET/POST /logout`.

The sign-in form itself is protected against cross-site submission (login CSRF, which would
sign a victim into the attacker's account): `GET /login` sets a random token in a cookie
(`LOGIN_CSRF_COOKIE`, HttpOnly, SameSite=Lax) and in the form, and `POST /login` accepts only
when the two are the same (a double-submit token: another site can neither read the cookie nor
set it). A successful sign-in always opens a new session (the token of any previous one is
invalidated), so a session fixed in advance is worth nothing.
"""

from __future__ import annotations

import hmac
import re
import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...service import Settings
from ...service.users import SignInLocked, SignInRefused
from ..deps import ScreeningDep, SettingsDep
from .render import render
from .session import CSRF_FIELD, SESSION_COOKIE, FormUser, SignInRequired, current_user

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "screening_login_csrf"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}\Z")
_FIELD_LIMIT = 2000  # longer than any email or password we accept; bounds what is echoed


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site (one leading `/`, no scheme or host, no
    backslash or control character that a browser might read as another host); else `/`."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value[:_FIELD_LIMIT]


def _https(request: Request, settings: Settings) -> bool:
    """Whether the cookies must be Secure: the page came over https, or the setting
    `secure_cookies` says the site is https although this hop is not (a proxy that ends TLS
    without forwarding the scheme)."""
    return settings.secure_cookies or request.url.scheme == "https"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form_page(
    request: Request,
    settings: Settings,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The sign-in form, with the pre-session CSRF token (kept if the browser has a good one,
    so that two open tabs both work)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _TOKEN.match(token):
        token = secrets.token_urlsafe(32)
    page = render(
        request,
        "login.html",
        None,
        status,
        csrf=token,
        next=next_path,
        email=email[:254],
        error=error,
    )
    page.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_https(request, settings),
        path="/",
    )
    page.headers["Cache-Control"] = "no-store"
    return page


def _signed_in(request: Request, settings: SettingsDep, svc: ScreeningDep) -> bool:
    try:
        current_user(request, settings, svc)
    except SignInRequired:
        return False
    return True


@router.get("/login", response_model=None)
def login_form(
    request: Request, settings: SettingsDep, svc: ScreeningDep, next: str | None = None
) -> Response:
    """The sign-in form (someone already signed in goes straight on to `next`)."""
    if _signed_in(request, settings, svc):
        return RedirectResponse(safe_next(next), status_code=303)
    return _form_page(request, settings, next_path=safe_next(next))


@router.post("/login", response_model=None)
async def login(request: Request, settings: SettingsDep, svc: ScreeningDep) -> Response:
    """Check the form's CSRF token, then the email and password; a new session on success."""
    form = await request.form()

    def field(name: str) -> str:
        value = form.get(name)
        return value[:_FIELD_LIMIT] if isinstance(value, str) else ""

    next_path = safe_next(field("next"))
    if settings.auth == "off":
        return RedirectResponse(next_path, status_code=303)
    sent, kept = field(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        return _form_page(
            request,
            settings,
            next_path=next_path,
            email=field("email"),
            error="The form was out of date or not sent from this site: please sign in again.",
            status=403,
        )
    try:
        # Off the event loop: a password hash costs ~0.07 s of CPU by design.
        opened = await run_in_threadpool(
            svc.sign_in, field("email"), field("password"), _client(request)
        )
    except SignInLocked as exc:
        return _form_page(
            request,
            settings,
            next_path=next_path,
            email=field("email"),
            error=exc.detail,
            status=429,
        )
    except SignInRefused as exc:
        return _form_page(
            request,
            settings,
            next_path=next_path,
            email=field("email"),
            error=exc.detail,
            status=400,
        )
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:  # a browser signing in again: its old session ends (rotation)
        await run_in_threadpool(svc.sign_out, previous)
    done = RedirectResponse(next_path, status_code=303)
    done.set_cookie(
        SESSION_COOKIE,
        opened.token,
        httponly=True,
        samesite="lax",
        secure=_https(request, settings),
        path="/",
    )
    done.delete_cookie(LOGIN_CSRF_COOKIE, path="/", secure=_https(request, settings), httponly=True)
    return done


@router.get("/logout", response_model=None)
def logout_form(request: Request, settings: SettingsDep, svc: ScreeningDep) -> Response:
    """A page with the sign-out button (signing out changes state: it is a POST with the
    session's CSRF token, so another site cannot sign you out)."""
    try:
        user = current_user(request, settings, svc)
    except SignInRequired:
        return RedirectResponse("/login", status_code=303)
    page = render(request, "logout.html", user)
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/logout", response_model=None)
def logout(request: Request, user: FormUser, settings: SettingsDep, svc: ScreeningDep) -> Response:
    """End the session server-side and drop the cookie."""
    del user  # checked the CSRF token
    if settings.auth == "off":
        return RedirectResponse("/", status_code=303)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        svc.sign_out(token)
    done = RedirectResponse("/login", status_code=303)
    done.delete_cookie(
        SESSION_COOKIE, path="/", secure=_https(request, settings), httponly=True, samesite="lax"
    )
    return done
