"""`screening serve` as scripts/run starts it: a real process on a free localhost port that loads
the bundled snapshots into an empty SQLite database, makes the first admin key and prints it
once with the page's address, and answers /health (without a key) and /v1/sources (with it)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from screening.sources.bundled import has_bundle
from screening.sources.registry import FIXED_SOURCES

from .conftest import DATA

# A real process (its fixtures alone would not mark it: see conftest).
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_loads_bundled_data_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, SCREENING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    exe = Path(sys.executable).parent / "screening"
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, "".join(lines)
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not answer /health in 120 s"
                time.sleep(0.5)
        assert r.json()["status"] == "ok"
        # The first start made an admin key and printed it once, with the page's address.
        printed = "".join(lines)
        keys = re.findall(r"#key=(scr_[A-Za-z0-9_-]{43})", printed)
        assert len(keys) == 1, printed[-2000:]
        auth = {"Authorization": f"Bearer {keys[0]}"}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/sources").status_code == 401
        listed = httpx.get(f"http://127.0.0.1:{port}/v1/sources", headers=auth)
        sources = {s["source"]: s for s in listed.json()}
        assert sources["us_ofac_sdn"]["status"] == "ok"
        assert sources["us_ofac_sdn"]["entity_count"] == 15402
        for spec in FIXED_SOURCES:
            loaded = sources[spec.id]["entity_count"] > 0
            assert loaded == (spec.parse is not None and has_bundle(DATA, spec.id)), spec.id
        page = httpx.get(f"http://127.0.0.1:{port}/screen/key").text
        assert '<form id="f">' in page and "/v1/screen" in page
        browser = shutil.which("chromium")
        if browser:  # the page itself, run by a real browser against the live API
            dom = subprocess.run(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={tmp_path / 'chrome'}",
                    "--virtual-time-budget=15000",
                    "--dump-dom",
                    # The key handed over in the fragment, as the start-up line prints it.
                    f"http://127.0.0.1:{port}/screen/key?name=Hikivision#key={keys[0]}",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert (
                "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn" in dom.stdout
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=10)
    out = "".join(lines)
    assert f"http://127.0.0.1:{port}" in out
    # Two worker processes by default (one where there is one core).
    workers = min(2, os.cpu_count() or 1)
    assert f"{workers} worker" in out
    assert out.count("Started server process") == workers, out[-3000:]


def test_serve_refuses_no_authentication_off_loopback(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        SCREENING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
        SCREENING_AUTH="off",
    )
    exe = Path(sys.executable).parent / "screening"
    done = subprocess.run(
        [str(exe), "serve", "--host", "0.0.0.0", "--port", str(_free_port()), "--no-load-bundled"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "without authentication" in done.stderr and "loopback" in done.stderr
