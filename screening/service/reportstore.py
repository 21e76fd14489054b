"""Scored uploads kept for later: each with the list versions it was scored against.

Bounded (issue 19 defect 1: a 21 MB upload made a 1.47 GB JSON value and a 500). An upload
through the API is read up to `max_upload_rows` rows; the report is stored gzip-compressed
(`stored_report.body`, migration 0003), never as one JSON value, and refused when compressed it
is over `max_report_bytes` or would take all stored reports over `max_reports_total_bytes`
(one tenant for now). Reports older than `report_retention_days` (0 = keep) are deleted when a
new one is stored. Reports stored before 0003 keep their JSON `report` and read as before.
"""

from __future__ import annotations

import itertools
import json
import uuid
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, LargeBinary, String, column, delete, func, select
from sqlalchemy import table as sa_table
from sqlmodel import Session

from ..errors import InputError, NotFoundError
from ..models import StoredReport
from ..schemas.reports import InventoryReport, OrderReport, Report
from ..schemas.stored import StoredReportInfo
from ..settings import Settings
from ..snapshots import now_utc

# The columns migration 0003 added, read and written here with SQLAlchemy Core (the model in
# models.py does not declare them).
REPORTS = sa_table(
    "stored_report",
    column("id", String),
    column("body", LargeBinary),
    column("size_bytes", BigInteger),
)
_SLICE = 1 << 20
_GZIP = 31  # zlib wbits for the gzip container: the body can be read with any gunzip


class ReportTooLarge(InputError):
    """A report over the size limits for stored reports; nothing is stored."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


def _json_pieces(report: dict[str, Any]) -> Iterator[str]:
    """The report's JSON text in pieces: its long lists (devices, items, errors) element by
    element, so the whole text (~2.5 KB a device) is never held at once."""
    yield "{"
    for i, (key, value) in enumerate(report.items()):
        yield ("," if i else "") + _dumps(str(key)) + ":"
        if isinstance(value, list):
            yield "[" + ",".join(_dumps(v) for v in value[:1])
            for v in value[1:]:
                yield "," + _dumps(v)
            yield "]"
        else:
            yield _dumps(value)
    yield "}"


def compress_report(report: dict[str, Any], limit: int, filename: str) -> bytes:
    """The report as gzip-compressed JSON; ReportTooLarge as soon as it passes `limit` bytes."""
    comp = zlib.compressobj(6, zlib.DEFLATED, _GZIP)
    out: list[bytes] = []
    size = 0
    pending: list[str] = []
    held = 0
    for piece in itertools.chain(_json_pieces(report), [""]):
        pending.append(piece)
        held += len(piece)
        if held < _SLICE and piece:
            continue
        out.append(comp.compress("".join(pending).encode()))
        pending, held = [], 0
        size += len(out[-1])
        if size > limit:
            break
    else:
        out.append(comp.flush())
        size += len(out[-1])
    if size > limit:
        raise ReportTooLarge(
            f"{filename}: the report is over {limit:,} bytes compressed, the limit for one "
            "stored report (SCREENING_MAX_REPORT_BYTES); split the file"
        )
    return b"".join(out)


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON values, its long lists dumped one item at a time: one dump of a
    100,000-device report holds the interpreter for seconds, which stalls every other thread
    of the process (the server's event loop included)."""
    big = [k for k in ("devices", "items", "errors") if isinstance(getattr(report, k, None), list)]
    data = report.model_dump(mode="json", exclude={"id", "created_at", *big})
    for k in big:
        data[k] = [x.model_dump(mode="json") for x in getattr(report, k)]
    return data


def store_report(
    session: Session,
    settings: Settings,
    report: Report,
    tenant: str = "default",
    *,
    upload: bytes | None = None,
    key: str | None = None,
) -> tuple[str, datetime]:
    """Store `report` compressed and return its id and time, after applying retention; refused
    (and nothing stored) when over the per-report or total limit."""
    filename, profile, kind = report.file or "upload", report.profile, report.kind
    data = report_data(report)
    body = compress_report(data, settings.max_report_bytes, filename)
    kept = None if upload is None else zlib.compress(upload, 6)
    size = len(body) + len(kept or b"")
    now = now_utc()
    apply_retention(session, settings, now)
    sizes = func.coalesce(func.sum(StoredReport.size_bytes), 0)
    used = int(session.execute(select(sizes)).scalar_one())
    if used + size > settings.max_reports_total_bytes:
        session.rollback()
        raise ReportTooLarge(
            f"{filename}: stored reports take {used:,} bytes; this one ({size:,} bytes "
            f"compressed) would pass the {settings.max_reports_total_bytes:,}-byte limit "
            "(SCREENING_MAX_REPORTS_TOTAL_BYTES); delete reports no longer needed"
        )
    mine = select(sizes).where(StoredReport.tenant_id == tenant)  # type: ignore[arg-type]
    used_here = int(session.execute(mine).scalar_one())
    if used_here + size > settings.max_tenant_reports_bytes:
        session.rollback()
        raise ReportTooLarge(
            f"{filename}: this tenant's stored reports take {used_here:,} bytes; this one "
            f"({size:,} bytes compressed) would pass the tenant's "
            f"{settings.max_tenant_reports_bytes:,}-byte limit "
            "(SCREENING_MAX_TENANT_REPORTS_BYTES); delete reports no longer needed"
        )
    rid = str(uuid.uuid4())
    session.add(
        StoredReport(
            id=rid,
            kind=kind,
            filename=filename[:1000],
            profile=profile,
            created_at=now,
            snapshots=report.snapshots,
            report={},
            tenant_id=tenant,
            body=body,
            size_bytes=size,
            upload=kept,
            screened_key=key,
        )
    )
    session.commit()
    return rid, now


def apply_retention(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete reports older than `report_retention_days` (none when it is 0); the number
    deleted. Runs in the caller's transaction."""
    days = settings.report_retention_days
    if days <= 0:
        return 0
    cutoff = (now or now_utc()) - timedelta(days=days)
    stmt = delete(StoredReport).where(StoredReport.created_at < cutoff)  # type: ignore[arg-type]
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def get_report(session: Session, report_id: str, tenant: str = "default") -> Report:
    """A stored report of `tenant`, decompressed and typed, with its id and when it was stored.
    Another tenant's report is not found, as if it did not exist."""
    row = session.get(StoredReport, report_id)
    if row is None or row.tenant_id != tenant:
        raise NotFoundError(f"no stored inventory {report_id[:80]!r}")
    body = session.execute(select(REPORTS.c.body).where(REPORTS.c.id == report_id)).scalar()
    data: dict[str, Any] = json.loads(zlib.decompress(body, _GZIP)) if body else dict(row.report)
    # Reports stored before they carried their kind: the row knows it.
    data.setdefault("kind", row.kind)
    data.update(id=row.id, created_at=row.created_at.isoformat())
    model = InventoryReport if data["kind"] == "inventory" else OrderReport
    return model.model_validate(data)


def delete_report(session: Session, report_id: str, tenant: str = "default") -> None:
    """Delete one stored report of `tenant`; NotFoundError when it has none with that id."""
    stmt = delete(StoredReport).where(
        StoredReport.id == report_id,  # type: ignore[arg-type]
        StoredReport.tenant_id == tenant,  # type: ignore[arg-type]
    )
    result = session.execute(stmt.execution_options(synchronize_session=False))
    if not result.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        raise NotFoundError(f"no stored inventory {report_id[:80]!r}")
    session.commit()


def list_reports(
    session: Session, tenant: str = "default", kind: str | None = None, limit: int = 100
) -> list[StoredReportInfo]:
    """The tenant's stored reports, newest first (without their bodies)."""
    stmt = select(
        StoredReport.id,  # type: ignore[call-overload]
        StoredReport.kind,
        StoredReport.filename,
        StoredReport.profile,
        StoredReport.created_at,
        StoredReport.snapshots,
        StoredReport.size_bytes,
    ).where(StoredReport.tenant_id == tenant)
    if kind is not None:
        stmt = stmt.where(StoredReport.kind == kind)
    stmt = stmt.order_by(StoredReport.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
    return [
        StoredReportInfo(
            id=r[0],
            kind=r[1],
            file=r[2],
            profile=r[3],
            created_at=r[4].isoformat(),
            snapshots=dict(r[5] or {}),
            size_bytes=int(r[6] or 0),
        )
        for r in session.execute(stmt)
    ]
