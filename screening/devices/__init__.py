"""PURE: who made an installed device. No I/O, no database, no HTTP: plain values in and out.

- reference.py: the curated tables of data/reference/ and `load_reference(files)`
- families.py: `FamilyHit`, the `Resolver` type and the default resolver over the family table
- patterns.py, oui.py: model/firmware patterns; MAC -> IEEE registrant (netaddr's table)
- identify.py: `identify(row, reference, resolve_name, today) -> Identification`
"""

from .facts import DeviceFacts, Evidence, InvalidFact
from .families import FamilyHit, FamilyResolver, Resolver, default_resolver
from .identify import Claim, Identification, identify
from .oui import OuiRegistration, lookup_oui, normalize_mac
from .reference import REFERENCE_FILES, Confidence, FamilyMember, Reference, load_reference

__all__ = [
    "REFERENCE_FILES",
    "Claim",
    "Confidence",
    "DeviceFacts",
    "Evidence",
    "FamilyHit",
    "FamilyMember",
    "FamilyResolver",
    "Identification",
    "InvalidFact",
    "OuiRegistration",
    "Reference",
    "Resolver",
    "default_resolver",
    "identify",
    "load_reference",
    "lookup_oui",
    "normalize_mac",
]
