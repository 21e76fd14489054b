"""Keeping the server's derived state warm: the name index and the device context are built at
start and rebuilt soon after any snapshot switch (by this process, another worker or a
`screening refresh` elsewhere), in a background thread, so that requests rarely meet a build.
On PostgreSQL a switch is announced (LISTEN/NOTIFY) and the rebuild starts at once; the periodic
check stays as the fallback, and is the only way on SQLite.

While a new name index is being built the previous one keeps answering (`active.CACHE`), and
every answer names the snapshot versions it was computed from.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..db import engine_for
from ..settings import Settings
from ..snapshots import SWITCH_CHANNEL
from . import active, devices, names

log = logging.getLogger("screening.cache")

# How often the active versions are looked at (one small query): a snapshot switched by
# another process is picked up within this many seconds even if no request comes.
WATCH_SECONDS = 5.0


def keep_warm(settings: Settings, stop: threading.Event, every: float = WATCH_SECONDS) -> None:
    """Build the caches now, then look at the active versions every `every` seconds until
    `stop` is set; a change starts the rebuild (the name index in its own background thread,
    the device context here)."""
    engine = engine_for(settings.resolved_database_url())
    listener = _Listener(engine)
    first = True
    while True:
        # Woken by an announced switch or the period: read the active snapshots afresh (the
        # server otherwise reuses its view for up to `active.VIEW_SECONDS`).
        active.forget_views()
        try:
            with Session(engine, expire_on_commit=False) as session:
                names.screen_context(session, settings)
                devices.risk_context(session, settings)
            if first:
                log.info("screening caches ready")
                first = False
        except Exception:
            log.exception("warming the screening caches failed; requests will build them")
        if wait_for_switch(listener, stop, every):
            return


class _Listener:
    """On PostgreSQL, a connection of its own LISTENing for snapshot switches (announced by
    `snapshots.switch_active` when its transaction commits); elsewhere nothing (the periodic
    check is then the only way to learn of a switch)."""

    def __init__(self, engine: Engine) -> None:
        self.conn: Any = None
        if engine.dialect.name != "postgresql":
            return
        try:
            raw = engine.raw_connection()
            conn: Any = raw.driver_connection
            conn.autocommit = True
            conn.execute(f"LISTEN {SWITCH_CHANNEL}")
            self.raw, self.conn = raw, conn
        except Exception:
            log.exception("cannot LISTEN for snapshot switches; checking every few seconds")

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for a switch; whether one was announced."""
        if self.conn is None:
            return False
        try:
            return any(True for _ in self.conn.notifies(timeout=seconds, stop_after=1))
        except Exception:
            log.exception("lost the LISTEN connection; checking every few seconds")
            self.conn = None
            return False


def wait_for_switch(listener: _Listener, stop: threading.Event, every: float) -> bool:
    """Sleep until a switch is announced, `every` seconds pass, or `stop` is set (True)."""
    deadline = time.monotonic() + every
    while (left := deadline - time.monotonic()) > 0:
        if stop.is_set():
            return True
        if listener.conn is None:
            return stop.wait(left)
        if listener.wait(min(left, 1.0)):
            # A switch: drain what else came with it (one rebuild serves them all).
            listener.wait(0.05)
            return stop.is_set()
    return stop.is_set()


def start(settings: Settings) -> threading.Event:
    """Start `keep_warm` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=keep_warm, args=(settings, stop), name="screening-warm", daemon=True
    ).start()
    return stop
