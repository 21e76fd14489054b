"""The words a recognised column accepts, and the warning a row gets when its value is none of
them. One vocabulary, read by the row builder (rows.py) and the column documentation
(columns.py), so what is documented is what is read.

Context columns (facial recognition, internet exposure, cloud, site sensitivity) do not decide
who made a device, so an unrecognised value there does not make the row unreadable: the device is
scored without that fact (or, for the cloud, with the value read as a service that is on) and the
row carries a warning naming the column and quoting the value. Site-sensitivity words are the
scoring rules' own (`screening.scoring.rules.is_sensitive`), imported, never copied.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from functools import lru_cache
from pathlib import Path

from ..scoring.rules import ORDINARY_WORDS, SENSITIVE_WORDS, is_sensitive
from .limits import excerpt

YES = ("yes", "y", "true", "1", "on", "enabled")
NO = ("no", "n", "false", "0", "off", "disabled")
UNKNOWN = ("", "n/a", "na", "-", "unknown", "?")
# Internet exposure in the words inventories use, besides yes/no and an IP address.
EXPOSED = ("exposed", "internet", "internet-facing", "public", "external", "wan", "port-forwarded")
NOT_EXPOSED = ("internal", "lan", "lan-only", "private", "intranet", "isolated", "air-gapped")
SENSITIVE = tuple(sorted(SENSITIVE_WORDS))
ORDINARY = tuple(sorted(ORDINARY_WORDS))

_YES, _NO, _UNKNOWN = frozenset(YES), frozenset(NO), frozenset(UNKNOWN)
_EXPOSED, _NOT_EXPOSED = frozenset(EXPOSED), frozenset(NOT_EXPOSED)
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:/.*)?$")
_TOKENS = re.compile(r"[\s,;]+")
_WRAP = "()[]{}<>'\""
_CLOUD_TABLE = Path(__file__).resolve().parents[2] / "data" / "reference" / "cloud_endpoints.csv"


def word(text: str) -> str:
    """A cell as compared with the vocabulary: trimmed, case-folded, inner spaces as hyphens
    ("LAN only" = "lan-only", "Official Sensitive" = "official-sensitive")."""
    return "-".join(text.casefold().split())


def yes_no(text: str) -> bool | str | None:
    """True/False, None for an explicit unknown ("n/a", "?"), or the text itself when it is not
    a yes/no word (the caller warns)."""
    w = word(text)
    if w in _YES:
        return True
    if w in _NO:
        return False
    if w in _UNKNOWN:
        return None
    return text


def exposure(text: str) -> bool | str | None:
    """Yes/no, an exposure word (`EXPOSED` / `NOT_EXPOSED`), or an IP address (a globally
    routable one means exposed); otherwise the text itself (the caller warns)."""
    read = yes_no(text)
    if not isinstance(read, str):
        return read
    w = word(text)
    if w in _EXPOSED:
        return True
    if w in _NOT_EXPOSED:
        return False
    try:
        return ipaddress.ip_address(text.strip()).is_global
    except ValueError:
        return text


@lru_cache(maxsize=1)
def cloud_apps() -> tuple[str, ...]:
    """The app names of the bundled cloud table (data/reference/cloud_endpoints.csv, column
    `apps`), as written there: "Hik-Connect", "DMSS", "EZVIZ"... Empty if the table is absent."""
    try:
        text = _CLOUD_TABLE.read_text(encoding="utf-8-sig")
    except OSError:
        return ()
    rows = csv.DictReader(io.StringIO(text, newline=""))
    names = (a.strip() for row in rows for a in (row.get("apps") or "").split(";"))
    return tuple(dict.fromkeys(n for n in names if n))


@lru_cache(maxsize=1)
def _app_keys() -> frozenset[str]:
    return frozenset(a.casefold() for a in cloud_apps())


@lru_cache(maxsize=4096)  # inventories repeat the same few values on every row
def cloud_recognised(text: str) -> bool:
    """Whether a cloud cell names something: a host name or URL ("hik-connect.com",
    "https://www.ezviz.com/"), or a maker's app of the cloud table ("Hik-Connect", "DMSS"), in
    any of its words. Words are split as the scoring rule splits them (spaces, commas, ";")."""
    apps = _app_keys()
    for token in _TOKENS.split(text.casefold()):
        token = token.strip(_WRAP)
        if token in apps or _HOST.match(token):
            return True
    return False


def _unrecognised(column: str, header: str, value: str, expected: str, read_as: str) -> str:
    named = column if word(header).replace("-", "_") == column else f"{column} ({header!r})"
    return (
        f"{named}: unrecognised value {excerpt(value, 60)} (expected {expected}); read as {read_as}"
    )


YES_NO_HINT = "yes/no, y/n, true/false, 1/0, on/off, enabled/disabled, or n/a/unknown"


def warn_yes_no(column: str, header: str, value: str) -> str:
    return _unrecognised(column, header, value, YES_NO_HINT, "not given")


def warn_exposure(column: str, header: str, value: str) -> str:
    expected = f"yes/no, an IP address, or one of: {', '.join(EXPOSED)} / {', '.join(NOT_EXPOSED)}"
    return _unrecognised(column, header, value, expected, "not given")


def warn_cloud(column: str, header: str, value: str) -> str:
    apps = ", ".join(cloud_apps()) or "none known"
    expected = f"yes/no, a host name such as hik-connect.com, or an app: {apps}"
    return _unrecognised(
        column, header, value, expected, "a cloud service that is on, of no listed maker"
    )


@lru_cache(maxsize=4096)
def sensitivity_known(value: str) -> bool:
    """Whether the scoring rules read the word (sensitive or ordinary) or it says "not known"."""
    return word(value) in _UNKNOWN or is_sensitive(value) is not None


def sensitivity_warning(column: str, header: str, value: str) -> str | None:
    """The warning for a site-sensitivity word the scoring rules do not know, else None."""
    if sensitivity_known(value):
        return None
    expected = f"one of: {', '.join(SENSITIVE)} (sensitive) / {', '.join(ORDINARY)} (ordinary)"
    return _unrecognised(column, header, value, expected, "not given (neither sensitive nor not)")
