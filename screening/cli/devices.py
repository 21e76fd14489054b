"""`screening inventory score` and `screening po check`: thin over the service's device risk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..errors import ScreeningError
from ..schemas.reports import RowError
from ..service import RENDERERS, profile_help
from ..service.columns import columns_help
from ._common import err, fail, output_to, service, usage

inventory_app = typer.Typer(help="Device inventories (installed cameras and recorders).")
po_app = typer.Typer(help="Purchase orders and quotes (before you buy).")
_PROFILE_HELP = f"The buyer's profile. {profile_help()}."
_FORMAT_HELP = f"One of {', '.join(RENDERERS)}."


def register(app: typer.Typer) -> None:
    app.add_typer(inventory_app, name="inventory")
    app.add_typer(po_app, name="po")


def run_report(
    file: Path, profile: str, fmt: str, output: Path | None, kind: Literal["inventory", "po"]
) -> None:
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        usage(f"--format {fmt!r}: use {', '.join(RENDERERS)}")
    errors: list[RowError] = []
    with service() as svc:
        try:
            svc.check_profile(profile)
            if renderer.stream is not None:
                # Rows are written as they are scored: files of any size stream through.
                with output_to(output) as fh:
                    for chunk in renderer.stream(
                        svc.stream_file(file, file.name, kind, profile), kind
                    ):
                        fh.write(chunk)
                return
            report = svc.score_file(file, file.name, kind, profile)
            errors = report.errors
        except ScreeningError as exc:
            fail(exc)
    with output_to(output) as fh:
        fh.write(renderer.render(report))
    for e in errors:
        line = f" (line {e.line})" if e.line else ""
        err.print(f"{file}: row {e.row}{line}, field {e.field}: {e.message}", highlight=False)


@inventory_app.command("score", epilog=columns_help("inventory"))
def inventory_score(
    file: Annotated[
        Path, typer.Argument(help="Inventory: CSV, XLSX or JSON with make/model/MAC/site… columns.")
    ],
    profile: Annotated[str, typer.Option(help=_PROFILE_HELP)] = "default",
    fmt: Annotated[str, typer.Option("--format", help=_FORMAT_HELP)] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Identify the real maker of every device and score its risk under a profile, per device
    and per site, with the evidence and the list versions used. Rows that cannot be read are
    reported in `errors` (and on stderr) and left out of the figures; `--format csv --output F`
    writes rows as they are scored, so files of any size stream through."""
    run_report(file, profile, fmt, output, "inventory")


@po_app.command("check", epilog=columns_help("po"))
def po_check(
    file: Annotated[
        Path, typer.Argument(help="Order or quote: CSV, XLSX, JSON or YAML line items.")
    ],
    profile: Annotated[str, typer.Option(help=_PROFILE_HELP)] = "default",
    fmt: Annotated[str, typer.Option("--format", help=_FORMAT_HELP)] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Check a purchase order or quote before it is signed: each line item is identified (a
    part number alone is enough) and scored, and each vendor or distributor is screened
    against every list (`vendor_matches`)."""
    run_report(file, profile, fmt, output, "po")
