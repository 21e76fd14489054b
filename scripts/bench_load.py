"""Load on the served API: 16 clients screening names, without and then with refreshes running.

    .venv/bin/python scripts/bench_load.py [--clients 16] [--duration 20] [--workers N]
                                           [--database-url URL] [--seed 19]

A fresh state directory and SQLite database (or --database-url) get the bundled lists through
`screening refresh --offline`; `screening serve` then runs on a free loopback port (with
`--workers N` passed through when this checkout's `serve` has that option) and is warmed. Each
phase runs `--clients` concurrent clients (httpx, one connection each) for `--duration` seconds,
each sending `POST /v1/screen` with a name drawn from a realistic mix: listed names from the
bundled lists with a typo or none, and camera makers. A prober asks `/health` every 0.25 s.

Phase 1 is screening alone. Phase 2 is the same while another process runs
`screening refresh --offline --force` in a loop against the same database, and every other
round uploads one of two versions of a custom list (`screening lists add-custom`), so that
snapshots really switch (an offline refresh of unchanged bundled files stores nothing new).

Prints, per phase: requests, requests/s, p50/p99/max latency, errors (any non-200 answer or
failed request), the /health p50/p99/max, and the refresh rounds done. Timing lives here, never
in the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SCREENING = [str(Path(sys.executable).parent / "screening")]
# Camera and recorder makers a retailer's or buyer's file names: listed ones (Hikvision, Dahua
# and their brands) and unlisted ones, some misspelt as people write them.
MAKERS = [
    "Hikvision",
    "Hikivision",
    "Hangzhou Hikvision Digital Technology",
    "Dahua Technology",
    "Dahau",
    "EZVIZ",
    "Lorex",
    "HiWatch",
    "Uniview",
    "Axis Communications",
    "Hanwha Vision",
    "Bosch Security Systems",
    "Reolink",
    "Vivotek",
    "Milesight",
    "Avigilon",
    "Hytera Communications",
    "Huawei Technologies",
    "ZTE Corporation",
    "Tiandy",
]


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    refreshes: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def typo(name: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    op = rng.choice(["drop", "double", "swap", "replace"])
    if op == "drop":
        return name[:i] + name[i + 1 :]
    if op == "double":
        return name[:i] + name[i] + name[i:]
    if op == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("aeiourstn") + name[i + 1 :]


def name_mix(db_path: Path, n: int, rng: random.Random) -> list[str]:
    """`n` names: 60% listed names (half with a typo), 40% camera makers."""
    with contextlib.closing(sqlite3.connect(db_path)) as con:
        listed = [
            r[0]
            for r in con.execute(
                "SELECT name FROM listed_entity WHERE kind IN ('organization', 'person') "
                "AND length(name) BETWEEN 4 AND 80 ORDER BY id"
            )
        ]
    names = []
    for _ in range(n):
        if rng.random() < 0.6 and listed:
            name = rng.choice(listed)
            names.append(typo(name, rng) if rng.random() < 0.5 else name)
        else:
            names.append(rng.choice(MAKERS))
    return names


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def serve_supports_workers(env: dict[str, str]) -> bool:
    return "--workers" in run([*SCREENING, "serve", "--help"], env).stdout


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"screening serve exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return time.perf_counter() - start
        time.sleep(0.2)
    raise SystemExit("screening serve did not answer /health in time")


async def client_loop(
    base: str, names: list[str], deadline: float, phase: Phase, rng: random.Random
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.perf_counter() < deadline:
            name = rng.choice(names)
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/screen", json={"name": name})
                ok = r.status_code == 200
                kind = str(r.status_code)
            except httpx.HTTPError as exc:
                ok, kind = False, type(exc).__name__
            phase.latencies.append(time.perf_counter() - t0)
            if not ok:
                phase.errors += 1
                phase.error_kinds[kind] = phase.error_kinds.get(kind, 0) + 1


async def health_loop(base: str, deadline: float, phase: Phase) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                await client.get("/health")
            phase.health.append(time.perf_counter() - t0)
            await asyncio.sleep(0.25)


async def load(base: str, names: list[str], clients: int, duration: float, phase: Phase) -> None:
    start = time.perf_counter()
    deadline = start + duration
    rngs = [random.Random(i) for i in range(clients)]
    await asyncio.gather(
        health_loop(base, deadline, phase),
        *(client_loop(base, names, deadline, phase, rngs[i]) for i in range(clients)),
    )
    phase.seconds = time.perf_counter() - start


def refresher(env: dict[str, str], tmp: Path, stop: threading.Event, phase: Phase) -> None:
    """Refresh rounds until `stop`: `refresh --offline --force`, and on every other round a new
    version of a custom list (two alternating contents), each a real snapshot switch."""
    versions = [tmp / "bench_a.csv", tmp / "bench_b.csv"]
    # Made-up names of an in-house list (a custom list is the user's own data).
    versions[0].write_text("name\nExample Bench Trading Ltd\nExample Bench Holdings Ltd\n")
    versions[1].write_text("name\nExample Bench Trading Ltd\nExample Bench Imports Ltd\n")
    i = 0
    while not stop.is_set():
        if i % 2 == 0:
            t0 = time.perf_counter()
            path = versions[(i // 2) % 2]
            out = run([*SCREENING, "lists", "add-custom", "bench", str(path), "--force"], env)
            took = time.perf_counter() - t0
            phase.refreshes.append(f"custom list exit {out.returncode} in {took:.1f} s")
        if stop.is_set():
            break
        t0 = time.perf_counter()
        out = run([*SCREENING, "refresh", "--offline", "--force"], env)
        phase.refreshes.append(f"refresh exit {out.returncode} in {time.perf_counter() - t0:.1f} s")
        i += 1


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(phase: Phase, clients: int) -> None:
    n = len(phase.latencies)
    ms = 1000.0
    print(f"\n== {phase.name} ({clients} clients, {phase.seconds:.1f} s)")
    print(
        f"screen: {n} requests, {n / phase.seconds:.1f} requests/s, "
        f"p50 {pct(phase.latencies, 0.5) * ms:.0f} ms, "
        f"p99 {pct(phase.latencies, 0.99) * ms:.0f} ms, "
        f"max {max(phase.latencies, default=0) * ms:.0f} ms, mean "
        f"{(statistics.fmean(phase.latencies) if n else 0) * ms:.0f} ms, errors {phase.errors}"
        + (f" {phase.error_kinds}" if phase.error_kinds else "")
    )
    print(
        f"/health: {len(phase.health)} probes, p50 {pct(phase.health, 0.5) * ms:.0f} ms, "
        f"p99 {pct(phase.health, 0.99) * ms:.0f} ms, max {max(phase.health, default=0) * ms:.0f} ms"
    )
    if phase.refreshes:
        print(
            f"refresh rounds during the phase: {len(phase.refreshes)}: "
            + "; ".join(phase.refreshes)
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    ap.add_argument("--workers", type=int, default=None, help="passed to `screening serve`")
    ap.add_argument("--database-url", default="", help="default: SQLite in a temporary directory")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        db_path = tmp / "screening.db"
        url = args.database_url or f"sqlite:///{db_path}"
        env = {
            **os.environ,
            "SCREENING_DATABASE_URL": url,
            "SCREENING_STATE_DIR": str(tmp / "state"),
            # The service is on loopback only; the load is what is measured, not API keys.
            "SCREENING_AUTH": "off",
        }
        t0 = time.perf_counter()
        loaded = run([*SCREENING, "refresh", "--offline"], env)
        if loaded.returncode not in (0, 4):
            print(loaded.stdout, loaded.stderr, file=sys.stderr)
            raise SystemExit(f"refresh --offline failed with {loaded.returncode}")
        print(f"bundled lists loaded in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")
        if args.database_url:
            raise SystemExit("--database-url: names are read from the SQLite file; use the default")
        names = name_mix(db_path, 2000, rng)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [*SCREENING, "serve", "--host", "127.0.0.1", "--port", str(port)]
        if args.workers is not None:
            if serve_supports_workers(env):
                cmd += ["--workers", str(args.workers)]
            else:
                print("note: this `screening serve` has no --workers; running its default")
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            up = wait_healthy(base, server)
            t0 = time.perf_counter()
            first = httpx.post(f"{base}/v1/screen", json={"name": "Hikvision"}, timeout=120)
            first_s = time.perf_counter() - t0
            for name in names[:50]:  # warm every worker's index and caches
                httpx.post(f"{base}/v1/screen", json={"name": name}, timeout=120)
            print(
                f"serve: {' '.join(cmd[3:])}; /health after {up:.1f} s; first screen "
                f"{first.status_code} in {first_s * 1000:.0f} ms; warmed with 50 names"
            )

            quiet = Phase("screening only")
            asyncio.run(load(base, names, args.clients, args.duration, quiet))
            report(quiet, args.clients)

            busy = Phase("screening while refreshes run")
            stop = threading.Event()
            worker = threading.Thread(target=refresher, args=(env, tmp, stop, busy))
            worker.start()
            try:
                asyncio.run(load(base, names, args.clients, args.duration, busy))
            finally:
                stop.set()
                worker.join()
            report(busy, args.clients)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores, seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
