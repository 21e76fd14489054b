"""People's accounts (issue 16, point 1), storage and rules: passwords only as argon2id hashes,
one account per email whatever its case, sessions that expire, idle out and end when the user
is disabled, a throttle on failed sign-ins kept in the database (so separate connections, as
separate worker processes, see the same count); the `users` CLI. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from screening.auth.passwords import (
    check_password_policy,
    hash_password,
    normalize_email,
    verify_password,
)
from screening.cli import app
from screening.errors import InputError, NotFoundError
from screening.models import AuditEntry, Tenant
from screening.models_web import SignInFailure, User, WebSession
from screening.service import Screening
from screening.service import users as userstore
from screening.settings import get_settings
from screening.snapshots import now_utc
from tests.conftest import Database, make_settings

PASSWORD = "correct horse battery staple"


def test_the_password_policy_and_its_hashes() -> None:
    with pytest.raises(InputError, match="at least 12 characters"):
        check_password_policy("elevenchars")
    with pytest.raises(InputError, match="only spaces"):
        check_password_policy(" " * 20)
    assert check_password_policy("twelve chars") == "twelve chars"
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert stored != hash_password(PASSWORD)  # salted
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + " ", stored)
    assert not verify_password(PASSWORD, "not a hash")


@pytest.mark.parametrize("email", ["", "ann", "ann@", "@example.org", "a b@example.org", "a@b"])
def test_malformed_emails_are_refused(email: str) -> None:
    with pytest.raises(InputError, match="email"):
        normalize_email(email)


# One database per backend for the module (a migrated PostgreSQL database costs about a second
# to make): each test works in a tenant and with emails of its own.
@pytest.fixture
def svc(module_db: Database, tmp_path: Path) -> Iterator[Screening]:
    with module_db.session() as session:
        yield Screening(session, make_settings(module_db.url, tmp_path))


def test_an_account_keeps_only_the_argon2_hash_and_is_audited(svc: Screening) -> None:
    made = svc.create_user("t-hash", "  Ann@Example.ORG ", "analyst", PASSWORD)
    assert (made.email, made.tenant, made.role) == ("ann@example.org", "t-hash", "analyst")
    rows = svc.session.exec(select(User).where(User.tenant_id == "t-hash")).all()
    assert len(rows) == 1 and rows[0].password_hash.startswith("$argon2id$")
    assert PASSWORD not in repr(rows[0].model_dump())
    assert svc.session.get(Tenant, "t-hash") is not None
    entries = svc.audit_entries("t-hash", action="user.create")
    assert [(e.target, e.detail["role"]) for e in entries] == [("ann@example.org", "analyst")]
    with pytest.raises(InputError, match="exists already"):
        svc.create_user("t-hash-2", "ANN@example.org", "admin", PASSWORD)
    svc.session.rollback()
    assert [u.email for u in svc.users("t-hash")] == ["ann@example.org"]
    assert svc.users("t-hash-2") == []


def test_bad_accounts_are_refused_and_nothing_stored(svc: Screening) -> None:
    for tenant, email, role, password in [
        ("t-bad", "bad@example.org", "root", PASSWORD),
        ("t-bad", "not an email", "ci", PASSWORD),
        ("t-bad", "bad@example.org", "ci", "short"),
        ("T-Bad", "bad@example.org", "ci", PASSWORD),
    ]:
        with pytest.raises(InputError):
            svc.create_user(tenant, email, role, password)
        svc.session.rollback()
    assert svc.users("t-bad") == []
    assert not [u for u in svc.users() if u.email in ("bad@example.org", "not an email")]


def test_sessions_open_expire_idle_out_and_end(svc: Screening) -> None:
    svc.create_user("t-sess", "amy@example.org", "admin", PASSWORD)
    s = svc.session
    opened = svc.sign_in("Amy@example.org", PASSWORD, "10.0.0.1")
    assert (opened.email, opened.tenant, opened.role) == ("amy@example.org", "t-sess", "admin")
    assert len(opened.token) == 43 and len(opened.csrf) == 43  # 32 random bytes each
    mine = select(WebSession).where(WebSession.tenant_id == "t-sess")
    stored = s.exec(mine).one()
    assert stored.token_hash == userstore.hash_token(opened.token)
    assert opened.token not in repr(stored.model_dump())
    who = svc.web_session(opened.token)
    assert who is not None and who.csrf == opened.csrf and who.tenant == "t-sess"
    assert svc.web_session(opened.token[:-1] + "x") is None
    assert svc.audit_entries("t-sess", action="user.sign_in")[0].actor == "user:amy@example.org"

    now = now_utc()
    late = now + userstore.SESSION_LIFETIME + timedelta(seconds=1)
    # Kept alive by use every hour, it still ends at its absolute lifetime.
    for hours in range(1, 12):
        assert userstore.current(s, opened.token, now + timedelta(hours=hours)) is not None
    assert userstore.current(s, opened.token, late) is None
    assert s.exec(mine).all() == []  # deleted on the way

    idle = svc.sign_in("amy@example.org", PASSWORD, "10.0.0.1")
    away = now_utc() + userstore.IDLE_TIMEOUT + timedelta(minutes=1)
    assert userstore.current(s, idle.token, away) is None

    gone = svc.sign_in("amy@example.org", PASSWORD, "10.0.0.1")
    svc.sign_out(gone.token)
    assert svc.web_session(gone.token) is None
    assert [e.action for e in svc.audit_entries("t-sess", action="user.sign_out")] == [
        "user.sign_out"
    ]


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(svc: Screening) -> None:
    svc.create_user("t-off", "bob@example.org", "analyst", PASSWORD)
    opened = svc.sign_in("bob@example.org", PASSWORD, "10.0.0.2")
    with pytest.raises(NotFoundError):
        svc.disable_user("bob@example.org", tenant="globex")  # not within another tenant
    done = svc.disable_user("BOB@example.org")
    assert done.disabled_at is not None
    assert svc.web_session(opened.token) is None
    with pytest.raises(userstore.SignInRefused, match="disabled"):
        svc.sign_in("bob@example.org", PASSWORD, "10.0.0.2")
    # A wrong password still gets the ordinary answer (nothing said about the account).
    with pytest.raises(userstore.SignInRefused) as wrong:
        svc.sign_in("bob@example.org", "not the password", "10.0.0.2")
    assert wrong.value.detail == userstore.WRONG
    assert svc.users("t-off")[0].disabled_at == done.disabled_at


def test_unknown_emails_and_wrong_passwords_get_the_same_answer(svc: Screening) -> None:
    svc.create_user("t-same", "carol@example.org", "ci", PASSWORD)
    before = userstore.failures(svc.session)
    answers = []
    for email, password in [("carol@example.org", "wrong password 1"), ("nobody@x.org", PASSWORD)]:
        with pytest.raises(userstore.SignInRefused) as refused:
            svc.sign_in(email, password, "10.0.0.3")
        answers.append((type(refused.value), refused.value.detail))
    assert answers[0] == answers[1] == (userstore.SignInRefused, userstore.WRONG)
    assert userstore.failures(svc.session) == before + 2
    # Only the known account's failure goes to its tenant's audit trail.
    assert [e.target for e in svc.audit_entries("t-same", action="user.sign_in.failed")] == [
        "carol@example.org"
    ]


def test_failed_sign_ins_lock_the_email_across_connections(
    svc: Screening, module_db: Database
) -> None:
    svc.create_user("t-lock", "dan@example.org", "analyst", PASSWORD)
    start = now_utc()
    with module_db.session() as one, module_db.session() as other:  # as two worker processes would
        for i in range(userstore.MAX_FAILURES_PER_EMAIL):
            with pytest.raises(userstore.SignInRefused) as refused:
                userstore.sign_in(one if i % 2 else other, "DAN@example.org", "nope", "a", start)
            assert not isinstance(refused.value, userstore.SignInLocked)
        retry = start + userstore.FAILURE_WINDOW
        # The failure that reaches the limit says so; the next try is not even checked.
        assert f"try again after {retry:%H:%M} UTC" in refused.value.detail
        with pytest.raises(userstore.SignInLocked) as locked:
            userstore.sign_in(one, "dan@example.org", "nope", "b", start)
        assert locked.value.retry_at == retry
        assert f"try again after {retry:%H:%M} UTC" in locked.value.detail
        # The right password does not get through a lock, from another connection either.
        with pytest.raises(userstore.SignInLocked):
            userstore.sign_in(other, "dan@example.org", PASSWORD, "c", start)
        later = start + userstore.FAILURE_WINDOW + timedelta(seconds=1)
        opened = userstore.sign_in(other, "dan@example.org", PASSWORD, "c", later)
        other.commit()
        assert opened.email == "dan@example.org"
        left = one.exec(select(SignInFailure).where(SignInFailure.email == "dan@example.org"))
        assert left.all() == []  # a success clears the account's count


def test_failures_from_one_address_lock_that_address(svc: Screening) -> None:
    svc.create_user("t-spray", "eve@example.org", "analyst", PASSWORD)
    now = now_utc()
    s = svc.session
    # Failures already recorded against many emails from one address (as a spray would leave).
    for i in range(userstore.MAX_FAILURES_PER_CLIENT - 1):
        s.add(SignInFailure(email=f"user{i}@example.org", client="203.0.113.9", at=now))
    s.commit()
    with pytest.raises(userstore.SignInRefused, match="from this address"):
        userstore.sign_in(s, "someone@example.org", "wrong password", "203.0.113.9", now)
    with pytest.raises(userstore.SignInLocked, match="from this address"):
        userstore.sign_in(s, "eve@example.org", PASSWORD, "203.0.113.9", now)
    assert userstore.sign_in(s, "eve@example.org", PASSWORD, "198.51.100.1", now).token


@pytest.fixture
def users_cli(
    module_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    monkeypatch.setenv("SCREENING_DATABASE_URL", module_db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield module_db
    get_settings.cache_clear()


def test_cli_creates_lists_and_disables_accounts(
    users_cli: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    base = ["users", "create", "--tenant", "t-cli", "--email", "Fay@Example.org", "--role", "admin"]
    made = runner.invoke(app, [*base, "--password-stdin"], input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert PASSWORD not in made.output
    listed = runner.invoke(app, ["users", "list", "--tenant", "t-cli", "--json"])
    assert listed.exit_code == 0
    assert re.search(r'"email": "fay@example.org"', listed.stdout)
    assert "argon2" not in listed.stdout and PASSWORD not in listed.stdout
    with users_cli.session() as s:
        row = s.exec(select(User).where(User.tenant_id == "t-cli")).one()
        assert verify_password(PASSWORD, row.password_hash)  # the newline was not kept
        made_entry = (AuditEntry.action == "user.create", AuditEntry.tenant_id == "t-cli")
        assert s.exec(select(AuditEntry).where(*made_entry)).one()
    again = runner.invoke(app, [*base, "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code == 2 and "exists already" in again.output
    short = ["users", "create", "--email", "gus@example.org", "--role", "ci", "--password-stdin"]
    refused = runner.invoke(app, short, input="too short\n")
    assert refused.exit_code == 2 and "at least 12" in refused.output
    # Prompted twice; two different answers create nothing.
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    differ = runner.invoke(app, ["users", "create", "--email", "gus@example.org", "--role", "ci"])
    assert differ.exit_code == 2 and "differ" in differ.output
    with users_cli.session() as s:  # fay is locked out by failures, then gets a new password
        for _ in range(userstore.MAX_FAILURES_PER_EMAIL + 1):
            with pytest.raises(userstore.SignInRefused):
                userstore.sign_in(s, "fay@example.org", "forgotten password", "10.0.0.9")
    renewed = runner.invoke(
        app,
        ["users", "password", "fay@example.org", "--password-stdin"],
        input="a new long password\n",
    )
    assert renewed.exit_code == 0, renewed.output
    with users_cli.session() as s:
        assert userstore.sign_in(s, "fay@example.org", "a new long password", "10.0.0.9").token
        s.commit()
    assert (
        runner.invoke(
            app, ["users", "password", "fay@example.org", "--password-stdin"], input="short\n"
        ).exit_code
        == 2
    )
    gone = runner.invoke(app, ["users", "disable", "FAY@example.org"])
    assert gone.exit_code == 0
    assert runner.invoke(app, ["users", "disable", "nobody@example.org"]).exit_code == 2
    listed = runner.invoke(app, ["users", "list"])
    assert "fay@example.org" in listed.stdout and "disabled" in listed.stdout
    assert "gus@example.org" not in listed.stdout
