"""The audit trail newest first, for the administration page (issue 16): the service's
`audit_entries` reads forwards from an id (what an export or a poller wants); a person reading
the trail wants the latest first and older pages after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schemas.monitoring import AuditRecord
from . import audit

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
    return audit.entries(
        svc.session,
        tenant,
        action=action,
        actor=actor,
        before_id=before_id,
        newest_first=True,
        limit=limit,
    )
