"""PURE: the national-security risk of an identified device under a buyer's profile.

- tiers.py: tiers, their order and score bands
- inputs.py: `ListHit` (a listed entity of a family) and the KEV index
- rules.py: the features; each docstring is the explanation users see
- profiles.py: `PROFILES` (the one registry), `score_device(...) -> RiskResult`
"""

from .inputs import KevEntry, KevIndex, ListHit, VendorHit, build_kev_index
from .profiles import (
    PROFILE_SOURCES,
    PROFILES,
    Profile,
    RiskResult,
    profile_help,
    score_device,
)
from .rules import FEATURES, explain
from .tiers import TIERS, Tier

__all__ = [
    "FEATURES",
    "PROFILES",
    "PROFILE_SOURCES",
    "TIERS",
    "KevEntry",
    "KevIndex",
    "ListHit",
    "Profile",
    "RiskResult",
    "Tier",
    "VendorHit",
    "build_kev_index",
    "explain",
    "profile_help",
    "score_device",
]
