"""`screening inventory score` and `screening po check`: thin over `devicerisk` and `reports`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated

import typer

from . import devicerisk
from .cli import EXIT_INPUT, _session, app, err
from .errors import InputError, ScreeningError
from .inventories import read_rows

inventory_app = typer.Typer(help="Device inventories (installed cameras and recorders).")
po_app = typer.Typer(help="Purchase orders and quotes (before you buy).")
app.add_typer(inventory_app, name="inventory")
app.add_typer(po_app, name="po")

FORMATS = ("json", "csv", "html")


@contextmanager
def _out(output: Path | None) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def run_report(file: Path, profile: str, fmt: str, output: Path | None, kind: str) -> None:
    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] --format {fmt!r}: use json, csv or html", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    with _session() as (session, settings):
        try:
            devicerisk.check_profile(profile)
            if not file.is_file():
                raise InputError(f"{file}: no such file")
            ctx = devicerisk.risk_context(session, settings)
            rows = read_rows(file, file.name, kind=kind)  # type: ignore[arg-type]
            if fmt == "csv":
                from .reports import csv as csv_report

                with _out(output) as fh:
                    for chunk in csv_report.stream(
                        devicerisk.score_rows(ctx, rows, profile, kind), kind
                    ):
                        fh.write(chunk)
                return
            report = devicerisk.build_report(ctx, rows, profile, kind)
            report["file"] = str(file)
        except ScreeningError as exc:
            err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from exc
    with _out(output) as fh:
        if fmt == "json":
            fh.write(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
        else:
            from .reports import html as html_report

            fh.write(html_report.render(report, kind))
    for e in report["errors"]:
        line = f" (line {e['line']})" if e.get("line") else ""
        err.print(
            f"{file}: row {e['row']}{line}, field {e['field']}: {e['message']}", highlight=False
        )


@inventory_app.command("score")
def inventory_score(
    file: Annotated[
        Path, typer.Argument(help="Inventory: CSV, XLSX or JSON with make/model/MAC/site… columns.")
    ],
    profile: Annotated[
        str, typer.Option(help="us-federal, uk-public-sector, uk-retail or default.")
    ] = "default",
    fmt: Annotated[str, typer.Option("--format", help="json, csv or html.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Identify the real maker of every device and score its risk under a profile, per device
    and per site, with the evidence and the list versions used. Rows that cannot be read are
    reported in `errors` (and on stderr) and left out of the figures; `--format csv --output F`
    writes rows as they are scored, so files of any size stream through."""
    run_report(file, profile, fmt, output, "inventory")


@po_app.command("check")
def po_check(
    file: Annotated[
        Path, typer.Argument(help="Order or quote: CSV, XLSX, JSON or YAML line items.")
    ],
    profile: Annotated[
        str, typer.Option(help="us-federal, uk-public-sector, uk-retail or default.")
    ] = "default",
    fmt: Annotated[str, typer.Option("--format", help="json, csv or html.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Check a purchase order or quote before it is signed: each line item is identified (a
    part number alone is enough) and scored, and each vendor or distributor is screened
    against every list (`vendor_matches`)."""
    run_report(file, profile, fmt, output, "po")
