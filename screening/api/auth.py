"""Who is calling: `Authorization: Bearer <key>` on every route but `/health`.

A route states what it needs by the type of one parameter: `Reader` (lists, entities, stored
reports), `Screener` (screening and checks, which store nothing), `Writer` (uploads that are
stored, custom lists' data of a tenant), `Admin` (keys, custom lists, refresh). With
`SCREENING_AUTH=off` (refused by `serve` unless bound to a loopback address) every caller is the
administrator of tenant `default`, as the CLI is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..errors import AuthError, ForbiddenError
from ..schemas.accounts import Principal
from ..service import Settings, active, open_screening
from ..service.accounts import authenticate, can, remembered
from .deps import SettingsDep

LOCAL_ADMIN = Principal(tenant="default", role="admin", key_name="local (authentication off)")

# In the served app, a key that was let in is not looked up again for this many seconds (a
# SHA-256, a query and a database session per request otherwise). A key revoked through this
# process is refused at once; one revoked elsewhere (another worker, `screening keys revoke`)
# within this bound. In-process use (tests, the CLI) looks every key up.
REMEMBER_SECONDS = 5.0


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("send an API key: Authorization: Bearer <key> (screening keys create)")
    return token.strip()


def _look_up(settings: Settings, token: str, scope: str | None) -> Principal | None:
    with open_screening(settings) as svc:
        return authenticate(svc.session, token, remember_in=scope)


async def caller(request: Request, settings: SettingsDep) -> Principal:
    """The principal of this request, or 401. Answered on the event loop when the key is
    remembered; the lookup itself runs in the thread pool (it queries the database)."""
    if settings.auth == "off":
        return LOCAL_ADMIN
    token = _bearer(request)
    scope = settings.resolved_database_url() if active.CACHE.serve_stale else None
    who = remembered(scope, token, REMEMBER_SECONDS) if scope is not None else None
    if who is None:
        who = await run_in_threadpool(_look_up, settings, token, scope)
    if who is None:
        raise AuthError("the API key is unknown or revoked")
    return who


CallerDep = Annotated[Principal, Depends(caller)]


def need(action: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the call through when the caller's role allows `action`."""

    async def check(who: CallerDep) -> Principal:
        if not can(who.role, action):
            raise ForbiddenError(f"a {who.role} key may not do this (it needs {action} rights)")
        return who

    return check


Reader = Annotated[Principal, Depends(need("read"))]
Screener = Annotated[Principal, Depends(need("screen"))]
Writer = Annotated[Principal, Depends(need("write"))]
Admin = Annotated[Principal, Depends(need("admin"))]
