"""Refreshes that cannot fork history (issue 19 defect 7), on SQLite and PostgreSQL, with real
processes: several `screening refresh --offline --force` at once leave every source with
exactly one active snapshot and a linear diff chain, and a refresh killed with SIGKILL while it
writes leaves the previous snapshot active and the next refresh succeeds.

The list data is real: the bundled NDAA §889 and DoD §1260H lists, and the two real FCC Covered
List tables of tests/fixtures/fcc-covered-list (2026-05-21 and 2026-08-20) as two data
directories, so that concurrent refreshes carry different versions of one source."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from screening.models import Snapshot, SnapshotDiff, SourceRow
from screening.service import catalog
from screening.snapshots import Obtained, ingest
from screening.sources.fcc import FCC_SPEC

from .conftest import DATA, FIXTURES, Database, make_settings

FCC = FIXTURES / "fcc-covered-list"
SOURCES = ("us_fcc_covered", "us_ndaa_889", "us_dod_1260h")
TABLES = ("covered_list_2026-05-21.html", "covered_list_2026-08-20.html")


def data_dir(tmp: Path, table: str) -> Path:
    """A copy of the bundled data for SOURCES, with the FCC table replaced by `table`."""
    out = tmp / table.removesuffix(".html")
    for sid in SOURCES:
        shutil.copytree(DATA / sid, out / sid)
    shutil.copy(FCC / table, out / "us_fcc_covered" / "covered_list.html")
    return out


def env_for(db: Database, tmp: Path, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SCREENING_DATABASE_URL": db.url,
        "SCREENING_STATE_DIR": str(tmp / "state"),
        "SCREENING_DATA_DIR": str(data),
    }


CLI = [sys.executable, "-c", "from screening.cli import app; app()"]


def assert_one_active_and_a_linear_chain(s: Session, source_id: str) -> list[Snapshot]:
    row = s.get(SourceRow, source_id)
    assert row is not None
    snaps = list(
        s.exec(
            select(Snapshot)
            .where(Snapshot.source_id == source_id, Snapshot.status != "failed")
            .order_by(Snapshot.id)  # type: ignore[arg-type]
        )
    )
    assert snaps, source_id
    assert [x.status for x in snaps] == ["superseded"] * (len(snaps) - 1) + ["active"], source_id
    assert row.active_snapshot_id == snaps[-1].id
    diffs = s.exec(select(SnapshotDiff).where(SnapshotDiff.source_id == source_id)).all()
    # Each version's diff is against the version active before it, and only that one.
    assert sorted((d.from_snapshot_id, d.to_snapshot_id) for d in diffs) == [
        (a.id, b.id) for a, b in pairwise(snaps)
    ]
    return snaps


def test_concurrent_refreshes_leave_one_active_snapshot_and_a_linear_chain(
    db: Database, tmp_path: Path
) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        catalog.sync_registry(s)  # the rows exist, as on any database in use
    dirs = [data_dir(tmp_path, t) for t in TABLES]
    args = ["refresh", "--offline", "--force", "--json"]
    for sid in SOURCES:
        args += ["--source", sid]
    procs = [
        subprocess.Popen(
            [*CLI, *args],
            env=env_for(db, tmp_path, dirs[i % 2]),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outcomes += json.loads(out)
    created = {
        sid: [o for o in outcomes if o["source_id"] == sid and o["result"] == "created"]
        for sid in SOURCES
    }
    with db.session() as s:
        for sid in SOURCES:
            snaps = assert_one_active_and_a_linear_chain(s, sid)
            assert len(snaps) == len(created[sid])
        # The unchanged lists were created once; the others only found them.
        assert len(created["us_ndaa_889"]) == len(created["us_dod_1260h"]) == 1
        # FCC: two real versions among four processes: 2, 3 or 4 switches, never a fork.
        assert 2 <= len(created["us_fcc_covered"]) <= 4
    assert settings.database_url == db.url


def test_one_active_snapshot_is_a_database_constraint(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        catalog.refresh(s, settings, ["us_ndaa_889"], offline=True)
        row = s.get(SourceRow, "us_ndaa_889")
        assert row is not None and row.active_snapshot_id is not None
        snap = s.get(Snapshot, row.active_snapshot_id)
        assert snap is not None
        s.add(Snapshot(source_id="us_ndaa_889", fetched_at=snap.fetched_at, status="active"))
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        # Other statuses are not limited.
        s.add(Snapshot(source_id="us_ndaa_889", fetched_at=snap.fetched_at, status="failed"))
        s.add(Snapshot(source_id="us_ndaa_889", fetched_at=snap.fetched_at, status="failed"))
        s.commit()


CHILD = """
import os, sys, time
from pathlib import Path
from sqlmodel import Session
from screening.db import make_engine
from screening.settings import Settings
from screening.snapshots import Obtained, ingest
from screening.sources.fcc import FCC_SPEC

url, marker, table = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])


def hold(stage, done, total):
    # Called inside the refresh's transaction, after its entities were written: say so and
    # wait to be killed.
    if stage == "storing":
        marker.write_text(str(os.getpid()))
        time.sleep(300)


with Session(make_engine(url)) as s:
    got = Obtained({"covered_list.html": table.read_bytes()}, "bundled")
    ingest(s, FCC_SPEC, got, Settings(database_url=url), progress=hold)
"""


def test_refresh_killed_mid_write_keeps_the_previous_snapshot(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    may = Obtained({"covered_list.html": (FCC / TABLES[0]).read_bytes()}, "bundled")
    aug = Obtained({"covered_list.html": (FCC / TABLES[1]).read_bytes()}, "bundled")
    with db.session() as s:
        first = ingest(s, FCC_SPEC, may, settings)
    assert first.result == "created"
    marker = tmp_path / "writing"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db.url, str(marker), str(FCC / TABLES[1])],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):  # bounded wait for the child to reach its write (<= 60 s)
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), child.stderr.read() if child.poll() is not None else "slow"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        assert child.stderr is not None
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with db.session() as s:
        snaps = assert_one_active_and_a_linear_chain(s, "us_fcc_covered")
        assert [x.version for x in snaps] == [first.version]
        assert not s.exec(select(Snapshot).where(Snapshot.status == "loading")).all()
    with db.session() as s:
        again = ingest(s, FCC_SPEC, aug, settings)
        assert again.result == "created" and again.previous_version == first.version
        snaps = assert_one_active_and_a_linear_chain(s, "us_fcc_covered")
        assert [x.version for x in snaps] == [first.version, again.version]


def test_migration_repairs_a_forked_history(tmp_path: Path) -> None:
    """A database forked before migration 0003 keeps the snapshot its source points at."""
    from datetime import UTC, datetime

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from screening.db import MIGRATIONS, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO source (id, name, publisher, publisher_url, record_type, status, "
                "http_cache, active_snapshot_id) VALUES ('s', 'S', '', '', 'party', 'ok', '{}', 2)"
            )
        )
        for sid in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO snapshot (id, source_id, fetched_at, origin, entity_count, "
                    "counts, status) VALUES (:i, 's', :t, 'live', 0, '{}', 'active')"
                ),
                {"i": sid, "t": now},
            )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, status FROM snapshot ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "superseded"), (2, "active"), (3, "superseded")]
    engine.dispose()


MIGRATE = (
    "import sys; from screening.db import make_engine, migrate; migrate(make_engine(sys.argv[1]))"
)


def test_processes_starting_at_once_on_a_new_database_all_migrate_it(
    db: Database, tmp_path: Path
) -> None:
    """Four processes migrating one new PostgreSQL database at once: three failed with
    DuplicateTable / UniqueViolation before migrations took a lock."""
    from sqlalchemy import create_engine, text

    from .conftest import PG_ENV

    admin = None
    if db.backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'new.db'}"
    else:
        base = os.environ[PG_ENV]
        name = f"screening_new_{os.getpid()}_{time.monotonic_ns() % 10**9}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.rsplit("/", 1)[0] + "/" + name
    try:
        procs = [
            subprocess.Popen([sys.executable, "-c", MIGRATE, url], stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        errors = [p.communicate(timeout=120)[1].decode()[-500:] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        from screening.db import MIGRATIONS

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        engine = create_engine(url)
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [tuple(v) for v in versions] == [(head,)]
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_switch_is_guarded_by_the_snapshot_it_replaces(db: Database, tmp_path: Path) -> None:
    """A writer that read a stale active snapshot cannot switch: nothing changes."""
    from screening.snapshots import SwitchLost, switch_active

    settings = make_settings(db.url, tmp_path)
    may = Obtained({"covered_list.html": (FCC / TABLES[0]).read_bytes()}, "bundled")
    aug = Obtained({"covered_list.html": (FCC / TABLES[1]).read_bytes()}, "bundled")
    with db.session() as s:
        first = ingest(s, FCC_SPEC, may, settings)
        second = ingest(s, FCC_SPEC, aug, settings)
        snaps = assert_one_active_and_a_linear_chain(s, "us_fcc_covered")
        stale, current = snaps[0].id, snaps[1].id
        assert stale is not None and current is not None
        with pytest.raises(SwitchLost, match="another refresh switched"):
            switch_active(s, "us_fcc_covered", stale, stale)
        s.rollback()
        with pytest.raises(SwitchLost):
            switch_active(s, "us_fcc_covered", None, stale)
        s.rollback()
    with db.session() as s:
        snaps = assert_one_active_and_a_linear_chain(s, "us_fcc_covered")
        assert [x.version for x in snaps] == [first.version, second.version]
