"""What the data pages of the web application (issue 16) show of a report, a list diff and the
profiles, prepared as plain values for templates: the faces may not import the scoring registry
or the renderers' helpers, so the few they need are re-exported here in page-sized shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..reports.common import cell, item_label, standing_text
from ..schemas.reports import DeviceItem, Evidence, InventoryReport, OrderItem, Report
from ..scoring.profiles import PROFILES
from ..scoring.tiers import TIERS

TIER_WORDS: dict[str, str] = {
    "prohibited": "Prohibited",
    "high": "High risk",
    "medium": "Medium risk",
    "low": "Low risk",
    "none": "No risk found",
    "unknown": "Unknown (nothing to identify it by)",
}


def profiles() -> list[tuple[str, str]]:
    """Every scoring profile as (id, title), in the registry's order."""
    return [(p.id, p.title) for p in PROFILES.values()]


def tiers() -> tuple[str, ...]:
    """The tiers, most severe first, `unknown` last."""
    return TIERS


def evidence_words(ev: Evidence) -> str:
    """One piece of evidence as a sentence a buyer reads: what was seen, what it means, and on
    whose list (without the scoring weight, which the CSV and JSON keep)."""
    seen = " ".join(x for x in (cell(ev.signal).replace("-", " "), cell(ev.value)) if x)
    text = f"{seen}: {cell(ev.finding)}" if seen else cell(ev.finding)
    whose = "; ".join(x for x in (cell(ev.source), standing_text(ev)) if x)
    return " ".join((f"{text} ({whose})" if whose else text).split())


@dataclass
class Row:
    """A device or order line as the report page's table shows it."""

    row: int
    label: str
    asset: str
    site: str
    make: str
    model: str
    family: str
    confidence: str
    tier: str
    score: int
    relabel: bool
    evidence: list[str]
    action: str
    action_code: str
    action_reason: str
    warnings: list[str]
    vendor: str = ""


def item_row(item: DeviceItem) -> Row:
    """The table row of `item` (an order line's vendor stands in for the site)."""
    vendor = cell(item.vendor) if isinstance(item, OrderItem) else ""
    return Row(
        row=item.row,
        label=item_label(item),
        asset=cell(item.asset_id),
        site=cell(item.site),
        make=cell(item.declared_make),
        model=cell(item.model),
        family=cell(item.family),
        confidence=cell(item.family_confidence),
        tier=item.tier,
        score=item.score,
        relabel=item.relabel_suspected,
        evidence=[evidence_words(ev) for ev in item.evidence],
        action=item.action.text if item.action else "",
        action_code=item.action.code if item.action else "",
        action_reason=item.action.reason if item.action else "",
        warnings=list(item.warnings),
        vendor=vendor,
    )


def items_of(report: Report) -> Sequence[DeviceItem]:
    return report.devices if isinstance(report, InventoryReport) else report.items


def severity(by_tier: dict[str, int]) -> tuple[int, ...]:
    """A sort key putting the worst first: fewer prohibited sorts later, then fewer high, ..."""
    return (*(-by_tier.get(t, 0) for t in TIERS), -sum(by_tier.values()))


@dataclass
class Group:
    """One bar of the per-site (inventory) or per-vendor (order) chart."""

    name: str
    total: int
    segments: list[tuple[str, int, float]] = field(default_factory=list)  # tier, count, % width
    words: str = ""


def groups(report: Report) -> list[Group]:
    """The chart's bars, the worst sites (or vendors) first: most prohibited devices, then
    most high, and so on, then the most devices; each segment's width is relative to the
    largest bar so that bars compare across sites, and `words` says the same counts as text."""
    if isinstance(report, InventoryReport):
        raw = [(g.site, g.by_tier) for g in report.sites]
    else:
        raw = [(g.vendor, g.by_tier) for g in report.vendors]
    raw.sort(key=lambda g: (severity(g[1]), g[0]))
    most = max((sum(c.values()) for _, c in raw), default=0) or 1
    out: list[Group] = []
    for name, counts in raw:
        present = [(t, counts.get(t, 0)) for t in TIERS if counts.get(t, 0)]
        out.append(
            Group(
                name=name,
                total=sum(counts.values()),
                segments=[(t, n, round(100 * n / most, 2)) for t, n in present],
                words=", ".join(f"{n} {t}" for t, n in present) or "none",
            )
        )
    return out


def filter_items(
    report: Report, *, tier: str = "", site: str = "", family: str = "", text: str = ""
) -> list[DeviceItem]:
    """The items matching every filter given (blank filters match everything; `-` asks for a
    blank site or family); `text` looks in the asset, make, model, site and vendor, ignoring
    case. Items, not rows: a page turns only its own window into rows (a 100,000-device report
    is filtered in one pass without writing out the evidence of every device)."""
    want_site = "" if site == "-" else site or None
    want_family = "" if family == "-" else family or None
    needle = text.strip().casefold()
    out: list[DeviceItem] = []
    for item in items_of(report):
        if tier and item.tier != tier:
            continue
        where = cell(item.vendor) if isinstance(item, OrderItem) else cell(item.site)
        if want_site is not None and where != want_site:
            continue
        if want_family is not None and cell(item.family) != want_family:
            continue
        if needle:
            fields = (item.asset_id, item.declared_make, item.model, where, item_label(item))
            if needle not in " ".join(cell(f) for f in fields).casefold():
                continue
        out.append(item)
    return out


def facets(report: Report) -> dict[str, list[str]]:
    """The values the report's filters offer: its sites (or vendors) and families."""
    sites: set[str] = set()
    fams: set[str] = set()
    for item in items_of(report):
        where = cell(item.vendor) if isinstance(item, OrderItem) else cell(item.site)
        sites.add(where)
        fams.add(cell(item.family))
    return {"sites": sorted(sites), "families": sorted(fams)}


def change_text(value: Any, limit: int = 300) -> str:
    """A diff's old or new field value as bounded text (lists joined, long values cut)."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        text = "; ".join(change_text(v, limit) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {change_text(v, limit)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
