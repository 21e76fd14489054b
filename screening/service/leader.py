"""One refresh leader across processes and machines (issue 18, point 2).

Scheduled refresh (`screening refresh --every`) runs in exactly one process at a time. On
PostgreSQL the leader holds a session-level advisory lock on a connection of its own for as long
as it leads; the server releases it when that connection ends, which a process that dies (even
by SIGKILL) ends at once, so another candidate, trying every few seconds, takes over within that
bound. On SQLite the same is done with an exclusive lock on a file in the state directory, which
the operating system releases when the process dies. Each leader says who it is (host, process,
since when), so a waiting process can tell the user who leads.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# The advisory lock's key (any constant distinct from the migration and per-source locks).
LEADER_LOCK = 0x5C2EE0020


def whoami() -> str:
    """This process, as a waiting one is told ("pid 4242 on host since …Z"; pid first, since
    PostgreSQL keeps 63 characters of it)."""
    return (
        f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z"
    )


class Leadership:
    """Try to become the refresh leader; `held` says whether this process leads."""

    def __init__(self, engine: Engine, state_dir: Path) -> None:
        self.engine, self.state_dir = engine, Path(state_dir)
        self.held = False
        self._conn: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Take the lead if nobody holds it (never waits)."""
        if self.held:
            return True
        if self.postgres:
            conn = self.engine.connect()
            # The holder names itself, so that `leader()` can say who leads.
            conn.execute(
                text("SELECT set_config('application_name', :n, false)"),
                {"n": ("screening refresh leader " + whoami())[:63]},
            )
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK})
            if bool(got.scalar()):
                conn.commit()
                self._conn, self.held = conn, True
            else:
                conn.close()
            return self.held
        self.state_dir.mkdir(parents=True, exist_ok=True)
        handle = (self.state_dir / "refresh-leader.lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(whoami() + "\n")
        handle.flush()
        self._file, self.held = handle, True
        return True

    def still_held(self) -> bool:
        """Whether the lead is still ours (a lost database connection loses it)."""
        if not self.held:
            return False
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
            except Exception:
                self.release()
                return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            # A connection that is gone has taken the lock with it: nothing to undo then.
            with suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LEADER_LOCK})
                self._conn.commit()
            with suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.held = False


def leader(engine: Engine, state_dir: Path) -> str | None:
    """Who leads now ("host pid N since …"), or None when nobody does."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.objid = :lo AND l.classid = :hi "
                    # pg_locks shows every database of the server; the lock is per database.
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                ),
                {"lo": LEADER_LOCK & 0xFFFFFFFF, "hi": LEADER_LOCK >> 32},
            ).first()
        if row is None:
            return None
        return str(row[0]).removeprefix("screening refresh leader ") or "another process"
    path = Path(state_dir) / "refresh-leader.lock"
    if not path.exists():
        return None
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            return handle.read().strip() or "another process"
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


@contextmanager
def leading(engine: Engine, state_dir: Path) -> Iterator[Leadership]:
    """A Leadership released on exit (whether or not it was taken)."""
    lead = Leadership(engine, state_dir)
    try:
        yield lead
    finally:
        lead.release()


__all__ = ["LEADER_LOCK", "Leadership", "leader", "leading", "whoami"]
