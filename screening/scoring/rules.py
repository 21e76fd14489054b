"""Risk features. Each is a small function of one device's context; its docstring IS the
explanation users see for the rule (`explain(rule_id)`). A feature returns findings with a
strength in [0, 1]; a profile (profiles.py) weighs them and decides floors and caps.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..devices.facts import DeviceFacts
from ..devices.identify import Identification
from ..devices.names import name_key
from ..devices.patterns import clean_model
from ..devices.reference import CloudEndpoint, Reference
from .inputs import KevEntry, KevIndex, ListHit, VendorHit

SOURCE_TITLES: Mapping[str, str] = {
    "us_ndaa_889": "NDAA FY2019 §889 named companies",
    "us_fcc_covered": "FCC Covered List",
    "us_bis_entity_list": "BIS Entity List",
    "us_bis_meu": "BIS Military End-User list",
    "us_dod_1260h": "DoD §1260H Chinese military companies list",
    "us_ofac_sdn": "OFAC SDN list",
    "us_ofac_cons": "OFAC consolidated non-SDN lists",
    "us_trade_csl": "Consolidated Screening List",
    "un_sc": "UN Security Council consolidated list",
    "gb_fcdo_sanctions": "UK Sanctions List (FCDO)",
    "eu_fsf": "EU Financial Sanctions Files",
}
# The ids of data/reference/policy_statements.csv rows the rules cite (the evidence's source).
UK_STATEMENT = "uk-wms-2022-11-24"
BIOMETRIC_POLICY = "uk-gdpr-biometric"
SENSITIVE_WORDS = frozenset(
    [
        "sensitive",
        "high",
        "critical",
        "secret",
        "top-secret",
        "restricted",
        "official-sensitive",
        "classified",
        "cni",
        "critical-infrastructure",
        "government",
        "military",
        "yes",
        "true",
    ]
)
ORDINARY_WORDS = frozenset(
    ["low", "normal", "public", "standard", "none", "no", "false", "official", "medium"]
)
_CLOUD_OFF = frozenset({"", "no", "false", "off", "none", "disabled", "0", "n"})
_CLOUD_ON = frozenset({"yes", "true", "on", "enabled", "1", "y"})
_CAMERA_PRODUCT = ("camera", "nvr", "dvr", "video", "surveillance", "recorder", "multiple")
_HOST = re.compile(r"^(?:[a-z]+://)?([^/:\s]+)")


@dataclass(frozen=True)
class Context:
    """Everything a feature may look at for one device."""

    facts: DeviceFacts
    ident: Identification
    reference: Reference
    list_hits: Mapping[str, Sequence[ListHit]]
    kev: KevIndex | None
    vendor_hits: Sequence[VendorHit] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One feature firing: `strength` in [0, 1] of the rule's weight; `hit` the list entry a
    `listed-maker` finding rests on."""

    rule: str
    strength: float
    value: str
    finding: str
    source: str
    hit: ListHit | None = None


def title(source: str) -> str:
    """A list's human name from its source id."""
    return SOURCE_TITLES.get(source, source)


def is_sensitive(value: str | None) -> bool | None:
    """The inventory's site-sensitivity word read as yes/no (None: not given or not known)."""
    if value is None or not value.strip():
        return None
    word = "-".join(value.lower().split())
    if word in SENSITIVE_WORDS:
        return True
    return False if word in ORDINARY_WORDS else None


def listed_maker(ctx: Context) -> list[Finding]:
    """The company that made the device, or a company of its family (parent, subsidiary,
    affiliate), is named on a government list; the finding says which list and since when (the
    listing's scope, the same for every device of the family, is stated once in the report's
    note on that list). Attribution on medium confidence counts three quarters."""
    family = ctx.ident.family
    if not family:
        return []
    strength = 1.0 if ctx.ident.family_confidence == "high" else 0.75
    out: list[Finding] = []
    for hit in ctx.list_hits.get(family, ()):
        since = f" since {hit.listed_on}" if hit.listed_on else ""
        text = f"{hit.name} ({hit.relation} of {family}) is listed: {title(hit.source)}{since}"
        out.append(
            Finding(
                "listed-maker", strength, f"{hit.name} [{hit.entity_id}]", text, hit.source, hit
            )
        )
    return out


def possible_relabel(ctx: Context) -> list[Finding]:
    """The brand on the device may not be its maker: the declared make disagrees with what the
    hardware says (MAC registrant, model number, firmware format), or the brand is known to sell
    another maker's products under its own name. Where the evidence is strong the device is
    treated as the real maker's; where it rests only on weak (low-confidence) sources it is
    flagged for checking and never rated above medium on that alone."""
    ident = ctx.ident
    if not ident.relabel_suspected:
        return []
    relabels = [c for c in ident.claims if c.relabel and c.kind in ("maker", "weak")]
    hardware = [c for c in ident.claims if c.kind == "maker" and c.family == ident.family]
    claims = relabels or sorted(hardware, key=lambda c: c.signal == "declared_make")
    source = claims[0].source if claims else "identify"
    if ident.family:
        text = (
            f"brand and hardware disagree or the brand is a relabel: treated as made by "
            f"{ident.family} ({ident.family_confidence} confidence)"
        )
        return [Finding("possible-relabel", 1.0, ident.family, text, source)]
    families = list(ident.weak_families)
    listed = [f for f in families if ctx.list_hits.get(f)]
    named = ", ".join(families) or "an unnamed maker"
    lists = ""
    if listed:
        names = sorted({title(h.source) for f in listed for h in ctx.list_hits[f]})
        lists = f"; {', '.join(listed)} is on: {', '.join(names)}"
    product = f"{named} product" if families else f"product of {named}"
    text = f"possibly a relabelled {product}, on weak evidence only: not attributed{lists}"
    return [Finding("possible-relabel", 0.6 if listed else 0.3, named, text, source)]


def former_affiliate(ctx: Context) -> list[Finding]:
    """The brand once belonged to (or relabelled for) a listed maker's family, but the device
    dates from outside that period, so it is not attributed to that family; noted for review
    (components or firmware may still come from the former owner)."""
    ident = ctx.ident
    if ident.family or not ident.former_families:
        return []
    source = next(c.source for c in ident.claims if c.kind == "former")
    families = ", ".join(ident.former_families)
    text = f"formerly related to {families}; judged on {ident.judged_on}, outside that period"
    return [Finding("former-affiliate", 1.0, families, text, source)]


def _relevance(entry: KevEntry, model: str) -> float | None:
    tokens = [t for t in re.split(r"[\s/]+", entry.product) if any(ch.isdigit() for ch in t)]
    tokens = [clean_model(t) for t in tokens if len(t) >= 4]
    if tokens:
        if model and any(t in model for t in tokens):
            return 1.0
        return None if model else 0.5
    product = entry.product.lower()
    return 1.0 if any(word in product for word in _CAMERA_PRODUCT) else None


def known_exploited(ctx: Context) -> list[Finding]:
    """CISA's Known Exploited Vulnerabilities catalogue lists a vulnerability exploited in the
    wild in this maker's product line (or, at half weight, in its family's shared firmware).
    Whether this unit's firmware is patched is not known here: check and update it."""
    if ctx.kev is None:
        return []
    ident, facts = ctx.ident, ctx.facts
    keys = {name_key(facts.make).compact} if facts.make else set()
    member = ctx.reference.member(ident.entity) if ident.entity else None
    if member is not None:
        keys |= {name_key(n).compact for n in member.names}
    model = clean_model(facts.model or "")
    out: list[Finding] = []
    seen: set[str] = set()
    direct = ctx.kev.for_vendor(keys)
    family = ctx.kev.for_family(ident.family) if ident.family else []
    for base, entries in ((1.0, direct), (0.5, family)):
        for entry in entries:
            relevance = _relevance(entry, model)
            if relevance is None or entry.cve in seen:
                continue
            seen.add(entry.cve)
            how = "this maker's" if base == 1.0 else f"the {ident.family} family's"
            ransom = "; used in ransomware campaigns" if entry.ransomware == "Known" else ""
            text = (
                f"{entry.cve} ({entry.name}) in {how} {entry.product}, in KEV since "
                f"{entry.date_added}{ransom}"
            )
            out.append(
                Finding("known-exploited", base * relevance, entry.cve, text, ctx.kev.catalog)
            )
    return sorted(out, key=lambda f: -f.strength)


def biometric_processing(ctx: Context) -> list[Finding]:
    """Live facial recognition (biometric identification) is switched on. Biometric data used
    to identify people is special category data under UK GDPR Article 9: it needs an Article 9
    condition and a data protection impact assessment (DPIA) before use (ICO guidance)."""
    if ctx.facts.face_recognition is not True:
        return []
    policy = ctx.reference.policies.get(BIOMETRIC_POLICY)
    source = policy.id if policy else "inventory"
    text = "facial recognition is on: special category biometric data (UK GDPR Art. 9); DPIA"
    return [Finding("biometric-processing", 1.0, "face_recognition=true", text, source)]


def _endpoint(reference: Reference, host: str) -> CloudEndpoint | None:
    return next((e for e in reference.cloud_endpoints if e.matches(host)), None)


def cloud_endpoint(ctx: Context) -> list[Finding]:
    """The device sends video or metadata to a cloud service; strongest when the service is
    one its maker's family runs (known hosts in the reference table, e.g. Hik-Connect/EZVIZ or
    Imou): the data then leaves the site for a service outside the buyer's control."""
    cloud = ctx.facts.cloud
    if isinstance(cloud, str):
        word = cloud.strip().lower()
        cloud = False if word in _CLOUD_OFF else True if word in _CLOUD_ON else cloud.strip()
    if not cloud:
        return []
    if isinstance(cloud, str):
        out: list[Finding] = []
        for part in re.split(r"[\s,;]+", cloud):
            found = _HOST.match(part.lower())
            endpoint = _endpoint(ctx.reference, found.group(1)) if found else None
            if endpoint is not None:
                text = f"talks to {part}: {endpoint.service} ({endpoint.entity}, {endpoint.family})"
                out.append(Finding("cloud-endpoint", 1.0, part, text, endpoint.cite))
        if out:
            return out
        text = f"cloud service {cloud!r} is on; not a host of a listed maker in the reference table"
        return [Finding("cloud-endpoint", 0.4, cloud, text, "inventory")]
    family = ctx.ident.family
    hosts = [e for e in ctx.reference.cloud_endpoints if family and e.family == family]
    if hosts:
        names = ", ".join(e.host for e in hosts[:4])
        text = f"cloud service is on; {family} family devices use its cloud ({names}, ...)"
        return [Finding("cloud-endpoint", 0.7, "cloud=true", text, hosts[0].cite)]
    return [Finding("cloud-endpoint", 0.4, "cloud=true", "cloud service is on", "inventory")]


def internet_exposed(ctx: Context) -> list[Finding]:
    """The device can be reached from the internet, so any weakness in it is open to attack."""
    if ctx.facts.internet_exposed is not True:
        return []
    return [Finding("internet-exposed", 1.0, "true", "reachable from the internet", "inventory")]


def sensitive_site(ctx: Context) -> list[Finding]:
    """The device is on a site the inventory marks as sensitive (government, critical
    infrastructure, restricted): what it sees and where its data goes matter more there."""
    value = ctx.facts.site_sensitivity
    if not is_sensitive(value):
        return []
    text = f"site {ctx.facts.site or ''} marked {value!r}".replace("site  ", "site ")
    return [Finding("sensitive-site", 1.0, str(value), text, "inventory")]


def prc_intelligence_law(ctx: Context) -> list[Finding]:
    """The device's maker is incorporated in the People's Republic of China and so subject to
    its National Intelligence Law. The UK government's statement of 24 November 2022 told
    departments not to deploy such surveillance equipment on sensitive sites, to keep it off
    core networks and to consider removing it. For a buyer outside government the statement is
    the UK government's own judgement of the risk such equipment carries: guidance, not law,
    and the UK reason a UK buyer can act on (the US listings of the same makers are another
    country's measures)."""
    family = ctx.ident.family
    parent = ctx.reference.parent(family) if family else None
    if parent is None or parent.hq_country != "CN":
        return []
    policy = ctx.reference.policies.get(UK_STATEMENT)
    strength = 1.0 if ctx.ident.family_confidence == "high" else 0.75
    company = parent.legal_name_en or parent.name
    law = f"{company} is a PRC company, subject to the PRC National Intelligence Law"
    text = f"UK statement of {policy.date}: {policy.requirement}; {law}" if policy else law
    source = policy.id if policy else parent.cite
    return [Finding("prc-national-intelligence-law", strength, company, text, source)]


def listed_vendor(ctx: Context) -> list[Finding]:
    """The vendor or distributor named on the order line is itself a listed party: its name
    matched a listed entity at or above the screening threshold. Buying from it is a finding
    whatever the goods, so the profile gives such a line a least tier of its own."""
    return [
        Finding(
            "listed-vendor",
            1.0,
            hit.vendor,
            f"vendor matches {hit.matched_name} ({hit.entity_id}, score {hit.score:.4f})",
            hit.source,
        )
        for hit in ctx.vendor_hits
    ]


Feature = Callable[[Context], list[Finding]]
FEATURES: Mapping[str, Feature] = {
    "listed-maker": listed_maker,
    "listed-vendor": listed_vendor,
    "prc-national-intelligence-law": prc_intelligence_law,
    "possible-relabel": possible_relabel,
    "former-affiliate": former_affiliate,
    "known-exploited": known_exploited,
    "biometric-processing": biometric_processing,
    "cloud-endpoint": cloud_endpoint,
    "internet-exposed": internet_exposed,
    "sensitive-site": sensitive_site,
}


def explain(rule: str) -> str:
    """The user-facing explanation of a rule: its feature's docstring."""
    return inspect.getdoc(FEATURES[rule]) or rule
