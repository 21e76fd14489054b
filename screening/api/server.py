"""The served API: uvicorn with a request-head timeout, several worker processes where the
database allows, the name index warmed at start and rebuilt in the background, and logs that
say what happened in one line.

`screening serve` calls `run`; each worker process builds its app with `served_app` (uvicorn
needs an import string to start more than one worker).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import logging
import os
import signal
import sys
from types import FrameType
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..service import Settings, get_settings
from .app import create_app

log = logging.getLogger("screening.api")

HEALTHCHECK_SECONDS = 120


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a timeout on the request head, which uvicorn lacks: a
    client that connects and sends part of a request line or headers (or nothing) is
    disconnected after `SCREENING_HEADER_TIMEOUT` seconds instead of holding the connection for
    ever. The clock starts when the connection opens or, between keep-alive requests, at the
    first byte of the next head, and is not restarted by each byte (a client dripping one byte
    a second is still cut off). Bodies have their own timeout in the ASGI guard."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().header_timeout
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm_head_timer()  # waiting for (the rest of) a head
        else:
            self._disarm_head_timer()  # a whole head arrived (or the connection is done)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None and self.header_timeout > 0:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info(
                "closed the connection of %s: no complete request head within %g s "
                "(SCREENING_HEADER_TIMEOUT)",
                client,
                self.header_timeout,
            )
            self.transport.close()


def default_workers(settings: Settings) -> int:
    """Worker processes when neither `--workers` nor SCREENING_WORKERS says: two where there
    are two cores, else one.

    Both databases take several processes: PostgreSQL by design; SQLite because the database
    is in WAL mode (readers never wait for the one writer, and a refresh writes in one
    transaction under a lock held through it) with a 30 s busy timeout for the rare write a
    request makes (storing a report), and migrations take turns under a lock at start. The
    cost of each worker is its own copy of the name index in memory, which is why the default
    stops at two rather than one per core.
    """
    del settings  # the same answer for both databases today; the argument keeps the door open
    return max(1, min(2, os.cpu_count() or 1))


def served_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory): the API with the caches warmed at
    start and rebuilt in the background."""
    return create_app(get_settings(), background=True)


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with the service's own INFO lines (`screening.*`) beside its own."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["screening"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Unwind (so that `serve` stops its monitor process), then leave without the interpreter's
    # final clean-up: with a name index of millions of objects in this process, its garbage
    # collection at exit took minutes on a loaded machine.
    atexit.register(_leave_now, 128 + signum)
    raise SystemExit(128 + signum)


def _leave_now(code: int) -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def run(host: str, port: int, workers: int) -> None:
    """Serve until stopped. Host and port are passed to the workers through the environment
    too, so that each worker's settings (the allowed Host names) match the bound address."""
    os.environ["SCREENING_HOST"] = host
    os.environ["SCREENING_PORT"] = str(port)
    get_settings.cache_clear()
    # One worker runs in this process, and uvicorn, after shutting down gracefully on SIGTERM,
    # raises the signal again with the handler that was there before: by default that ended
    # the process at once, before `serve` could stop its `monitor run` process (left running
    # with no parent). An exit that unwinds lets it.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(
        f"{__name__}:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=TimedH11Protocol,
        log_level="info",
        log_config=log_config(),
        # uvicorn kills a worker that does not answer its supervisor's ping within this many
        # seconds. The ping is answered by a thread of the worker, which needs the GIL, and a
        # large upload holds it for seconds at a time in single C calls (pydantic building a
        # 100,000-item report): uvicorn's 5 s default killed such a worker mid-request.
        timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
    )
