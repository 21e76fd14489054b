"""Batch throughput of `screening screen --file IN --output OUT`, process start included.

    .venv/bin/python scripts/bench_screen_file.py [--names 20000]

The names are real listed names from the bundled snapshots (every fifth with one letter
dropped, as a typo) mixed with real camera and electronics makers on no list. A throwaway SQLite
database gets the bundled lists and the match index is built once first (as on a running
service); then the timed command is one fresh process over the whole file.
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

from screening.sources.bundled import has_bundle, load_bundle
from screening.sources.registry import FIXED_SOURCES

REPO = Path(__file__).resolve().parent.parent
CLEAN = [
    "Axis Communications",
    "Bosch Security Systems",
    "Hanwha Vision",
    "Avigilon",
    "Milestone Systems",
    "Genetec",
    "Mobotix",
    "Verkada",
    "Vivotek",
    "Pelco",
]


def names(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    pool: list[str] = []
    for spec in FIXED_SOURCES:
        if spec.parse and spec.record_type == "party" and has_bundle(REPO / "data", spec.id):
            pool += [r.name for r in spec.parse(load_bundle(REPO / "data", spec.id).files)]
    out = []
    for i in range(n):
        name = rng.choice(pool) if i % 10 else rng.choice(CLEAN)
        if i % 5 == 0 and len(name) > 6:
            k = rng.randrange(1, len(name) - 1)
            name = name[:k] + name[k + 1 :]
        out.append(name)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--names", type=int, default=20_000)
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "screening")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ, SCREENING_DATABASE_URL=f"sqlite:///{tmp}/bench.db", SCREENING_STATE_DIR=tmp
        )
        subprocess.run([exe, "refresh", "--offline"], env=env, check=True, capture_output=True)
        subprocess.run([exe, "screen", "Hikvision"], env=env, check=True, capture_output=True)
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["name"])
            w.writerows([n] for n in names(args.names))
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "screen", "--file", str(src), "--output", str(out)], env=env, check=True
        )
        took = time.perf_counter() - t0
        with out.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        hits = sum(r["match"] == "true" for r in rows)
        print(
            f"screen --file: {len(rows):,} names in {took:.1f} s including process start: "
            f"{len(rows) / took:,.0f} names/s ({hits:,} at or above the threshold)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
