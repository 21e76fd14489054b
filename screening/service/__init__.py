"""The service layer: one `Screening` object whose methods are the use cases. Faces (the CLI in
`screening.cli`, the API in `screening.api`) import this package, `screening.schemas` and
`screening.errors`, and nothing else of the project: what else they need (settings, the report
renderers, the profile registry's help text, duration parsing) is re-exported here.

The names are loaded on first use (PEP 562): importing one module of the package (as
`screen --file` imports `service.names`) does not import every use case and what they import
(the HTTP client, the list parsers, the spreadsheet reader, the report renderers)."""

from __future__ import annotations

import gc
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..durations import parse_duration
    from ..reports import GATE_RENDERERS, RENDERERS
    from ..scoring.profiles import profile_help
    from ..settings import Settings, get_settings
    from .checks import CheckRun
    from .core import Screening, open_screening

__all__ = [
    "GATE_RENDERERS",
    "RENDERERS",
    "CheckRun",
    "Screening",
    "Settings",
    "get_settings",
    "open_screening",
    "parse_duration",
    "profile_help",
]

# Where each exported name lives (relative to this package).
_HOMES = {
    "GATE_RENDERERS": "..reports",
    "RENDERERS": "..reports",
    "CheckRun": ".checks",
    "Screening": ".core",
    "Settings": "..settings",
    "get_settings": "..settings",
    "open_screening": ".core",
    "parse_duration": "..durations",
    "profile_help": "..scoring.profiles",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Importing the use cases makes a few hundred thousand objects (classes, models, tables)
    # that live as long as the process: the collector would walk them again and again during
    # the import (a sixth of a command's start-up). It is paused meanwhile, and what was made
    # is frozen out of its generations after (objects freed later are still freed by their
    # reference count).
    collecting = gc.isenabled()
    gc.disable()
    try:
        value = getattr(import_module(home, __name__), name)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    globals()[name] = value
    return value
