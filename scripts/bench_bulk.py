"""Bulk screening throughput and memory: `screening screen --file IN --output OUT` with the
local engine and with Dask on 1 and 2 local workers, on the same input, in one run.

    .venv/bin/python scripts/bench_bulk.py [--names 1000000] [--vendors 20000]
        [--distinct-names 20000] [--engines local,dask-1,dask-2] [--rss-points 100000]

Inputs (CSV, `name,kind`):
- "mix", as vendor files are: a supplier base of `--vendors` distinct names (default 20,000)
  made of real listed names of organisations and persons from the bundled lists (every fifth
  with one letter dropped or two swapped, as typos) and real camera and electronics makers on
  no list (scripts/bench_screen_file.py's generator), from which the rows are drawn with
  repeats, a few suppliers often and most rarely (weights 1/rank^0.8, Zipf-like); the number
  of distinct names is printed beside each figure;
- "distinct": every row a different name as written (the same real names, each with its own
  typo position), so every row is a full screening: the worst case for the engines, run on
  fewer names (`--distinct-names`).

Each figure is one fresh `screening` process (its start, the index load from its cache and,
for Dask, starting the local cluster and shipping it the index, included): names/s over the
whole command, and the peak resident memory (VmHWM) of that driver process alone (the forked
workers and the Dask worker processes are not counted: what must not grow with the input is
the process that reads and writes the files). `--rss-points` adds runs of the local engine on
fewer names, so that the peak memory at 100,000 and at `--names` can be compared.

A throwaway SQLite database gets the bundled lists and the caches are built once first (as on
a running service). The machine may be shared: the figures are what this run measured.

`run(names, engines)` returns the rows as dicts, for scripts/bench_scale.py to print side by
side with the API's figures.
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
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen_file import names as mixed_names

ENGINES = ("local", "dask-1", "dask-2")

# The child: the `screening` command in this process, then its own peak memory written out
# (a file, not stdout: stdout may carry the results). A file, for Dask's spawned workers.
WRAPPER = """
import sys

if __name__ == "__main__":
    from screening.cli import app

    try:
        app(sys.argv[2:], prog_name="screening")
    finally:
        with open("/proc/self/status", encoding="ascii") as fh:
            hwm = [line for line in fh if line.startswith("VmHWM:")]
        with open(sys.argv[1], "w", encoding="ascii") as out:
            out.write(hwm[0].split()[1] if hwm else "0")
"""


class _Workspace:
    """The throwaway database and state folder, made once per process."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-bulk-")
        self.root = Path(self.tmp.name)
        self.env = dict(
            os.environ,
            SCREENING_DATABASE_URL=f"sqlite:///{self.root}/bench.db",
            SCREENING_STATE_DIR=str(self.root / "state"),
        )
        exe = str(Path(sys.executable).parent / "screening")
        subprocess.run([exe, "refresh", "--offline"], env=self.env, check=True, capture_output=True)
        subprocess.run([exe, "screen", "Hikvision"], env=self.env, check=True, capture_output=True)
        self.wrapper = self.root / "screening_hwm.py"
        self.wrapper.write_text(WRAPPER, encoding="utf-8")


_WORKSPACE: _Workspace | None = None


def _workspace() -> _Workspace:
    global _WORKSPACE
    if _WORKSPACE is None:
        _WORKSPACE = _Workspace()
    return _WORKSPACE


def distinct_names(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """`n` rows, each a different name as written: real listed names, each time with a typo
    at another position (or none), in a shuffled order."""
    base = list(dict.fromkeys(mixed_names(20_000, seed)))
    random.Random(seed).shuffle(base)
    seen: set[str] = set()
    k = 0
    while len(seen) < n and k < 60:
        for name, kind in base:
            if k == 0:
                variant = name
            elif k % 2 and k // 2 + 1 < len(name) - 1:  # a dropped letter
                i = k // 2 + 1
                variant = name[:i] + name[i + 1 :]
            elif k // 2 + 1 < len(name) - 2:  # two letters swapped
                i = k // 2
                variant = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
            else:
                continue
            if variant not in seen:
                seen.add(variant)
                yield variant, kind
                if len(seen) >= n:
                    return
        k += 1


VENDORS = 20_000


def vendor_rows(n: int, vendors: int = VENDORS, seed: int = 11) -> Iterator[tuple[str, str]]:
    """`n` rows drawn with repeats from a supplier base of `vendors` distinct names."""
    base = list(dict.fromkeys(mixed_names(vendors * 2, seed)))[:vendors]
    random.Random(seed).shuffle(base)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(base))]
    rng = random.Random(seed + 1)
    for start in range(0, n, 10_000):
        yield from rng.choices(base, weights, k=min(10_000, n - start))


def _write_input(path: Path, n: int, variant: str, vendors: int) -> int:
    """Writes the input file; returns its number of distinct names."""
    rows = vendor_rows(n, vendors) if variant == "mix" else distinct_names(n)
    distinct: set[tuple[str, str]] = set()
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "kind"])
        for row in rows:
            distinct.add(row)
            w.writerow(row)
    return len(distinct)


def _measure(ws: _Workspace, engine: str, src: Path, n: int) -> dict[str, object]:
    out = src.with_suffix(f".{engine}.out.csv")
    hwm = src.with_suffix(f".{engine}.hwm")
    args = ["screen", "--file", str(src), "--output", str(out)]
    if engine.startswith("dask"):
        args += ["--engine", "dask", "--dask-workers", engine.split("-", 1)[1]]
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ws.wrapper), str(hwm), *args],
        env=ws.env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{engine}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in csv.reader(fh)) - 1
    if rows != n:
        raise RuntimeError(f"{engine}: {rows} rows written for {n} names")
    out.unlink()
    return {
        "engine": engine,
        "names": n,
        "seconds": round(took, 2),
        "names_per_s": round(n / took, 1),
        "driver_peak_rss_mb": round(int(hwm.read_text()) / 1024, 1),
    }


def run(
    names: int, engines: list[str], variant: str = "mix", vendors: int = VENDORS
) -> list[dict[str, object]]:
    """One fresh `screen --file` process per engine ("local", "dask-1", "dask-2") on the same
    `names` rows of the `variant` input ("mix" or "distinct"): a dict per engine with names,
    distinct names, seconds, names/s and the driver's peak RSS in MB."""
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise ValueError(f"unknown engine(s) {unknown}; use {ENGINES}")
    ws = _workspace()
    src = ws.root / f"{variant}-{names}.csv"
    distinct = _write_input(src, names, variant, vendors)
    try:
        out = []
        for engine in engines:
            row = _measure(ws, engine, src, names)
            row.update(input=variant, distinct=distinct)
            out.append(row)
        return out
    finally:
        src.unlink(missing_ok=True)


def _print(rows: list[dict[str, object]]) -> None:
    for r in rows:
        print(
            f"{r['engine']:>7} {r['input']:>8} {r['names']:>9,} names ({r['distinct']:,} "
            f"distinct): {r['seconds']:>8.1f} s  {r['names_per_s']:>9,.0f} names/s  "
            f"driver peak RSS {r['driver_peak_rss_mb']:,.0f} MB",
            flush=True,
        )
    by = {r["engine"]: float(r["names_per_s"]) for r in rows}  # type: ignore[arg-type]
    if "dask-1" in by and "dask-2" in by:
        print(f"        scaling dask 2 workers / 1 worker: {by['dask-2'] / by['dask-1']:.2f}x")
    if "local" in by and "dask-2" in by:
        print(f"        dask 2 workers / local engine: {by['dask-2'] / by['local']:.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--vendors", type=int, default=VENDORS, help="distinct names of the mix")
    ap.add_argument("--distinct-names", type=int, default=20_000, help="0: skip that input")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--rss-points", default="100000", help="comma-separated; '' for none")
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    for n in [int(p) for p in args.rss_points.split(",") if p.strip()]:
        if n < args.names:
            _print(run(n, ["local"], vendors=args.vendors))
    _print(run(args.names, engines, vendors=args.vendors))
    if args.distinct_names:
        _print(run(args.distinct_names, engines, "distinct"))
    print(f"load average {os.getloadavg()[0]:.1f} at the end (the machine may be shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
