"""One result per party: listings on different lists that are the same party, grouped. Pure.

Two listings are the same party when (rules applied transitively, union-find):
- they carry the same identifier (ISIN, USCC, LEI, registration number... normalised; the same
  usable-identifier rule as the index), on different lists and of the same kind;
- their names resolve to the same families.csv row (a parent, or a subsidiary listed itself:
  a subsidiary stays its own party, it is never merged into its parent);
- they have the same normalised full name and share a country (organizations, vessels and
  aircraft without any country also group on the name alone; persons never do).

The table is built once per set of active snapshots (the service caches it beside the index)
and then answers, per listed entity, its party, the party's display name, and the listing's
date and programmes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from .algorithm import FeatureResult, default_threshold
from .entries import normalize_identifier, usable_identifier
from .families import FamilyFind, is_weak, relation_text
from .normalize import normalize_name

FORMAT = 2


@dataclass(frozen=True, slots=True)
class ListingFacts:
    """What grouping needs of one listed entity (plain values from any store)."""

    entity_id: str
    source: str
    kind: str
    name: str
    countries: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    listed_on: str | None = None
    programs: tuple[str, ...] = ()
    family_row: str | None = None  # the families.csv row its names resolve to (non-low)


class ListingInfo(NamedTuple):
    """One listed entity as the party table keeps it (a named tuple: the table of tens of
    thousands unpickles several times faster than as dataclasses)."""

    party: str
    source: str
    name: str
    listed_on: str | None
    programs: tuple[str, ...]
    family_row: str | None


@dataclass
class PartyTable:
    """entity id -> listing info; party key -> display name and member entity ids; family row
    -> the parties whose listings resolve to it."""

    info: dict[str, ListingInfo] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_row: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def party_of(self, entity_id: str) -> str:
        info = self.info.get(entity_id)
        return info.party if info else entity_id

    def party_name(self, entity_id: str, fallback: str) -> str:
        return self.names.get(self.party_of(entity_id), fallback)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:  # path compression
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def build_party_table(
    listings: Iterable[ListingFacts], row_names: Mapping[str, str] | None = None
) -> PartyTable:
    """Group listings into parties (rules in the module docstring). `row_names` gives the
    display name of a families.csv row (its English legal name), used as the party's name."""
    facts = list(listings)
    union = _Union()
    first_id: dict[tuple[str, str], ListingFacts] = {}
    first_key: dict[tuple[str, ...], str] = {}
    for f in facts:
        for id_type, value in f.identifiers:
            norm = normalize_identifier(value)
            if not usable_identifier(id_type, norm):
                continue
            seen = first_id.setdefault((f.kind, norm), f)
            if seen.source != f.source:
                union.union(seen.entity_id, f.entity_id)
        keys: list[tuple[str, ...]] = []
        if f.family_row:
            keys.append(("row", f.family_row))
        norm_name = normalize_name(f.name)
        if norm_name:
            keys += [("name", f.kind, norm_name, c.upper()) for c in f.countries if c]
            if not f.countries and f.kind != "person":
                keys.append(("name", f.kind, norm_name, ""))
        for key in keys:
            union.union(first_key.setdefault(key, f.entity_id), f.entity_id)
    table = PartyTable()
    members: dict[str, list[ListingFacts]] = {}
    for f in facts:
        party = union.find(f.entity_id)
        members.setdefault(party, []).append(f)
        table.info[f.entity_id] = ListingInfo(
            party, f.source, f.name, f.listed_on, f.programs, f.family_row
        )
    by_row: dict[str, list[str]] = {}
    for party, group in members.items():
        table.members[party] = tuple(f.entity_id for f in group)
        table.names[party] = _display_name(group, row_names or {})
        for row in dict.fromkeys(f.family_row for f in group if f.family_row):
            by_row.setdefault(row, []).append(party)
    table.by_row = {row: tuple(parties) for row, parties in by_row.items()}
    return table


def _display_name(group: list[ListingFacts], row_names: Mapping[str, str]) -> str:
    """The family row's legal name when the party resolves to one; else the name most of its
    listings use (the longest among equals: lists abbreviate less in full legal names)."""
    for f in group:
        if f.family_row and row_names.get(f.family_row):
            return row_names[f.family_row]
    counts = Counter(f.name for f in group)
    return max(counts, key=lambda n: (counts[n], len(n), n))


@dataclass(frozen=True, slots=True)
class Found:
    """One listing found for the screened name: by its own name or identifier, or through a
    family row (then `matched_name` is the listing's own name)."""

    entity_id: str
    source: str
    matched_name: str
    score: float
    threshold: float
    features: tuple[FeatureResult, ...] = ()


@dataclass
class PartyHit:
    """One party found: its listings, the best score and how the screened name relates to it."""

    key: str
    name: str
    score: float
    threshold: float
    relation: str = "listed"
    weak: bool = False
    why: str = ""
    find: FamilyFind | None = None
    listings: dict[str, Found] = field(default_factory=dict)
    features: tuple[FeatureResult, ...] = ()

    @property
    def is_match(self) -> bool:
        return not self.weak and self.score >= self.threshold


def _add(hit: PartyHit, found: Found) -> None:
    old = hit.listings.get(found.entity_id)
    if old is None or found.score > old.score:
        hit.listings[found.entity_id] = found


def group_parties(
    table: PartyTable,
    found: Iterable[Found],
    finds: Iterable[FamilyFind] = (),
    *,
    query: str = "",
    day: date | None = None,
    sources: Collection[str] | None = None,
    parent_short: Mapping[str, str] | None = None,
    threshold: float | None = None,
) -> list[PartyHit]:
    """Listings found by name grouped per party (relation `listed`), then the parties each
    family find leads to: the row's own listings (relation `listed`, found through another of
    its names) or the family parent's (relation `subsidiary of ...`). A party reached several
    ways keeps its best way; by name wins ties. Best party first. `threshold` is the cut for
    family finds (default: the organization threshold)."""
    day = day or date.today()
    family_cut = default_threshold("organization") if threshold is None else threshold
    parties: dict[str, PartyHit] = {}
    for f in found:
        key = table.party_of(f.entity_id)
        hit = parties.get(key)
        if hit is None:
            name = table.party_name(f.entity_id, f.matched_name)
            hit = parties[key] = PartyHit(key, name, f.score, f.threshold, features=f.features)
        elif f.score > hit.score:
            hit.score, hit.threshold, hit.features = f.score, f.threshold, f.features
        _add(hit, f)
    for find in finds:
        row = find.row
        weak, why = is_weak(find, query, day, (parent_short or {}).get(row.family or ""))
        score = find.score * 0.5 if weak else find.score
        paths = [(p, "listed") for p in table.by_row.get(row.key, ())]
        if row.relation != "parent" and row.parent_key:
            relation = relation_text(row, day)
            paths += [(p, relation) for p in table.by_row.get(row.parent_key, ())]
        for key, relation in paths:
            members = [
                e
                for e in table.members.get(key, ())
                if sources is None or table.info[e].source in sources
            ]
            if not members:
                continue
            hit = parties.get(key)
            if hit is None:
                hit = parties[key] = PartyHit(key, table.names.get(key, key), -1.0, 0.0)
            # A non-weak way beats a weak one whatever the scores; else the higher score.
            better = (hit.weak and not weak) or (weak == hit.weak and score > hit.score)
            if better or hit.score < 0:
                hit.score, hit.relation, hit.weak, hit.why, hit.find = (
                    score,
                    relation,
                    weak,
                    why,
                    find,
                )
                hit.threshold = family_cut
                hit.features = find.features
            for e in members:
                info = table.info[e]
                _add(hit, Found(e, info.source, info.name, score, hit.threshold))
    return sorted(parties.values(), key=lambda p: (-p.is_match, -p.score, p.name))
