"""Score a 1,000,000-row inventory through the CLI, streamed (`--format csv --output F`).

    .venv/bin/python scripts/bench_inventory.py [--rows N] [--profile P]

The rows are drawn from the real model, brand and OUI distribution of the reference inventory
(tests/fixtures/devices/inventory.csv: real model numbers and IEEE OUIs); the last three bytes
of each MAC, the asset ids and the site numbers are random. Uses a throwaway SQLite database
with the bundled lists loaded. Prints rows/s, wall time and the scoring process's peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "tests" / "fixtures" / "devices" / "inventory.csv"
COLUMNS = [
    "asset_id",
    "site",
    "make",
    "model",
    "mac",
    "firmware",
    "face_recognition",
    "internet_exposed",
    "cloud",
    "site_sensitivity",
    "installed_on",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    templates = list(csv.DictReader(TEMPLATE.open(encoding="utf-8")))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(rows):
            t = rng.choice(templates)
            mac = t["mac"]
            if mac:
                mac = mac[:9] + ":".join(f"{rng.randrange(256):02X}" for _ in range(3))
            site = f"Store {rng.randrange(1, 800):03d}"
            w.writerow(
                [
                    f"A-{i:07d}",
                    site,
                    t["make"],
                    t["model"],
                    mac,
                    t["firmware"],
                    t["face_recognition"],
                    t["internet_exposed"],
                    t["cloud"],
                    t["site_sensitivity"],
                    t["installed_on"],
                ]
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--profile", default="us-federal")
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "screening")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ, SCREENING_DATABASE_URL=f"sqlite:///{tmp}/bench.db", SCREENING_STATE_DIR=tmp
        )
        subprocess.run([exe, "refresh", "--offline"], env=env, check=True, capture_output=True)
        src, out = Path(tmp) / "inventory.csv", Path(tmp) / "report.csv"
        t0 = time.perf_counter()
        generate(src, args.rows)
        gen = time.perf_counter() - t0
        # Warm the match index and list memberships once, as a deployed service has them.
        subprocess.run(
            [exe, "inventory", "score", str(TEMPLATE), "--profile", args.profile],
            env=env,
            check=True,
            capture_output=True,
        )
        # Measured through a fresh intermediate process, so its children's peak RSS is the
        # scoring process's alone (not the earlier refresh's).
        cmd = [
            exe,
            "inventory",
            "score",
            str(src),
            "--profile",
            args.profile,
            "--format",
            "csv",
            "--output",
            str(out),
        ]
        probe = (
            "import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], check=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        res = subprocess.run(
            [sys.executable, "-c", probe, *cmd], env=env, check=True, capture_output=True, text=True
        )
        took_text, peak_kib = res.stdout.split()
        took, peak = float(took_text), int(peak_kib) / 1024
        with out.open(encoding="utf-8") as fh:
            written = sum(1 for _ in fh) - 1
        size = src.stat().st_size / 2**20
        print(f"generated {args.rows:,} rows ({size:.0f} MiB) in {gen:.1f} s")
        print(
            f"scored {written:,} rows in {took:.1f} s through the CLI: "
            f"{written / took:,.0f} rows/s; peak RSS of the scoring process {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
