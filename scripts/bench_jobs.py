"""Asynchronous screening jobs (`POST /v1/jobs/screen`) against the synchronous screening of the
same file, in one run on this machine.

    .venv/bin/python scripts/bench_jobs.py [--names 20000]

A throwaway SQLite database gets the bundled lists and the name index is built first (as on a
running service). The file is real published names: OFAC's alias file (tests/fixtures/eval,
see its PROVENANCE.md), as many rows as asked (repeated when more are asked than it has).
Printed: the submission's answer time (upload stored in the database), the job worker's time
and names/s (the engine the job worker uses: SCREENING_JOB_ENGINE, local by default), the
download's time, the stored sizes, and the synchronous `screen_names` of the same file in the
same process for comparison (run second: it finds the process's caches warm); the two
results are compared byte for byte (a difference is printed: the job screens a file of over
2,000 rows with forked workers, the comparison in this process with one).
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from screening.api.app import create_app
from screening.api.deps import settings_dep
from screening.service import Screening, catalog, open_screening
from screening.service import names as namescreen
from screening.settings import Settings

REPO = Path(__file__).resolve().parent.parent
ALT = REPO / "tests" / "fixtures" / "eval" / "ofac_alt_2025-12.csv"


def names_file(n: int) -> bytes:
    with ALT.open(encoding="utf-8", newline="") as f:
        real = [(r[3], r[0]) for r in csv.reader(f) if len(r) > 3 and r[3].strip()]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["name", "ref"])
    for i in range(n):
        writer.writerow(real[i % len(real)])
    return buf.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/screening.db",
            state_dir=Path(tmp),
            auth="off",
            allowed_hosts=["testserver"],
        )
        t = time.perf_counter()
        with open_screening(settings) as svc:
            catalog.load_bundled_if_empty(svc.session, settings)
            namescreen.get_matcher(svc.session, settings)
        print(f"bundled lists loaded and index built: {time.perf_counter() - t:.1f} s")
        data = names_file(args.names)
        app = create_app(settings)
        app.dependency_overrides[settings_dep] = lambda: settings
        with TestClient(app) as client:
            t = time.perf_counter()
            r = client.post("/v1/jobs/screen", files={"file": ("names.csv", data)})
            submit = time.perf_counter() - t
            assert r.status_code == 202, r.text
            job_id = r.json()["id"]
            t = time.perf_counter()
            with open_screening(settings) as svc:
                ran = svc.run_screen_jobs()
            work = time.perf_counter() - t
            assert ran == 1
            info = client.get(f"/v1/jobs/{job_id}").json()
            assert info["status"] == "done", info
            t = time.perf_counter()
            result = client.get(f"/v1/jobs/{job_id}/result").content
            download = time.perf_counter() - t
        t = time.perf_counter()
        with open_screening(settings) as svc:
            table = svc.read_names(data, "names.csv", as_csv=True)
            sync = "".join(Screening.names_csv(table, svc.screen_names(table))).encode()
        direct = time.perf_counter() - t
    n = args.names
    print(f"names: {n:,} ({len(data):,} bytes of CSV)")
    print(f"submit (upload stored): {submit * 1000:.0f} ms; stored {info['input_bytes']:,} bytes")
    print(
        f"job worker ({settings.job_engine} engine): {work:.2f} s, {n / work:,.0f} names/s; "
        f"the job says {info['seconds']:.2f} s"
    )
    print(
        f"result download: {download * 1000:.0f} ms, {len(result):,} bytes "
        f"(stored {info['result_bytes']:,})"
    )
    print(f"synchronous screen_names, same process: {direct:.2f} s, {n / direct:,.0f} names/s")
    print(f"job result identical to the synchronous screening: {result == sync}")
    if result != sync:
        got, want = result.decode().splitlines(), sync.decode().splitlines()
        diff = [(i, a, b) for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b]
        print(f"  {len(got)} vs {len(want)} lines; {len(diff)} differ; first: {diff[:3]}")


if __name__ == "__main__":
    main()
