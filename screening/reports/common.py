"""What every renderer shares: the tiers in severity order, a report's items, how an item is
named, evidence and vendor matches written as one line of text, and counts in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..schemas.reports import DeviceItem, Evidence, OrderItem, Report, ReportKind, VendorMatch
from ..scoring.tiers import TIERS

# Severity for sorting and thresholds, from scoring's one list (most severe first), so that
# `unknown` (nothing to identify the device by) ranks lowest: prohibited 5 ... unknown 0.
RANK: Mapping[str, int] = {t: len(TIERS) - 1 - i for i, t in enumerate(TIERS)}
# Evidence entries in one text cell are separated by this (findings often contain ";").
EVIDENCE_SEPARATOR = " | "


def rank(tier: object) -> int:
    """A tier's severity, prohibited 5 down to unknown 0 (-1 for a value that is no tier)."""
    return RANK.get(str(tier), -1)


def at_or_above(tier: object, threshold: str) -> bool:
    """Whether `tier` is at least as severe as `threshold`."""
    return rank(tier) >= RANK[threshold]


def noun(kind: ReportKind) -> str:
    return "items" if kind == "po" else "devices"


def items_of(report: Report) -> Sequence[DeviceItem]:
    """The report's devices (inventory) or order lines (purchase order)."""
    return report.items if report.kind == "po" else report.devices


def cell(value: object) -> str:
    """A scalar as text: None empty, booleans `true`/`false`, the rest str()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def one_line(text: str) -> str:
    """Every run of whitespace (newlines, tabs) made one space."""
    return " ".join(text.split())


def standing_text(ev: Evidence) -> str:
    """`US measure, context`: whose measure the source is and its force for the buyer."""
    if not ev.force:
        return ""
    whose = f"{ev.jurisdiction} measure, " if ev.jurisdiction else ""
    return f"{whose}{ev.force}"


def evidence_text(ev: Evidence) -> str:
    """`signal value: finding (source; weight N; US measure, context)` on one line."""
    head = " ".join(x for x in (cell(ev.signal), cell(ev.value)) if x)
    weight = f"weight {ev.weight}" if ev.weight is not None else ""
    tail = "; ".join(x for x in (cell(ev.source), weight, standing_text(ev)) if x)
    text = f"{head}: {cell(ev.finding)}" if head else cell(ev.finding)
    return one_line(f"{text} ({tail})" if tail else text)


def evidence_joined(evidence: Iterable[Evidence]) -> str:
    return EVIDENCE_SEPARATOR.join(evidence_text(ev) for ev in evidence)


def match_text(match: VendorMatch) -> str:
    """A vendor match: `matched name [entity id] score 0.9731`."""
    return one_line(f"{match.matched_name} [{match.entity_id}] score {match.score:.4f}")


def matches_joined(matches: Iterable[VendorMatch]) -> str:
    return EVIDENCE_SEPARATOR.join(match_text(m) for m in matches)


def item_label(item: DeviceItem) -> str:
    """How an item is named: make and model (or part number, or description), then the
    vendor for an order line or the asset id for a device."""
    if isinstance(item, OrderItem):
        part = item.part_number or item.model or item.description
        label = " ".join(
            x for x in (cell(item.declared_make or item.manufacturer), cell(part)) if x
        )
        label = label or "(no make or part)"
        vendor = cell(item.vendor)
        return one_line(f"{label} from {vendor}" if vendor else label)
    label = " ".join(x for x in (cell(item.declared_make), cell(item.model)) if x)
    label = label or "(no make or model)"
    asset = cell(item.asset_id)
    return one_line(f"{asset}: {label}" if asset else label)


def tier_counts(items: Iterable[DeviceItem]) -> dict[str, int]:
    """Items per tier, every tier present (0 when none)."""
    counts: dict[str, int] = dict.fromkeys(TIERS, 0)
    for it in items:
        counts[it.tier] = counts.get(it.tier, 0) + 1
    return counts


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`1 item`, `2 items`: a count with its noun."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def items_and_findings(items: int, findings: int, adjective: str = "") -> str:
    """`2 failing items (5 findings)`: items counted as items, their findings as findings."""
    what = f"{adjective} item" if adjective else "item"
    return f"{counted(items, what)} ({counted(findings, 'finding')})"
