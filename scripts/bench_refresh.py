"""Time and peak memory to load every bundled snapshot into a fresh database.

    .venv/bin/python scripts/bench_refresh.py [--database-url URL]

Default: a new SQLite file in a temporary directory. Prints one line per source and a total.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from screening.db import make_engine, migrate
from screening.service import catalog
from screening.settings import Settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, state_dir=Path(tmp))
        engine = make_engine(url)
        migrate(engine)
        start = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            catalog.sync_registry(session)
            for spec in catalog.resolve_specs(None):
                t0 = time.perf_counter()
                out = catalog.refresh(session, settings, [spec.id], offline=True)[0]
                took = time.perf_counter() - t0
                print(f"{spec.id:<22} {out.result:<9} {out.entity_count:>7} entries  {took:6.2f} s")
        total = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        backend = url.split(":", 1)[0]
        print(
            f"total: {total:.2f} s to load every bundled snapshot into {backend}; "
            f"peak RSS {peak_mib:.0f} MiB (python {sys.version.split()[0]})"
        )
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
