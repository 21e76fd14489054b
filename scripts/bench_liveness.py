"""How the served API answers while it is busy (issue 19): /health latency while a 100,000-row
inventory is uploaded and a `screening refresh` in another process switches a snapshot, and
what a screen request gets right after the switch (its latency and the FCC version it names).

    .venv/bin/python scripts/bench_liveness.py [--workers 1 2] [--rows 100000]

A throwaway SQLite database gets the bundled lists once; then for each worker count a
`screening serve` runs on it. The upload is the rows of tests/fixtures/devices/inventory.csv
repeated to --rows (its judgement columns dropped); the switch alternates the FCC Covered List
between the two real tables of tests/fixtures/fcc-covered-list.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
INVENTORY = REPO / "tests" / "fixtures" / "devices" / "inventory.csv"
FCC = "us_fcc_covered"
EXE = str(Path(sys.executable).parent / "screening")


def inventory(rows: int) -> bytes:
    with INVENTORY.open(newline="") as f:
        real = list(csv.DictReader(f))
    cols = [c for c in real[0] if not c.startswith("expected_") and c != "why"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(cols)
    for i in range(rows):
        w.writerow([real[i % len(real)][c] for c in cols])
    return out.getvalue().encode()


def data_dir(tmp: Path, table: str) -> Path:
    out = tmp / f"data-{table}"
    shutil.copytree(REPO / "data" / FCC, out / FCC)
    src = REPO / "tests" / "fixtures" / "fcc-covered-list" / f"covered_list_{table}.html"
    shutil.copy(src, out / FCC / "covered_list.html")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def figures(xs: list[float]) -> str:
    xs = sorted(xs)
    p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
    return (
        f"n={len(xs)} p50={statistics.median(xs) * 1000:.0f} ms p99={p99 * 1000:.0f} ms "
        f"max={xs[-1] * 1000:.0f} ms"
    )


def run(workers: int, env: dict[str, str], data: bytes, tables: list[Path], flip: int) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [EXE, "serve", "--port", str(port), "--workers", str(workers), "--no-load-bundled"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        httpx.post(f"{url}/v1/screen", json={"name": "Hikvision"}, timeout=300)  # warm

        result: dict[str, Any] = {}

        def upload() -> None:
            t = time.monotonic()
            r = httpx.post(
                f"{url}/v1/inventories",
                files={"file": ("inventory.csv", data, "text/csv")},
                timeout=900,
            )
            result["upload"] = (r.status_code, time.monotonic() - t, len(r.content))

        worker = threading.Thread(target=upload)
        worker.start()
        refresh = subprocess.Popen(
            [EXE, "refresh", "--offline", "--force", "--source", FCC],
            env=dict(env, SCREENING_DATA_DIR=str(tables[flip % 2])),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        health: list[float] = []
        while worker.is_alive() or refresh.poll() is None:
            t = time.monotonic()
            httpx.get(f"{url}/health", timeout=120)
            health.append(time.monotonic() - t)
            time.sleep(0.1)
        status, took, size = result["upload"]
        print(f"workers={workers}: upload {status} in {took:.1f} s ({size / 1e6:.0f} MB reply)")
        print(f"  /health during upload + refresh: {figures(health)}")

        # A second switch with nothing else running: the screen requests right after it.
        subprocess.run(
            [EXE, "refresh", "--offline", "--force", "--source", FCC],
            env=dict(env, SCREENING_DATA_DIR=str(tables[(flip + 1) % 2])),
            check=True,
            capture_output=True,
        )
        active = next(
            s["version"] for s in httpx.get(f"{url}/v1/sources").json() if s["source"] == FCC
        )
        first = time.monotonic()
        times, stale = [], 0
        while True:
            t = time.monotonic()
            r = httpx.post(f"{url}/v1/screen", json={"name": "Hikvision"}, timeout=300).json()
            times.append(time.monotonic() - t)
            if r["snapshots"][FCC] == active:
                break
            stale += 1
            time.sleep(0.1)
        print(
            f"  screen after a switch: {figures(times)}; {stale} answered by the old index, "
            f"new index in use after {time.monotonic() - first:.1f} s"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # Loopback only, so no API keys are needed for the figures.
        env = dict(os.environ, SCREENING_STATE_DIR=str(tmp / "state"), SCREENING_AUTH="off")
        env.pop("SCREENING_DATABASE_URL", None)
        subprocess.run([EXE, "refresh", "--offline"], env=env, check=True, capture_output=True)
        tables = [data_dir(tmp, "2026-05-21"), data_dir(tmp, "2026-08-20")]
        data = inventory(args.rows)
        for i, n in enumerate(args.workers):
            run(n, env, data, tables, 2 * i)
    return 0


if __name__ == "__main__":
    sys.exit(main())
