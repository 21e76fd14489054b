"""The scheduled refresh's loop: refresh while this process leads, else wait for the lead."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import typer

from ._common import EXIT_INPUT, err, service


def lead_refreshes(lead: Any, interval: float, poll: float, refresh: Callable[[], None]) -> None:
    """Refresh every `interval` seconds while this process leads; otherwise try to take the
    lead every `poll` seconds (one scheduled refresh across every process and machine)."""
    waiting_for: str | None = ""
    while True:
        if not lead.try_acquire():
            with service() as svc:
                who = svc.refresh_leader()
            if who != waiting_for:
                err.print(f"waiting: the scheduled refresh is led by {who}", highlight=False)
                waiting_for = who
            time.sleep(poll)
            continue
        err.print("leading the scheduled refresh (this process)", highlight=False)
        waiting_for = ""
        while lead.still_held():
            started = time.monotonic()
            try:
                refresh()
            except typer.Exit as exc:
                if exc.exit_code == EXIT_INPUT:
                    raise  # a usage error will not fix itself on the next run
            wait = max(0.0, interval - (time.monotonic() - started))
            err.print(f"next refresh in {wait:.0f} s", highlight=False)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and lead.still_held():
                time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        err.print("lost the lead of the scheduled refresh", highlight=False)
