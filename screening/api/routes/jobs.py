"""Asynchronous bulk screening (issue 18, point 4): submit a file too big for one request, follow
the job, download the result. The work runs in a job worker (`screening jobs work`, which
`serve` starts), never in this process."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse

from ...errors import TooLargeError
from ...schemas.errors import ErrorDetail
from ...schemas.jobs import JobOptions, ScreenJobOut
from ..auth import Reader, Writer
from ..deps import ScreeningDep, SettingsDep
from ..uploads import read_limited

router = APIRouter(prefix="/v1", tags=["jobs"])

JobId = Annotated[str, Path(max_length=60, description="the id `POST /v1/jobs/screen` gave")]


async def batch_body(request: Request, settings: SettingsDep) -> bytes:
    """`POST /v1/screen/batch`'s body under the upload limit; past it, the answer says where a
    file that large goes."""
    try:
        return await read_limited(request, settings.max_upload_bytes)
    except TooLargeError as exc:
        raise TooLargeError(
            f"{exc.detail}; screen a file this large as a job: POST /v1/jobs/screen"
        ) from None


BatchBody = Annotated[bytes, Depends(batch_body)]
# Absent or given, never null: a form has no null (a client would send the text "null"), so
# these are not nullable in the document, and absent means the default.
FormThreshold = Annotated[float, Form(ge=0.0, le=1.0, description="default: per kind")]
FormEngine = Annotated[Literal["local", "dask"], Form(description="default: the worker's")]
_MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


@router.post(
    "/jobs/screen",
    response_model=ScreenJobOut,
    status_code=202,
    responses={202: {"headers": {"Location": {"description": "the job's URL"}}}},
)
def submit(
    who: Writer,
    svc: ScreeningDep,
    file: Annotated[
        UploadFile, File(description="CSV or Parquet with a 'name' column (kind, country optional)")
    ],
    kind: Annotated[str, Form(max_length=32, description="default: organization")] = "",
    threshold: FormThreshold = None,  # type: ignore[assignment]
    sources: Annotated[str, Form(max_length=5000, description="comma-separated")] = "",
    engine: FormEngine = None,  # type: ignore[assignment]
    output: Annotated[Literal["csv", "parquet"], Form()] = "csv",
) -> JSONResponse:
    """Screen every row of a large file of names in the background (the `screen --file`
    columns and options). Answers 202 at once with the job (and its URL in `Location`); follow
    it at `GET /v1/jobs/{id}` and download the result, in input order, from
    `GET /v1/jobs/{id}/result`. The header and the first rows are checked now (400 names the
    problem); a bad row further on fails the job with a sentence naming it. A writer's right:
    the upload and its result are kept for the tenant (SCREENING_MAX_TENANT_JOBS_BYTES, 413
    past it) until deleted or SCREENING_JOB_RETENTION_DAYS after they finish."""
    options = JobOptions(
        kind=kind or None,
        threshold=threshold,
        sources=[s.strip() for s in sources.split(",") if s.strip()] or None,
        engine=engine,
        output=output,
    )
    job = svc.submit_screen_job(file.file, file.filename or "upload", options, who=who)
    return JSONResponse(
        job.model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
    )


@router.get("/jobs", response_model=list[ScreenJobOut])
def list_jobs(
    who: Reader,
    svc: ScreeningDep,
    status: Annotated[Literal["pending", "running", "done", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ScreenJobOut]:
    """The caller's tenant's screening jobs, newest first."""
    return svc.screen_jobs(who.tenant, status, limit)


@router.get("/jobs/{job_id}", response_model=ScreenJobOut)
def get_job(job_id: JobId, who: Reader, svc: ScreeningDep) -> ScreenJobOut:
    """Where a job stands: `pending`, `running` (rows done so far, of how many when known, and
    the worker's last heartbeat), `done` (rows, timings, the list versions used, `result_url`)
    or `failed` (`error` says why)."""
    return svc.screen_job(job_id, who.tenant)


@router.get(
    "/jobs/{job_id}/result",
    response_model=None,
    response_class=StreamingResponse,  # not JSON: its 200 is documented as CSV or Parquet
    responses={
        200: {
            "description": "The rows in input order with the result columns appended.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.apache.parquet": {"schema": {"type": "string"}},
            },
        },
        409: {"model": ErrorDetail, "description": "The job is not done (or failed)"},
    },
)
def get_result(
    job_id: JobId,
    who: Reader,
    svc: ScreeningDep,
    format: Annotated[
        Literal["csv", "parquet"] | None, Query(description="the format the job produced")
    ] = None,
) -> Response:
    """The result of a done job, streamed: CSV (the `screen --file` contract), or Parquet when
    the job was submitted with `output=parquet`. 409 while the job is pending or running, or
    when it failed."""
    job = svc.screen_job(job_id, who.tenant)
    if job.status != "done":
        failed = job.status == "failed"
        why = f"the job failed: {job.error}" if failed else f"the job is {job.status}"
        return JSONResponse(status_code=409, content={"detail": f"{why}; no result to download"})
    produced = job.result_format or "csv"
    if format is not None and format != produced:
        return JSONResponse(
            status_code=409,
            content={"detail": f"this job produced {produced}; submit with output={format}"},
        )
    stem = job.filename.rsplit(".", 1)[0][:100] or "result"
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in stem)
    return StreamingResponse(
        svc.screen_job_result(job.id, who.tenant),
        media_type=_MEDIA[produced],
        headers={"Content-Disposition": f'attachment; filename="{safe}-screened.{produced}"'},
    )


@router.delete("/jobs/{job_id}", status_code=204, response_class=Response)
def delete_job(job_id: JobId, who: Writer, svc: ScreeningDep) -> Response:
    """Cancel a job (its worker stops within seconds, storing nothing) or remove a finished
    one, with its upload and result."""
    svc.delete_screen_job(job_id, who.tenant, who=who)
    return Response(status_code=204)
