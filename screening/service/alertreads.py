"""Alerts as people read them (the Alerts and Overview pages): the feed newest first, which
alerts a person has marked as read, and each vendor's history (its alerts and audit entries).

Read state is per person and tenant: one analyst reading an alert leaves it unread for the
others. The `alert_read` table (migration 0009) is declared here, beside the only code that uses
it, on its own metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from ..models import Alert
from ..schemas.monitoring import AlertOut, AuditRecord
from ..snapshots import now_utc
from . import audit

_META = MetaData()
ALERT_READ = Table(
    "alert_read",
    _META,
    Column("tenant_id", String(64), primary_key=True),
    Column("reader", String(320), primary_key=True),
    Column("alert_id", Integer, primary_key=True),
    Column("read_at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class FeedAlert:
    """An alert with whether this person has read it."""

    alert: AlertOut
    read: bool


def _out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.id or 0, type=a.type, created_at=a.created_at.isoformat(), data=dict(a.data)
    )


def _read_ids(session: Session, tenant: str, reader: str, ids: Iterable[int]) -> set[int]:
    wanted = list(ids)
    if not wanted:
        return set()
    stmt = select(ALERT_READ.c.alert_id).where(
        ALERT_READ.c.tenant_id == tenant,
        ALERT_READ.c.reader == reader,
        ALERT_READ.c.alert_id.in_(wanted),
    )
    return {int(r[0]) for r in session.execute(stmt)}


def _unread_clause(tenant: str, reader: str):  # type: ignore[no-untyped-def]
    read = select(ALERT_READ.c.alert_id).where(
        ALERT_READ.c.tenant_id == tenant, ALERT_READ.c.reader == reader
    )
    return col(Alert.id).not_in(read)


def feed(
    session: Session,
    tenant: str,
    reader: str,
    *,
    unread_only: bool = False,
    kind: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[FeedAlert]:
    """The tenant's alerts, newest first, each with whether `reader` has read it."""
    stmt = select(Alert).where(col(Alert.tenant_id) == tenant)
    if unread_only:
        stmt = stmt.where(_unread_clause(tenant, reader))
    if kind:
        stmt = stmt.where(col(Alert.type) == kind)
    if before_id is not None:
        stmt = stmt.where(col(Alert.id) < before_id)
    rows = list(session.scalars(stmt.order_by(col(Alert.id).desc()).limit(limit)))
    read = _read_ids(session, tenant, reader, (a.id or 0 for a in rows))
    return [FeedAlert(_out(a), (a.id or 0) in read) for a in rows]


def unread_count(session: Session, tenant: str, reader: str) -> int:
    """How many of the tenant's alerts `reader` has not marked as read."""
    stmt = (
        select(func.count())
        .select_from(Alert)
        .where(col(Alert.tenant_id) == tenant, _unread_clause(tenant, reader))
    )
    return int(session.execute(stmt).scalar_one())


def mark_read(session: Session, tenant: str, reader: str, ids: Iterable[int] | None) -> int:
    """Mark the given alerts (None: every alert of the tenant) read for `reader`; ids of
    another tenant's alerts are ignored. The number newly marked."""
    stmt = select(col(Alert.id)).where(
        col(Alert.tenant_id) == tenant, _unread_clause(tenant, reader)
    )
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return 0
        stmt = stmt.where(col(Alert.id).in_(wanted))
    todo = [int(i) for i in session.execute(stmt).scalars()]
    if not todo:
        return 0
    now = now_utc()
    try:
        session.execute(
            insert(ALERT_READ),
            [{"tenant_id": tenant, "reader": reader, "alert_id": i, "read_at": now} for i in todo],
        )
        session.commit()
    except IntegrityError:  # marked at the same moment by another request: already read
        session.rollback()
        return 0
    return len(todo)


def vendor_alerts(
    session: Session, tenant: str, vendor_id: str, limit: int = 100
) -> list[AlertOut]:
    """The alerts raised about one vendor, newest first."""
    stmt = (
        select(Alert)
        .where(col(Alert.tenant_id) == tenant, col(Alert.subject_id) == vendor_id)
        .order_by(col(Alert.id).desc())
        .limit(limit)
    )
    return [_out(a) for a in session.scalars(stmt)]


def vendor_audit(
    session: Session, tenant: str, vendor_id: str, limit: int = 100
) -> list[AuditRecord]:
    """The audit entries whose target is this vendor (added, imported, reviewed...), newest
    first."""
    return audit.entries(session, tenant, target=vendor_id, newest_first=True, limit=limit)
