"""MAC address -> IEEE registrant, from the IEEE MA-L table bundled in netaddr.

Our own table is never used for this: the registrant comes from netaddr's copy of the public IEEE
registry (`netaddr.OUI(...).registration().org`), and the registrant's *name* is then resolved to
a family like any other maker name. Blocks the IEEE sub-assigns (MA-M, MA-S) show up as
"IEEE Registration Authority" in that table: netaddr does not resolve them, so they identify
nothing. A locally administered address (second-lowest bit of the first byte set: randomised or
set by software) and a multicast address carry no maker at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import netaddr  # type: ignore[import-untyped]

from .facts import InvalidFact

TABLE = f"IEEE MA-L registry as bundled in netaddr {netaddr.__version__}"
_SEPARATORS = re.compile(r"[\s:.\-]")
_HEX = re.compile(r"^[0-9A-F]+$")
_IEEE_RA = "IEEE Registration Authority"

Status = Literal["registered", "unregistered", "local", "multicast", "sub-assigned"]


@dataclass(frozen=True, slots=True)
class OuiRegistration:
    """What the first three bytes of a MAC tell: `oui` as "44:19:B6", the registrant `org` and
    its `country` (from the registered address) when `status` is "registered"."""

    oui: str
    status: Status
    org: str | None = None
    country: str | None = None


def normalize_mac(value: str) -> str:
    """A MAC address (or a bare 3-byte OUI) as upper-case colon-separated hex.

    Accepts ":", "-", "." or no separators ("44:19:b6:12:34:56", "4419.B612.3456",
    "4419B6123456"); raises InvalidFact("mac", ...) for anything else."""
    digits = _SEPARATORS.sub("", value.strip()).upper()
    if len(digits) not in (6, 12) or not _HEX.match(digits):
        raise InvalidFact("mac", f"{value!r} is not a MAC address (12 hex digits) or an OUI")
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def lookup_oui(mac: str) -> OuiRegistration:
    """The IEEE registration of a MAC address's OUI (see the module docstring)."""
    normal = normalize_mac(mac)
    oui = normal[:8]
    first = int(oui[:2], 16)
    if first & 0x01:
        return OuiRegistration(oui, "multicast")
    if first & 0x02:
        return OuiRegistration(oui, "local")
    try:
        registration = netaddr.OUI(oui.replace(":", "-")).registration()
    except netaddr.NotRegisteredError:
        return OuiRegistration(oui, "unregistered")
    org = str(registration.org).strip()
    if org == _IEEE_RA:
        return OuiRegistration(oui, "sub-assigned", org)
    address = list(registration.address or [])
    country = str(address[-1]).strip() if address else None
    return OuiRegistration(oui, "registered", org, country or None)
