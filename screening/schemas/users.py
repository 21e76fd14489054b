"""People's accounts and sessions as the faces see them (never a password or its hash; a
session's token appears only in `SignedIn`, to be set as the cookie)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from .accounts import Role


class UserInfo(BaseModel):
    """A person's account: the email names it (stored lower-case, unique)."""

    email: str
    tenant: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None = None


class SessionUser(BaseModel):
    """Who a valid session belongs to, and the CSRF token its forms must carry."""

    email: str
    tenant: str
    role: Role
    csrf: str
    expires_at: datetime


class SignedIn(SessionUser):
    """A session just opened: `token` goes in the cookie; only its SHA-256 is stored."""

    token: str = Field(description="256 random bits, URL-safe; shown once, stored hashed")
