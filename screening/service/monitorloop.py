"""The server's monitoring loop: re-screen vendors after any list change and send due webhook
deliveries, every few seconds, in a background thread (the work itself is durable in the
database, so several workers may run this loop at once without doubling anything)."""

from __future__ import annotations

import logging
import threading

from ..settings import Settings
from .core import open_screening

log = logging.getLogger("screening.monitor")

EVERY_SECONDS = 2.0


def tick(settings: Settings) -> tuple[int, int]:
    """One pass: (vendors re-screened, deliveries attempted)."""
    with open_screening(settings) as svc:
        run = svc.rescreen()
        sent = svc.deliver_due()
    return run.vendors, sent


def _loop(settings: Settings, stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            vendors, sent = tick(settings)
            if vendors or sent:
                log.info("monitor: %d vendor(s) re-screened, %d delivery attempt(s)", vendors, sent)
        except Exception:
            log.exception("monitoring pass failed; it is retried")
        stop.wait(every)


def start(settings: Settings, every: float = EVERY_SECONDS) -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=_loop, args=(settings, stop, every), name="screening-monitor", daemon=True
    ).start()
    return stop
