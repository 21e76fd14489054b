"""What device scoring reads besides the reference tables: the listed entities and the KEV
catalogue of the active snapshots (from the database), and the maker resolver that falls back
on the matching engine for names the reference table does not spell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from sqlalchemy import select as sa_select
from sqlmodel import Session

from ..devices.families import FamilyHit, Resolver
from ..devices.reference import Confidence, Reference
from ..matching.matcher import Matcher
from ..scoring.listhits import ListedFacts
from ..sources.base import Record
from ..store import ENTITY_TABLE, NAME_TABLE


def listed_facts(session: Session, snap_ids: list[int]) -> Iterator[ListedFacts]:
    e, n = ENTITY_TABLE.c, NAME_TABLE.c
    names: dict[int, list[str]] = {}
    for pk, name in session.execute(
        sa_select(n.entity_pk, n.name).where(n.snapshot_id.in_(snap_ids))
    ):
        names.setdefault(pk, []).append(name)
    query = sa_select(
        e.id, e.source_id, e.entity_id, e.kind, e.name, e.listed_on, e.details, e.programs
    )
    for pk, src, eid, kind, name, listed_on, details, programs in session.execute(
        query.where(e.snapshot_id.in_(snap_ids))
    ):
        yield ListedFacts(
            src, eid, kind, name, tuple(names.get(pk, [name])), listed_on, details, tuple(programs)
        )


def kev_records(session: Session, snap_id: int) -> list[Record]:
    e = ENTITY_TABLE.c
    out = []
    for local_id, name, details, listing_dates in session.execute(
        sa_select(e.local_id, e.name, e.details, e.listing_dates).where(e.snapshot_id == snap_id)
    ):
        dates = tuple(date.fromisoformat(d) for d in listing_dates)
        out.append(Record(local_id, "vulnerability", name, listing_dates=dates, details=details))
    return out


def engine_resolver(reference: Reference, fallback: Resolver) -> Resolver:
    """The reference table's own resolver first (exact names, typing slips, brand words); then
    the matching engine over every family name, for reordered or transliterated names."""
    from ..matching.index import Index, IndexEntry

    entries = []
    for i, m in enumerate(reference.members):
        for name in m.names:
            entries.append(IndexEntry(f"family:{i}", "reference", name, "primary", "organization"))
    matcher = Matcher(Index.build(entries))

    @lru_cache(maxsize=8192)  # inventories repeat the same few makes and registrants
    def resolve(text: str) -> FamilyHit | None:
        hit = fallback(text)
        if hit is not None:
            return hit
        found = matcher.screen(text, kind="organization", limit=1)
        if not found:
            return None
        best = found[0]
        member = reference.members[int(best.entity_id.split(":")[1])]
        if member.family is None and member.confidence != "low":
            return None
        confidence: Confidence = "medium" if member.confidence != "low" else "low"
        return FamilyHit(
            member.family,
            best.matched_name,
            confidence,
            round(best.score, 4),
            f"the matching engine scored {text!r} {best.score:.2f} against {best.matched_name!r}",
            member.name,
            member.relation,
        )

    return resolve
