"""The rule ids a `screening check` finding can carry, with the explanation users see.

The scoring features (`scoring/rules.py`) explain themselves through their docstrings; two rules
exist only at the gate: `listed-vendor` (a purchase-order item whose vendor matches a listed
party: the device service adds it to `rules_fired`) and `risk-tier` (the safety net for an item
whose tier reaches `--fail-on` with no rule to name, so a gate never passes such an item
silently).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..scoring.rules import FEATURES, explain

LISTED_VENDOR = "listed-vendor"
RISK_TIER = "risk-tier"
_GATE_RULES: Mapping[str, str] = {
    LISTED_VENDOR: (
        "The vendor or distributor named on the order matches a party on a screened list "
        "(the item's vendor_matches, with the match score): buying from a listed party is a "
        "finding in itself, whatever the goods."
    ),
    RISK_TIER: (
        "The item's risk tier is at or above the gate's threshold but no named rule explains "
        "it; review the item's evidence."
    ),
}
# Order: the features as scoring runs them, then the gate's own rules (each id once: a gate
# rule that scoring also runs as a feature is explained by the feature).
RULE_IDS: tuple[str, ...] = tuple(dict.fromkeys((*FEATURES, *_GATE_RULES)))


def rule_text(rule: str) -> str:
    """The full explanation of a rule on one line (a generic sentence for a rule this version
    lacks)."""
    if rule in FEATURES:
        return " ".join(explain(rule).split())
    if rule in _GATE_RULES:
        return _GATE_RULES[rule]
    return f"Rule {rule} fired; see the item's evidence."


def rule_summary(rule: str) -> str:
    """The explanation's first sentence, for short descriptions."""
    text = " ".join(rule_text(rule).split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
