"""Asynchronous screening jobs (issue 18, point 4): `POST /v1/jobs/screen` and what a job says
about itself."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

JobStatus = Literal["pending", "running", "done", "failed"]


class JobOptions(BaseModel):
    """How the job's names are screened: the `screen --file` options."""

    kind: str | None = Field(default=None, description="default kind of rows without one")
    threshold: float | None = Field(default=None, description="score cut-off; default per kind")
    sources: list[str] | None = Field(default=None, description="only these lists")
    engine: Literal["local", "dask"] | None = Field(
        default=None, description="the engine asked for; none: the worker's (SCREENING_JOB_ENGINE)"
    )
    output: Literal["csv", "parquet"] = Field(default="csv", description="the result's format")


class ScreenJobOut(BaseModel):
    """A bulk screening job of the caller's tenant: where it stands, how far it got, how long it
    took, and why it failed. The result is at `result_url` once `status` is `done`."""

    id: str = Field(description="random and unguessable; the job's only name")
    status: JobStatus
    filename: str = Field(description="the uploaded file's name")
    input_format: Literal["csv", "parquet"]
    options: JobOptions
    rows_done: int = Field(description="rows screened so far (the whole file once done)")
    rows_total: int | None = Field(description="rows in the file, when known")
    created_at: str
    started_at: str | None = Field(description="when a worker took it (last taken, if resumed)")
    heartbeat_at: str | None = Field(description="the worker's last sign of life")
    finished_at: str | None
    seconds: float | None = Field(description="running time so far, or until it finished")
    input_bytes: int = Field(description="the upload as stored (compressed)")
    result_bytes: int = Field(description="the result as stored (compressed); 0 until done")
    result_format: Literal["csv", "parquet"] | None = Field(description="set once done")
    result_url: str | None = Field(description="where to download the result once done")
    snapshots: dict[str, str] = Field(description="the list versions the result was screened on")
    error: str | None = Field(description="why it failed, as one sentence")
