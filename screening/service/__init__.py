"""The service layer: one `Screening` object whose methods are the use cases. Faces (the CLI in
`screening.cli`, the API in `screening.api`) import this package, `screening.schemas` and
`screening.errors`, and nothing else of the project: what else they need (settings, the report
renderers, the profile registry's help text, duration parsing) is re-exported here."""

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
