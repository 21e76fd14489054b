"""Tenants and API keys in the database: create, list, revoke, and authenticate a bearer key.

Only a key's SHA-256 and visible prefix are stored; the secret is returned once by `create_key`.
"""

from __future__ import annotations

import re
import time

from sqlmodel import Session, col, select

from ..auth.keys import ROLES, can, generate_key, hash_key, key_prefix, looks_like_key, same_hash
from ..errors import InputError, NotFoundError
from ..models import ApiKey, Tenant
from ..schemas.accounts import KeyInfo, NewKey, Principal
from ..snapshots import as_utc, now_utc

__all__ = ["can"]  # the API asks the service whether a role may act

DEFAULT_TENANT = "default"
_TENANT = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}\Z")


def check_tenant_id(tenant: str) -> str:
    """A tenant id: lower-case letters, digits, `-` and `_`, at most 63 characters."""
    if not _TENANT.match(tenant):
        raise InputError(
            f"tenant {tenant[:80]!r}: use lower-case letters, digits, '-' and '_' "
            "(at most 63, starting with a letter or digit)"
        )
    return tenant


def ensure_tenant(session: Session, tenant: str) -> Tenant:
    row = session.get(Tenant, check_tenant_id(tenant))
    if row is None:
        row = Tenant(id=tenant, created_at=now_utc())
        session.add(row)
        session.flush()
    return row


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        prefix=row.prefix,
        tenant=row.tenant_id,
        name=row.name,
        role=row.role,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def create_key(session: Session, tenant: str, role: str, name: str | None = None) -> NewKey:
    """A new key for `tenant` (created if new) with `role`; the secret is in the result only."""
    if role not in ROLES:
        raise InputError(f"role {role[:40]!r}: use one of {', '.join(ROLES)}")
    label = (name or f"{role} key").strip()
    if not label or len(label) > 200 or any(ch in label for ch in "\r\n\0"):
        raise InputError("key name: give 1 to 200 characters on one line")
    ensure_tenant(session, tenant)
    secret = generate_key()
    row = ApiKey(
        tenant_id=tenant,
        name=label,
        role=role,
        prefix=key_prefix(secret),
        key_hash=hash_key(secret),
        created_at=now_utc(),
    )
    session.add(row)
    session.commit()
    return NewKey(key=secret, **_info(row).model_dump())


def list_keys(session: Session, tenant: str | None = None) -> list[KeyInfo]:
    stmt = select(ApiKey).order_by(col(ApiKey.tenant_id), col(ApiKey.id))
    if tenant is not None:
        stmt = stmt.where(ApiKey.tenant_id == tenant)
    return [_info(row) for row in session.exec(stmt)]


def revoke_key(session: Session, prefix: str, tenant: str | None = None) -> KeyInfo:
    """Revoke the key named by its visible prefix (within `tenant` when given); revoking twice
    keeps the first time."""
    stmt = select(ApiKey).where(ApiKey.prefix == prefix)
    if tenant is not None:
        stmt = stmt.where(ApiKey.tenant_id == tenant)
    row = session.exec(stmt).first()
    if row is None:
        raise NotFoundError(f"no key with prefix {prefix[:20]!r}")
    if row.revoked_at is None:
        row.revoked_at = now_utc()
        session.add(row)
        session.commit()
    forget_keys()
    return _info(row)


def has_keys(session: Session) -> bool:
    return session.exec(select(ApiKey.id).limit(1)).first() is not None


# {(database, key hash): (when looked up, principal)}: keys a server has recently let in.
_known: dict[tuple[str, str], tuple[float, Principal]] = {}


def forget_keys() -> None:
    """Look every key up again on its next use (a key was revoked here)."""
    _known.clear()


def remembered(scope: str, secret: str, seconds: float) -> Principal | None:
    """The principal `secret` was found to be within the last `seconds` in database `scope`
    (None: look it up). Only keys that were let in are remembered, so an unknown key is looked
    up every time; a key revoked by this process is forgotten at once, one revoked by another
    process within `seconds`."""
    if seconds <= 0 or not looks_like_key(secret):
        return None
    hit = _known.get((scope, hash_key(secret)))
    if hit is None or time.monotonic() - hit[0] >= seconds:
        return None
    return hit[1]


def authenticate(
    session: Session, secret: str, *, touch: bool = True, remember_in: str | None = None
) -> Principal | None:
    """The caller a bearer key names, or None (unknown, malformed or revoked: all alike, so a
    caller cannot tell which). With `remember_in` (a database's name) a key let in is
    remembered for `remembered`."""
    if not looks_like_key(secret):
        return None
    row = session.exec(select(ApiKey).where(ApiKey.prefix == key_prefix(secret))).first()
    if row is None or row.revoked_at is not None or not same_hash(row.key_hash, hash_key(secret)):
        return None
    if touch:
        # Written at most once a minute per key, so a busy CI key does not turn reads into writes.
        now = now_utc()
        last = row.last_used_at
        if last is None or (as_utc(now) - as_utc(last)).total_seconds() > 60:
            row.last_used_at = now
            session.add(row)
            session.commit()
    who = Principal(tenant=row.tenant_id, role=row.role, key_name=row.name, key_prefix=row.prefix)
    if remember_in is not None:
        if len(_known) > 10_000:  # bounded: keys are few, but a process lives long
            _known.clear()
        _known[(remember_in, row.key_hash)] = (time.monotonic(), who)
    return who
