"""One refresh leader (issue 18, point 2): on PostgreSQL a session advisory lock, on SQLite a
file lock; exactly one `refresh --every` process leads, the others wait and say who leads, and
when the leader is killed (SIGKILL) another takes over within the poll interval."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from screening.service.leader import Leadership, leader
from tests.conftest import Database


def test_one_leader_at_a_time_and_it_says_who(db: Database, tmp_path: Path) -> None:
    first, second = Leadership(db.engine, tmp_path), Leadership(db.engine, tmp_path)
    try:
        assert leader(db.engine, tmp_path) is None
        assert first.try_acquire() and first.still_held()
        assert not second.try_acquire()
        who = leader(db.engine, tmp_path)
        assert who is not None and f"pid {os.getpid()}" in who
        first.release()
        assert leader(db.engine, tmp_path) is None
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_leader_of_another_database_on_the_server_is_not_this_ones(
    db: Database, tmp_path: Path
) -> None:
    """Two deployments on one PostgreSQL server (or tests beside each other) each have their
    own leader: pg_locks lists the locks of every database, and only this one's count."""
    other = Database(db.backend, tmp_path / "other")
    theirs = Leadership(other.engine, tmp_path / "other")
    mine = Leadership(db.engine, tmp_path)
    try:
        assert theirs.try_acquire()
        if db.backend == "postgres":  # SQLite's lock file is per state directory anyway
            assert leader(db.engine, tmp_path) is None
        assert mine.try_acquire()
        assert leader(other.engine, tmp_path / "other") is not None
    finally:
        mine.release()
        theirs.release()
        other.close()


class _Proc:
    def __init__(self, db: Database, state: Path) -> None:
        env = dict(
            os.environ,
            SCREENING_DATABASE_URL=db.url,
            SCREENING_STATE_DIR=str(state),
            SCREENING_LEADER_POLL="0.5",
        )
        exe = Path(sys.executable).parent / "screening"
        self.proc = subprocess.Popen(
            [str(exe), "refresh", "--every", "1h", "--offline", "--source", "us_ndaa_889"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def says(self, words: str) -> bool:
        return any(words in line for line in self.lines)


def _wait(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_the_leader_dies_and_another_takes_over(db: Database, tmp_path: Path) -> None:
    a, b = _Proc(db, tmp_path), _Proc(db, tmp_path)
    try:
        assert _wait(lambda: a.says("leading") or b.says("leading"), 120), a.lines + b.lines
        lead, other = (a, b) if a.says("leading") else (b, a)
        assert _wait(lambda: other.says("waiting: the scheduled refresh is led by"), 60)
        assert not other.says("leading the scheduled refresh")
        assert f"pid {lead.proc.pid}" in "".join(other.lines)
        lead.proc.send_signal(signal.SIGKILL)
        lead.proc.wait(timeout=30)
        killed = time.monotonic()
        assert _wait(lambda: other.says("leading the scheduled refresh"), 30), other.lines
        # Within the poll interval (0.5 s) plus a start of the refresh, on a loaded machine.
        assert time.monotonic() - killed < 30
    finally:
        for p in (a, b):
            if p.proc.poll() is None:
                p.proc.send_signal(signal.SIGKILL)
                p.proc.wait(timeout=30)
