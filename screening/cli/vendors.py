"""`screening vendors`: the vendor master of a tenant (`default` unless `--tenant`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..schemas.vendors import Vendor, VendorIn
from ._common import dump, err, fail, print_json, service

vendors_app = typer.Typer(help="The vendor master: suppliers kept and re-screened.")

Tenant = Annotated[str, typer.Option(help="the tenant whose vendors these are")]
Json = Annotated[bool, typer.Option("--json", help="JSON on stdout")]


def register(app: typer.Typer) -> None:
    app.add_typer(vendors_app, name="vendors")


def _line(v: Vendor) -> str:
    hits = "; ".join(f"{h.party} ({h.relation}, {h.score:.2f})" for h in v.screening.hits)
    return f"{v.id}  {v.name}  {'HIT: ' + hits if hits else 'no hit'}"


@vendors_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the vendor's name as on its invoices")],
    country: Annotated[str | None, typer.Option(help="ISO-2 country")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option("--identifier", help="LEI, registration number… (repeat)")
    ] = None,
    external_id: Annotated[str | None, typer.Option(help="your own id for it")] = None,
    tenant: Tenant = "default",
    json_out: Json = False,
) -> None:
    """Add a vendor; it is screened now and again whenever the lists change."""
    try:
        item = VendorIn(
            name=name, country=country, identifiers=identifier or [], external_id=external_id
        )
    except ValueError as exc:
        fail(InputError(f"vendor: {str(exc).splitlines()[0][:200]}"))
    with service() as svc:
        made = svc.add_vendor(item, tenant)
    print_json(dump(made)) if json_out else typer.echo(_line(made))


@vendors_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV: name, country, identifiers (;), external_id")],
    tenant: Tenant = "default",
    json_out: Json = False,
) -> None:
    """Import vendors from a CSV: all rows are stored, or none (the bad rows are named)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(InputError(f"{file}: cannot read ({exc.strerror})"))
    with service() as svc:
        done = svc.import_vendors(data, file.name, tenant)
    if json_out:
        print_json(dump(done))
        return
    err.print(f"imported {done.imported} vendor(s), {done.with_hits} with a hit", highlight=False)
    for v in done.vendors:
        if v.has_hits:
            typer.echo(_line(v))


@vendors_app.command("list")
def list_(
    tenant: Tenant = "default",
    hits: Annotated[bool, typer.Option("--hits", help="only vendors with a current hit")] = False,
    json_out: Json = False,
) -> None:
    """The tenant's vendors with their current screening."""
    with service() as svc:
        found = svc.vendors(tenant, has_hits=True if hits else None)
    if json_out:
        print_json(dump(found))
        return
    for v in found:
        typer.echo(_line(v))


@vendors_app.command("show")
def show(
    vendor_id: Annotated[str, typer.Argument(help="the vendor's id")],
    tenant: Tenant = "default",
) -> None:
    """One vendor with its hits and the list versions it was screened against (JSON)."""
    with service() as svc:
        print_json(dump(svc.vendor(vendor_id, tenant)))
