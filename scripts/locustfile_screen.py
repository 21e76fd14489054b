"""Locust load for `POST /v1/screen` (scripts/bench_scale.py runs it headless, loopback only).

    .venv/bin/locust -f scripts/locustfile_screen.py --headless -u 16 -r 16 -t 20s \
        --host http://127.0.0.1:PORT --only-summary

Each simulated user sends screens back to back (no think time) over one keep-alive connection,
with a name drawn from the file named by SCREENING_BENCH_NAMES (one name a line: the same
realistic mix as scripts/bench_load.py). SCREENING_BENCH_KEY, when set, is sent as the bearer
key, so that the key lookup is part of what is measured.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from locust import task
from locust.contrib.fasthttp import FastHttpUser

_NAMES_FILE = os.environ.get("SCREENING_BENCH_NAMES", "")
NAMES = [
    n for n in (Path(_NAMES_FILE).read_text("utf-8").splitlines() if _NAMES_FILE else []) if n
] or ["Hikvision", "Dahua Technology", "Axis Communications", "Huawei Technologies"]
_KEY = os.environ.get("SCREENING_BENCH_KEY", "")
HEADERS = {"Authorization": f"Bearer {_KEY}"} if _KEY else {}


class Screener(FastHttpUser):
    """One client screening names as fast as the server answers."""

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def screen(self) -> None:
        name = self.rng.choice(NAMES)
        with self.client.post(
            "/v1/screen", json={"name": name}, headers=HEADERS, catch_response=True
        ) as reply:
            body = reply.json() if reply.status_code == 200 else None
            # Every answer names the snapshot versions it was computed from.
            if not isinstance(body, dict) or not body.get("snapshots"):
                reply.failure(f"status {reply.status_code}")
