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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from . import services, userlists
from .db import engine_for
from .durations import parse_duration
from .errors import InputError, NotFoundError, ScreeningError
from .settings import Settings, get_settings
from .snapshots import RefreshOutcome

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_DATA, EXIT_REFRESH_FAILED = 0, 1, 2, 3, 4

app = typer.Typer(
    help="Screen vendors, makers and device inventories against public restricted-party lists.",
    no_args_is_help=True,
    add_completion=False,
)
lists_app = typer.Typer(help="The lists (sources) and their active snapshots.")
app.add_typer(lists_app, name="lists")

err = Console(stderr=True, soft_wrap=True)  # error lines are not re-wrapped mid-phrase


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
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Keep running and refresh again at this interval (e.g. 6h, 30m); Ctrl-C stops.",
        ),
    ] = None,
) -> None:
    """Download (or, with --offline, load from data/) each list, parse it and switch to the new
    version atomically. A failed or suspicious refresh keeps the previous snapshot active and
    marks the source refresh_failed; one source's failure never stops the others. Exit 4 when
    any source failed (with --every the loop carries on; Ctrl-C ends it with exit 0)."""
    if every is None:
        _refresh_once(source, offline, force, as_json)
        return
    try:
        interval = parse_duration(every, "--every").total_seconds()
    except ScreeningError as exc:
        err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
        raise typer.Exit(EXIT_INPUT) from exc
    try:
        while True:
            started = time.monotonic()
            try:
                _refresh_once(source, offline, force, as_json)
            except typer.Exit as exc:
                if exc.exit_code == EXIT_INPUT:
                    raise  # a usage error will not fix itself on the next run
            wait = max(0.0, interval - (time.monotonic() - started))
            err.print(f"next refresh in {wait:.0f} s", highlight=False)
            time.sleep(wait)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_OK) from None


def _refresh_once(source: list[str] | None, offline: bool, force: bool, as_json: bool) -> None:
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
    _report(outcomes)


def _report(outcomes: list[RefreshOutcome]) -> None:
    """One line per source on stderr; exit 4 when any failed."""
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
def diff(
    source: Annotated[
        str, typer.Argument(help="A source id, e.g. us_fcc_covered or custom:vendors.")
    ],
    from_version: Annotated[str | None, typer.Option("--from", help="Older version.")] = None,
    to_version: Annotated[str | None, typer.Option("--to", help="Newer version.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the stable contract).")
    ] = False,
) -> None:
    """What changed between two versions of a list: entities added, removed and changed (with
    each changed field's old and new value). Default: the active version against the one before."""
    with _session() as (session, _):
        data = userlists.diff(session, source, from_version, to_version)
    if as_json:
        _print_json(data)
        return
    out = Console()
    out.print(f"[bold]{data['source']}[/bold]: {data['from']} -> {data['to']}", highlight=False)
    for label, key, colour in (("added", "added", "green"), ("removed", "removed", "red")):
        for e in data[key]:
            out.print(
                f"  [{colour}]{label}[/{colour}]   {e['entity_id']}  {e['name']}", highlight=False
            )
    for e in data["changed"]:
        out.print(f"  [yellow]changed[/yellow] {e['entity_id']}  {e['name']}", highlight=False)
        for field, change in e["fields"].items():
            out.print(
                f"      {field}: {change['old']!r} -> {change['new']!r}",
                highlight=False,
                soft_wrap=True,
            )
    n = (len(data["added"]), len(data["removed"]), len(data["changed"]))
    out.print(f"{n[0]} added, {n[1]} removed, {n[2]} changed", highlight=False)


import_app = typer.Typer(help="Import lists from other publishers.")
app.add_typer(import_app, name="import")


@import_app.command("opensanctions")
def import_opensanctions(
    dataset: Annotated[str, typer.Argument(help="Dataset name, e.g. default, sanctions, eu_fsf.")],
    file_or_url: Annotated[str, typer.Argument(help="entities.ftm.json file path or URL.")],
    force: Annotated[bool, typer.Option("--force", help="Accept a far smaller version.")] = False,
) -> None:
    """Import an OpenSanctions FollowTheMoney export (JSON lines) as source
    opensanctions:DATASET. OpenSanctions data is licensed CC BY-NC 4.0 (commercial use needs
    their licence). An import from a URL is refreshed from it by `screening refresh`."""
    with _session() as (session, settings):
        out = userlists.import_opensanctions(session, settings, dataset, file_or_url, force=force)
    _report([out])


@lists_app.command("add-custom")
def add_custom(
    name: Annotated[str, typer.Argument(help="List name: the source becomes custom:NAME.")],
    file: Annotated[Path, typer.Argument(help="CSV with header name[,aliases,country,reason,id].")],
    force: Annotated[
        bool, typer.Option("--force", help="Accept a deliberate large shrink.")
    ] = False,
) -> None:
    """Load an in-house denied- or approved-party list as a new version of custom:NAME. Every
    bad row is reported with its row, line and field, and nothing is loaded from such a file."""
    if not file.is_file():
        err.print(f"[red]error:[/red] {file}: no such file", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    with _session() as (session, settings):
        out = userlists.add_custom(
            session, settings, name, file.read_bytes(), str(file), force=force
        )
    _report([out])


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


from . import cli_check as _cli_check  # noqa: E402,F401  (registers check)
from . import cli_devices as _cli_devices  # noqa: E402,F401  (registers inventory/po)
from . import cli_screen as _cli_screen  # noqa: E402,F401  (registers screen/compare)
