"""Keeping the server's derived state warm: the name index and the device context are built at
start and rebuilt soon after any snapshot switch (by this process, another worker or a
`screening refresh` elsewhere), in a background thread, so that requests rarely meet a build.

While a new name index is being built the previous one keeps answering (`active.CACHE`), and
every answer names the snapshot versions it was computed from.
"""

from __future__ import annotations

import logging
import threading

from sqlmodel import Session

from ..db import engine_for
from ..settings import Settings
from . import devices, names

log = logging.getLogger("screening.cache")

# How often the active versions are looked at (one small query): a snapshot switched by
# another process is picked up within this many seconds even if no request comes.
WATCH_SECONDS = 5.0


def keep_warm(settings: Settings, stop: threading.Event, every: float = WATCH_SECONDS) -> None:
    """Build the caches now, then look at the active versions every `every` seconds until
    `stop` is set; a change starts the rebuild (the name index in its own background thread,
    the device context here)."""
    engine = engine_for(settings.resolved_database_url())
    first = True
    while True:
        try:
            with Session(engine, expire_on_commit=False) as session:
                names.screen_context(session, settings)
                devices.risk_context(session, settings)
            if first:
                log.info("screening caches ready")
                first = False
        except Exception:
            log.exception("warming the screening caches failed; requests will build them")
        if stop.wait(every):
            return


def start(settings: Settings) -> threading.Event:
    """Start `keep_warm` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=keep_warm, args=(settings, stop), name="screening-warm", daemon=True
    ).start()
    return stop
