"""`screening keys`: API keys for machines (CI jobs, integrations), per tenant and role.

The new key is printed once, as the last line of stdout, so a script can take it with `tail -1`;
only its hash is stored.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import dump, err, print_json, service

keys_app = typer.Typer(help="API keys: create, list, revoke (admin, analyst, ci).")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="admin, analyst or ci")],
    tenant: Annotated[str, typer.Option(help="the tenant the key belongs to")] = "default",
    name: Annotated[str | None, typer.Option(help="what the key is for (shown in lists)")] = None,
) -> None:
    """Make a key; it is shown once (the last line of stdout) and stored only as a hash."""
    with service() as svc:
        made = svc.create_key(tenant, role, name)
    err.print(
        f"key {made.prefix}… for tenant {made.tenant!r}, role {made.role}, name {made.name!r}. "
        "Keep it now: it cannot be shown again.",
        highlight=False,
    )
    typer.echo(made.key)


@keys_app.command("list")
def list_(
    tenant: Annotated[str | None, typer.Option(help="only this tenant's keys")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """The keys (prefix, tenant, role, name, created, revoked, last used); never the secrets."""
    with service() as svc:
        found = svc.keys(tenant)
    if json_out:
        print_json(dump(found))
        return
    for k in found:
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never used"
        typer.echo(f"{k.prefix}  {k.tenant:<16} {k.role:<8} {state:<18} {used:<17} {k.name}")


@keys_app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="the key's visible prefix (scr_ + 8 characters)")],
) -> None:
    """Revoke a key at once: calls with it get 401 from then on."""
    with service() as svc:
        done = svc.revoke_key(prefix)
    err.print(f"revoked {done.prefix} ({done.tenant}, {done.role}, {done.name!r})", highlight=False)
