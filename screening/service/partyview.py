"""The matching engine's plain results as the typed screen results (schemas/screening.py), and
the one-line party summary every face shows:

    Hangzhou Hikvision Digital Technology Co., Ltd. — on BIS Entity List (since 2019-10-09), ...
    EZVIZ — subsidiary of Hangzhou Hikvision Digital Technology Co., Ltd., which is on ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from ..matching.algorithm import FeatureResult
from ..matching.matcher import Match as EngineMatch
from ..matching.parties import PartyHit, PartyTable
from ..schemas.screening import FamilyLink, Feature, Listing, Match, Party


def feature_models(features: Iterable[FeatureResult]) -> list[Feature]:
    return [
        Feature(
            name=f.name,
            value=round(f.value, 4),
            weight=round(f.weight, 4),
            contribution=round(f.contribution, 4),
            explanation=f.explanation,
        )
        for f in features
    ]


def match_model(m: EngineMatch, versions: Mapping[str, str]) -> Match:
    return Match(
        entity_id=m.entity_id,
        source=m.source,
        snapshot_version=versions.get(m.source),
        matched_name=m.matched_name,
        name_type=m.name_type,
        kind=m.kind,
        score=round(m.score, 4),
        threshold=m.threshold,
        match=m.is_match,
        features=feature_models(m.features),
    )


def lists_text(listings: Iterable[Listing], labels: Mapping[str, str]) -> str:
    """`BIS Entity List (...) (since 2019-10-09), FCC Covered List (...)`: each list once."""
    seen: dict[str, str] = {}
    for listing in listings:
        if listing.source in seen:
            continue
        text = labels.get(listing.source, listing.source)
        if listing.listed_on:
            text += f" (since {listing.listed_on})"
        seen[listing.source] = text
    return ", ".join(seen.values())


def party_model(
    p: PartyHit, table: PartyTable, versions: Mapping[str, str], labels: Mapping[str, str]
) -> Party:
    """One party with its listings (best first), its family link and its one-line summary."""
    listings = []
    for f in sorted(p.listings.values(), key=lambda f: (-f.score, f.source, f.entity_id)):
        info = table.info.get(f.entity_id)
        listings.append(
            Listing(
                entity_id=f.entity_id,
                source=f.source,
                matched_name=f.matched_name,
                score=round(f.score, 4),
                listed_on=info.listed_on if info else None,
                programs=list(info.programs) if info else [],
                snapshot_version=versions.get(f.source),
            )
        )
    features = feature_models(p.features)
    link = None
    on = lists_text(listings, labels)
    summary = f"{p.name} — on {on}"
    if p.find is not None:
        row = p.find.row
        link = FamilyLink(
            row=row.name,
            matched_name=p.find.matched_name,
            name_score=round(p.find.score, 4),
            relation=row.relation,
            family=row.family,
            source=row.source,
            confidence=row.confidence,
            line=row.line,
            in_force=row.in_force(datetime.now(UTC).date()),
            note=row.note,
        )
        cite = f"data/reference/families.csv line {row.line}: {p.why}"
        if p.relation == "listed":
            summary = f"{p.name} (as {p.find.matched_name!r}) — on {on}; {cite}"
        else:
            summary = f"{row.name} — {p.relation}, which is on {on}; {cite}"
        if p.weak:
            cut = p.find.score - p.score
            features.append(
                Feature(
                    name="weak_family_signal",
                    value=1.0,
                    weight=round(-cut, 4),
                    contribution=round(-cut, 4),
                    explanation=f"Halved and never a match on its own: {p.why}.",
                )
            )
    return Party(
        name=p.name,
        score=round(p.score, 4),
        match=p.is_match,
        relation=p.relation,
        weak=p.weak,
        summary=summary,
        family=link,
        listings=listings,
        features=features,
    )
