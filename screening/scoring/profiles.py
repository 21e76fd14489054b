"""Profiles: an algorithm is a weighted table of features (rules.py) plus the tier rules of one
buyer's legal setting. `score_device` applies one to one identified device.

How a device is scored:
1. `unknown` when the row has no make, model or MAC.
2. Every feature with a weight in the profile runs; a rule's points are its weight times its
   strongest finding's strength; the points add up (at most 100).
3. Tier = the more severe of the points' tier (high from 75, medium from 45, low from 1) and the
   profile's floors (a list that forbids the maker -> `prohibited`...). Floors apply to a high
   or a medium-confidence attribution alike (medium is still "on the evidence, made by"; the
   attribution's confidence is in the evidence and counts in the points); a low-confidence link
   never sets a family, so it never meets a floor.
4. Caps: without any link to a maker family the tier is at most `low` (the other rules are
   aggravating factors, not national-security findings by themselves); with only weak links
   (low-confidence relabel rows, a former subsidiary outside its dates) at most `medium`.
5. A purchase-order line whose vendor is a listed party (`listed-vendor`) earns the rule's
   points and at least the profile's `vendor_floor`, after the caps: buying from a listed
   party is a finding whatever the goods, identifiable or not.
6. The score is clamped into the final tier's band (tiers.py).

Profiles:
- `us-federal`: a maker family named by NDAA §889 or the FCC Covered List (both reach
  subsidiaries and affiliates) -> prohibited; OFAC SDN and UN -> prohibited; BIS Entity List,
  MEU list, DoD §1260H, CSL and in-house lists -> at least high; OFAC non-SDN (NS-CMIC is an
  investment ban) -> medium.
- `uk-public-sector`: the UK statement of 24 Nov 2022 (policy `uk-wms-2022-11-24`): kit from
  makers subject to the PRC National Intelligence Law must not be deployed on sensitive sites
  (-> prohibited there); elsewhere medium, high when it reaches the internet or a cloud service
  (the statement keeps it off core networks). UN listings -> prohibited; OFAC SDN -> high;
  other (US) lists -> medium: informative, not UK law.
- `uk-retail`: a listed maker plus biometric processing (live facial recognition: special
  category data under UK GDPR, DPIA needed) -> high; a listed maker alone -> medium. The UK
  statement of 24 Nov 2022 is cited too (a small weight: for a shop it is the UK government's
  guidance, not law), so a UK buyer's headline reason is a UK one; the US lists are context.

Evidence order (binding for the buyer first, then guidance, then context) is relevance.py's;
what to do about a device is actions.py's.
- `default`: the lists alone: OFAC SDN and UN -> prohibited, any other list -> high.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..devices.facts import DeviceFacts, Evidence
from ..devices.identify import Identification
from ..devices.reference import REFERENCE_FILES, Reference
from .inputs import KevIndex, ListHit, VendorHit
from .rules import FEATURES, Context, Finding, is_sensitive, title
from .tiers import Tier, clamp_score, higher, lower, step_down, tier_for_score

# Every profile also needs the reference tables of data/reference/.
PROFILE_REFERENCE_TABLES = REFERENCE_FILES
# Lists whose own terms reach every subsidiary and affiliate of the named company.
_COVERS_AFFILIATES = frozenset({"us_ndaa_889", "us_fcc_covered"})

Floor = tuple[Tier, str, str]  # tier, why, source
ExtraFloors = Callable[[Context, Mapping[str, list[Finding]]], list[Floor]]


@dataclass(frozen=True)
class Profile:
    """One buyer setting, the one place it is defined: rule weights (points at full strength),
    the least tier a list imposes on a device of a listed family, the least tier of a line
    bought from a listed vendor, any extra floors, and the sources it needs (`check` exits 3
    when one has no data or is too old)."""

    id: str
    title: str
    required_sources: tuple[str, ...]
    weights: Mapping[str, int]
    list_tiers: Mapping[str, Tier]
    other_lists: Tier
    vendor_floor: Tier = "high"
    extra_floors: ExtraFloors | None = None

    def list_tier(self, source: str) -> Tier:
        return self.list_tiers.get(source, self.other_lists)


@dataclass(frozen=True, slots=True)
class RiskResult:
    """The risk of one device under one profile. `evidence` is the identification's evidence,
    then each fired rule's findings, then why the tier is what it is (signal "tier")."""

    profile: str
    tier: Tier
    score: int
    evidence: tuple[Evidence, ...]
    rules_fired: tuple[str, ...]


def _uk_public(ctx: Context, found: Mapping[str, list[Finding]]) -> list[Floor]:
    prc = found.get("prc-national-intelligence-law")
    if not prc:
        return []
    source = prc[0].source
    if is_sensitive(ctx.facts.site_sensitivity):
        return [("prohibited", "PRC-law maker on a sensitive site: not to be deployed", source)]
    if found.get("internet-exposed") or found.get("cloud-endpoint"):
        why = "PRC-law maker reaching the internet or a cloud service: keep off core networks"
        return [("high", why, source)]
    return [("medium", "PRC-law maker away from sensitive sites: review, consider removal", source)]


def _uk_retail(ctx: Context, found: Mapping[str, list[Finding]]) -> list[Floor]:
    floors: list[Floor] = []
    if found.get("listed-maker") and found.get("biometric-processing"):
        why = "listed maker processing biometric data (facial recognition): DPIA, review"
        floors.append(("high", why, found["biometric-processing"][0].source))
    prc = found.get("prc-national-intelligence-law")
    if prc and found.get("listed-maker"):
        why = "listed PRC-law maker: the UK government's guidance of 24 Nov 2022 applies"
        floors.append(("medium", why, prc[0].source))
    return floors


# Every rule a profile does not weigh is listed with weight 0: it does not run.
_ALL_RULES = dict.fromkeys(FEATURES, 0)
PROFILES: Mapping[str, Profile] = {
    "us-federal": Profile(
        id="us-federal",
        title="US federal procurement (NDAA §889, FCC Covered List, Entity List, 1260H)",
        required_sources=(
            "us_ndaa_889",
            "us_fcc_covered",
            "us_bis_entity_list",
            "us_dod_1260h",
            "us_ofac_sdn",
            "us_ofac_cons",
        ),
        weights={
            **_ALL_RULES,
            "listed-maker": 60,
            "listed-vendor": 75,
            "possible-relabel": 20,
            "former-affiliate": 10,
            "known-exploited": 15,
            "biometric-processing": 5,
            "cloud-endpoint": 10,
            "internet-exposed": 10,
            "sensitive-site": 10,
        },
        list_tiers={
            "us_ndaa_889": "prohibited",
            "us_fcc_covered": "prohibited",
            "us_ofac_sdn": "prohibited",
            "un_sc": "prohibited",
            "us_ofac_cons": "medium",
        },
        other_lists="high",
    ),
    "uk-public-sector": Profile(
        id="uk-public-sector",
        title="UK public sector (UK statement of 24 Nov 2022 on surveillance equipment)",
        required_sources=("gb_fcdo_sanctions", "un_sc", "us_ofac_sdn"),
        weights={
            **_ALL_RULES,
            "listed-maker": 25,
            "listed-vendor": 75,
            "prc-national-intelligence-law": 30,
            "possible-relabel": 15,
            "former-affiliate": 10,
            "known-exploited": 15,
            "biometric-processing": 10,
            "cloud-endpoint": 15,
            "internet-exposed": 15,
            "sensitive-site": 15,
        },
        list_tiers={"un_sc": "prohibited", "us_ofac_sdn": "high"},
        other_lists="medium",
        extra_floors=_uk_public,
    ),
    "uk-retail": Profile(
        id="uk-retail",
        title="UK retail (listed makers; biometric processing under UK GDPR)",
        required_sources=("gb_fcdo_sanctions", "un_sc", "us_ofac_sdn"),
        weights={
            **_ALL_RULES,
            "listed-maker": 40,
            "listed-vendor": 75,
            "prc-national-intelligence-law": 5,
            "biometric-processing": 30,
            "possible-relabel": 15,
            "former-affiliate": 10,
            "known-exploited": 15,
            "cloud-endpoint": 15,
            "internet-exposed": 15,
            "sensitive-site": 5,
        },
        list_tiers={"un_sc": "prohibited", "us_ofac_sdn": "high"},
        other_lists="medium",
        extra_floors=_uk_retail,
    ),
    "default": Profile(
        id="default",
        title="Lists alone",
        required_sources=("us_ofac_sdn", "un_sc"),
        weights={
            **_ALL_RULES,
            "listed-maker": 70,
            "listed-vendor": 75,
            "possible-relabel": 20,
            "former-affiliate": 10,
        },
        list_tiers={"us_ofac_sdn": "prohibited", "un_sc": "prohibited"},
        other_lists="high",
    ),
}

# Derived from the registry (kept for callers that only need the sources).
PROFILE_SOURCES: Mapping[str, tuple[str, ...]] = {
    p.id: p.required_sources for p in PROFILES.values()
}


def profile_help() -> str:
    """The `--profile` help text, generated from the registry."""
    return "; ".join(f"{p.id}: {p.title}" for p in PROFILES.values())


# How much of the listed-maker weight a listing earns, by the tier the list imposes here.
_LIST_STRENGTH: Mapping[str, float] = {"prohibited": 1.0, "high": 1.0, "medium": 0.5, "low": 0.25}


def _list_floor(profile: Profile, ctx: Context, hit: ListHit) -> Floor:
    tier = profile.list_tier(hit.source)
    why = f"{ctx.ident.family} is listed: {title(hit.source)} -> {tier} under {profile.id}"
    entity = ctx.reference.member(ctx.ident.entity) if ctx.ident.entity else None
    own = {n.casefold() for n in entity.names} if entity else set()
    sibling = hit.relation != "parent" and hit.name.casefold() not in own
    if sibling and hit.source not in _COVERS_AFFILIATES:
        tier = step_down(tier)
        why = (
            f"{ctx.ident.family} is listed through {hit.name} ({hit.relation}): "
            f"{title(hit.source)} -> {tier} under {profile.id} (one step lower: not the maker)"
        )
    return tier, why, hit.source


def score_device(
    ident: Identification,
    facts: DeviceFacts,
    *,
    profile: str | Profile,
    reference: Reference,
    list_hits: Mapping[str, Sequence[ListHit]],
    kev: KevIndex | None = None,
    vendor_hits: Sequence[VendorHit] = (),
) -> RiskResult:
    """Score one identified device under a profile (see the module docstring).

    `list_hits` maps a family id to its listed entities (every source the caller has);
    `kev` is the KEV catalogue index (None: the KEV rule does not run); `vendor_hits` the
    listed parties an order line's vendor matched (inventories have none)."""
    chosen = PROFILES[profile] if isinstance(profile, str) else profile
    if not ident.identifiable and not vendor_hits:
        unknown = Evidence(
            "tier", "unknown", "no make, model or MAC to identify the device", "-", 0
        )
        return RiskResult(chosen.id, "unknown", 0, (*ident.evidence, unknown), ())
    ctx = Context(facts, ident, reference, list_hits, kev, tuple(vendor_hits))
    found: dict[str, list[Finding]] = {}
    points = 0
    evidence = list(ident.evidence)
    for rule, weight in chosen.weights.items():
        if not weight or (not ident.identifiable and rule != "listed-vendor"):
            continue
        findings = FEATURES[rule](ctx)
        if rule == "listed-maker":  # a listing earns what the list means under this profile
            findings = [
                replace(f, strength=f.strength * _LIST_STRENGTH[_list_floor(chosen, ctx, f.hit)[0]])
                for f in findings
                if f.hit is not None
            ]
        findings = sorted((f for f in findings if f.strength > 0), key=lambda f: -f.strength)
        if not findings:
            continue
        found[rule] = findings
        gained = round(weight * findings[0].strength)
        points += gained
        for i, f in enumerate(findings):
            evidence.append(Evidence(rule, f.value, f.finding, f.source, gained if i == 0 else 0))
    points = min(points, 100)

    tier: Tier = tier_for_score(points)
    # The profile's own floors first: where one meets the tier it is the reason given (under
    # the UK profiles the UK statement rather than a US list that imposes the same tier).
    floors = chosen.extra_floors(ctx, found) if chosen.extra_floors else []
    floors += [_list_floor(chosen, ctx, f.hit) for f in found.get("listed-maker", []) if f.hit]
    for floor, _, _ in floors:
        tier = higher(tier, floor)
    fired = ", ".join(found) or "no rule fired"
    reason = next(
        (Evidence("tier", t, why, source, 0) for t, why, source in floors if t == tier),
        Evidence("tier", tier, f"{points} points ({fired})", f"profile {chosen.id}", 0),
    )
    cap: tuple[Tier, str] | None = None
    if not ident.maker_concern:
        cap = ("low", "no link to a maker family: other factors alone stay low")
    elif not ident.family:
        cap = ("medium", "linked to a maker family on weak evidence only: at most medium")
    if cap is not None and lower(tier, cap[0]) != tier:
        tier = cap[0]
        reason = Evidence("tier", cap[0], cap[1], f"profile {chosen.id}", 0)
    vendor = found.get("listed-vendor")
    if vendor and higher(tier, chosen.vendor_floor) != tier:
        tier = chosen.vendor_floor
        why = f"bought from a listed party ({vendor[0].finding}): at least {tier} under {chosen.id}"
        reason = Evidence("tier", tier, why, vendor[0].source, 0)
    return RiskResult(
        profile=chosen.id,
        tier=tier,
        score=clamp_score(points, tier),
        evidence=(*evidence, reason),
        rules_fired=tuple(found),
    )
