"""The audit trail newest first, for the administration page (issue 16): the service's
`audit_entries` reads forwards from an id (what an export or a poller wants); a person reading
the trail wants the latest first and older pages after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from ..models import AuditEntry
from ..schemas.monitoring import AuditRecord

if TYPE_CHECKING:
    from .core import Screening


def latest(
    svc: Screening,
    tenant: str,
    *,
    before_id: int | None = None,
    action: str | None = None,
    actor: str | None = None,
    limit: int = 50,
) -> list[AuditRecord]:
    """Up to `limit` entries of `tenant`, newest first, older than `before_id` when given,
    filtered by action (prefix) and actor (contains)."""
    stmt = select(AuditEntry).where(AuditEntry.tenant_id == tenant)
    if before_id is not None:
        stmt = stmt.where(col(AuditEntry.id) < before_id)
    if action:
        stmt = stmt.where(col(AuditEntry.action).startswith(action))
    if actor:
        stmt = stmt.where(col(AuditEntry.actor).contains(actor))
    rows = svc.session.exec(stmt.order_by(col(AuditEntry.id).desc()).limit(limit)).all()
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
        for r in rows
    ]
