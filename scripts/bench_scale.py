"""Scaling on this machine, side by side in one run (issue 18, point 5): the API's screens/s and
p50/p99 latency with 1 and 2 workers under one fixed concurrent load, then bulk names/s with
the local engine and with Dask on 1 and 2 local workers (scripts/bench_bulk.py), and the
scaling ratios.

    .venv/bin/python scripts/bench_scale.py [--users 16] [--duration 20] [--workers 1,2]
        [--auth keys|off] [--bulk-names 1000000] [--engines local,dask-1,dask-2]

API half: a fresh state directory and SQLite database get the bundled lists (`screening refresh
--offline`); for each worker count `screening serve --workers N` runs on a free loopback port,
every worker is warmed, and Locust (headless, scripts/locustfile_screen.py) runs `--users`
clients for `--duration` seconds, each sending `POST /v1/screen` back to back with a name from
scripts/bench_load.py's realistic mix. With `--auth keys` (the default, as in production) every
request carries a `ci` key. Printed per worker count: requests, failures, screens/s, p50/p99,
and the CPU the server used per request (every worker, not the monitor process) and the share
of the machine the load generator took: on 2 cores it competes with the server it measures,
so the server's CPU per request is the figure that carries to other machines.

Bulk half: `bench_bulk.run(--bulk-names, engines)` when scripts/bench_bulk.py is present (one
fresh `screen --file` process per engine; see that script); `--bulk-names 0` skips it.

Loopback only, bounded in time (`--duration` per worker count) and count (`--users`). The
machine may be shared: the figures are what this run measured, with the load average beside.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_load  # noqa: E402  (a sibling script: its name mix, ports and health wait)

SCREENING = str(Path(sys.executable).parent / "screening")
LOCUST = str(Path(sys.executable).parent / "locust")
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (all their threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _server_pids(root: int) -> list[int]:
    """`serve` and its uvicorn worker processes (not its `monitor run` process)."""
    out = [root]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == root and b"monitor" not in cmd:
            out.append(int(proc.name))
    return out


def _load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def api_phase(
    workers: int, env: dict[str, str], names_file: Path, key: str, users: int, duration: float
) -> dict[str, Any]:
    """One `serve --workers N` under Locust's fixed load: its figures."""
    port = bench_load.free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(env["SCREENING_STATE_DIR"]).parent
    log = (tmp / f"serve-{workers}.log").open("wb")
    cmd = [SCREENING, "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*cmd, "--workers", str(workers), "--no-load-bundled"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        bench_load.wait_healthy(base, server)
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/health/ready", timeout=10).status_code != 200:
            if time.monotonic() > deadline:
                raise SystemExit("serve did not become ready in 120 s")
            time.sleep(0.2)
        warm = names_file.read_text("utf-8").splitlines()[:100]
        with httpx.Client(headers=headers, timeout=120) as client:
            for name in warm:  # reaches every worker (one connection each time)
                client.post(
                    f"{base}/v1/screen", json={"name": name}, headers={"Connection": "close"}
                )
        pids = _server_pids(server.pid)
        cpu0, load0, wall0 = _cpu_seconds(pids), _load_average(), time.monotonic()
        prefix = tmp / f"locust-{workers}"
        locust = subprocess.Popen(
            [
                *(LOCUST, "-f", str(HERE / "locustfile_screen.py"), "--headless"),
                *("-u", str(users), "-r", str(users), "-t", f"{duration:g}s", "--host", base),
                *("--only-summary", "--csv", str(prefix), "--loglevel", "WARNING"),
            ],
            env={**env, "SCREENING_BENCH_NAMES": str(names_file), "SCREENING_BENCH_KEY": key},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(locust.pid, 0)
        locust.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - wall0
        cpu = _cpu_seconds(pids) - cpu0
        with (prefix.parent / f"{prefix.name}_stats.csv").open(newline="") as f:
            row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
        requests = int(row["Request Count"])
        return {
            "workers": workers,
            "requests": requests,
            "failures": int(row["Failure Count"]),
            "per_s": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p99": float(row["99%"]),
            "server_cpu_ms": 1000 * cpu / max(1, requests),
            "client_cores": (usage.ru_utime + usage.ru_stime) / wall,
            "load": f"{load0}->{_load_average()}",
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def api_half(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        db_path = tmp / "screening.db"
        env = {
            **os.environ,
            "SCREENING_DATABASE_URL": f"sqlite:///{db_path}",
            "SCREENING_STATE_DIR": str(tmp / "state"),
            "SCREENING_AUTH": args.auth,
        }
        t0 = time.perf_counter()
        loaded = bench_load.run([SCREENING, "refresh", "--offline"], env)
        if loaded.returncode not in (0, 4):
            raise SystemExit(f"refresh --offline failed ({loaded.returncode}): {loaded.stderr}")
        print(f"bundled lists loaded in {time.perf_counter() - t0:.1f} s")
        key = ""
        if args.auth == "keys":
            made = bench_load.run([SCREENING, "keys", "create", "--role", "ci"], env)
            key = made.stdout.strip().splitlines()[-1].strip()
        names_file = tmp / "names.txt"
        mix = bench_load.name_mix(db_path, 2000, random.Random(args.seed))
        names_file.write_text("\n".join(mix) + "\n", "utf-8")
        rows = []
        for n in args.workers:
            row = api_phase(n, env, names_file, key, args.users, args.duration)
            rows.append(row)
            print(
                f"  {n} worker(s): {row['requests']:>6} requests, {row['failures']} failed, "
                f"{row['per_s']:7.1f} screens/s, p50 {row['p50']:.0f} ms, p99 {row['p99']:.0f} "
                f"ms; server CPU {row['server_cpu_ms']:.2f} ms/request; Locust used "
                f"{row['client_cores']:.2f} cores; load {row['load']}",
                flush=True,
            )
        return rows


def bulk_half(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    if args.bulk_names <= 0:
        print("bulk half skipped (--bulk-names 0)")
        return None
    try:
        bench_bulk = importlib.import_module("bench_bulk")
    except ImportError:
        print("bulk half missing: scripts/bench_bulk.py is not in this checkout")
        return None
    rows: list[dict[str, Any]] = bench_bulk.run(args.bulk_names, args.engines)
    for r in rows:
        print(
            f"  {r['engine']:>7}: {r['names']:,} names in {r['seconds']:.1f} s, "
            f"{r['names_per_s']:,.0f} names/s, "
            f"driver peak RSS {r.get('driver_peak_rss_mb', '?')} MB",
            flush=True,
        )
    return rows


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--users", type=int, default=16, help="concurrent Locust users")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per worker count")
    ap.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    ap.add_argument("--auth", choices=("keys", "off"), default="keys")
    ap.add_argument("--bulk-names", type=int, default=1_000_000)
    ap.add_argument("--engines", default="local,dask-1,dask-2")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    args.workers = [int(w) for w in args.workers.split(",") if w]
    args.engines = [e for e in args.engines.split(",") if e]
    if args.users < 1 or args.duration <= 0 or args.duration > 600:
        raise SystemExit("--users >= 1 and 0 < --duration <= 600")

    print(
        f"API: Locust, {args.users} users, {args.duration:g} s per worker count, auth {args.auth}"
    )
    api = api_half(args)
    print(f"bulk: screen --file on {args.bulk_names:,} names")
    bulk = bulk_half(args)

    print("\nside by side")
    by_workers = {r["workers"]: r for r in api}
    for r in api:
        print(
            f"  API {r['workers']} worker(s): {r['per_s']:8.1f} screens/s  p50 {r['p50']:4.0f} ms"
            f"  p99 {r['p99']:5.0f} ms  {r['server_cpu_ms']:.2f} ms CPU/screen"
        )
    one, two = by_workers.get(1), by_workers.get(2)
    if one and two:
        print(f"  API scaling 2 workers / 1 worker: {_ratio(two['per_s'], one['per_s'])}")
    if bulk:
        rate = {r["engine"]: float(r["names_per_s"]) for r in bulk}
        for r in bulk:
            print(f"  bulk {r['engine']:>7}: {float(r['names_per_s']):10,.0f} names/s")
        print(
            f"  bulk scaling dask-2 / dask-1: {_ratio(rate.get('dask-2'), rate.get('dask-1'))}; "
            f"dask-2 / local: {_ratio(rate.get('dask-2'), rate.get('local'))}"
        )
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores, seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
