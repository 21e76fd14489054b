"""Wall time of `screening check` on a 100-line purchase order from a cold process.

    .venv/bin/python scripts/bench_check.py [--runs 5]

The order's lines are drawn from the real part numbers of tests/fixtures/orders/po_cameras.csv.
A throwaway SQLite database gets the bundled lists; the first run also builds the match index
and list-membership caches (reported separately), later runs are what a CI job sees.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "tests" / "fixtures" / "orders" / "po_cameras.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "screening")
    lines = list(csv.DictReader(TEMPLATE.open(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ, SCREENING_DATABASE_URL=f"sqlite:///{tmp}/bench.db", SCREENING_STATE_DIR=tmp
        )
        subprocess.run([exe, "refresh", "--offline"], env=env, check=True, capture_output=True)
        order = Path(tmp) / "po.csv"
        with order.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(lines[0]))
            w.writeheader()
            for i in range(100):
                w.writerow(dict(lines[i % len(lines)], Line=str(i + 1)))
        cmd = [
            exe,
            "check",
            str(order),
            "--profile",
            "us-federal",
            "--format",
            "sarif",
            "--output",
            str(Path(tmp) / "out.sarif"),
        ]
        times = []
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            res = subprocess.run(cmd, env=env, capture_output=True)
            times.append(time.perf_counter() - t0)
            assert res.returncode == 1, res.stderr.decode()[-500:]
        print(f"first run (builds the cached index): {times[0]:.2f} s")
        warm = times[1:]
        print(
            f"100-line order, cold process, cached index: median {statistics.median(warm):.2f} s, "
            f"max {max(warm):.2f} s over {len(warm)} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
