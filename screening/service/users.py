"""People's accounts and sessions in the database: create, list, disable; sign in (with a
throttle on failures), look a session up, sign out.

A session token is 256 random bits, URL-safe; the browser keeps it in a cookie and the database
only its SHA-256, so a copy of the database opens no session. A session ends `SESSION_LIFETIME`
after sign-in, after `IDLE_TIMEOUT` without a request, at sign-out, or when its user is
disabled. Failed sign-ins are rows in the database (so every worker process counts the same
ones): `MAX_FAILURES_PER_EMAIL` for one email, or `MAX_FAILURES_PER_CLIENT` from one address,
within `FAILURE_WINDOW` lock further tries until the oldest of them leaves the window (the
answer to the failure that reaches the limit already says until when). Unknown
emails are counted and answered exactly like wrong passwords, so the form tells no one which
emails have accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..auth.keys import ROLES
from ..auth.passwords import (
    check_password_policy,
    dummy_hash,
    hash_password,
    needs_rehash,
    normalize_email,
    verify_password,
)
from ..errors import AuthError, InputError, NotFoundError
from ..models_web import SignInFailure, User, WebSession
from ..schemas.users import SessionUser, SignedIn, UserInfo
from ..snapshots import as_utc, now_utc
from .accounts import ensure_tenant

SESSION_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(hours=2)
# `last_seen_at` is written at most this often, so reading pages does not turn into writes.
TOUCH_EVERY = timedelta(minutes=1)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 30

WRONG = "the email or the password is not right"


class SignInRefused(AuthError):
    """Wrong password or unknown email (one message for both). `account` is (tenant, email,
    role) when the email has an account, for that tenant's audit trail."""

    def __init__(self, detail: str, account: tuple[str, str, str] | None = None) -> None:
        super().__init__(detail)
        self.account = account


class SignInLocked(SignInRefused):
    """Too many failures lately: no password is even checked until `retry_at`."""

    def __init__(
        self, detail: str, retry_at: datetime, account: tuple[str, str, str] | None
    ) -> None:
        super().__init__(detail, account)
        self.retry_at = retry_at


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(row: User) -> UserInfo:
    return UserInfo(
        email=row.email,
        tenant=row.tenant_id,
        role=row.role,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
    )


def _find(session: Session, email: str, tenant: str | None = None) -> User | None:
    stmt = select(User).where(User.email == email)
    if tenant is not None:
        stmt = stmt.where(User.tenant_id == tenant)
    return session.exec(stmt).first()


def create_user(session: Session, tenant: str, email: str, role: str, password: str) -> UserInfo:
    """A new account in `tenant` (created if new); the password is stored as its hash only."""
    if role not in ROLES:
        raise InputError(f"role {role[:40]!r}: use one of {', '.join(ROLES)}")
    address = normalize_email(email)
    check_password_policy(password)
    ensure_tenant(session, tenant)
    if _find(session, address) is not None:
        raise InputError(f"an account for {address[:120]!r} exists already")
    row = User(
        tenant_id=tenant,
        email=address,
        password_hash=hash_password(password),
        role=role,
        created_at=now_utc(),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # made at the same moment by another process
        session.rollback()
        raise InputError(f"an account for {address[:120]!r} exists already") from exc
    return _info(row)


def list_users(session: Session, tenant: str | None = None) -> list[UserInfo]:
    stmt = select(User).order_by(col(User.tenant_id), col(User.email))
    if tenant is not None:
        stmt = stmt.where(User.tenant_id == tenant)
    return [_info(row) for row in session.exec(stmt)]


def disable_user(session: Session, email: str, tenant: str | None = None) -> UserInfo:
    """Disable an account (within `tenant` when given) and end its sessions at once; disabling
    twice keeps the first time."""
    row = _find(session, email.strip().lower(), tenant)
    if row is None:
        raise NotFoundError(f"no account for {email[:120]!r}")
    if row.disabled_at is None:
        row.disabled_at = now_utc()
        session.add(row)
    session.execute(delete(WebSession).where(col(WebSession.user_id) == row.id))
    return _info(row)


def set_password(
    session: Session, email: str, password: str, tenant: str | None = None
) -> UserInfo:
    """Give an account a new password (the policy applies) and end its open sessions; the
    account's failed sign-ins are forgotten, so a locked person can sign in at once."""
    row = _find(session, email.strip().lower(), tenant)
    if row is None:
        raise NotFoundError(f"no account for {email[:120]!r}")
    row.password_hash = hash_password(check_password_policy(password))
    session.add(row)
    session.execute(delete(WebSession).where(col(WebSession.user_id) == row.id))
    session.execute(delete(SignInFailure).where(col(SignInFailure.email) == row.email))
    return _info(row)


def _locked_until(
    session: Session, column: str, value: str, limit: int, now: datetime
) -> datetime | None:
    """When tries for `value` may start again, if `limit` failures are in the window."""
    field = col(SignInFailure.email) if column == "email" else col(SignInFailure.client)
    recent = session.exec(
        select(SignInFailure.at)
        .where(field == value, col(SignInFailure.at) > now - FAILURE_WINDOW)
        .order_by(col(SignInFailure.at).desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    return as_utc(min(recent)) + FAILURE_WINDOW


def _lock(session: Session, address: str, client: str, now: datetime) -> tuple[datetime, str]:
    by_email = _locked_until(session, "email", address, MAX_FAILURES_PER_EMAIL, now)
    if by_email is not None:
        return by_email, "for this account"
    by_client = _locked_until(session, "client", client, MAX_FAILURES_PER_CLIENT, now)
    if by_client is not None:
        return by_client, "from this address"
    return now, ""


def _locked_error(until: datetime, why: str, account: tuple[str, str, str] | None) -> SignInLocked:
    return SignInLocked(
        f"too many failed sign-ins {why}: try again after {until:%H:%M} UTC",
        until,
        account,
    )


def sign_in(
    session: Session, email: str, password: str, client: str, now: datetime | None = None
) -> SignedIn:
    """A new session for the account `email` names when `password` is its password; otherwise
    `SignInRefused` (the same message for an unknown email) or `SignInLocked`."""
    now = now or now_utc()
    address = email.strip().lower()[:254]
    client = (client or "unknown")[:64]
    row = _find(session, address)
    account = (row.tenant_id, row.email, row.role) if row is not None else None
    until, why = _lock(session, address, client, now)
    if why:
        raise _locked_error(until, why, account)
    # Verified even for an unknown email (against a dummy hash): the same time either way.
    good = verify_password(password, row.password_hash if row is not None else dummy_hash())
    if row is None or not good:
        session.add(SignInFailure(email=address, client=client, at=now))
        session.execute(delete(SignInFailure).where(col(SignInFailure.at) < now - FAILURE_WINDOW))
        session.commit()
        # The failure that reaches a limit is answered as a failure (its password was checked),
        # saying that tries now wait; the tries after it get `SignInLocked`.
        until, why = _lock(session, address, client, now)
        if why:
            raise SignInRefused(f"{WRONG}; {_locked_error(until, why, account).detail}", account)
        raise SignInRefused(WRONG, account)
    if row.disabled_at is not None:  # the password was right: saying so reveals nothing new
        raise SignInRefused("this account is disabled: ask an administrator", account)
    if needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
        session.add(row)
    session.execute(delete(SignInFailure).where(col(SignInFailure.email) == address))
    # Sessions that ran out and were never looked at again are cleared here, anyone's.
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
    token = secrets.token_urlsafe(32)
    opened = WebSession(
        token_hash=hash_token(token),
        user_id=row.id or 0,
        tenant_id=row.tenant_id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        last_seen_at=now,
    )
    session.add(opened)
    session.flush()
    return SignedIn(
        email=row.email,
        tenant=row.tenant_id,
        role=row.role,
        csrf=opened.csrf,
        expires_at=opened.expires_at,
        token=token,
    )


def _lookup(session: Session, token: str) -> tuple[WebSession, User] | None:
    if not token or len(token) > 100:
        return None
    row = session.exec(select(WebSession).where(WebSession.token_hash == hash_token(token))).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return None if user is None else (row, user)


def current(session: Session, token: str, now: datetime | None = None) -> SessionUser | None:
    """Who the session `token` names, or None: unknown, expired, idle too long, or its user
    disabled (such a session is deleted on the way)."""
    now = now or now_utc()
    found = _lookup(session, token)
    if found is None:
        return None
    row, user = found
    if (
        now >= as_utc(row.expires_at)
        or now - as_utc(row.last_seen_at) > IDLE_TIMEOUT
        or user.disabled_at is not None
    ):
        session.delete(row)
        session.commit()
        return None
    if now - as_utc(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.commit()
    return SessionUser(
        email=user.email,
        tenant=user.tenant_id,
        role=user.role,
        csrf=row.csrf,
        expires_at=as_utc(row.expires_at),
    )


def sign_out(session: Session, token: str) -> UserInfo | None:
    """End the session `token` names (server-side: the cookie is worth nothing after this);
    the user it belonged to, or None when there was no such session."""
    found = _lookup(session, token)
    if found is None:
        return None
    row, user = found
    session.delete(row)
    session.flush()
    return _info(user)


def failures(session: Session) -> int:
    """How many failed sign-ins are on record (for tests and the admin page)."""
    return int(session.exec(select(func.count()).select_from(SignInFailure)).one())
