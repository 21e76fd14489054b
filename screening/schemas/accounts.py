"""Tenants and API keys as users see them (a key's secret appears only in `NewKey`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ..auth.keys import Role as Role  # re-exported for the faces


class KeyInfo(BaseModel):
    """A stored key: its visible prefix names it; the secret itself is never shown again."""

    prefix: str = Field(description="the key's first 12 characters, e.g. scr_AbCdEfGh")
    tenant: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class NewKey(KeyInfo):
    """A key just made: `key` is shown this once and stored only as a hash."""

    key: str


class Principal(BaseModel):
    """Who is calling: the key's tenant, role and name (for the audit trail)."""

    tenant: str
    role: Role
    key_name: str
    key_prefix: str | None = None
