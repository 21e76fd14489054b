"""API keys and tenants (issue 15, first part): made at random, shown once, stored hashed,
listed by prefix, revoked; the CLI's `keys` commands; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from screening.auth import can, generate_key, hash_key, key_prefix, looks_like_key
from screening.cli import app
from screening.errors import InputError, NotFoundError
from screening.models import ApiKey, Tenant
from screening.service import accounts
from screening.settings import get_settings
from tests.conftest import Database


def test_keys_are_random_256_bit_and_url_safe() -> None:
    made = {generate_key() for _ in range(200)}
    assert len(made) == 200
    for key in made:
        assert looks_like_key(key), key
        assert key.startswith("scr_") and len(key) == 4 + 43  # 32 bytes, base64url, no padding
    assert len({key_prefix(k) for k in made}) == 200


@pytest.mark.parametrize(
    "text",
    ["", "scr_", "scr_short", "Bearer scr_" + "a" * 43, "scr_" + "a" * 42 + "!", "scr_" + "a" * 44],
)
def test_malformed_keys_are_not_keys(text: str) -> None:
    assert not looks_like_key(text)


def test_roles_grant_what_the_issue_says() -> None:
    assert can("admin", "admin") and can("admin", "write")
    assert can("analyst", "write") and not can("analyst", "admin")
    assert can("ci", "screen") and can("ci", "read")
    assert not can("ci", "write") and not can("ci", "admin")
    assert not can("nobody", "read")


def test_a_key_is_stored_only_as_its_hash(db: Database) -> None:
    with db.session() as s:
        made = accounts.create_key(s, "acme", "analyst", "uploads")
        rows = s.exec(select(ApiKey)).all()
        assert len(rows) == 1
        stored = rows[0]
        assert stored.key_hash == hash_key(made.key) and stored.prefix == made.key[:12]
        assert made.key not in repr(stored.model_dump())
        assert s.get(Tenant, "acme") is not None


def test_authenticate_accepts_the_key_and_refuses_others(db: Database) -> None:
    with db.session() as s:
        made = accounts.create_key(s, "acme", "ci", None)
        who = accounts.authenticate(s, made.key)
        assert who is not None and (who.tenant, who.role) == ("acme", "ci")
        assert who.key_name == "ci key"
        # Same prefix, different secret: the prefix alone must not be enough.
        forged = made.key[:12] + ("A" if made.key[12] != "A" else "B") + made.key[13:]
        assert accounts.authenticate(s, forged) is None
        assert accounts.authenticate(s, generate_key()) is None
        assert accounts.authenticate(s, "not a key") is None
        assert accounts.list_keys(s)[0].last_used_at is not None


def test_a_revoked_key_no_longer_authenticates(db: Database) -> None:
    with db.session() as s:
        made = accounts.create_key(s, "acme", "admin", "ops")
        other = accounts.create_key(s, "acme", "admin", "ops 2")
        first = accounts.revoke_key(s, made.prefix)
        assert first.revoked_at is not None
        assert accounts.revoke_key(s, made.prefix).revoked_at == first.revoked_at
        assert accounts.authenticate(s, made.key) is None
        assert accounts.authenticate(s, other.key) is not None
        with pytest.raises(NotFoundError):
            accounts.revoke_key(s, "scr_missing1")
        # Within another tenant the prefix names nothing.
        with pytest.raises(NotFoundError):
            accounts.revoke_key(s, other.prefix, tenant="globex")


def test_keys_are_listed_per_tenant(db: Database) -> None:
    with db.session() as s:
        accounts.create_key(s, "acme", "admin", None)
        accounts.create_key(s, "globex", "ci", None)
        accounts.create_key(s, "acme", "ci", None)
        assert [k.tenant for k in accounts.list_keys(s)] == ["acme", "acme", "globex"]
        assert {k.role for k in accounts.list_keys(s, "acme")} == {"admin", "ci"}
        assert accounts.list_keys(s, "initech") == []


@pytest.mark.parametrize(
    ("tenant", "role", "name"),
    [("Acme", "ci", None), ("acme", "root", None), ("a" * 64, "ci", None), ("acme", "ci", "a\nb")],
)
def test_bad_key_requests_are_refused_and_nothing_stored(
    db: Database, tenant: str, role: str, name: str | None
) -> None:
    with db.session() as s:
        with pytest.raises(InputError):
            accounts.create_key(s, tenant, role, name)
        s.rollback()
        assert accounts.list_keys(s) == []


@pytest.fixture
def keys_cli(db: Database, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_creates_lists_and_revokes_keys(keys_cli: None, db: Database) -> None:
    runner = CliRunner()
    made = runner.invoke(
        app, ["keys", "create", "--tenant", "acme", "--role", "ci", "--name", "CI"]
    )
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[-1]
    assert looks_like_key(key)
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert listed.exit_code == 0
    assert key not in listed.stdout and key[:12] in listed.stdout
    assert re.search(r'"role": "ci"', listed.stdout)
    gone = runner.invoke(app, ["keys", "revoke", key[:12]])
    assert gone.exit_code == 0
    with db.session() as s:
        assert accounts.authenticate(s, key) is None
    assert runner.invoke(app, ["keys", "revoke", "scr_nothere"]).exit_code == 2
    assert runner.invoke(app, ["keys", "create", "--role", "superuser"]).exit_code == 2
