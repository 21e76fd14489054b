"""`screening check`: the purchase-order gate for CI, thin over the service. The gate says what
its outcome is; only here does an outcome become an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ScreeningError
from ..service import GATE_RENDERERS, parse_duration, profile_help
from ._common import EXIT_DATA, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, err, fail, service, usage

# The gate's outcomes, first that applies, and their exit codes (interfaces.md).
OUTCOME_EXIT = {
    "unreadable": EXIT_INPUT,
    "lists": EXIT_DATA,
    "fail": EXIT_FINDINGS,
    "pass": EXIT_OK,
}


def register(app: typer.Typer) -> None:
    app.command()(check)


def check(
    files: Annotated[
        list[str],
        typer.Argument(help="Purchase orders / bills of materials: CSV, XLSX, JSON or YAML."),
    ],
    profile: Annotated[
        str, typer.Option(help=f"The buyer's profile. {profile_help()}.")
    ] = "default",
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Fail on findings at or above this tier.")
    ] = "high",
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of {', '.join(GATE_RENDERERS)}.")
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
    renderer = GATE_RENDERERS.get(fmt)
    if renderer is None:
        usage(f"--format {fmt!r}: use {', '.join(GATE_RENDERERS)}")
    with service() as svc:
        try:
            max_age = parse_duration(max_list_age, "--max-list-age") if max_list_age else None
            run = svc.check(
                files, profile=profile, fail_on=fail_on, waivers_path=waivers, max_age=max_age
            )
        except ScreeningError as exc:
            fail(exc)
    gate = run.gate
    for path, report in run.reports:
        for e in report.errors:
            where = f"row {e.row}" + (f" (line {e.line})" if e.line else "") if e.row else "file"
            field = f", field {e.field}" if e.field else ""
            err.print(f"{path}: {where}{field}: {e.message}", highlight=False)
    for problem in run.list_problems:
        err.print(f"[red]list:[/red] {problem}", highlight=False)
    for warning in run.warnings:
        err.print(f"[yellow]warning:[/yellow] list {warning}", highlight=False)
    for w in gate.expired_waivers:
        err.print(f"[yellow]warning:[/yellow] expired {w.label}", highlight=False)
    code = OUTCOME_EXIT[gate.outcome]
    rendered = renderer.render(gate, exit_code=code, color=output is None and sys.stdout.isatty())
    if output:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    raise typer.Exit(code)
