"""PURE: the national-security risk of an identified device under a buyer's profile.

- tiers.py: tiers, their order and score bands
- inputs.py: `ListHit` (a listed entity of a family) and the KEV index
- rules.py: the features; each docstring is the explanation users see
- profiles.py: `PROFILES` (the one registry), `score_device(...) -> RiskResult`
- relevance.py: a source's force for the profile's buyer; evidence in order of relevance
- actions.py: `choose_action(...) -> Action`, the actions in their one urgency order
"""

from .actions import ACTIONS, URGENCY, Action, choose_action, explain_action
from .inputs import KevEntry, KevIndex, ListHit, VendorHit, build_kev_index
from .profiles import (
    PROFILE_SOURCES,
    PROFILES,
    Profile,
    RiskResult,
    profile_help,
    score_device,
)
from .relevance import Standing, force_for, order_evidence
from .rules import FEATURES, explain
from .tiers import TIERS, Tier

__all__ = [
    "ACTIONS",
    "FEATURES",
    "PROFILES",
    "PROFILE_SOURCES",
    "TIERS",
    "URGENCY",
    "Action",
    "KevEntry",
    "KevIndex",
    "ListHit",
    "Profile",
    "RiskResult",
    "Standing",
    "Tier",
    "VendorHit",
    "build_kev_index",
    "choose_action",
    "explain",
    "explain_action",
    "force_for",
    "order_evidence",
    "profile_help",
    "score_device",
]
