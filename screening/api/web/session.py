"""Who is signed in: the session cookie, the CSRF token of every form.

INTERFACE (pages depend on exactly this; the implementation behind it may change):
- `WebUser(principal, email, csrf)`: the signed-in person; `csrf` goes in every form as the
  hidden field `csrf_token`.
- `PageUser`: a route parameter type; the signed-in person, or a 303 redirect to
  `/login?next=<path>` (raised as `SignInRequired`, mapped by `mount`).
- `FormUser`: the same, for a route that changes state: also checks the form's `csrf_token`
  field (or the `X-CSRF-Token` header) against the session and answers 403 when it differs.
- `PageWriter`, `PageAdmin`: `FormUser` whose role may write / administer (403 otherwise).

With `SCREENING_AUTH=off` (loopback only) the visitor is the local administrator of `default`.

The session cookie (`SESSION_COOKIE`, set by `signin.py`) holds 256 random bits; the database
keeps their SHA-256 (`service/users.py`). It is HttpOnly, SameSite=Lax, Path=/, and Secure when
the page was served over https. The JSON API never reads it (keys only, so it needs no CSRF).
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from ...errors import ForbiddenError
from ...schemas.accounts import Principal
from ...service.accounts import can
from ...service.userops import person
from ..deps import ScreeningDep, SettingsDep

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "screening_session"


@dataclass(frozen=True)
class WebUser:
    principal: Principal
    email: str
    csrf: str


class SignInRequired(Exception):
    """No valid session: the page answers a redirect to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


_LOCAL_ADMIN = Principal(tenant="default", role="admin", key_name="local (authentication off)")


@lru_cache(maxsize=4)
def _local_csrf(state_dir: Path) -> str:
    """The CSRF token of the local administrator (`auth=off`): random, kept in the state
    directory so that every worker of this service shares it. A fixed token would let any web
    page the local user visits post forms to the service on loopback."""
    path = state_dir / "local-csrf"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token)
    return token


def _here(request: Request) -> str:
    """Where to come back to after signing in: this page (with its query, for a GET)."""
    query = request.url.query
    return f"{request.url.path}?{query}" if query and request.method == "GET" else request.url.path


def current_user(request: Request, settings: SettingsDep, svc: ScreeningDep) -> WebUser:
    """The signed-in person: the session the cookie names, if it is still valid (not expired,
    not idle too long, its user not disabled); otherwise `SignInRequired`."""
    if settings.auth == "off":
        return WebUser(_LOCAL_ADMIN, "local", _local_csrf(settings.state_dir))
    token = request.cookies.get(SESSION_COOKIE)
    found = svc.web_session(token) if token else None
    if found is None:
        raise SignInRequired(_here(request))
    return WebUser(
        principal=person(found.tenant, found.role, found.email), email=found.email, csrf=found.csrf
    )


PageUser = Annotated[WebUser, Depends(current_user)]


async def form_user(request: Request, user: PageUser) -> WebUser:
    """The signed-in person, once the request's CSRF token matches the session's."""
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not token or not hmac.compare_digest(token.encode(), user.csrf.encode()):
        raise ForbiddenError("the form is out of date or was not sent by this site: reload it")
    return user


FormUser = Annotated[WebUser, Depends(form_user)]


def _role(action: str):  # type: ignore[no-untyped-def]
    def check(user: FormUser) -> WebUser:
        if not can(user.principal.role, action):
            raise ForbiddenError(f"a {user.principal.role} may not do this")
        return user

    return check


PageWriter = Annotated[WebUser, Depends(_role("write"))]
PageAdmin = Annotated[WebUser, Depends(_role("admin"))]
