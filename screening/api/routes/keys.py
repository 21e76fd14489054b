"""API keys of the caller's tenant (admin only). A new key is in the answer once."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ...schemas.accounts import KeyInfo, NewKey, Role
from ..auth import Admin
from ..deps import ScreeningDep

router = APIRouter(prefix="/v1", tags=["keys"])


class KeyRequest(BaseModel):
    role: Role
    name: str | None = Field(default=None, max_length=200)


@router.get("/keys", response_model=list[KeyInfo])
def list_keys(who: Admin, svc: ScreeningDep) -> list[KeyInfo]:
    """The tenant's keys (prefix, role, name, when made, revoked, last used); never secrets."""
    return svc.keys(who.tenant)


@router.post("/keys", response_model=NewKey, status_code=201)
def create_key(req: KeyRequest, who: Admin, svc: ScreeningDep) -> NewKey:
    """A new key for the caller's tenant; `key` is shown in this answer only."""
    return svc.create_key(who.tenant, req.role, req.name, who=who)


@router.delete("/keys/{prefix}", status_code=204, response_class=Response)
def revoke_key(prefix: str, who: Admin, svc: ScreeningDep) -> Response:
    """Revoke one of the tenant's keys by its prefix; calls with it get 401 from then on."""
    svc.revoke_key(prefix, who.tenant, who=who)
    return Response(status_code=204)
