"""`screening lists`, `entity`, `refresh`, `diff`, `import`, `lists add-custom` and `serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import ScreeningError
from ..schemas.sources import Entity, RefreshOutcome, SourceSummary
from ..service import get_settings, parse_duration
from ._common import (
    EXIT_OK,
    EXIT_REFRESH_FAILED,
    dump,
    err,
    fail,
    print_json,
    service,
    usage,
)
from .schedule import lead_refreshes

lists_app = typer.Typer(help="The lists (sources) and their active snapshots.")
import_app = typer.Typer(help="Import lists from other publishers.")


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
    app.add_typer(import_app, name="import")
    for command in (entity, refresh, diff, serve):
        app.command()(command)


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
    with service() as svc:
        summaries = svc.sources()
    if as_json:
        print_json(dump(summaries))
        return
    _lists_table(summaries, Console())


def _lists_table(summaries: list[SourceSummary], out: Console) -> None:
    """A table that stays readable in an 80-column terminal: ids and versions never fold
    mid-word; the version column only where it fits, and errors on lines of their own below."""
    wide = out.width >= 110
    table = Table(title="Sources", title_justify="left")
    table.add_column("source", no_wrap=True)
    table.add_column("status", no_wrap=True)
    if wide:
        table.add_column("version", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("entities", justify="right", no_wrap=True)
    table.add_column("data", no_wrap=True)
    for s in summaries:
        colour = {"ok": "green", "refresh_failed": "red", "no_data": "yellow"}[s.status]
        cells = [s.source, f"[{colour}]{s.status}[/{colour}]"]
        if wide:
            cells.append(s.version or "-")
        cells += [s.published_at or "-", str(s.entity_count), s.completeness or "-"]
        table.add_row(*cells)
    out.print(table)
    for s in summaries:
        if s.last_error:
            out.print(f"[red]{s.source}[/red]: {s.last_error}", highlight=False, soft_wrap=True)


def entity(
    entity_id: Annotated[str, typer.Argument(help="An entity id, e.g. us_ofac_cons:30946.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one listed entity with its names, programs, identifiers and provenance."""
    with service() as svc:
        data = svc.entity(entity_id)
    if as_json:
        print_json(dump(data))
        return
    _print_entity(data, Console())


def _text(value: Any) -> str:
    """A value as a person reads it: lists joined, mappings as `key: value`, nothing for None."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items() if _text(v))
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (_text(v) for v in value) if t)
    return str(value)


def _print_entity(data: Entity, out: Console) -> None:
    prov = data.provenance
    out.print(f"[bold]{data.name}[/bold]  ({data.entity_id}, {data.kind})", highlight=False)
    lines = [
        ("programs", ", ".join(data.programs)),
        ("countries", ", ".join(data.countries)),
        ("listed on", data.listed_on or "-"),
        ("names", "; ".join(f"{n.name} [{n.type}]" for n in data.names[1:])),
        (
            "identifiers",
            "; ".join(
                f"{i.get('type')} {i.get('value')}"
                + (f" ({i['country']})" if i.get("country") else "")
                for i in data.identifiers
            ),
        ),
        ("addresses", " | ".join(data.addresses)),
        ("remarks", data.remarks or ""),
        ("source", f"{prov.source} — {prov.source_name}"),
        (
            "snapshot",
            f"{prov.snapshot_version} (published {prov.published_at or 'unknown'},"
            f" fetched {prov.fetched_at[:19]}, {prov.origin}, {prov.completeness})",
        ),
        ("publisher", f"{prov.publisher} <{prov.publisher_url}>"),
    ]
    lines += [(key.replace("_", " "), _text(value)) for key, value in data.details.items()]
    for key, value in lines:
        if value:
            out.print(f"  {key:<12} {value}", highlight=False, soft_wrap=True)


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
        with service() as svc:
            who = svc.refresh_leader()
        if who:
            err.print(
                f"the scheduled refresh is led by {who}; this one runs beside it (each source "
                "is refreshed by one process at a time: a source it is refreshing waits)",
                highlight=False,
            )
        _refresh_once(source, offline, force, as_json)
        return
    try:
        interval = parse_duration(every, "--every").total_seconds()
    except ScreeningError as exc:
        fail(exc)
    try:
        with service() as svc, svc.leadership() as lead:
            lead_refreshes(
                lead,
                interval,
                svc.settings.leader_poll,
                lambda: _refresh_once(source, offline, force, as_json),
            )
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_OK) from None


def _refresh_once(source: list[str] | None, offline: bool, force: bool, as_json: bool) -> None:
    with (
        service() as svc,
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

        outcomes = svc.refresh(
            source, offline=offline, force=force, progress=progress, on_source=on_source
        )
    if as_json:
        print_json(dump(outcomes))
    report_outcomes(outcomes)


def report_outcomes(outcomes: list[RefreshOutcome]) -> None:
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
    with service() as svc:
        data = svc.diff(source, from_version, to_version)
    if as_json:
        print_json(dump(data))
        return
    out = Console()
    out.print(f"[bold]{data.source}[/bold]: {data.from_version} -> {data.to}", highlight=False)
    for label, entries, colour in (
        ("added", data.added, "green"),
        ("removed", data.removed, "red"),
    ):
        for e in entries:
            out.print(f"  [{colour}]{label}[/{colour}]   {e.entity_id}  {e.name}", highlight=False)
    for c in data.changed:
        out.print(f"  [yellow]changed[/yellow] {c.entity_id}  {c.name}", highlight=False)
        for field, change in c.fields.items():
            out.print(
                f"      {field}: {_text(change.old) or '-'} -> {_text(change.new) or '-'}",
                highlight=False,
                soft_wrap=True,
            )
    n = (len(data.added), len(data.removed), len(data.changed))
    out.print(f"{n[0]} added, {n[1]} removed, {n[2]} changed", highlight=False)


@import_app.command("opensanctions")
def import_opensanctions(
    dataset: Annotated[str, typer.Argument(help="Dataset name, e.g. default, sanctions, eu_fsf.")],
    file_or_url: Annotated[str, typer.Argument(help="entities.ftm.json file path or URL.")],
    force: Annotated[bool, typer.Option("--force", help="Accept a far smaller version.")] = False,
) -> None:
    """Import an OpenSanctions FollowTheMoney export (JSON lines) as source
    opensanctions:DATASET. OpenSanctions data is licensed CC BY-NC 4.0 (commercial use needs
    their licence). An import from a URL is refreshed from it by `screening refresh`."""
    with service() as svc:
        out = svc.import_opensanctions(dataset, file_or_url, force=force)
    report_outcomes([out])


@lists_app.command("add-custom")
def add_custom(
    name: Annotated[str, typer.Argument(help="List name: the source becomes custom:NAME.")],
    file: Annotated[Path, typer.Argument(help="CSV with header name[,aliases,country,reason,id].")],
    force: Annotated[
        bool, typer.Option("--force", help="Accept a deliberate large shrink.")
    ] = False,
) -> None:
    """Load an in-house denied-party list (parties you must not buy from) as a new version of
    custom:NAME. Every bad row is reported with its row, line and field, and nothing is loaded
    from such a file."""
    if not file.is_file():
        usage(f"{file}: no such file")
    with service() as svc:
        out = svc.add_custom_list(name, file.read_bytes(), str(file), force=force)
    report_outcomes([out])


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address (or the name localhost)."""
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default 127.0.0.1). Every call but /health needs an "
            "API key; SCREENING_AUTH=off is refused unless this is a loopback address."
        ),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default 8000, or SCREENING_PORT).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes (default SCREENING_WORKERS, else 2 where there are 2 cores).",
        ),
    ] = None,
    load_bundled: Annotated[
        bool, typer.Option(help="Load the bundled snapshots into an empty database first.")
    ] = True,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    from ..api.server import default_workers, run

    settings = get_settings()
    if load_bundled:
        with service() as svc:
            for o in svc.load_bundled_if_empty():
                err.print(
                    f"loaded {o.source_id}: {o.result} {o.version or o.detail or ''}",
                    highlight=False,
                )
    h, p = host or settings.host, port or settings.port
    if settings.auth == "off" and not is_loopback(h):
        usage(
            f"refusing to serve {h} without authentication: SCREENING_AUTH=off is allowed on a "
            "loopback address only (127.0.0.1, ::1, localhost)"
        )
    n = workers or settings.workers or default_workers(settings)
    if settings.auth == "keys":
        with service() as svc:
            first = None if svc.has_keys() else svc.create_key("default", "admin", "first start")
        if first is not None:
            # Shown once, as Jupyter shows its token: only the key's hash is stored. The key is
            # in the address's fragment, which browsers never send to the server.
            err.print(
                f"\nNo API key existed: made an admin key for tenant 'default' (shown once):\n"
                f"    {first.key}\nOpen http://{h}:{p}/screen/key#key={first.key}\n",
                highlight=False,
            )
    err.print(
        f"screening API on http://{h}:{p}  (docs: http://{h}:{p}/docs; {n} worker"
        f"{'s' if n != 1 else ''})",
        highlight=False,
    )
    # Re-screening and webhook deliveries run in a process of their own (`monitor run`), not
    # in the web workers: re-scoring a large stored inventory must not slow their answers.
    import subprocess
    import sys

    # Asynchronous screening jobs (POST /v1/jobs/screen) in another: a job of a million names
    # must hold up neither the web workers nor the re-screening alerts.
    children = [
        ("monitor", "run", "--every", "2"),
        ("jobs", "work", "--every", "2"),
    ]
    helpers = [
        subprocess.Popen([sys.executable, "-m", "screening", *child], stdin=subprocess.DEVNULL)
        for child in children
    ]
    try:
        run(h, p, n)
    finally:
        for helper in helpers:
            helper.terminate()
        for helper in helpers:
            try:
                helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                helper.kill()
