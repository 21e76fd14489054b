"""`screening` and `python -m screening` end with a quick exit (`screening.cli.main`): the
interpreter's teardown of the loaded index is skipped, and nothing else a normal exit does is:
every row written, exit statuses kept, exit handlers run, threads that are not daemons joined,
buffered output flushed."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from screening.cli import _status
from screening.settings import Settings
from tests.conftest import Database

NAMES = [
    ("Hikvision", "organization"),
    ("Hangzhou Hikvision Digital Technology Co., Ltd.", "organization"),
    ("Axis Communications", "organization"),
    ("Zhejiang Dahua Technology", "organization"),
    ("Bosch Security Systems", "organization"),
]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("loaded", ["sqlite"], indirect=True)
def test_a_file_screened_through_the_console_entry_has_every_row(
    loaded: tuple[Database, Settings], tmp_path: Path
) -> None:
    db, settings = loaded
    env = {
        **os.environ,
        "SCREENING_DATABASE_URL": db.url,
        "SCREENING_STATE_DIR": str(settings.state_dir),
    }
    # Over 2,000 rows: screened by forked workers, which must be stopped before the exit.
    rows = [
        (f"{name} {i % 7}" if i % 3 else name, kind)
        for i in range(2500)
        for name, kind in [NAMES[i % len(NAMES)]]
    ]
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("name", "kind"), *rows])
    out = tmp_path / "out.csv"
    done = _run(["screen", "--file", str(source), "--output", str(out)], env)
    assert done.returncode == 0, done.stderr[-800:]
    with out.open(encoding="utf-8", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [(r["name"], r["kind"]) for r in written] == rows
    hikvision = [r for r in written if r["name"] == "Hikvision"]
    assert hikvision and all(r["match"] == "true" for r in hikvision)
    assert all(r["match"] == "false" for r in written if r["name"] == "Axis Communications")
    # The same rows through standard output (a pipe): flushed before the process ends.
    piped = _run(["screen", "--file", str(source)], env)
    assert piped.returncode == 0, piped.stderr[-800:]
    assert piped.stdout == out.read_text(encoding="utf-8")


def test_exit_statuses_handlers_threads_and_buffers_survive_the_quick_exit(tmp_path: Path) -> None:
    marker = tmp_path / "thread.txt"
    program = (
        "import atexit, sys, threading, time\n"
        "from pathlib import Path\n"
        "import screening.cli as cli\n"
        "def late():\n"
        "    time.sleep(0.3)\n"
        f"    Path({str(marker)!r}).write_text('joined')\n"
        "threading.Thread(target=late).start()\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "sys.argv = ['screening'] + sys.argv[1:]\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert "Usage" in done.stdout and done.stdout.rstrip().endswith("exit handler ran")
    assert marker.read_text() == "joined"
    bad = subprocess.run(
        [sys.executable, "-c", program, "screen", "--no-such-option"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "No such option" in bad.stderr


def test_the_status_of_sys_exit(capsys: pytest.CaptureFixture[str]) -> None:
    assert _status(None) == 0
    assert _status(0) == 0
    assert _status(3) == 3
    assert _status("went wrong") == 1
    assert capsys.readouterr().err == "went wrong\n"
