"""Durations written the way people write them: `30d`, `12h`, `90m`, `45s`, `1w`."""

from __future__ import annotations

import re
from datetime import timedelta

from .errors import InputError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_duration(text: str, what: str = "duration") -> timedelta:
    m = _RE.match(text.lower())
    if not m or float(m[1]) <= 0:
        raise InputError(
            f"{what} {text!r}: write a positive number and a unit: 45s, 90m, 12h, 30d, 1w"
        )
    return timedelta(**{_UNITS[m[2]]: float(m[1])})
