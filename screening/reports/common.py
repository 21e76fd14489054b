"""What every renderer shares: the tiers and their order, the report's kind (inventory or
purchase order), how an item is named, and evidence written as one line of text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

Kind = Literal["inventory", "po"]
# Most severe first; `unknown` (nothing to identify the device by) ranks lowest.
TIERS: tuple[str, ...] = ("prohibited", "high", "medium", "low", "none", "unknown")
RANK: Mapping[str, int] = {t: len(TIERS) - 1 - i for i, t in enumerate(TIERS)}
# Evidence entries in one text cell are separated by this (findings often contain ";").
EVIDENCE_SEPARATOR = " | "


def rank(tier: object) -> int:
    """A tier's severity, prohibited 5 down to unknown 0 (-1 for a value that is no tier)."""
    return RANK.get(str(tier), -1)


def at_or_above(tier: object, threshold: str) -> bool:
    """Whether `tier` is at least as severe as `threshold`."""
    return rank(tier) >= RANK[threshold]


def check_tier(tier: str, what: str = "fail_on") -> str:
    """`tier` when it is one, else ValueError naming the choices."""
    if tier not in RANK:
        raise ValueError(f"{what} {tier!r}: use one of {', '.join(TIERS)}")
    return tier


def kind_of(report: Mapping[str, Any], kind: str | None = None) -> Kind:
    """`po` for a report with `items`, `inventory` for one with `devices` (or as told)."""
    if kind in ("inventory", "po"):
        return "po" if kind == "po" else "inventory"
    if kind is not None:
        raise ValueError(f"kind {kind!r}: use 'inventory' or 'po'")
    if "items" in report:
        return "po"
    if "devices" in report:
        return "inventory"
    raise ValueError("a report has `devices` (inventory) or `items` (purchase order)")


def noun(kind: Kind) -> str:
    return "items" if kind == "po" else "devices"


def group_key(kind: Kind) -> str:
    """The per-group field: `vendor` for purchase orders, `site` for inventories."""
    return "vendor" if kind == "po" else "site"


def groups_key(kind: Kind) -> str:
    return "vendors" if kind == "po" else "sites"


def items_of(report: Mapping[str, Any], kind: Kind | None = None) -> list[Mapping[str, Any]]:
    return list(report.get(noun(kind or kind_of(report))) or [])


def cell(value: object) -> str:
    """A scalar as text: None empty, booleans `true`/`false`, the rest str()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def evidence_text(ev: Mapping[str, Any]) -> str:
    """`signal value: finding (source; weight N)` on one line."""
    head = " ".join(x for x in (cell(ev.get("signal")), cell(ev.get("value"))) if x)
    tail = "; ".join(
        x
        for x in (
            cell(ev.get("source")),
            f"weight {ev['weight']}" if ev.get("weight") is not None else "",
        )
        if x
    )
    text = f"{head}: {cell(ev.get('finding'))}" if head else cell(ev.get("finding"))
    return one_line(f"{text} ({tail})" if tail else text)


def evidence_joined(evidence: Iterable[Mapping[str, Any]]) -> str:
    return EVIDENCE_SEPARATOR.join(evidence_text(ev) for ev in evidence)


def match_text(match: Mapping[str, Any]) -> str:
    """A vendor match: `matched name [entity id] score 0.9731`."""
    score = match.get("score")
    shown = f" score {score:.4f}" if isinstance(score, int | float) else ""
    return one_line(f"{cell(match.get('matched_name'))} [{cell(match.get('entity_id'))}]{shown}")


def matches_joined(matches: Iterable[Mapping[str, Any]]) -> str:
    return EVIDENCE_SEPARATOR.join(match_text(m) for m in matches)


def one_line(text: str) -> str:
    """Every run of whitespace (newlines, tabs) made one space."""
    return " ".join(text.split())


def item_label(item: Mapping[str, Any], kind: Kind) -> str:
    """How an item is named: make and model (or part number, or description), then the
    vendor for an order line or the asset id for a device."""
    what = [cell(item.get("declared_make") or item.get("manufacturer"))]
    if kind == "po":
        part = item.get("part_number") or item.get("model") or item.get("description")
        what.append(cell(part))
        label = " ".join(x for x in what if x) or "(no make or part)"
        vendor = cell(item.get("vendor"))
        return one_line(f"{label} from {vendor}" if vendor else label)
    what.append(cell(item.get("model")))
    label = " ".join(x for x in what if x) or "(no make or model)"
    asset = cell(item.get("asset_id"))
    return one_line(f"{asset}: {label}" if asset else label)


def tier_counts(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Items per tier, every tier present (0 when none)."""
    counts = dict.fromkeys(TIERS, 0)
    for it in items:
        tier = str(it.get("tier"))
        counts[tier] = counts.get(tier, 0) + 1
    return counts
