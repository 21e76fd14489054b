"""Asynchronous bulk screening jobs (`POST /v1/jobs/screen`, issue 18). Mixed into
`Screening`.

The API only stores the upload and answers about the job; a job worker (`screening jobs work`)
runs it. Both meet in the database (`service/screenjobs.py`), so any number of API workers and
job workers on any machines share the jobs, and a worker that dies is replaced."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from sqlmodel import Session

from ..errors import InputError, TooLargeError
from ..schemas.accounts import Principal
from ..schemas.jobs import JobOptions, ScreenJobOut
from ..settings import Settings
from . import jobrun, screenfile, screenjobs, tenancy
from .audit import CLI
from .names import check_kind

if TYPE_CHECKING:
    from .active import ActiveView

_HEAD = 64 * 1024  # the part of a CSV upload checked before it is accepted


def _format_of(head: bytes) -> str:
    return "parquet" if head[:4] == b"PAR1" else "csv"


def _check_csv_head(head: bytes, complete: bool, filename: str) -> None:
    """The header of a CSV upload (and the rows in its first 64 KiB), refused at once when
    unusable: no `name` column, a column the results would overwrite, not UTF-8."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return  # UTF-16: a cut-off prefix is not checkable; the worker reads it whole
    if not complete:
        head = head[: head.rfind(b"\n") + 1] or head
    _, rows = screenfile.read_name_csv(head, filename)
    for _ in jobrun.csv_guarded(rows, filename):
        pass


class JobOps:
    """Use cases of asynchronous screening jobs."""

    session: Session
    settings: Settings

    if TYPE_CHECKING:  # implemented by Screening and TenantOps, the other parts of `Screening`

        def active(self) -> ActiveView: ...

        def audit(
            self,
            who: Principal,
            action: str,
            target: str | None = None,
            *,
            tenant: str | None = None,
            snapshots: dict[str, str] | None = None,
            detail: dict[str, Any] | None = None,
        ) -> None: ...

    def submit_screen_job(
        self, upload: IO[bytes], filename: str, options: JobOptions, who: Principal = CLI
    ) -> ScreenJobOut:
        """Accept a file of names (CSV or Parquet, the `screen --file` columns) for screening
        in the background: checked as far as it cheaply can be (header, first rows, options),
        stored under the tenant's quota, and answered with the pending job."""
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        limit = self.settings.max_job_upload_bytes
        if size > limit:
            raise TooLargeError(
                f"{filename[:200]}: upload of {size:,} bytes is over the {limit:,}-byte limit "
                "(SCREENING_MAX_JOB_UPLOAD_BYTES)"
            )
        if size == 0:
            raise InputError(f"{filename[:200]}: the upload is empty")
        upload.seek(0)
        head = upload.read(_HEAD)
        fmt = _format_of(head)
        total: int | None = None
        if fmt == "parquet":
            upload.seek(0)
            _, total = jobrun.parquet_schema(upload, filename[:200])
        else:
            _check_csv_head(head, size <= _HEAD, filename[:200])
        self._check_options(options, who.tenant)
        upload.seek(0)
        job = screenjobs.store_job(
            self.session, self.settings, who.tenant, upload, filename, fmt, options, total
        )
        self.audit(
            who,
            "screen-job.submit",
            job.id,
            detail={"file": filename[:200], "bytes": size, "format": fmt},
        )
        return screenjobs.job_out(job)

    def _check_options(self, options: JobOptions, tenant: str) -> None:
        check_kind(options.kind, "kind")
        if options.threshold is not None and not 0.0 <= options.threshold <= 1.0:
            raise InputError(f"threshold: {options.threshold} is not in [0, 1]")
        if options.sources:
            hidden = tenancy.hidden_sources(self.session, tenant)
            tenancy.visible_sources(self.active(), hidden, options.sources)
            unknown = sorted(set(options.sources) - set(self.active().versions))
            if unknown:
                raise InputError(f"sources: no data for {', '.join(unknown)[:200]}")

    def screen_job(self, job_id: str, tenant: str = "default") -> ScreenJobOut:
        """One of the tenant's jobs (404 for another tenant's, as for an unknown id)."""
        return screenjobs.job_out(screenjobs.get_job(self.session, job_id, tenant))

    def screen_jobs(
        self, tenant: str = "default", status: str | None = None, limit: int = 100
    ) -> list[ScreenJobOut]:
        """The tenant's jobs, newest first."""
        found = screenjobs.list_jobs(self.session, tenant, status, limit)
        return [screenjobs.job_out(j) for j in found]

    def screen_job_result(self, job_id: str, tenant: str = "default") -> Iterator[bytes]:
        """The stored result of a done job, part by part (check `screen_job` first: a job not
        done has none, and this yields nothing)."""
        job = screenjobs.get_job(self.session, job_id, tenant)
        return screenjobs.read_parts(self.session.get_bind(), job.id, "result")  # type: ignore[arg-type]

    def delete_screen_job(self, job_id: str, tenant: str = "default", who: Principal = CLI) -> None:
        """Cancel the job if it runs (its worker stops at its next heartbeat) and remove it
        with its upload and result."""
        job = screenjobs.get_job(self.session, job_id, tenant)
        screenjobs.remove_job(self.session, job.id)
        self.audit(who, "screen-job.delete", job.id, tenant=tenant)

    def run_screen_jobs(self, max_jobs: int | None = None, worker: str | None = None) -> int:
        """The job worker's step: remove expired jobs, then take and run jobs until none is
        waiting (or `max_jobs` ran); the number run. Safe in several processes at once."""
        screenjobs.expire_jobs(self.session, self.settings)
        name = worker or f"{socket.gethostname()}:{os.getpid()}"
        ran = 0
        while max_jobs is None or ran < max_jobs:
            job = screenjobs.claim_next(self.session, name)
            if job is None:
                break
            jobrun.run_job(self, job)  # type: ignore[arg-type]
            ran += 1
        return ran
