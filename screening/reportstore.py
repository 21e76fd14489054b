"""Scored uploads kept for later: each with the list versions it was scored against."""

from __future__ import annotations

import io
import uuid
from typing import Any

from sqlmodel import Session

from . import devicerisk
from .errors import InputError, NotFoundError
from .inventories import Kind, check_size, read_rows
from .models import StoredReport
from .settings import Settings
from .snapshots import now_utc


def score_upload(
    session: Session,
    settings: Settings,
    data: bytes,
    filename: str,
    profile: str,
    kind: Kind,
    *,
    store: bool,
) -> dict[str, Any]:
    """Score an uploaded inventory or order. The whole file is read and scored before anything
    is stored, so a rejected upload leaves nothing behind."""
    devicerisk.check_profile(profile)
    check_size(len(data), settings.max_upload_bytes, filename)
    if not data.strip():
        raise InputError(f"{filename}: the upload is empty")
    ctx = devicerisk.risk_context(session, settings)
    report = devicerisk.build_report(
        ctx, read_rows(io.BytesIO(data), filename, kind=kind), profile, kind
    )
    report["file"] = filename
    if store:
        rid = str(uuid.uuid4())
        session.add(
            StoredReport(
                id=rid,
                kind=kind,
                filename=filename,
                profile=profile,
                created_at=now_utc(),
                snapshots=report["snapshots"],
                report=report,
            )
        )
        session.commit()
        report = {"id": rid, **report}
    return report


def get_report(session: Session, report_id: str) -> StoredReport:
    row = session.get(StoredReport, report_id)
    if row is None:
        raise NotFoundError(f"no stored inventory {report_id!r}")
    return row
