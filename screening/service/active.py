"""The one view of the active snapshots, and the one in-process cache keyed by their versions.

Everything derived from the lists (the name index, the list memberships of maker families, the
KEV index) is built for one set of active versions and reused until a snapshot changes: the key
moves, the next caller builds afresh, and the old entry is dropped. Each process holds its own
cache; the on-disk caches under `state_dir/index/` let a new process load instead of rebuild.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session

from ..models import Snapshot, SourceRow

T = TypeVar("T")


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


def active_view(session: Session) -> ActiveView:
    """One query: every source's active snapshot."""
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
    """{what: (key, value)}: one value per `what`; a new key replaces the old value. One lock
    per `what`, so building one thing may use another (the device context uses the name index)
    and concurrent callers of the same thing wait for one build instead of each building."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._items: dict[str, tuple[str, Any]] = {}

    def get(self, what: str, key: str, build: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(what, threading.Lock())
        with lock:
            hit = self._items.get(what)
            if hit is not None and hit[0] == key:
                return hit[1]  # type: ignore[no-any-return]
            value = build()
            self._items[what] = (key, value)
            return value

    def clear(self) -> None:
        with self._guard:
            self._items.clear()


CACHE = _Cache()
