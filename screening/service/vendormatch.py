"""Order lines' vendors screened against the lists, as parties (issue 13's one answer per
party, with family relations)."""

from __future__ import annotations

from ..matching.matcher import Matcher
from ..matching.parties import Found
from ..schemas.reports import VendorMatch
from .names import ScreenContext, parties_of


def vendor_matches(
    matcher: Matcher, names: ScreenContext | None, vendor: str | None
) -> list[VendorMatch]:
    """The listed parties an order line's vendor matched, parties first: the vendor's own
    listings and those it reaches through the family table (a subsidiary, a brand, a national
    branch), each listing saying how the vendor relates to it."""
    if not vendor:
        return []
    found = matcher.screen(vendor, kind="organization", limit=10, explain=False)
    if names is None:
        return [
            VendorMatch.model_construct(
                entity_id=m.entity_id,
                source=m.source,
                matched_name=m.matched_name,
                score=round(m.score, 4),
            )
            for m in found
        ]
    # Parties first: the vendor's own listings and those it reaches through the family table
    # (a subsidiary, a brand, a national branch), each listing with how the vendor relates.
    hits = parties_of(
        names,
        vendor,
        "organization",
        [Found(m.entity_id, m.source, m.matched_name, m.score, m.threshold, ()) for m in found],
        None,
        None,
    )
    out: list[VendorMatch] = []
    for party in hits:
        if not party.is_match:
            continue
        for f in sorted(party.listings.values(), key=lambda f: (-f.score, f.entity_id)):
            out.append(
                VendorMatch.model_construct(
                    entity_id=f.entity_id,
                    source=f.source,
                    matched_name=f.matched_name,
                    score=round(f.score, 4),
                    relation=party.relation,
                )
            )
    return out[:20]
