"""What the Overview and Screen pages show, assembled from the service's results: the devices
of the latest stored inventory by tier and by site (for a chart and its table), and a
screening result in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...schemas.reports import InventoryReport
from ...schemas.screening import Party, ScreenResult

# The order tiers are shown in: the most severe first.
TIER_ORDER: tuple[str, ...] = ("prohibited", "high", "medium", "low", "none", "unknown")
TIER_WORDS = {
    "prohibited": "Prohibited",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "none": "None",
    "unknown": "Unknown",
}


@dataclass
class Bar:
    """One bar of a stacked chart: a label and (tier, count) segments, with its share of the
    largest bar (0-100) for the width."""

    label: str
    total: int
    segments: list[tuple[str, int, float]] = field(default_factory=list)


def tier_bars(by_label: dict[str, dict[str, int]], limit: int | None = None) -> list[Bar]:
    """Bars for a `label -> tier -> count` table, the largest first; widths relative to the
    largest bar so the biggest fills the track."""
    rows = sorted(by_label.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    top = max((sum(t.values()) for _, t in rows), default=0) or 1
    bars = []
    for label, tiers in rows:
        total = sum(tiers.values())
        segs = [(t, tiers[t], 100.0 * tiers[t] / top) for t in TIER_ORDER if tiers.get(t)]
        bars.append(Bar(label, total, segs))
    return bars


@dataclass(frozen=True)
class InventoryChart:
    report_id: str
    file: str
    created_at: str
    profile: str
    by_tier: list[tuple[str, int]]
    tier_bar: Bar
    sites: list[Bar]


def inventory_chart(report: InventoryReport) -> InventoryChart:
    counts = report.summary.by_tier
    by_tier = [(t, counts.get(t, 0)) for t in TIER_ORDER if counts.get(t, 0)]
    (tier_bar,) = tier_bars({"All devices": dict(counts)}) or [Bar("All devices", 0)]
    return InventoryChart(
        report_id=report.id or "",
        file=report.file or "",
        created_at=report.created_at or "",
        profile=report.profile,
        by_tier=by_tier,
        tier_bar=tier_bar,
        sites=tier_bars(dict(report.summary.by_site)),
    )


def relation_words(party: Party) -> str:
    """How the screened name relates to a party, in a sentence."""
    if party.relation == "listed":
        return "is the listed party itself"
    return f"is {party.relation}"


def has_match(result: ScreenResult) -> bool:
    return any(p.match for p in result.parties)
