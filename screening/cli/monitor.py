"""`screening monitor`, `screening alerts`, `screening audit`: continuous monitoring from the
command line (a cron job can run `monitor run` where no server runs the loop)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated

import typer

from ._common import dump, err, print_json, service

monitor_app = typer.Typer(help="Re-screening after list changes, and webhook deliveries.")

Tenant = Annotated[str, typer.Option(help="the tenant")]
Json = Annotated[bool, typer.Option("--json", help="JSON on stdout")]


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
    app.command("alerts")(alerts)
    app.command("audit")(audit)


@monitor_app.command("run")
def run(
    every: Annotated[
        float, typer.Option(min=0, help="repeat every N seconds until stopped (0: once)")
    ] = 0,
) -> None:
    """Re-screen every vendor and stored inventory screened under older list versions (alerts
    for changes), then send the webhook deliveries that are due. Safe beside a running server
    and beside another `monitor run` (`serve` starts one with --every 2)."""
    while True:
        with service() as svc:
            done = svc.rescreen()
            sent = svc.deliver_due(limit=1000)
        if not every or done.vendors or done.inventories or sent:
            err.print(
                f"re-screened {done.vendors} vendor(s) and {done.inventories} inventory(ies): "
                f"{done.alerts} alert(s); {sent} delivery attempt(s)",
                highlight=False,
            )
        if not every:
            return
        time.sleep(every)


def alerts(
    tenant: Tenant = "default",
    after: Annotated[int, typer.Option(help="only alerts with a larger id")] = 0,
    since: Annotated[datetime | None, typer.Option(help="only alerts at or after")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    json_out: Json = False,
) -> None:
    """The alert feed: changes of screening outcomes after list changes, oldest first."""
    with service() as svc:
        found = svc.alerts(tenant, after_id=after, since=since, limit=limit)
    if json_out:
        print_json(dump(found))
        return
    for a in found:
        d = a.data
        subject = (d.get("vendor") or {}).get("name") or (d.get("device") or {}).get("asset_id")
        listing = (d.get("listing") or {}).get("entity_id") or (
            f"{d.get('from_tier')} -> {d.get('to_tier')}"
        )
        typer.echo(f"{a.id}  {a.created_at[:19]}  {a.type:<24} {subject}  {listing}")


def audit(
    tenant: Tenant = "default",
    action: Annotated[str | None, typer.Option(help="action prefix, e.g. vendor.")] = None,
    actor: Annotated[str | None, typer.Option(help="actor contains")] = None,
    since: Annotated[datetime | None, typer.Option(help="only entries at or after")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    json_out: Json = False,
) -> None:
    """The audit trail (append-only): who, what, when, against which list versions."""
    with service() as svc:
        found = svc.audit_entries(tenant, action=action, actor=actor, since=since, limit=limit)
    if json_out:
        print_json(dump(found))
        return
    for e in found:
        typer.echo(
            f"{e.id}  {e.at[:19]}  {e.role:<8} {e.actor:<30} {e.action:<28} {e.target or ''}"
        )
