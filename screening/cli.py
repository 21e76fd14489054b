"""The `screening` command line: thin over `services`.

Exit codes (stable; CI jobs rely on them):
  0  success
  1  findings at or above the gate (screening check, later)
  2  usage or input error (bad argument, unknown source or entity, unreadable file)
  3  a list the request needs has no data, or is too old
  4  a refresh failed for at least one source (its previous snapshot stays active)
Machine output goes to stdout; progress and messages go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from . import services
from .db import engine_for
from .errors import InputError, NotFoundError, ScreeningError
from .settings import Settings, get_settings

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_DATA, EXIT_REFRESH_FAILED = 0, 1, 2, 3, 4

app = typer.Typer(
    help="Screen vendors, makers and device inventories against public restricted-party lists.",
    no_args_is_help=True,
    add_completion=False,
)
lists_app = typer.Typer(help="The lists (sources) and their active snapshots.")
app.add_typer(lists_app, name="lists")

err = Console(stderr=True)


def _exit_code(exc: ScreeningError) -> int:
    if isinstance(exc, InputError | NotFoundError):
        return EXIT_INPUT
    return EXIT_INPUT


@contextmanager
def _session() -> Iterator[tuple[Session, Settings]]:
    settings = get_settings()
    try:
        engine = engine_for(settings.resolved_database_url())
        with Session(engine, expire_on_commit=False) as session:
            yield session, settings
    except ScreeningError as exc:
        err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
        raise typer.Exit(_exit_code(exc)) from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@lists_app.callback(invoke_without_command=True)
def lists(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the stable contract).")
    ] = False,
) -> None:
    """Show every source: its active version, publisher's date, entity count and status."""
    if ctx.invoked_subcommand is not None:
        return
    with _session() as (session, _):
        summaries = services.list_sources(session)
    if as_json:
        _print_json([services.summary_dict(s) for s in summaries])
        return
    table = Table(title="Sources")
    for col in (
        "source",
        "status",
        "version",
        "published",
        "entities",
        "completeness",
        "last error",
    ):
        table.add_column(col, overflow="fold")
    for s in summaries:
        colour = {"ok": "green", "refresh_failed": "red", "no_data": "yellow"}[s.status]
        table.add_row(
            s.source,
            f"[{colour}]{s.status}[/{colour}]",
            s.version or "-",
            s.published_at or "-",
            str(s.entity_count),
            s.completeness or "-",
            s.last_error or "",
        )
    Console().print(table)


@app.command()
def entity(
    entity_id: Annotated[str, typer.Argument(help="An entity id, e.g. us_ofac_cons:30946.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one listed entity with its names, programs, identifiers and provenance."""
    with _session() as (session, _):
        data = services.get_entity(session, entity_id)
    if as_json:
        _print_json(data)
        return
    out = Console()
    prov = data["provenance"]
    out.print(
        f"[bold]{data['name']}[/bold]  ({data['entity_id']}, {data['kind']})", highlight=False
    )
    lines = [
        ("programs", ", ".join(data["programs"])),
        ("countries", ", ".join(data["countries"])),
        ("listed on", data["listed_on"] or "-"),
        ("names", "; ".join(f"{n['name']} [{n['type']}]" for n in data["names"][1:])),
        (
            "identifiers",
            "; ".join(
                f"{i['type']} {i['value']}" + (f" ({i['country']})" if i.get("country") else "")
                for i in data["identifiers"]
            ),
        ),
        ("addresses", " | ".join(data["addresses"])),
        ("remarks", data["remarks"] or ""),
        ("source", f"{prov['source']} — {prov['source_name']}"),
        (
            "snapshot",
            f"{prov['snapshot_version']} (published {prov['published_at'] or 'unknown'},"
            f" fetched {prov['fetched_at'][:19]}, {prov['origin']}, {prov['completeness']})",
        ),
        ("publisher", f"{prov['publisher']} <{prov['publisher_url']}>"),
    ]
    for key, value in lines:
        if value:
            out.print(f"  {key:<12} {value}", highlight=False, soft_wrap=True)
    for key, value in data["details"].items():
        out.print(f"  {key:<12} {value}", highlight=False, soft_wrap=True)


@app.command()
def refresh(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Load the bundled snapshots in data/ instead of downloading."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Accept a result far smaller than the active snapshot.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
) -> None:
    """Download (or, with --offline, load from data/) each list, parse it and switch to the new
    version atomically. A failed or suspicious refresh keeps the previous snapshot active and
    marks the source refresh_failed. Exit 4 when any source failed."""
    with (
        _session() as (session, settings),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task: TaskID = bar.add_task("starting", total=None)
        current = {"id": ""}

        def on_source(spec: Any) -> None:
            current["id"] = spec.id
            bar.update(task, description=f"{spec.id}: starting", completed=0, total=None)

        def progress(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"{current['id']}: {stage}", completed=done, total=total)

        outcomes = services.refresh(
            session,
            settings,
            source,
            offline=offline,
            force=force,
            progress=progress,
            on_source=on_source,
        )
    if as_json:
        _print_json([services.outcome_dict(o) for o in outcomes])
    for o in outcomes:
        if o.result == "failed":
            err.print(
                f"[red]{o.source_id}: refresh failed[/red] — {o.detail}; "
                f"kept {o.previous_version or 'no data'}",
                highlight=False,
            )
        elif o.result == "created":
            err.print(
                f"[green]{o.source_id}[/green]: {o.version} ({o.entity_count} entries)",
                highlight=False,
            )
        elif o.result == "unchanged":
            err.print(f"{o.source_id}: unchanged ({o.version})", highlight=False)
        else:
            err.print(f"[dim]{o.source_id}: skipped — {o.detail}[/dim]", highlight=False)
    if any(o.result == "failed" for o in outcomes):
        raise typer.Exit(EXIT_REFRESH_FAILED)


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default 127.0.0.1: there is no authentication yet)."
        ),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default 8000, or SCREENING_PORT).")
    ] = None,
    load_bundled: Annotated[
        bool, typer.Option(help="Load the bundled snapshots into an empty database first.")
    ] = True,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from .api.app import create_app

    settings = get_settings()
    if load_bundled:
        with _session() as (session, _):
            for o in services.load_bundled_if_empty(session, settings):
                err.print(
                    f"loaded {o.source_id}: {o.result} {o.version or o.detail or ''}",
                    highlight=False,
                )
    h, p = host or settings.host, port or settings.port
    err.print(f"screening API on http://{h}:{p}  (docs: http://{h}:{p}/docs)", highlight=False)
    uvicorn.run(create_app(), host=h, port=p, log_level="info")
