#!/usr/bin/env python3
"""The README's pictures of the web application, taken by its end-to-end tests.

Runs tests/web_e2e/test_web_narrative.py on SQLite with every bundled list loaded (a real
server driven by Debian's Chromium; every page is saved in test-artifacts/screenshots/), then
copies two of those screenshots into docs/img/ for the README:

    .venv/bin/python scripts/screenshots.py      # exit 0 when the tests passed and both copied
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
FOR_README = {"vendor-family.png": "web-vendor.png", "inventory.png": "web-inventory.png"}


def main() -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/web_e2e/test_web_narrative.py",
            "-k",
            "sqlite",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        # Every bundled list, as a real installation has (the suite's run loads three).
        env=dict(os.environ, SCREENING_E2E_ALL_LISTS="1"),
    )
    if done.returncode != 0:
        print("the end-to-end tests failed: docs/img/ left as it was", file=sys.stderr)
        return done.returncode
    for shot, name in FOR_README.items():
        shutil.copyfile(SHOTS / shot, ROOT / "docs" / "img" / name)
        print(f"docs/img/{name} <- test-artifacts/screenshots/{shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
