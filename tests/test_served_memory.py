"""What the served API keeps between requests, so that a screen costs little more than the
matching: the key it let in (screening/api/auth.py) and the view of the active snapshots
(screening/service/active.py), each for a bounded time.

Keys: only keys that were let in are remembered, per database; a key revoked by this process
is refused at once; with no memory asked for, every use is a lookup. The view: only in the
server (`serve_stale`), forgotten when a switch is announced; the CLI and in-process callers
read it every time (a command that just switched must see the switch)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from screening.models import ApiKey
from screening.service import Screening, accounts, active
from tests.conftest import Database, make_settings


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as the server: `serve_stale` on (as the API's lifespan sets it), with a
    view kept as long as the test needs (the bound is half a second; a loaded machine could
    take longer between two lines)."""
    monkeypatch.setattr(active, "VIEW_SECONDS", 3600.0)
    active.forget_views()
    active.CACHE.serve_stale = True
    yield
    active.CACHE.serve_stale = False
    active.forget_views()


def test_a_remembered_key_is_forgotten_when_revoked_here(db: Database) -> None:
    accounts.forget_keys()
    with db.session() as s:
        made = accounts.create_key(s, "acme", "ci", "pipeline")
        assert accounts.remembered("db-1", made.key, 60) is None  # never let in yet
        who = accounts.authenticate(s, made.key, remember_in="db-1")
        assert who is not None and who.tenant == "acme" and who.role == "ci"
        assert accounts.remembered("db-1", made.key, 60) == who
        assert accounts.remembered("db-2", made.key, 60) is None  # another database
        assert accounts.remembered("db-1", made.key, 0) is None  # no memory asked for
        accounts.revoke_key(s, made.prefix)
        assert accounts.remembered("db-1", made.key, 60) is None
        assert accounts.authenticate(s, made.key, remember_in="db-1") is None
        assert accounts.remembered("db-1", made.key, 60) is None


def test_unknown_keys_are_never_remembered_and_memory_is_opt_in(db: Database) -> None:
    accounts.forget_keys()
    with db.session() as s:
        made = accounts.create_key(s, "acme", "analyst")
        unknown = made.key[:-4] + ("AAAA" if not made.key.endswith("AAAA") else "BBBB")
        assert accounts.authenticate(s, unknown, remember_in="db-1") is None
        assert accounts.remembered("db-1", unknown, 60) is None
        # Without `remember_in` (the CLI, in-process use) nothing is kept.
        assert accounts.authenticate(s, made.key) is not None
        assert accounts.remembered("db-1", made.key, 60) is None
        # Revoked by another process (a direct update here): still let in from memory until
        # the bound, which is why the bound is seconds; the database itself refuses it.
        assert accounts.authenticate(s, made.key, remember_in="db-1") is not None
        row = s.exec(select(ApiKey).where(ApiKey.prefix == made.prefix)).one()
        row.revoked_at = row.created_at
        s.add(row)
        s.commit()
        assert accounts.remembered("db-1", made.key, 60) is not None
        assert accounts.authenticate(s, made.key) is None
    accounts.forget_keys()


def _upload(db: Database, tmp: Path, rows: bytes) -> str | None:
    with db.session() as session:
        return (
            Screening(session, make_settings(db.url, tmp))
            .add_custom_list("memo", rows, "t")
            .version
        )


def test_the_server_reuses_its_view_until_a_switch_is_announced(
    db: Database, tmp_path: Path, served: None
) -> None:
    first = _upload(db, tmp_path, b"name\r\nFirst Supplier Ltd\r\n")
    with db.session() as s:
        assert active.active_view(s).versions["custom:memo"] == first
    second = _upload(db, tmp_path, b"name\r\nSecond Supplier Ltd\r\n")
    assert second != first
    with db.session() as s:
        # Within VIEW_SECONDS the server answers from the view it read (one query saved).
        assert active.active_view(s).versions["custom:memo"] == first
        active.forget_views()  # what the warm-up thread does when a switch is announced
        assert active.active_view(s).versions["custom:memo"] == second


def test_outside_the_server_the_view_is_read_every_time(db: Database, tmp_path: Path) -> None:
    assert not active.CACHE.serve_stale
    first = _upload(db, tmp_path, b"name\r\nFirst Supplier Ltd\r\n")
    with db.session() as s:
        assert active.active_view(s).versions["custom:memo"] == first
    second = _upload(db, tmp_path, b"name\r\nSecond Supplier Ltd\r\n")
    with db.session() as s:
        assert active.active_view(s).versions["custom:memo"] == second != first
