"""Who is calling: `Authorization: Bearer <key>` on every route but `/health`.

A route states what it needs by the type of one parameter: `Reader` (lists, entities, stored
reports), `Screener` (screening and checks, which store nothing), `Writer` (uploads that are
stored, custom lists' data of a tenant), `Admin` (keys, custom lists, refresh). With
`SCREENING_AUTH=off` (refused by `serve` unless bound to a loopback address) every caller is the
administrator of tenant `default`, as the CLI is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from ..errors import AuthError, ForbiddenError
from ..schemas.accounts import Principal
from ..service.accounts import can
from .deps import ScreeningDep, SettingsDep

LOCAL_ADMIN = Principal(tenant="default", role="admin", key_name="local (authentication off)")


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("send an API key: Authorization: Bearer <key> (screening keys create)")
    return token.strip()


def caller(request: Request, settings: SettingsDep, svc: ScreeningDep) -> Principal:
    """The principal of this request, or 401."""
    if settings.auth == "off":
        return LOCAL_ADMIN
    who = svc.authenticate(_bearer(request))
    if who is None:
        raise AuthError("the API key is unknown or revoked")
    return who


CallerDep = Annotated[Principal, Depends(caller)]


def need(action: str) -> Callable[[Principal], Principal]:
    """A dependency that lets the call through when the caller's role allows `action`."""

    def check(who: CallerDep) -> Principal:
        if not can(who.role, action):
            raise ForbiddenError(f"a {who.role} key may not do this (it needs {action} rights)")
        return who

    return check


Reader = Annotated[Principal, Depends(need("read"))]
Screener = Annotated[Principal, Depends(need("screen"))]
Writer = Annotated[Principal, Depends(need("write"))]
Admin = Annotated[Principal, Depends(need("admin"))]
