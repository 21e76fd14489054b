"""People who sign in to the web application: accounts per tenant, passwords, sessions
(issue 16). Mixed into `Screening`; the rules are in `service/users.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from ..schemas.accounts import Principal
from ..schemas.users import SessionUser, SignedIn, UserInfo
from . import users
from .audit import CLI


def person(tenant: str, role: str, email: str) -> Principal:
    """The principal of a signed-in person (the audit trail names them `user:<email>`)."""
    return Principal(tenant=tenant, role=role, key_name=f"user:{email}")


class UserOps:
    """Use cases of people's accounts and sessions."""

    session: Session

    if TYPE_CHECKING:  # implemented by TenantOps, the other half of `Screening`

        def audit(
            self,
            who: Principal,
            action: str,
            target: str | None = None,
            *,
            tenant: str | None = None,
            snapshots: dict[str, str] | None = None,
            detail: dict[str, Any] | None = None,
        ) -> None: ...

    def create_user(
        self, tenant: str, email: str, role: str, password: str, who: Principal = CLI
    ) -> UserInfo:
        """A person's account in `tenant` (created if new), with `role` (admin, analyst, ci)
        and a password of at least 12 characters, stored as its argon2id hash only."""
        made = users.create_user(self.session, tenant, email, role, password)
        self.audit(
            who, "user.create", made.email, tenant=tenant, snapshots={}, detail={"role": role}
        )
        return made

    def users(self, tenant: str | None = None) -> list[UserInfo]:
        """The accounts (of `tenant`, or all), never a password or its hash."""
        return users.list_users(self.session, tenant)

    def disable_user(self, email: str, tenant: str | None = None, who: Principal = CLI) -> UserInfo:
        """Disable an account: it can no longer sign in and its open sessions end at once."""
        done = users.disable_user(self.session, email, tenant)
        self.audit(who, "user.disable", done.email, tenant=done.tenant, snapshots={})
        return done

    def set_password(
        self, email: str, password: str, tenant: str | None = None, who: Principal = CLI
    ) -> UserInfo:
        """A new password for an account (12 characters or more); its open sessions end and
        its failed sign-ins are forgotten."""
        done = users.set_password(self.session, email, password, tenant)
        self.audit(who, "user.password", done.email, tenant=done.tenant, snapshots={})
        return done

    def sign_in(self, email: str, password: str, client: str) -> SignedIn:
        """Open a session (raises `users.SignInRefused` or `users.SignInLocked`)."""
        try:
            opened = users.sign_in(self.session, email, password, client)
        except users.SignInRefused as exc:
            self.session.rollback()
            if exc.account is not None:
                tenant, address, role = exc.account
                locked = isinstance(exc, users.SignInLocked)
                self.audit(
                    person(tenant, role, address),
                    "user.sign_in.locked" if locked else "user.sign_in.failed",
                    address,
                    snapshots={},
                    detail={"client": client[:64]},
                )
            raise
        who = person(opened.tenant, opened.role, opened.email)
        self.audit(who, "user.sign_in", opened.email, snapshots={}, detail={"client": client[:64]})
        return opened

    def web_session(self, token: str) -> SessionUser | None:
        """Who the session `token` names, or None (unknown, expired, idle, user disabled)."""
        return users.current(self.session, token)

    def sign_out(self, token: str) -> None:
        """End the session `token` names, server-side."""
        gone = users.sign_out(self.session, token)
        if gone is not None:
            self.audit(
                person(gone.tenant, gone.role, gone.email),
                "user.sign_out",
                gone.email,
                snapshots={},
            )
        else:
            self.session.commit()
