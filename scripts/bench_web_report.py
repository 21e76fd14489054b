"""Time the web pages of a large stored inventory report (issue 16): the upload through the
page (scored and stored before the answer), the report page, a filtered page, the CSV download.

    .venv/bin/python scripts/bench_web_report.py [--rows N] [--profile P]

Rows come from scripts/bench_inventory.py's generator (the real model, brand and OUI mix of
tests/fixtures/devices/inventory.csv); a throwaway SQLite database with the bundled lists
loaded; in-process (TestClient, authentication off). Prints seconds per step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_inventory import generate  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from screening.api.app import create_app  # noqa: E402
from screening.api.deps import settings_dep  # noqa: E402
from screening.service import Settings, open_screening  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--profile", default="uk-retail")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{root / 'bench.db'}",
            state_dir=root,
            data_dir=REPO / "data",
            auth="off",
            allowed_hosts=["testserver"],
        )  # type: ignore[call-arg]
        with open_screening(settings) as svc:
            svc.load_bundled_if_empty()
        inventory = root / "inventory.csv"
        generate(inventory, args.rows)
        app = create_app(settings)
        app.dependency_overrides[settings_dep] = lambda: settings
        steps: list[tuple[str, float]] = []
        with TestClient(app, follow_redirects=False) as client:
            client.get("/inventories/none")  # warm: the device risk context is built once
            t = time.perf_counter()
            r = client.post(
                "/inventories",
                data={"csrf_token": "local", "profile": args.profile, "kind": "inventory"},
                files={"file": ("inventory.csv", inventory.read_bytes(), "text/csv")},
            )
            steps.append(("upload, score and store", time.perf_counter() - t))
            assert r.status_code == 303, r.text[:300]
            url = r.headers["location"]
            for name, path, params in [
                ("report page (first 200 rows)", url, {}),
                ("report page filtered (tier=high)", url, {"tier": "high"}),
                ("report page 10", url, {"page": "10"}),
                ("CSV download", url + "/download.csv", {}),
            ]:
                t = time.perf_counter()
                got = client.get(path, params=params)
                steps.append((name, time.perf_counter() - t))
                assert got.status_code == 200, (name, got.status_code)
    print(f"{args.rows:,} rows, profile {args.profile}")
    for name, seconds in steps:
        print(f"  {name:<36} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
