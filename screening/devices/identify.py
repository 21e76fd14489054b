"""Who really made an installed device: every signal a row has, combined with its evidence.

Signals, each turned into a *claim* about a families.csv row:
- `declared_make`, through the injected resolver (name -> FamilyHit) and the family table, so
  "HiLook", "EZVIZ", "LTS", "Hikivision" reach their family;
- `model`, against the model-number patterns ("DS-2CD..." -> Hikvision, "IPC-HDW..." -> Dahua);
- `firmware`, against the firmware-version formats ("V5.5.101 build 200408" -> Hikvision);
- `mac_oui`, through netaddr's bundled IEEE table to the registrant, whose name then resolves
  like a make (the family table's exact names first, then the resolver).

A claim is one of: `maker` (high or medium confidence, the relation in force), `weak` (a `low`
row or a generic pattern: it never names the maker alone), `former` (a relation outside its
dates) or `component` (the family made a part, e.g. a HiSilicon chip).

Dates: a relation with dates (Lorex was Dahua's from 2018-02 to 2022-11-24; IndigoVision
relabelled Dahua until 2021-04) counts only if the device's `installed_on` falls inside them.
Without an install date the device is judged on `today`: an undated Lorex camera is assumed to be
current stock, not Dahua's. The date used is recorded in `judged_on` and in the evidence.

Combining: the family is the one with the strongest `maker` claim (confidence, then how many
independent rows support it, then the signal: MAC > model > firmware > declared make). Two
medium claims from different signals resting on different rows make it high. Maker claims for
two families conflict: the winner's confidence drops a step (and to no family if that leaves it
low). `relabel_suspected` is set when the attribution runs through an OEM relabel row (even a
`low` one), when maker claims conflict, or when hardware signals name a family the declared make
does not (make "Generic", "Acme" or "Annke" on a Hikvision OUI or a DS-2CD model).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .facts import DeviceFacts, Evidence
from .families import FamilyHit, Resolver, member_for_hit, names_parent, row_cap, weaker
from .oui import TABLE as OUI_TABLE
from .oui import OuiRegistration, lookup_oui
from .patterns import match_patterns
from .reference import (
    CONFIDENCE_RANK,
    FAMILIES_FILE,
    PATTERNS_FILE,
    TABLE_DIR,
    Confidence,
    FamilyMember,
    Reference,
)

ClaimKind = Literal["maker", "weak", "former", "component"]
CONFIDENCE_WEIGHT: dict[str, int] = {"high": 40, "medium": 25, "low": 10}
_PRIORITY = {"mac_oui": 4, "model": 3, "firmware": 2, "declared_make": 1}
_LABEL = {
    "declared_make": "Declared make",
    "model": "Model number",
    "firmware": "Firmware version",
    "mac_oui": "MAC registrant",
}
_FAMILIES = f"{TABLE_DIR}/{FAMILIES_FILE}"
_PATTERNS = f"{TABLE_DIR}/{PATTERNS_FILE}"
# A conflict lowers the winner one step; below medium no family is named.
_STEP_DOWN: dict[str, Confidence | None] = {"high": "medium", "medium": None, "low": None}


@dataclass(frozen=True, slots=True)
class Claim:
    """What one signal says about the maker (see the module docstring for `kind`)."""

    signal: str
    value: str
    family: str | None
    entity: str
    relation: str
    confidence: Confidence
    kind: ClaimKind
    relabel: bool
    source: str


@dataclass(frozen=True, slots=True)
class Identification:
    """The maker attribution of one device.

    `family`/`family_confidence`: the family that made it and how sure we are (None when no
    high/medium claim survives); `entity`/`relation`: the families.csv row the attribution runs
    through (e.g. "LTS", "oem_relabel"); `weak_families`: families only weak signals point to;
    `former_families`: families related through a relation outside its dates;
    `component_families`: families that made a part only; `identifiable`: the row has a make,
    model or MAC (else its tier is `unknown`); `judged_on`: the date relations were judged on."""

    family: str | None
    family_confidence: Confidence | None
    entity: str | None
    relation: str | None
    relabel_suspected: bool
    identifiable: bool
    judged_on: date
    weak_families: tuple[str, ...]
    former_families: tuple[str, ...]
    component_families: tuple[str, ...]
    oui: OuiRegistration | None
    claims: tuple[Claim, ...]
    evidence: tuple[Evidence, ...]

    @property
    def maker_concern(self) -> bool:
        """Whether anything links the device to a family (even weakly)."""
        return bool(
            self.family or self.relabel_suspected or self.weak_families or self.former_families
        )


def _text(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _kind(member: FamilyMember, confidence: Confidence, judged_on: date) -> ClaimKind:
    if member.attribution == "component":
        return "component"
    if not member.in_force(judged_on):
        return "former"
    if confidence == "low" or member.family is None:
        return "weak"
    return "maker"


def _finding(claim: Claim, member: FamilyMember, how: str, judged: str) -> str:
    label = _LABEL[claim.signal]
    family = member.family or "no named family"
    row = f"{member.name} ({member.relation.replace('_', ' ')} of {family})"
    if claim.kind == "component":
        return (
            f"{label} {claim.value!r} {how} {row}: {member.name} supplies components, so this "
            f"is a component risk, not the device's maker"
        )
    if claim.kind == "former":
        span = f"{member.start or 'its start'} to {member.end or 'now'}"
        return (
            f"{label} {claim.value!r} {how} {row}; that relation ran from {span} and the device "
            f"is judged on {judged}, outside it, so it is not attributed to {family}"
        )
    if claim.kind == "weak":
        return (
            f"{label} {claim.value!r} {how} {row}, a weak ({claim.confidence}) signal that "
            f"cannot name the maker on its own" + (f" ({member.note})" if member.note else "")
        )
    relabel = "; the brand is an OEM relabel" if claim.relabel else ""
    return f"{label} {claim.value!r} {how} {row}, {claim.confidence} confidence{relabel}"


class _Collector:
    def __init__(self, reference: Reference, judged_on: date, judged: str) -> None:
        self.reference = reference
        self.judged_on = judged_on
        self.judged = judged
        self.claims: list[Claim] = []
        self.evidence: list[Evidence] = []

    def note(self, signal: str, value: str, finding: str, source: str) -> None:
        self.evidence.append(Evidence(signal, value, finding, source, 0))

    def claim(
        self,
        signal: str,
        value: str,
        member: FamilyMember,
        confidence: Confidence,
        how: str,
        source: str,
        named: str | None = None,
    ) -> None:
        """`named`: the name the claim rests on (a declared make, a MAC registrant), which may
        corroborate a `low` row by naming the family's parent itself."""
        cap = row_cap(self.reference, member, named) if named else member.confidence
        confidence = weaker(confidence, cap)
        kind = _kind(member, confidence, self.judged_on)
        claim = Claim(
            signal=signal,
            value=value,
            family=member.family,
            entity=member.name,
            relation=member.relation,
            confidence=confidence,
            kind=kind,
            relabel=member.attribution == "relabel",
            source=source,
        )
        weight = CONFIDENCE_WEIGHT[confidence] if kind in ("maker", "weak") else 0
        self.claims.append(claim)
        finding = _finding(claim, member, how, self.judged)
        parent = names_parent(self.reference, member, named) if named else None
        if member.confidence == "low" and parent and kind == "maker":
            finding += (
                f"; the row is unverified ({member.note or member.source}), but the name "
                f"{named!r} itself names {parent}, which corroborates it"
            )
        self.evidence.append(Evidence(signal, value, finding, source, weight))

    def hit(
        self,
        signal: str,
        value: str,
        hit: FamilyHit,
        source_prefix: str = "",
        named: str | None = None,
    ) -> bool:
        member = member_for_hit(self.reference, hit)
        if member is None:
            self.note(signal, value, f"resolver: {hit.explanation} (no table row)", "resolver")
            return False
        how = f"resolves to {hit.matched_alias!r} (score {hit.score:.2f}) ="
        named = named or value
        self.claim(signal, value, member, hit.confidence, how, source_prefix + member.cite, named)
        return True


def _mac(c: _Collector, mac: str, resolve_name: Resolver) -> OuiRegistration:
    reg = lookup_oui(mac)
    if reg.status != "registered" or not reg.org:
        why = {
            "local": "is locally administered (randomised or set by software): no maker",
            "multicast": "is a multicast address: no maker",
            "unregistered": "has an OUI with no IEEE registration",
            "sub-assigned": "is in a block the IEEE sub-assigns (MA-M/MA-S), not resolved here",
        }[reg.status]
        # Worded by OUI, not the full address: the finding is the same for every MAC of a block.
        c.note("mac_oui", reg.oui, f"MAC with OUI {reg.oui} {why}", OUI_TABLE)
        return reg
    prefix = f"{OUI_TABLE}: {reg.oui} registered to {reg.org!r}; "
    rows = c.reference.lookup(reg.org)
    if rows:
        member = min(rows, key=lambda m: -CONFIDENCE_RANK[m.confidence])
        how = f"(OUI {reg.oui}) is registered to {reg.org!r} ="
        c.claim("mac_oui", reg.oui, member, "high", how, prefix + member.cite, reg.org)
        return reg
    hit = resolve_name(reg.org)
    if hit is None or not c.hit("mac_oui", reg.oui, hit, prefix, reg.org):
        finding = f"OUI {reg.oui} is registered to {reg.org!r}, not a maker in the family table"
        c.note("mac_oui", reg.oui, finding, OUI_TABLE)
    return reg


def _combine(claims: list[Claim]) -> tuple[str | None, Confidence | None, Claim | None, str]:
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.kind == "maker" and claim.family:
            groups.setdefault(claim.family, []).append(claim)
    if not groups:
        return None, None, None, ""

    def strength(family: str) -> tuple[int, int, int]:
        group = groups[family]
        return (
            max(CONFIDENCE_RANK[c.confidence] for c in group),
            len({c.entity for c in group}),
            max(_PRIORITY[c.signal] for c in group),
        )

    ranked = sorted(groups, key=strength, reverse=True)
    family = ranked[0]
    group = groups[family]
    top = max(group, key=lambda c: (CONFIDENCE_RANK[c.confidence], _PRIORITY[c.signal]))
    confidence: Confidence | None = top.confidence
    note = ""
    independent = len({c.entity for c in group}) > 1 and len({c.signal for c in group}) > 1
    if confidence == "medium" and independent:
        confidence = "high"
        note = "two independent signals agree on " + family
    if len(ranked) > 1:
        confidence = _STEP_DOWN[confidence or "low"]
        others = ", ".join(ranked[1:])
        note = f"signals conflict ({family} against {others}): confidence lowered one step"
    if confidence is None:
        return None, None, None, note + "; no family named"
    return family, confidence, top, note


def identify(
    row: DeviceFacts, reference: Reference, resolve_name: Resolver, today: date
) -> Identification:
    """Combine every signal of one device into a maker attribution (see the module docstring).

    Raises InvalidFact("mac", ...) for a MAC address that is not one."""
    judged_on = row.installed_on or today
    judged = f"{judged_on} ({'install date' if row.installed_on else 'today: no install date'})"
    c = _Collector(reference, judged_on, judged)
    make, model, firmware, mac = (
        _text(row.make),
        _text(row.model),
        _text(row.firmware),
        _text(row.mac),
    )
    if make:
        hit = resolve_name(make)
        if hit is None or not c.hit("declared_make", make, hit):
            c.note("declared_make", make, "not a maker in the family table", _FAMILIES)
    for kind, value in (("model", model), ("firmware", firmware)):
        if not value:
            continue
        found = match_patterns(reference, kind, value)
        for p in found:
            member = reference.member(p.entity)
            assert member is not None  # the loader checks every pattern's entity
            # As written in the table: a repr would double every backslash of the regex.
            how = f"matches '{p.pattern}' ({p.note}) ="
            c.claim(kind, value, member, p.confidence, how, p.cite)
        if not found:
            c.note(kind, value, f"{_LABEL[kind]} matches no known pattern", _PATTERNS)
    reg = _mac(c, mac, resolve_name) if mac else None

    family, confidence, top, note = _combine(c.claims)
    hardware = {x.family for x in c.claims if x.kind == "maker" and x.signal != "declared_make"}
    declared = {x.family for x in c.claims if x.kind == "maker" and x.signal == "declared_make"}
    losing = {x.family for x in c.claims if x.kind == "maker" and x.family} - {family}
    relabel = bool(losing) or any(x.relabel and x.kind in ("maker", "weak") for x in c.claims)
    if make and family and family in hardware and family not in declared:
        relabel = True
        note = (note + "; " if note else "") + (
            f"declared make {make!r} does not name {family}, which the hardware signals name"
        )
    if note:
        c.note("attribution", family or "-", note, "identify")

    def others(kind: ClaimKind) -> tuple[str, ...]:
        found = {x.family for x in c.claims if x.kind == kind and x.family}
        return tuple(sorted(found - {family}))

    return Identification(
        family=family,
        family_confidence=confidence,
        entity=top.entity if top else None,
        relation=top.relation if top else None,
        relabel_suspected=relabel,
        identifiable=bool(make or model or mac),
        judged_on=judged_on,
        weak_families=tuple(sorted({*others("weak"), *(f for f in losing if f)})),
        former_families=others("former"),
        component_families=others("component"),
        oui=reg,
        claims=tuple(c.claims),
        evidence=tuple(c.evidence),
    )
