"""`screening check`: thin over `gatecheck` and the gate renderers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import gatecheck
from .cli import EXIT_INPUT, _session, app, err
from .durations import parse_duration
from .errors import ScreeningError
from .reports import junit, markdown, sarif, text
from .reports.gate import gate_json

FORMATS = ("text", "json", "junit", "sarif", "markdown")


@app.command()
def check(
    files: Annotated[
        list[str],
        typer.Argument(help="Purchase orders / bills of materials: CSV, XLSX, JSON or YAML."),
    ],
    profile: Annotated[
        str, typer.Option(help="us-federal, uk-public-sector, uk-retail or default.")
    ] = "default",
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Fail on findings at or above this tier.")
    ] = "high",
    fmt: Annotated[
        str, typer.Option("--format", help="text, json, junit, sarif or markdown.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the report here instead of stdout.")
    ] = None,
    waivers: Annotated[
        Path | None, typer.Option("--waivers", help="YAML file of reviewed exceptions.")
    ] = None,
    max_list_age: Annotated[
        str | None, typer.Option("--max-list-age", help="e.g. 30d or 12h: older lists exit 3.")
    ] = None,
) -> None:
    """Gate purchase orders in CI. Exit codes: 0 nothing at or above --fail-on; 1 at least one
    such finding no valid waiver covers; 2 a usage or input error, including any row that
    cannot be read (every such row is reported first); 3 a list the profile needs has no data
    or is older than --max-list-age (measured from its publisher's date, else when it was
    fetched; without the option, lists over 30 days old only warn). With several files the
    code is the first that applies in the order 2, 3, 1, 0. Works offline from the bundled or
    last refreshed lists."""
    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] --format {fmt!r}: use {', '.join(FORMATS)}", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    with _session() as (session, settings):
        try:
            max_age = parse_duration(max_list_age, "--max-list-age") if max_list_age else None
            run = gatecheck.run_check(
                session,
                settings,
                files,
                profile=profile,
                fail_on=fail_on,
                waivers_path=waivers,
                max_age=max_age,
            )
        except ScreeningError as exc:
            err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from exc
    gate = run.gate
    for path, report in run.reports:
        for e in report["errors"]:
            where = (
                f"row {e['row']}" + (f" (line {e['line']})" if e.get("line") else "")
                if e.get("row")
                else "file"
            )
            field = f", field {e['field']}" if e.get("field") else ""
            err.print(f"{path}: {where}{field}: {e['message']}", highlight=False)
    for problem in run.list_problems:
        err.print(f"[red]list:[/red] {problem}", highlight=False)
    for warning in run.warnings:
        err.print(f"[yellow]warning:[/yellow] list {warning}", highlight=False)
    for w in gate.expired_waivers:
        err.print(f"[yellow]warning:[/yellow] expired waiver {w.label}", highlight=False)
    if fmt == "json":
        gate_data = gate_json(gate)
        if len(run.reports) == 1:
            body = {**run.reports[0][1], "gate": gate_data}
        else:
            body = {"files": [r for _, r in run.reports], "gate": gate_data}
        rendered = json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n"
    elif fmt == "sarif":
        rendered = sarif.render(gate)
    elif fmt == "junit":
        rendered = junit.render(gate)
    elif fmt == "markdown":
        rendered = markdown.render(gate)
    else:
        rendered = text.render(gate, color=output is None and sys.stdout.isatty())
    if output:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    raise typer.Exit(gate.exit_code)
