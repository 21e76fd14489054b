"""Transition shim: the rule ids moved to `screening.gate.rules`. Only `screening/waivers.py`
still imports this path; remove it once waivers.py imports `from .gate.rules import RULE_IDS`."""

from ..gate.rules import LISTED_VENDOR, RISK_TIER, RULE_IDS, rule_summary, rule_text

__all__ = ["LISTED_VENDOR", "RISK_TIER", "RULE_IDS", "rule_summary", "rule_text"]
