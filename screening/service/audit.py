"""The audit trail: append-only, one row per write and per screening decision that a stored
report or an alert relied on — who (key name and role), what, when, against which list
versions. Nothing here updates or deletes a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ..models import AuditEntry
from ..schemas.accounts import Principal
from ..schemas.monitoring import AuditRecord
from ..snapshots import now_utc

# Who acts when no person or key does: the CLI (an administrator of tenant `default`) and the
# re-screening that follows a list change.
CLI = Principal(tenant="default", role="admin", key_name="cli (local user)")
MONITOR_ACTOR = "monitor (re-screening after a list change)"


def record(
    session: Session,
    who: Principal,
    action: str,
    target: str | None = None,
    *,
    snapshots: dict[str, str] | None = None,
    detail: dict[str, Any] | None = None,
    tenant: str | None = None,
) -> None:
    """Add one entry in the caller's transaction (it commits with the write it records)."""
    session.add(
        AuditEntry(
            tenant_id=tenant or who.tenant,
            at=now_utc(),
            actor=who.key_name if who.key_prefix is None else f"{who.key_name} ({who.key_prefix})",
            role=who.role,
            action=action,
            target=target,
            snapshots=dict(snapshots or {}),
            detail=dict(detail or {}),
        )
    )


def entries(
    session: Session,
    tenant: str,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    after_id: int = 0,
    before_id: int | None = None,
    target: str | None = None,
    newest_first: bool = False,
    limit: int = 100,
) -> list[AuditRecord]:
    """The tenant's audit entries in order (or newest first, for a person paging back),
    filtered by action (prefix), actor (contains), target, time and id."""
    stmt = select(AuditEntry).where(AuditEntry.tenant_id == tenant, col(AuditEntry.id) > after_id)
    if before_id is not None:
        stmt = stmt.where(col(AuditEntry.id) < before_id)
    if target is not None:
        stmt = stmt.where(col(AuditEntry.target) == target)
    if action:
        stmt = stmt.where(col(AuditEntry.action).startswith(action))
    if actor:
        stmt = stmt.where(col(AuditEntry.actor).contains(actor))
    if since is not None:
        stmt = stmt.where(col(AuditEntry.at) >= since)
    order = col(AuditEntry.id).desc() if newest_first else col(AuditEntry.id)
    stmt = stmt.order_by(order).limit(limit)
    return [
        AuditRecord(
            id=r.id or 0,
            at=r.at.isoformat(),
            actor=r.actor,
            role=r.role,
            action=r.action,
            target=r.target,
            snapshots=dict(r.snapshots),
            detail=dict(r.detail),
        )
        for r in session.exec(stmt)
    ]
