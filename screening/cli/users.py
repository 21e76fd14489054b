"""`screening users`: people's accounts for the web application, per tenant and role.

A password is never taken on the command line (it would sit in the shell's history and in the
process list): it is asked for twice without echo, or read from standard input with
`--password-stdin` (one line; for scripts: `printf '%s\\n' "$PW" | screening users create ...`).
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from ._common import dump, err, print_json, service, usage

users_app = typer.Typer(
    help="People who sign in to the web pages: create, list, disable, set a new password."
)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    first = getpass.getpass("Password (at least 12 characters): ")
    again = getpass.getpass("The same password again: ")
    if first != again:
        usage("the two passwords differ: nothing was created")
    return first


@users_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="the address the person signs in with")],
    role: Annotated[str, typer.Option(help="admin, analyst or ci")],
    tenant: Annotated[str, typer.Option(help="the tenant the person belongs to")] = "default",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Make an account; the password (12 characters or more) is stored as its argon2id hash."""
    password = _read_password(password_stdin)
    with service() as svc:
        made = svc.create_user(tenant, email, role, password)
    err.print(
        f"account {made.email} for tenant {made.tenant!r}, role {made.role}: sign in at /login.",
        highlight=False,
    )


@users_app.command("list")
def list_(
    tenant: Annotated[str | None, typer.Option(help="only this tenant's accounts")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """The accounts (email, tenant, role, created, disabled); never a password or its hash."""
    with service() as svc:
        found = svc.users(tenant)
    if json_out:
        print_json(dump(found))
        return
    for u in found:
        state = f"disabled {u.disabled_at:%Y-%m-%d}" if u.disabled_at else "active"
        typer.echo(f"{u.email:<40} {u.tenant:<16} {u.role:<8} {state}")


@users_app.command("disable")
def disable(
    email: Annotated[str, typer.Argument(help="the account's email")],
    tenant: Annotated[str | None, typer.Option(help="only within this tenant")] = None,
) -> None:
    """Disable an account at once: it cannot sign in, and its open sessions end."""
    with service() as svc:
        done = svc.disable_user(email, tenant)
    err.print(f"disabled {done.email} ({done.tenant}, {done.role})", highlight=False)


@users_app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="the account's email")],
    tenant: Annotated[str | None, typer.Option(help="only within this tenant")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Set a new password (asked twice, or read from standard input); the account's open
    sessions end and a sign-in lock on it is lifted."""
    new = _read_password(password_stdin)
    with service() as svc:
        done = svc.set_password(email, new, tenant)
    err.print(f"new password for {done.email} ({done.tenant}); its sessions ended", highlight=False)
