"""The reconciliation endpoint on a batch of 100 vendor names, as OpenRefine sends it.

    .venv/bin/python scripts/bench_reconcile.py [--names 100] [--rounds 5] [--workers N]
                                                [--in-process] [--seed 16]

A fresh state directory and SQLite database get the bundled lists through
`screening refresh --offline`; a `ci` key is made (`screening keys create`), and
`screening serve` runs on a free loopback port (or, with `--in-process`, the app is called
in-process through Starlette's test client, without HTTP). The batch is `--names` names built
as scripts/bench_load.py builds its mix (60% names of the bundled lists, half of them with a
keyboard typo; 40% camera and recorder makers, listed and not), each a query
`{"query": name, "type": "organization", "limit": 3}`, POSTed as the form field `queries` to
`/reconcile/<key>` (the key in the URL, as OpenRefine is given it).

One batch warms the server (index loaded, caches filled), then `--rounds` batches of the same
names are timed end to end (client side). Prints the batch size, distinct names, candidates and
certain matches found, and min / median / max seconds per batch; served, it also says whether
the key appears in the server's log (it must not). The issue's target: under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import ROOT, SCREENING, free_port, name_mix, run, wait_healthy


def batch_of(names: list[str]) -> dict[str, dict[str, Any]]:
    return {f"q{i}": {"query": n, "type": "organization", "limit": 3} for i, n in enumerate(names)}


def summary(answer: dict[str, Any]) -> tuple[int, int]:
    found = [c for q in answer.values() for c in q["result"]]
    return len(found), sum(1 for c in found if c["match"])


def timed(post: Any, rounds: int) -> tuple[list[float], dict[str, Any]]:
    times = []
    answer: dict[str, Any] = {}
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = post()
        times.append(time.perf_counter() - t0)
        if r.status_code != 200:
            raise SystemExit(f"reconcile answered {r.status_code}: {r.text[:300]}")
        answer = r.json()
    return times, answer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--names", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=1, help="passed to `screening serve`")
    ap.add_argument("--in-process", action="store_true", help="no server: the app in-process")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as tmp_name:
        tmp = Path(tmp_name)
        db_path = tmp / "screening.db"
        url = f"sqlite:///{db_path}"
        env = {
            **os.environ,
            "SCREENING_DATABASE_URL": url,
            "SCREENING_STATE_DIR": str(tmp / "state"),
            "SCREENING_AUTH": "keys",
        }
        t0 = time.perf_counter()
        loaded = run([*SCREENING, "refresh", "--offline"], env)
        if loaded.returncode not in (0, 4):
            print(loaded.stdout, loaded.stderr, file=sys.stderr)
            raise SystemExit(f"refresh --offline failed with {loaded.returncode}")
        print(f"bundled lists loaded in {time.perf_counter() - t0:.1f} s (sqlite)")
        made = run([*SCREENING, "keys", "create", "--role", "ci", "--name", "bench"], env)
        key = made.stdout.strip().splitlines()[-1]
        names = name_mix(db_path, args.names, rng)
        warm = name_mix(db_path, args.names, random.Random(args.seed + 1))
        form = {"queries": json.dumps(batch_of(names))}
        print(f"batch: {len(names)} queries, {len(set(names))} distinct names")

        if args.in_process:
            os.environ.update(env)
            from fastapi.testclient import TestClient

            from screening.api.app import create_app
            from screening.settings import get_settings

            get_settings.cache_clear()
            settings = get_settings()
            hosts = [*settings.hosts(), "testserver"]
            app = create_app(settings.model_copy(update={"allowed_hosts": hosts}))
            with TestClient(app) as client:
                t0 = time.perf_counter()
                client.post(f"/reconcile/{key}", data={"queries": json.dumps(batch_of(warm))})
                print(f"in-process; warm-up batch (index load) {time.perf_counter() - t0:.2f} s")
                times, answer = timed(
                    lambda: client.post(f"/reconcile/{key}", data=form), args.rounds
                )
            leaked = None
        else:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            cmd = [*SCREENING, "serve", "--host", "127.0.0.1", "--port", str(port)]
            cmd += ["--workers", str(args.workers)]
            log_path = tmp / "serve.log"
            log = log_path.open("wb")
            server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            try:
                up = wait_healthy(base, server)
                with httpx.Client(base_url=base, timeout=120) as client:
                    t0 = time.perf_counter()
                    for _ in range(args.workers):  # each worker's index
                        client.post(
                            f"/reconcile/{key}", data={"queries": json.dumps(batch_of(warm))}
                        )
                    print(
                        f"served ({' '.join(cmd[3:])}); /health after {up:.1f} s; warm-up "
                        f"batch {time.perf_counter() - t0:.2f} s"
                    )
                    times, answer = timed(
                        lambda: client.post(f"/reconcile/{key}", data=form), args.rounds
                    )
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                log.close()
            text = log_path.read_text(encoding="utf-8", errors="replace")
            leaked = key in text or key[12:] in text
            lines = [line for line in text.splitlines() if "POST /reconcile/" in line]
            if not lines:
                leaked = None  # no access lines: nothing to say
            else:
                print(f"an access line of the server's log: {lines[-1].strip()[:160]}")

        candidates, certain = summary(answer)
        print(f"candidates: {candidates} ({certain} certain matches)")
        print(
            f"seconds per batch of {len(names)}: min {min(times):.3f}, "
            f"median {statistics.median(times):.3f}, max {max(times):.3f} ({args.rounds} rounds)"
        )
        if leaked is not None:
            print(f"key in the server's log: {'YES (a leak)' if leaked else 'no'}")
        print(f"(python {sys.version.split()[0]}, {os.cpu_count()} cores, seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
