"""Re-screening after a list changes, and the alerts it raises.

Whenever a snapshot becomes active, every vendor screened under another set of list versions is
due (its `screened_key` is not its tenant's current key). Each vendor is re-screened in its own
transaction, which writes the vendor's new screening, its alerts, their webhook deliveries and
the audit entries together — and only if the vendor still has the key it was read with. So a
crash or restart mid-way resumes with the vendors not yet done, two workers racing on one vendor
produce one set of alerts, and no change is missed or alerted twice. A `job` row records each
run (who asked, progress, when it ended) and is resumed if its process died.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from ..models import Alert, Delivery, Job, SnapshotDiff, Webhook
from ..models import Vendor as VendorRow
from ..schemas.accounts import Principal
from ..schemas.monitoring import AlertOut, RescreenRun
from ..settings import Settings
from ..snapshots import now_utc
from . import audit, reviews, tenancy
from .active import active_view
from .vendors import Screened, screen_vendor

BATCH = 200
STALE_JOB = timedelta(minutes=2)  # a running job without a heartbeat for this long is resumed


def _listings(hits: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{entity id: {party, relation, score, listing}} of a stored or new screening."""
    out: dict[str, dict[str, Any]] = {}
    for h in hits:
        for li in h.get("listings", []):
            out.setdefault(
                li["entity_id"],
                {
                    "party": h["party"],
                    "relation": h["relation"],
                    "score": h["score"],
                    "listing": li,
                },
            )
    return out


def diff_entry(
    session: Session, source: str, old: str | None, new: str | None, entity_id: str
) -> dict[str, Any] | None:
    """The entry of the source's diff chain from version `old` to `new` that concerns the
    entity (the latest one when several versions changed it), with the versions it spans."""
    if not old or not new or old == new:
        return None
    # Walk back one diff at a time (each row carries its whole added/removed/changed lists, so
    # only the ones on the path are read).
    at, steps = new, 0
    while steps < 200:
        d = session.exec(
            select(SnapshotDiff)
            .where(SnapshotDiff.source_id == source, SnapshotDiff.to_version == at)
            .order_by(col(SnapshotDiff.id).desc())
            .limit(1)
        ).first()
        if d is None:
            break
        for change, entries in (("added", d.added), ("removed", d.removed), ("changed", d.changed)):
            for e in entries:
                if e.get("entity_id") == entity_id:
                    return {"change": change, "from": d.from_version, "to": d.to_version, **e}
        if d.from_version == old:
            break
        at, steps = d.from_version, steps + 1
    return None


def _alerts_for(
    session: Session, row: VendorRow, now_: Screened, dismissed: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    old, new = _listings(list(row.hits)), _listings([h.model_dump() for h in now_.hits])
    old_hash, new_hash = dict(row.listing_hashes), now_.hashes
    found: list[tuple[str, dict[str, Any]]] = []

    def data(eid: str, info: dict[str, Any], **extra: Any) -> dict[str, Any]:
        source = info["listing"]["source"]
        before, after = row.snapshots.get(source), now_.snapshots.get(source)
        return {
            "vendor": {"id": row.id, "name": row.name, "external_id": row.external_id},
            "party": info["party"],
            "relation": info["relation"],
            "score": info["score"],
            "listing": info["listing"],
            "list": source,
            "from_version": before,
            "to_version": after,
            "diff": diff_entry(session, source, before, after, eid),
            **extra,
        }

    for eid in sorted(new.keys() - old.keys()):
        if dismissed.get(eid) and dismissed[eid] == new_hash.get(eid):
            continue  # dismissed against this very listing: stays quiet
        found.append(("vendor.hit.added", data(eid, new[eid])))
    for eid in sorted(old.keys() - new.keys()):
        if dismissed.get(eid) and dismissed[eid] == old_hash.get(eid):
            continue
        found.append(("vendor.hit.removed", data(eid, old[eid])))
    for eid in sorted(old.keys() & new.keys()):
        if old_hash.get(eid) != new_hash.get(eid):
            reopened = bool(dismissed.get(eid)) and dismissed[eid] == old_hash.get(eid)
            found.append(("vendor.hit.changed", data(eid, new[eid], reopened=reopened)))
    return found


def queue_deliveries(session: Session, tenant: str, alert: Alert, now: datetime) -> None:
    """A delivery for each of the tenant's webhooks subscribed to the alert's type."""
    hooks = session.exec(
        select(Webhook).where(Webhook.tenant_id == tenant, col(Webhook.active).is_(True))
    ).all()
    for hook in hooks:
        if hook.events and alert.type not in hook.events:
            continue
        session.add(
            Delivery(
                webhook_id=hook.id,
                alert_id=alert.id or 0,
                msg_id="msg_" + secrets.token_urlsafe(18),
                next_attempt_at=now,
                created_at=now,
            )
        )


def rescreen_vendor(session: Session, settings: Settings, vendor_id: str) -> int:
    """Re-screen one vendor; the number of alerts raised (0 when another process did it)."""
    row = session.get(VendorRow, vendor_id)
    if row is None:
        return 0
    session.expunge(row)  # read-only here: the write below is one guarded UPDATE
    screened = screen_vendor(session, settings, row)
    if screened.key == row.screened_key:
        return 0
    found = _alerts_for(session, row, screened, reviews.dismissed_fingerprints(session, row.id))
    result = session.execute(
        update(VendorRow)
        .where(col(VendorRow.id) == row.id, still(VendorRow.screened_key, row.screened_key))
        .values(
            hits=[h.model_dump(mode="json") for h in screened.hits],
            hit_count=len(screened.hits),
            snapshots=dict(screened.snapshots),
            listing_hashes=dict(screened.hashes),
            screened_key=screened.key,
            screened_at=now_utc(),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()  # someone else re-screened it first: their alerts stand
        return 0
    now = now_utc()
    for kind, data in found:
        alert = Alert(
            tenant_id=row.tenant_id,
            type=kind,
            created_at=now,
            subject_id=row.id,
            entity_id=data["listing"]["entity_id"],
            source=data["list"],
            data=data,
        )
        session.add(alert)
        session.flush()
        queue_deliveries(session, row.tenant_id, alert, now)
        audit.record(
            session,
            Principal(tenant=row.tenant_id, role="admin", key_name=audit.MONITOR_ACTOR),
            f"alert.{kind}",
            row.id,
            snapshots=dict(screened.snapshots),
            detail={"alert_id": alert.id, "entity_id": alert.entity_id, "vendor": row.name},
        )
    session.commit()
    return len(found)


def still(column: Any, value: str | None) -> Any:
    """The guard of an update that must only apply if `column` still holds `value` (the key
    the row was read with): another process that got there first makes it match no row."""
    return col(column).is_(None) if value is None else col(column) == value


def enqueue(session: Session, trigger: dict[str, Any]) -> int:
    """Record that the lists changed (refresh, import, custom list): a job to re-screen."""
    job = Job(kind="rescreen", created_at=now_utc(), trigger=trigger)
    session.add(job)
    session.commit()
    return job.id or 0


def _due(session: Session, tenant: str, key: str, limit: int) -> list[str]:
    stmt = (
        select(VendorRow.id)
        .where(
            VendorRow.tenant_id == tenant,
            or_(col(VendorRow.screened_key).is_(None), col(VendorRow.screened_key) != key),
        )
        .limit(limit)
    )
    return list(session.exec(stmt))


def _claim(session: Session) -> Job | None:
    cutoff = now_utc() - STALE_JOB
    stmt = (
        select(Job)
        .where(
            Job.kind == "rescreen",
            or_(
                col(Job.status) == "pending",
                and_(col(Job.status) == "running", col(Job.heartbeat_at) < cutoff),
            ),
        )
        .order_by(col(Job.id))
    )
    return session.exec(stmt).first()


def run_rescreen(
    session: Session, settings: Settings, max_vendors: int | None = None
) -> RescreenRun:
    """Re-screen every due vendor of every tenant, under the oldest open job (one is recorded
    when vendors are due without one). Safe to run in several processes at once."""
    job = _claim(session)
    view = active_view(session)
    tenants = list(session.exec(select(VendorRow.tenant_id).distinct()))
    done = alerts = 0
    for tenant in tenants:
        key = tenancy.screening_key(view, tenancy.hidden_sources(session, tenant))
        while max_vendors is None or done < max_vendors:
            due = _due(session, tenant, key, BATCH)
            if not due:
                break
            if job is None:
                job = Job(kind="rescreen", created_at=now_utc(), trigger={"detected": True})
                session.add(job)
            if job.status != "running" or job.started_at is None:
                job.status, job.started_at = "running", job.started_at or now_utc()
            job.heartbeat_at = now_utc()
            session.add(job)
            session.commit()
            processed = raised = 0
            for vendor_id in due:
                raised += rescreen_vendor(session, settings, vendor_id)
                processed += 1
                if max_vendors is not None and done + processed >= max_vendors:
                    break
            done, alerts = done + processed, alerts + raised
            job = session.merge(job)
            job.done, job.alerts, job.heartbeat_at = (
                job.done + processed,
                job.alerts + raised,
                now_utc(),
            )
            session.add(job)
            session.commit()
    if job is not None and (max_vendors is None or done < max_vendors):
        job = session.merge(job)
        job.status, job.finished_at = "done", now_utc()
        session.add(job)
        session.commit()
    return RescreenRun(job=job.id if job else None, vendors=done, alerts=alerts)


def alerts_feed(
    session: Session,
    tenant: str,
    *,
    after_id: int = 0,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AlertOut]:
    """The tenant's alerts in order: after an id (`?after=`) or since a time (`?since=`)."""
    stmt = select(Alert).where(Alert.tenant_id == tenant, col(Alert.id) > after_id)
    if since is not None:
        stmt = stmt.where(col(Alert.created_at) >= since)
    stmt = stmt.order_by(col(Alert.id)).limit(limit)
    return [
        AlertOut(id=a.id or 0, type=a.type, created_at=a.created_at.isoformat(), data=dict(a.data))
        for a in session.exec(stmt)
    ]
