"""`screening jobs`: the worker that runs asynchronous screening jobs (`POST /v1/jobs/screen`),
and a look at the jobs from the command line."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ._common import dump, err, print_json, service

jobs_app = typer.Typer(help="Asynchronous bulk screening jobs (POST /v1/jobs/screen).")

Tenant = Annotated[str, typer.Option(help="the tenant")]
Json = Annotated[bool, typer.Option("--json", help="JSON on stdout")]


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("work")
def work(
    every: Annotated[
        float, typer.Option(min=0, help="look for new jobs every N seconds until stopped (0: once)")
    ] = 0,
) -> None:
    """Run the screening jobs that wait, one after another, with the engine of
    SCREENING_JOB_ENGINE. Safe in as many processes and machines as share the database: each
    job is taken by one worker, and a job whose worker died is taken over after 30 s."""
    while True:
        with service() as svc:
            ran = svc.run_screen_jobs()
        if ran:
            err.print(f"ran {ran} screening job(s)", highlight=False)
        if not every:
            return
        time.sleep(every)


@jobs_app.command("list")
def list_(
    tenant: Tenant = "default",
    status: Annotated[str | None, typer.Option(help="pending, running, done or failed")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    json_out: Json = False,
) -> None:
    """The tenant's screening jobs, newest first."""
    with service() as svc:
        found = svc.screen_jobs(tenant, status, limit)
    if json_out:
        print_json(dump(found))
        return
    for j in found:
        total = f"/{j.rows_total}" if j.rows_total is not None else ""
        typer.echo(
            f"{j.id}  {j.created_at[:19]}  {j.status:<8} {j.rows_done}{total} rows  {j.filename}"
        )


@jobs_app.command("show")
def show(job_id: str, tenant: Tenant = "default") -> None:
    """One job as JSON: status, progress, timings, the list versions used, the error."""
    with service() as svc:
        print_json(dump(svc.screen_job(job_id, tenant)))
