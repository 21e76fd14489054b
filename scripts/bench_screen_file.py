"""Batch throughput of `screening screen --file IN --output OUT`, process start included, and the
reference scorer (nomenklatura's logic-v2) on the same candidates, measured in the same run.

    .venv/bin/python scripts/bench_screen_file.py [--names 20000] [--reference-sample 1000]

The names are real listed names from the bundled snapshots, organisations and persons with
their kind (every fifth with one letter dropped or two letters swapped, as typos), mixed with
real camera and electronics makers on no list. A throwaway SQLite database gets the bundled
lists and the caches are built once first (as on a running service); then the timed command is
one fresh process over the whole file. Printed: the start-up (the same command on a one-name
file: process start, imports, index load from its cache), then names/s of the whole command
and its CPU time per name (parent and workers).

The reference line: for a sample of the distinct queries, the candidates this engine scores
(its retrieval's survivors) are written out as pairs and scored with nomenklatura's LogicV2 in
a separate virtual environment, /work/refvenv (created with `pip install nomenklatura` when
missing; skipped with the reason when pip cannot get it). Its rate is names/s of scoring alone
on one core (entities built before timing); the ratio to the whole command is printed.

The first line says whether the matching core runs compiled (scripts/build_native.py, which the
README's install commands run) or as pure Python (`SCREENING_NATIVE=0` measures that).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from screening.sources.bundled import has_bundle, load_bundle
from screening.sources.registry import FIXED_SOURCES

REPO = Path(__file__).resolve().parent.parent
REFVENV = Path("/work/refvenv")
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
REFERENCE_SCRIPT = r"""
import json, sys, time
from followthemoney import model
from nomenklatura.matching import LogicV2, ScoringConfig

pairs = json.load(open(sys.argv[1], encoding="utf-8"))
cfg = ScoringConfig.defaults()
schema = {"person": "Person", "organization": "Company"}
def entity(i, kind, name):
    e = model.make_entity(schema.get(kind, "LegalEntity"))
    e.id = f"e{i}"
    e.add("name", name)
    return e
work = [
    (entity(2 * i, kind, q), [entity(2 * i + 1, ck, c) for c, ck in cands])
    for i, (q, kind, cands) in enumerate(pairs)
]
t0 = time.process_time()
n = 0
for q, cands in work:
    for c in cands:
        LogicV2.compare(q, c, cfg)
        n += 1
print(json.dumps({"seconds": time.process_time() - t0, "pairs": n, "names": len(work)}))
"""


def names(n: int, seed: int = 3) -> list[tuple[str, str]]:
    """(name, kind) rows: real listed names of organisations and persons, some with typos."""
    rng = random.Random(seed)
    pool: list[tuple[str, str]] = []
    for spec in FIXED_SOURCES:
        if spec.parse and spec.record_type == "party" and has_bundle(REPO / "data", spec.id):
            for r in spec.parse(load_bundle(REPO / "data", spec.id).files):
                pool.append((r.name, "person" if r.kind == "person" else "organization"))
    out = []
    for i in range(n):
        name, kind = rng.choice(pool) if i % 10 else (rng.choice(CLEAN), "organization")
        if i % 5 == 0 and len(name) > 6:
            k = rng.randrange(1, len(name) - 2)
            if i % 10 == 0:  # a dropped letter
                name = name[:k] + name[k + 1 :]
            else:  # two letters swapped
                name = name[:k] + name[k + 1] + name[k] + name[k + 2 :]
        out.append((name, kind))
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reference_python() -> tuple[Path | None, str]:
    """The reference venv's python, installing nomenklatura there when missing."""
    python = REFVENV / "bin" / "python"
    check = [str(python), "-c", "import nomenklatura.matching"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(REFVENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "nomenklatura"],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"pip could not install nomenklatura into {REFVENV}: {exc}"
    if subprocess.run(check, capture_output=True).returncode != 0:
        return None, f"nomenklatura does not import in {REFVENV}"
    return python, ""


def _candidates(
    env: dict[str, str], rows: list[tuple[str, str]], sample: int
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For a sample of the distinct queries, the names this engine scores (in-process)."""
    os.environ.update(env)
    from sqlmodel import Session

    from screening.db import engine_for
    from screening.service import names as namescreen
    from screening.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    with Session(engine_for(settings.resolved_database_url())) as session:
        ctx = namescreen.screen_context(session, settings)
    distinct = list(dict.fromkeys(rows))
    random.Random(5).shuffle(distinct)
    out = []
    for name, kind in distinct[:sample]:
        found = ctx.matcher.screen(name, kind=kind, threshold=0.0, limit=100, explain=False)
        out.append((name, kind, [(m.matched_name, m.kind) for m in found]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--names", type=int, default=20_000)
    ap.add_argument("--reference-sample", type=int, default=1000)
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "screening")
    rows = names(args.names)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ, SCREENING_DATABASE_URL=f"sqlite:///{tmp}/bench.db", SCREENING_STATE_DIR=tmp
        )
        subprocess.run([exe, "refresh", "--offline"], env=env, check=True, capture_output=True)
        subprocess.run([exe, "screen", "Hikvision"], env=env, check=True, capture_output=True)
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["name", "kind"])
            w.writerows(rows)
        status = subprocess.run(
            [sys.executable, "-c", "import screening.native as n; print(n.status())"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"matching core: {status.stdout.strip()}", flush=True)
        one = Path(tmp) / "one.csv"
        one.write_text("name\nHikvision\n", encoding="utf-8")
        cpu0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(
            [exe, "screen", "--file", str(one), "--output", str(out)], env=env, check=True
        )
        start, start_cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        print(
            f"start-up (screen --file of one name: process start, imports, index load): "
            f"{start:.2f} s, CPU {start_cpu:.2f} s",
            flush=True,
        )
        cpu0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(
            [exe, "screen", "--file", str(src), "--output", str(out)], env=env, check=True
        )
        took, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        with out.open(encoding="utf-8") as fh:
            result = list(csv.DictReader(fh))
        hits = sum(r["match"] == "true" for r in result)
        rate = len(result) / took
        print(
            f"screen --file: {len(result):,} names ({len(set(rows)):,} distinct) in {took:.2f} s "
            f"including process start: {rate:,.0f} names/s; CPU {cpu:.2f} s, "
            f"{cpu / len(result) * 1e3:.3f} ms per name on {os.cpu_count()} cores "
            f"({hits:,} at or above the threshold)",
            flush=True,
        )
        python, why = _reference_python()
        if python is None:
            print(f"reference (nomenklatura logic-v2): skipped: {why}")
            return 0
        pairs = _candidates(env, rows, args.reference_sample)
        pairs_file = Path(tmp) / "pairs.json"
        pairs_file.write_text(json.dumps(pairs), encoding="utf-8")
        done = subprocess.run(
            [str(python), "-c", REFERENCE_SCRIPT, str(pairs_file)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"reference (nomenklatura logic-v2): skipped: {done.stderr.strip()[-300:]}")
            return 0
        ref = json.loads(done.stdout)
        per_pair = ref["seconds"] / max(ref["pairs"], 1)
        ref_rate = ref["names"] / ref["seconds"] if ref["seconds"] else float("inf")
        print(
            f"reference nomenklatura logic-v2, scoring alone on the same candidates: "
            f"{ref['pairs']:,} pairs of {ref['names']:,} sampled distinct names in "
            f"{ref['seconds']:.2f} s CPU: {per_pair * 1e3:.3f} ms per pair, {ref_rate:,.0f} "
            f"names/s on one core; whole command / reference = {rate / ref_rate:.1f}x; "
            f"CPU per name {cpu / len(result) * 1e3:.3f} ms (whole command) against "
            f"{ref['seconds'] / max(ref['names'], 1) * 1e3:.3f} ms (reference scoring alone): "
            f"{ref['seconds'] / max(ref['names'], 1) / (cpu / len(result)):.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
