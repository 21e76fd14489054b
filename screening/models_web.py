"""People's accounts, their sessions and the record of failed sign-ins (issue 16; migration
0008). Registered on the shared metadata by the import at the end of `models.py`.

Nothing here holds a secret in the clear: a password is kept as its argon2id hash, a session
token as its SHA-256 (the cookie holds the token itself, 256 random bits). The CSRF token of a
session is not a credential on its own (it is useless without the cookie) and must be shown in
every form, so it is kept as it is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    """A person who signs in to the web application, in one tenant, with one role."""

    __tablename__ = "web_user"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=64, index=True)
    # Stored lower-case (see `auth.passwords.normalize_email`): unique whatever the case typed.
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)  # admin | analyst | ci (the roles of API keys)
    created_at: datetime
    disabled_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """One signed-in browser: ends at `expires_at`, after an idle spell, at sign-out, or when
    its user is disabled."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    tenant_id: str = Field(max_length=64)
    csrf: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime


class SignInFailure(SQLModel, table=True):
    """One failed sign-in, by the email typed (lower-case, whether or not it has an account) and
    the client's address: the throttle counts these, so it holds across worker processes."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_email_at", "email", "at"),
        Index("ix_sign_in_failure_client_at", "client", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    client: str = Field(max_length=64)
    at: datetime = Field(index=True)
