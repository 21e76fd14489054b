"""Tables of asynchronous screening jobs (`POST /v1/jobs/screen`, issue 18; migration 0007).

The upload and the result live in the database, in compressed parts, not on one machine's disk:
any API worker takes an upload, any job worker (on any machine that reaches the database) runs
it, and any API worker serves the result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel


class ScreenJob(SQLModel, table=True):
    """One bulk screening of an uploaded file of names, and where it stands."""

    __tablename__ = "screen_job"
    __table_args__ = (Index("ix_screen_job_tenant_created", "tenant_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)  # random, unguessable: `job_…`
    tenant_id: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16, index=True)  # pending|running|done|failed
    filename: str = Field(max_length=255)
    input_format: str = Field(max_length=16)  # csv | parquet
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    # Raised by each claim: every write of a worker is guarded by the claim it holds, so a
    # worker presumed dead (and replaced) can no longer change the job.
    claim: int = 0
    worker: str | None = Field(default=None, max_length=200)
    rows_done: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    rows_total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    input_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    result_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    result_format: str | None = Field(default=None, max_length=16)
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = None


class ScreenJobPart(SQLModel, table=True):
    """A zlib-compressed piece of a job's upload (`input`) or result (`result`), in order."""

    __tablename__ = "screen_job_part"

    job_id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(primary_key=True, max_length=16)
    seq: int = Field(primary_key=True)
    rows: int = 0  # result parts: the rows they hold
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
