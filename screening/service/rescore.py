"""Stored inventories scored again after a list changes (issue 15): each device whose tier
moved raises `inventory.tier.changed`.

A stored inventory keeps its upload, so it is read and scored again exactly as first (same
profile, same row limit). As for vendors, the new report, the alerts and the audit entries are
written in one transaction guarded by the key the report was read with: a crash resumes, two
workers never alert twice.
"""

from __future__ import annotations

import io
import json
import zlib
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..inventories import read_rows
from ..models import Alert, StoredReport
from ..schemas.accounts import Principal
from ..schemas.reports import DeviceItem
from ..settings import Settings
from ..snapshots import now_utc
from . import audit, devices, monitor
from .active import active_view
from .reportstore import compress_report

BATCH = 20


def _device(it: DeviceItem) -> dict[str, Any]:
    return {
        "row": it.row,
        "asset_id": it.asset_id,
        "site": it.site,
        "declared_make": it.declared_make,
        "model": it.model,
        "family": it.family,
    }


def rescore_report(session: Session, settings: Settings, report_id: str, key: str) -> int:
    """Score one stored inventory again; the number of alerts (0 if another process did)."""
    row = session.get(StoredReport, report_id)
    if row is None or row.upload is None or row.screened_key == key:
        return 0
    session.expunge(row)
    old = session.execute(
        select(StoredReport.body).where(col(StoredReport.id) == report_id)
    ).scalar()
    before = devices_by_row(old)
    data = zlib.decompress(row.upload)
    rows = read_rows(io.BytesIO(data), row.filename, kind="inventory", max_rows=None)
    ctx = devices.risk_context(session, settings)
    if dict(ctx.snapshots) != active_view(session).versions:
        return 0  # the previous lists' context answers while the new one is built: later
    fresh = devices.build_report(ctx, rows, row.profile, "inventory")
    fresh.file = row.filename
    body = compress_report(
        fresh.model_dump(mode="json", exclude={"id", "created_at"}),
        settings.max_report_bytes,
        row.filename,
    )
    changed = [
        (before[it.row], it)
        for it in fresh.devices  # type: ignore[union-attr]
        if it.row in before and before[it.row]["tier"] != it.tier
    ]
    result = session.execute(
        update(StoredReport)
        .where(
            col(StoredReport.id) == report_id,
            monitor.still(StoredReport.screened_key, row.screened_key),
        )
        .values(body=body, snapshots=dict(fresh.snapshots), screened_key=key)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return 0
    now = now_utc()
    monitor_actor = Principal(tenant=row.tenant_id, role="admin", key_name=audit.MONITOR_ACTOR)
    for was, now_item in changed:
        data_ = {
            "inventory": {"id": row.id, "file": row.filename, "profile": row.profile},
            "device": _device(now_item),
            "from_tier": was["tier"],
            "to_tier": now_item.tier,
            "from_versions": dict(row.snapshots),
            "to_versions": dict(fresh.snapshots),
            "action": now_item.model_dump(mode="json").get("action"),
        }
        alert = Alert(
            tenant_id=row.tenant_id,
            type="inventory.tier.changed",
            created_at=now,
            subject_id=row.id,
            data=data_,
        )
        session.add(alert)
        session.flush()
        monitor.queue_deliveries(session, row.tenant_id, alert, now)
        audit.record(
            session,
            monitor_actor,
            "alert.inventory.tier.changed",
            row.id,
            snapshots=dict(fresh.snapshots),
            detail={"alert_id": alert.id, "row": now_item.row, "to_tier": now_item.tier},
        )
    session.commit()
    return len(changed)


def devices_by_row(body: bytes | None) -> dict[int, dict[str, Any]]:
    """{row: {tier, ...}} of a stored report body (gzip JSON)."""
    if not body:
        return {}
    report = json.loads(zlib.decompress(body, 31))
    return {d["row"]: d for d in report.get("devices", [])}


def run_rescore(session: Session, settings: Settings) -> tuple[int, int]:
    """Score again every stored inventory scored under other list versions: (reports, alerts)."""
    key = active_view(session).key()
    done = alerts = 0
    while True:
        due = list(
            session.exec(
                select(StoredReport.id)
                .where(
                    StoredReport.kind == "inventory",
                    col(StoredReport.upload).is_not(None),
                    (col(StoredReport.screened_key).is_(None))
                    | (col(StoredReport.screened_key) != key),
                )
                .limit(BATCH)
            )
        )
        if not due:
            return done, alerts
        progressed = 0
        for report_id in due:
            made = rescore_report(session, settings, report_id, key)
            alerts += made
            progressed += 1
        done += progressed
