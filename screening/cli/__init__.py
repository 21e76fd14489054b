"""The `screening` command line: thin over `screening.service`. One module per command group;
each registers its commands on the one `app` here (no module imports another).

Exit codes (stable; CI jobs rely on them):
  0  success
  1  `check`: findings at or above the gate
  2  usage or input error (bad argument, unknown source or entity, unreadable file)
  3  `check`: a list the profile needs has no data, or is too old
  4  a refresh failed for at least one source (its previous snapshot stays active)
Machine output goes to stdout; progress and messages go to stderr.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

import typer

from . import check, devices, jobs, keys, lists, monitor, screen, users, vendors
from ._common import EXIT_DATA, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_REFRESH_FAILED

app = typer.Typer(
    help="Screen vendors, makers and device inventories against public restricted-party lists.",
    no_args_is_help=True,
    add_completion=False,
)
for group in (lists, screen, devices, check, keys, users, vendors, monitor, jobs):
    group.register(app)


def main() -> None:
    """The `screening` console script and `python -m screening`: the app, then a quick exit.

    A command that screened names leaves the name index in memory (hundreds of thousands of
    objects), and the interpreter's own shutdown frees them one by one: about 0.4 s after a
    `screen --file` of 20,000 names has written its last row, an eighth of the command. So the
    end of a normal shutdown is done here (threads that are not daemons joined, the exit
    handlers run: logs flushed, temporary files removed, worker pools stopped; the standard
    streams flushed) and the process then ends without freeing what the OS takes back anyway.
    Every file a command writes is closed by then (they are written in `with` blocks)."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = _status(exc.code)
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python itself would, status 120
            code = code or 120
    os._exit(code)


def _status(code: object) -> int:
    """The exit status `sys.exit(code)` gives: None is 0, a number itself, a message 1 (printed
    on stderr, as Python does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


__all__ = [
    "EXIT_DATA",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_REFRESH_FAILED",
    "app",
    "main",
]
