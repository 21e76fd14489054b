"""Asynchronous screening jobs: storing an upload, claiming a job, recording its progress and
its result, reading them back.

A job and its parts live in the database, so that API workers stay stateless and a job worker
on any machine can run it. A worker takes a job with one guarded UPDATE (pending, or running
with a heartbeat older than `STALE_JOB`), which raises the job's `claim`; every later write of
that worker (heartbeat, result, failure) is guarded by the claim it holds. So a worker that
died is replaced after `STALE_JOB`, two workers never both take one job, and a worker presumed
dead that wakes up can no longer write: the result is stored exactly once. A resumed job starts
again from its first row (screening is a pure function of the names and the list versions).
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..errors import NotFoundError, TooLargeError
from ..models_jobs import ScreenJob, ScreenJobPart
from ..schemas.jobs import JobOptions, ScreenJobOut
from ..settings import Settings
from ..snapshots import as_utc, now_utc

PART_BYTES = 1024 * 1024  # uncompressed bytes per stored part
STALE_JOB = timedelta(seconds=30)  # a running job without a heartbeat this long is taken over
HEARTBEAT_SECONDS = 2.0


def new_id() -> str:
    return "job_" + secrets.token_urlsafe(18)


def _parts(stream: IO[bytes]) -> Iterator[bytes]:
    while True:
        chunk = stream.read(PART_BYTES)
        if not chunk:
            return
        yield zlib.compress(chunk, 6)


def used_bytes(session: Session, tenant: str) -> int:
    """What the tenant's jobs take in the database (uploads and results, compressed)."""
    total = func.coalesce(func.sum(col(ScreenJob.input_bytes) + col(ScreenJob.result_bytes)), 0)
    stmt = select(total).where(ScreenJob.tenant_id == tenant)
    return int(session.exec(stmt).one())


def _quota_error(settings: Settings, used: int, size: int, what: str) -> TooLargeError:
    return TooLargeError(
        f"{what} ({size:,} bytes compressed) would pass the tenant's "
        f"{settings.max_tenant_jobs_bytes:,}-byte limit for screening jobs "
        f"(SCREENING_MAX_TENANT_JOBS_BYTES; its jobs take {used:,}); delete jobs no longer needed"
    )


def store_job(
    session: Session,
    settings: Settings,
    tenant: str,
    stream: IO[bytes],
    filename: str,
    input_format: str,
    options: JobOptions,
    rows_total: int | None,
) -> ScreenJob:
    """A pending job with its upload (read from `stream` part by part, never whole), or
    TooLargeError past the tenant's quota (nothing is kept then)."""
    job = ScreenJob(
        id=new_id(),
        tenant_id=tenant,
        filename=filename[:255],
        input_format=input_format,
        options=options.model_dump(mode="json"),
        created_at=now_utc(),
        rows_total=rows_total,
    )
    session.add(job)
    size = 0
    for seq, data in enumerate(_parts(stream)):
        session.add(ScreenJobPart(job_id=job.id, kind="input", seq=seq, data=data))
        size += len(data)
        session.flush()  # bounded memory: each part goes to the database as it is made
    job.input_bytes = size
    used = used_bytes(session, tenant)  # counts the parts flushed above: take them out
    if used > settings.max_tenant_jobs_bytes:
        session.rollback()
        raise _quota_error(settings, used - size, size, f"{filename[:200]}: this upload")
    session.commit()
    return job


def get_job(session: Session, job_id: str, tenant: str) -> ScreenJob:
    """The tenant's job; NotFoundError for an unknown id and another tenant's job alike."""
    job = session.get(ScreenJob, job_id)
    if job is None or job.tenant_id != tenant:
        raise NotFoundError(f"no screening job {job_id[:60]!r}")
    session.refresh(job)  # a worker may have moved it on since this session last read it
    return job


def list_jobs(session: Session, tenant: str, status: str | None, limit: int) -> list[ScreenJob]:
    stmt = select(ScreenJob).where(ScreenJob.tenant_id == tenant)
    if status:
        stmt = stmt.where(ScreenJob.status == status)
    stmt = stmt.order_by(col(ScreenJob.created_at).desc(), col(ScreenJob.id)).limit(limit)
    return list(session.exec(stmt))


def remove_job(session: Session, job_id: str) -> None:
    """The job and its parts. A worker running it finds its claim gone and stops."""
    session.execute(delete(ScreenJobPart).where(col(ScreenJobPart.job_id) == job_id))
    session.execute(delete(ScreenJob).where(col(ScreenJob.id) == job_id))
    session.commit()


def expire_jobs(session: Session, settings: Settings) -> int:
    """Remove finished jobs older than `job_retention_days` (0 keeps them for ever)."""
    if settings.job_retention_days <= 0:
        return 0
    cutoff = now_utc() - timedelta(days=settings.job_retention_days)
    old = list(
        session.exec(
            select(ScreenJob.id).where(
                col(ScreenJob.finished_at).is_not(None), col(ScreenJob.finished_at) < cutoff
            )
        )
    )
    for job_id in old:
        remove_job(session, job_id)
    return len(old)


@dataclass(frozen=True)
class Claimed:
    """A job as this worker took it, as plain values: never reloaded from the database (a
    reload after another worker took over would hand this one the other's claim)."""

    id: str
    claim: int
    tenant_id: str
    filename: str
    input_format: str
    options: dict[str, Any]
    rows_total: int | None


def claim_next(session: Session, worker: str) -> Claimed | None:
    """Take the oldest job that is pending or whose worker stopped beating; None when there is
    none (or another worker took each candidate first)."""
    cutoff = now_utc() - STALE_JOB
    open_ = or_(
        col(ScreenJob.status) == "pending",
        and_(col(ScreenJob.status) == "running", col(ScreenJob.heartbeat_at) < cutoff),
    )
    found = session.exec(
        select(ScreenJob)
        .where(open_)
        .order_by(col(ScreenJob.created_at), col(ScreenJob.id))
        .limit(20)
    ).all()
    seen = [
        Claimed(
            j.id,
            j.claim + 1,
            j.tenant_id,
            j.filename,
            j.input_format,
            dict(j.options),
            j.rows_total,
        )
        for j in found
    ]
    session.rollback()  # nothing of these rows is kept in the session
    for job in seen:
        now = now_utc()
        taken = session.execute(
            update(ScreenJob)
            .where(col(ScreenJob.id) == job.id, col(ScreenJob.claim) == job.claim - 1, open_)
            .values(
                status="running",
                claim=job.claim,
                worker=worker[:200],
                started_at=now,
                heartbeat_at=now,
                rows_done=0,
            )
        )
        session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return job
    return None


def _mine(job: Claimed) -> Any:
    return and_(
        col(ScreenJob.id) == job.id,
        col(ScreenJob.claim) == job.claim,
        col(ScreenJob.status) == "running",
    )


def beat(engine: Engine, job: Claimed, rows_done: int, rows_total: int | None) -> bool:
    """Record progress and a heartbeat; False when the job is no longer this worker's
    (removed, or taken over after this worker was presumed dead)."""
    values: dict[str, Any] = {"heartbeat_at": now_utc(), "rows_done": rows_done}
    if rows_total is not None:
        values["rows_total"] = rows_total
    with Session(engine) as session:
        moved = session.execute(update(ScreenJob).where(_mine(job)).values(**values))
        session.commit()
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def finish(
    session: Session,
    settings: Settings,
    job: Claimed,
    result: IO[bytes],
    *,
    rows: int,
    result_format: str,
    snapshots: dict[str, str],
) -> bool:
    """Store the result and mark the job done, in one transaction guarded by the claim; False
    (nothing stored) when the job is no longer this worker's. A result past the tenant's
    quota fails the job instead."""
    now = now_utc()
    done = session.execute(
        update(ScreenJob)
        .where(_mine(job))
        .values(
            status="done",
            finished_at=now,
            heartbeat_at=now,
            rows_done=rows,
            rows_total=rows,
            result_format=result_format,
            snapshots=snapshots,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return False
    session.execute(
        delete(ScreenJobPart).where(
            col(ScreenJobPart.job_id) == job.id, col(ScreenJobPart.kind) == "result"
        )
    )
    size = 0
    for seq, data in enumerate(_parts(result)):
        session.add(ScreenJobPart(job_id=job.id, kind="result", seq=seq, data=data))
        size += len(data)
        session.flush()
    session.execute(update(ScreenJob).where(col(ScreenJob.id) == job.id).values(result_bytes=size))
    used = used_bytes(session, job.tenant_id)
    if used > settings.max_tenant_jobs_bytes:
        session.rollback()
        error = _quota_error(settings, used - size, size, "the result").detail
        return fail(session, job, error)
    session.commit()
    return True


def fail(session: Session, job: Claimed, error: str) -> bool:
    """Mark the job failed with its sentence (if it is still this worker's)."""
    now = now_utc()
    failed = session.execute(
        update(ScreenJob)
        .where(_mine(job))
        .values(status="failed", finished_at=now, heartbeat_at=now, error=error[:2000])
    )
    session.commit()
    return bool(failed.rowcount == 1)  # type: ignore[attr-defined]


def read_parts(engine: Engine, job_id: str, kind: str) -> Iterator[bytes]:
    """A job's upload or result, part by part, on a session of its own (a streamed response
    outlives the request's session)."""
    seq = 0
    with Session(engine) as session:
        while True:
            part = session.get(ScreenJobPart, (job_id, kind, seq))
            if part is None:
                return
            yield zlib.decompress(part.data)
            session.expunge(part)
            seq += 1


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def job_out(job: ScreenJob) -> ScreenJobOut:
    started = as_utc(job.started_at) if job.started_at else None
    end = as_utc(job.finished_at) if job.finished_at else None
    seconds = None if started is None else ((end or now_utc()) - started).total_seconds()
    return ScreenJobOut(
        id=job.id,
        status=job.status,
        filename=job.filename,
        input_format=job.input_format,
        options=JobOptions.model_validate(job.options),
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        created_at=as_utc(job.created_at).isoformat(),
        started_at=_iso(job.started_at),
        heartbeat_at=_iso(job.heartbeat_at),
        finished_at=_iso(job.finished_at),
        seconds=round(max(0.0, seconds), 3) if seconds is not None else None,
        input_bytes=job.input_bytes,
        result_bytes=job.result_bytes,
        result_format=job.result_format,
        result_url=f"/v1/jobs/{job.id}/result" if job.status == "done" else None,
        snapshots=dict(job.snapshots),
        error=job.error,
    )
