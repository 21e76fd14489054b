"""The one view of the active snapshots, and the one in-process cache keyed by their versions.

Everything derived from the lists (the name index, the list memberships of maker families, the
KEV index) is built for one set of active versions and reused until a snapshot changes: the key
moves, the next caller builds afresh (or, in the server, one background thread does while the
old entry keeps serving), and the old entry is dropped. Each process holds its own
cache; the on-disk caches under `state_dir/index/` let a new process load instead of rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session

from ..models import Snapshot, SourceRow

T = TypeVar("T")
log = logging.getLogger("screening.cache")


@dataclass(frozen=True, slots=True)
class ActiveSnapshot:
    source: str
    snapshot_id: int
    version: str
    published_at: date | None
    record_type: str
    name: str  # the list's human name ("BIS Entity List")


@dataclass(frozen=True)
class ActiveView:
    """The active snapshot of every source that has one, sorted by source id."""

    snapshots: tuple[ActiveSnapshot, ...]

    def key(self, record_type: str | None = None, salt: str = "") -> str:
        """A short stable key of the active versions (of one record type, or all)."""
        text = salt + ";".join(
            f"{a.source}={a.version}"
            for a in self.snapshots
            if record_type is None or a.record_type == record_type
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def of_type(self, record_type: str) -> list[ActiveSnapshot]:
        return [a for a in self.snapshots if a.record_type == record_type]

    def get(self, source: str) -> ActiveSnapshot | None:
        return next((a for a in self.snapshots if a.source == source), None)

    @property
    def versions(self) -> dict[str, str]:
        return {a.source: a.version for a in self.snapshots}

    @property
    def dates(self) -> dict[str, str | None]:
        return {
            a.source: a.published_at.isoformat() if a.published_at else None for a in self.snapshots
        }


# In the server (`CACHE.serve_stale`), the view is read again at most this often per database,
# and at once when a switch is announced (`forget_views`, called by the warm-up thread's
# LISTEN): a screen asked for it up to three times, one query each, which cost about as much
# as the matching itself. Everything derived from it names the versions it used, and the
# previous index answers for a few seconds after any switch anyway, so a view half a second
# old changes nothing a client could rely on. The CLI and in-process callers read it each time.
VIEW_SECONDS = 0.5
_views: dict[str, tuple[float, ActiveView]] = {}


def forget_views() -> None:
    """Read the active snapshots again on next use (a switch was announced)."""
    _views.clear()


def active_view(session: Session) -> ActiveView:
    """One query: every source's active snapshot (in the server, at most every VIEW_SECONDS)."""
    if not CACHE.serve_stale:
        return _read_view(session)
    scope = session.get_bind().engine.url.render_as_string(hide_password=True)
    hit = _views.get(scope)
    now = time.monotonic()
    if hit is not None and now - hit[0] < VIEW_SECONDS:
        return hit[1]
    view = _read_view(session)
    _views[scope] = (now, view)  # one assignment: a reader sees the old pair or the new one
    return view


def _read_view(session: Session) -> ActiveView:
    rows = session.execute(
        sa_select(
            SourceRow.id,
            Snapshot.id,
            Snapshot.version,
            Snapshot.published_at,
            SourceRow.record_type,
            SourceRow.name,
        ).join(Snapshot, Snapshot.id == SourceRow.active_snapshot_id)  # type: ignore[call-overload]
    ).all()
    return ActiveView(
        tuple(
            ActiveSnapshot(sid, snap, ver or "", pub, rtype, name)
            for sid, snap, ver, pub, rtype, name in sorted(rows, key=lambda r: r[0])
        )
    )


class _Cache:
    """{what: (key, value, scope)}: one value per `what`; a new key replaces the old value.

    `get` answers exactly the value for `key`, building it if needed: one lock per `what`, so
    concurrent callers wait for one build instead of each building, and building one thing may
    use another (the device context uses the name index).

    `latest` is for the server (`serve_stale`, set by the API's lifespan): when the key has
    moved (a snapshot switched) and a value for an older key of the same database (`scope`)
    exists, callers keep getting that older value (which carries its own versions) while one
    background thread builds the new one; the new value is then swapped in by a single
    assignment. Only when nothing is cached at all does a caller wait. The CLI and in-process
    callers keep `serve_stale` off: a command that just refreshed must screen the new data.
    """

    # A background build that failed is not retried for this long (a broken database must not
    # start a thread per request); callers keep the older value meanwhile.
    RETRY_SECONDS = 30.0

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._items: dict[str, tuple[str, Any, str]] = {}
        self._building: dict[str, set[str]] = {}
        self._failed: dict[str, tuple[str, float]] = {}
        self.serve_stale = False

    def holds(self, what: str, key: str, scope: str, *, any_key: bool = False) -> bool:
        """Whether the value for `key` of database `scope` is built (with `any_key`, a value
        for any key of that database: one that serves while the new one is built)."""
        hit = self._items.get(what)
        # The key names the data (versions carry their digests), so a value built for the same
        # key from another database is this one too, as `get` already treats it.
        return hit is not None and (hit[0] == key or (any_key and hit[2] == scope))

    def _lock(self, what: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(what, threading.Lock())

    def get(self, what: str, key: str, build: Callable[[], T], scope: str = "") -> T:
        hit = self._items.get(what)
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[no-any-return]
        with self._lock(what):
            hit = self._items.get(what)
            if hit is not None and hit[0] == key:
                return hit[1]  # type: ignore[no-any-return]
            value = build()
            self._items[what] = (key, value, scope)  # one assignment: readers see old or new
            return value

    def latest(
        self,
        what: str,
        key: str,
        build: Callable[[], T],
        background: Callable[[], T],
        scope: str,
    ) -> T:
        """The value for `key`, or (serving stale) the older value of the same `scope` while
        `background` (which must open its own database session) builds the new one."""
        hit = self._items.get(what)
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[no-any-return]
        if not self.serve_stale or hit is None or hit[2] != scope:
            return self.get(what, key, build, scope)
        self._start(what, key, background, scope)
        return hit[1]  # type: ignore[no-any-return]

    def building(self, what: str) -> bool:
        """Whether a background build of `what` is under way."""
        with self._guard:
            return bool(self._building.get(what))

    def _start(self, what: str, key: str, build: Callable[[], Any], scope: str) -> None:
        with self._guard:
            running = self._building.setdefault(what, set())
            if key in running:
                return
            failed = self._failed.get(what)
            if failed and failed[0] == key and time.monotonic() - failed[1] < self.RETRY_SECONDS:
                return
            running.add(key)
        threading.Thread(
            target=self._background,
            args=(what, key, build, scope),
            name=f"rebuild-{what}",
            daemon=True,  # a build under way must not hold up the process's exit
        ).start()

    def _background(self, what: str, key: str, build: Callable[[], Any], scope: str) -> None:
        started = time.monotonic()
        try:
            self.get(what, key, build, scope)
            log.info("rebuilt %s for %s in %.1f s", what, key, time.monotonic() - started)
        except Exception:
            log.exception("rebuilding %s for %s failed; the previous one keeps serving", what, key)
            with self._guard:
                self._failed[what] = (key, time.monotonic())
        finally:
            with self._guard:
                self._building.get(what, set()).discard(key)

    def clear(self) -> None:
        with self._guard:
            self._items.clear()
            self._failed.clear()


CACHE = _Cache()
