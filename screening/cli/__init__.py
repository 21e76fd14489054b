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

__all__ = [
    "EXIT_DATA",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_REFRESH_FAILED",
    "app",
]
