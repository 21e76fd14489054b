"""PURE: what to do about one device or order line, chosen from its findings, tier and profile.

Each action is a function of the scored device's `Situation`; it returns the reason it applies
(a sentence naming the facts) or None. Its docstring is the explanation users see
(`explain_action(code)`). `ACTIONS` lists them once, most urgent first: `choose_action` takes
the first that applies, and names the others that apply too in `also`, so a face-recognition
camera on a sensitive site is removed first and its DPIA still reviewed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..devices.facts import DeviceFacts, Evidence
from .rules import UK_STATEMENT, is_sensitive
from .tiers import RANK, Tier

# The rules that say the maker (or the vendor) itself is of concern.
_MAKER_RULES = ("listed-maker", "prc-national-intelligence-law")


@dataclass(frozen=True, slots=True)
class Situation:
    """What an action is chosen from: the tier, the fired rules' evidence, the device's facts,
    the profile and whether it is an installed device (`inventory`) or an order line (`po`)."""

    tier: Tier
    evidence: tuple[Evidence, ...]
    facts: DeviceFacts
    profile: str
    kind: str

    def found(self, rule: str) -> list[Evidence]:
        return [ev for ev in self.evidence if ev.signal == rule]

    @property
    def maker_concern(self) -> bool:
        return any(self.found(rule) for rule in _MAKER_RULES)

    def headline(self) -> str:
        """The maker's concern in a short sentence: the PRC-law finding (with the UK statement's
        date when it is cited), else the first listing."""
        prc = self.found("prc-national-intelligence-law")
        if prc:
            statement = " (UK statement of 2022-11-24)" if prc[0].source == UK_STATEMENT else ""
            return f"{prc[0].value} is subject to the PRC National Intelligence Law{statement}"
        listed = self.found("listed-maker")
        return listed[0].finding if listed else "the maker is of concern"

    @property
    def tier_reason(self) -> Evidence | None:
        return next((ev for ev in reversed(self.evidence) if ev.signal == "tier"), None)

    def maker(self) -> str:
        """The company behind the device, for the reason's sentence: the PRC-law finding's
        (the family's parent), else the first listed company."""
        prc = self.found("prc-national-intelligence-law")
        if prc:
            return prc[0].value
        listed = self.found("listed-maker")
        return listed[0].value.split(" [", 1)[0] if listed else "its maker"


@dataclass(frozen=True, slots=True)
class Action:
    """The recommended action: `code`, the instruction (`text`), why (`reason`), and the codes
    of the other actions that apply too (`also`, most urgent first)."""

    code: str
    text: str
    reason: str
    also: tuple[str, ...] = ()


def do_not_buy(s: Situation) -> str | None:
    """Do not buy this line: the goods come from a maker whose listing makes them prohibited or
    high risk under this profile."""
    if s.kind != "po" or not s.maker_concern or RANK.get(s.tier, 0) < RANK["high"]:
        return None
    return f"{s.tier} under {s.profile}: made by {s.maker()}"


def choose_another_supplier(s: Situation) -> str | None:
    """Buy from another supplier: the vendor on the order line is itself a listed party, and
    paying it is a finding whatever the goods."""
    vendor = s.found("listed-vendor")
    if s.kind != "po" or not vendor:
        return None
    return vendor[0].finding


def remove_now(s: Situation) -> str | None:
    """Remove the device and replace it now: a list this profile treats as prohibiting the
    maker (e.g. NDAA §889 and the FCC Covered List for US federal buyers, UN sanctions)."""
    reason = s.tier_reason
    if s.kind != "inventory" or s.tier != "prohibited" or reason is None:
        return None
    if reason.source == UK_STATEMENT:  # prohibited by the site, not everywhere
        return None
    return reason.finding


def remove_from_sensitive_site(s: Situation) -> str | None:
    """Remove it from the sensitive site now: a listed or PRC-law maker's device on a site the
    inventory marks sensitive (the UK statement of 24 November 2022 asks that such equipment
    not be deployed on sensitive sites)."""
    if s.kind != "inventory" or not s.maker_concern:
        return None
    if not is_sensitive(s.facts.site_sensitivity):
        return None
    site = f"{s.facts.site} " if s.facts.site else ""
    why = f"{s.maker()} equipment on a site {site}marked {s.facts.site_sensitivity!r}"
    if any(ev.source == UK_STATEMENT for ev in s.evidence):
        why += "; the UK statement of 2022-11-24 asks that it not be deployed on sensitive sites"
    return why


def isolate_and_disable_cloud(s: Situation) -> str | None:
    """Isolate it from the internet and switch off the maker's cloud service: the device of a
    listed or PRC-law maker, or one with a known-exploited vulnerability, can be reached from
    the internet or sends data to a cloud service."""
    if s.kind != "inventory" or not (s.maker_concern or s.found("known-exploited")):
        return None
    parts = []
    if s.found("internet-exposed"):
        parts.append("reachable from the internet")
    cloud = s.found("cloud-endpoint")
    if cloud:
        parts.append(cloud[0].finding)
    return "; ".join(parts) if parts else None


def update_firmware(s: Situation) -> str | None:
    """Update the firmware (or replace the device if no fix exists): CISA's catalogue lists a
    vulnerability exploited in the wild in this maker's product line."""
    kev = s.found("known-exploited")
    if s.kind != "inventory" or not kev:
        return None
    return "known-exploited: " + ", ".join(ev.value for ev in kev[:5])


def review_dpia(s: Situation) -> str | None:
    """Review the data protection impact assessment (DPIA) and the Article 9 condition for the
    facial recognition: biometric data used to identify people is special category data under
    UK GDPR (ICO guidance)."""
    if not s.found("biometric-processing"):
        return None
    return "facial recognition is on (special category biometric data)"


def replace_at_refresh(s: Situation) -> str | None:
    """Replace it at the next refresh cycle and buy no more of it: the maker is listed or
    subject to the PRC National Intelligence Law, but nothing about this device needs action
    sooner."""
    if s.kind != "inventory" or not s.maker_concern:
        return None
    return s.headline()


def choose_another_maker(s: Situation) -> str | None:
    """Buy an equivalent from a maker on no list unless there is a recorded reason not to: the
    maker is listed or subject to the PRC National Intelligence Law."""
    if s.kind != "po" or not s.maker_concern:
        return None
    return s.headline()


def verify_maker(s: Situation) -> str | None:
    """Check who really made it: the brand may relabel a listed maker's products, or once
    belonged to one, on evidence too weak to attribute the device."""
    if s.maker_concern:  # attributed: the maker's own actions apply
        return None
    weak = s.found("possible-relabel") or s.found("former-affiliate")
    return weak[0].finding if weak else None


def identify(s: Situation) -> str | None:
    """Add the make, model or MAC address: without them the device cannot be checked."""
    if s.tier != "unknown":
        return None
    return "no make, model or MAC to identify the device"


def no_action(s: Situation) -> str | None:
    """No action: nothing found that needs one."""
    return f"{s.tier} under {s.profile}: no listed maker, no finding that needs action"


ActionFn = Callable[[Situation], "str | None"]
# The one urgency order, most urgent first. The buying actions apply only to order lines and
# the others (but the DPIA, the maker check and identification) only to installed devices.
ACTIONS: Mapping[str, tuple[ActionFn, str]] = {
    "do-not-buy": (do_not_buy, "Do not buy this line"),
    "choose-another-supplier": (choose_another_supplier, "Buy from another supplier"),
    "choose-another-maker": (choose_another_maker, "Buy another maker's equivalent"),
    "remove-now": (remove_now, "Remove and replace it now"),
    "remove-from-sensitive-site": (
        remove_from_sensitive_site,
        "Remove it from the sensitive site now",
    ),
    "isolate-and-disable-cloud": (
        isolate_and_disable_cloud,
        "Isolate it from the internet and disable the maker's cloud service",
    ),
    # Biometric processing without a valid Article 9 condition is unlawful now (binding UK
    # law); a known-exploited flaw is a risk until patched: the DPIA comes first.
    "review-dpia": (review_dpia, "Review the DPIA for facial recognition"),
    "update-firmware": (update_firmware, "Update the firmware for the known-exploited flaw"),
    "replace-at-refresh": (replace_at_refresh, "Replace it at the next refresh cycle"),
    "verify-maker": (verify_maker, "Check who really made it"),
    "identify": (identify, "Add make, model or MAC to identify it"),
    "none": (no_action, "No action needed"),
}
URGENCY: Mapping[str, int] = {code: i for i, code in enumerate(ACTIONS)}


def choose_action(
    tier: Tier, evidence: Sequence[Evidence], facts: DeviceFacts, *, profile: str, kind: str
) -> Action:
    """The most urgent action that applies (`none` always does), and the others in `also`."""
    s = Situation(tier, tuple(evidence), facts, profile, kind)
    applies = [(code, text, why) for code, (fn, text) in ACTIONS.items() if (why := fn(s))]
    code, text, why = applies[0]
    also = tuple(c for c, _, _ in applies[1:] if c != "none")
    return Action(code, text, why, also)


def explain_action(code: str) -> str:
    """The user-facing explanation of an action: its function's docstring."""
    return inspect.getdoc(ACTIONS[code][0]) or code
