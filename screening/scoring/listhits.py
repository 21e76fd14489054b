"""Which listed entities belong to which maker family: pure, from plain entity facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..devices.reference import Reference
from .inputs import ListHit


@dataclass(frozen=True, slots=True)
class ListedFacts:
    """What the scorer needs of one listed entity (from any store)."""

    source: str
    entity_id: str
    kind: str
    name: str
    names: tuple[str, ...]
    listed_on: date | None
    details: dict[str, Any]
    programs: tuple[str, ...]


def family_list_hits(
    reference: Reference, entities: Iterable[ListedFacts]
) -> dict[str, list[ListHit]]:
    """Every listed organisation one of whose names is exactly (legal form aside) a name of a
    non-`low` families.csv row, as a ListHit of that row's family and relation."""
    out: dict[str, list[ListHit]] = {}
    for ent in entities:
        if ent.kind != "organization":
            continue
        member = next(
            (
                m
                for n in ent.names
                for m in reference.lookup(n)
                if m.family and m.confidence != "low"
            ),
            None,
        )
        if member is None or member.family is None:
            continue
        scope = ent.details.get("scope") or ent.details.get("license_requirement")
        out.setdefault(member.family, []).append(
            ListHit(
                source=ent.source,
                entity_id=ent.entity_id,
                name=ent.name,
                listed_on=ent.listed_on,
                scope=str(scope) if scope else ("; ".join(ent.programs) or None),
                relation=member.relation,
            )
        )
    return out
