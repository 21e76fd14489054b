"""Screening a name against the corporate-family table: pure, plain values in and out.

The family table (parents, subsidiaries, affiliates, brands, former subsidiaries, OEM
relabellers, with their Chinese legal and short names) is indexed with the same engine as the
lists (`Index` + `Matcher`), so a family name is compared exactly as a listed name would be. A
hit says which row it matched, that row's relation, source and confidence; the service then
follows the row to the listed party it leads to (the row itself when the row's own names are
listed, else the family's parent).

A row is only a weak signal, never a match on its own, when its confidence is `low` or its
relation is not in force on the day (a former subsidiary, a relabeller that stopped). A `low`
row counts when the screened name itself names the family's parent as words of its own
("Prama Hikvision India" names "Hikvision"): the name corroborates the unverified row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .algorithm import FeatureResult, default_threshold
from .entries import IndexEntry
from .index import Index
from .matcher import Matcher
from .normalize import analyse_name, normalize_name

_SOURCE = "families"
_RELATION_WORDS = {
    "parent": "parent company of",
    "subsidiary": "subsidiary of",
    "brand": "brand of",
    "affiliate": "affiliate of",
    "former_subsidiary": "former subsidiary of",
    "oem_relabel": "relabels products of",
    "branch": "national branch of",
}
# How far below the cut a name may score and still be a family's national branch: the most a
# place on one side only (`extra_place`) takes off, with room for a legal form.
_BRANCH_MARGIN = 0.3


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One families.csv row as plain values. `key` identifies the row (e.g. its line);
    `parent_name` is the display name of its family's parent (legal name where known)."""

    key: str
    name: str
    names: tuple[str, ...]
    relation: str
    family: str | None
    confidence: str
    source: str
    note: str
    line: int
    parent_name: str | None = None
    parent_key: str | None = None
    start: date | None = None
    end: date | None = None

    def in_force(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def __reduce__(self) -> tuple[type[FamilyRow], tuple[Any, ...]]:
        # Pickled (to Dask workers, inside the screening context) by its fields: compiled with
        # the matching core (screening/native.py), a frozen class cannot be rebuilt field by
        # field as pickle's default does.
        return FamilyRow, (
            self.key,
            self.name,
            self.names,
            self.relation,
            self.family,
            self.confidence,
            self.source,
            self.note,
            self.line,
            self.parent_name,
            self.parent_key,
            self.start,
            self.end,
        )


@dataclass(frozen=True, slots=True)
class FamilyFind:
    """A family row whose name matched the screened name, and how well."""

    row: FamilyRow
    matched_name: str
    score: float
    features: tuple[FeatureResult, ...]


def relation_text(row: FamilyRow, day: date) -> str:
    """`subsidiary of Hangzhou Hikvision Digital Technology Co., Ltd.`, with the dates of a
    relation that has ended (`former subsidiary of ... (2018-02-01 to 2022-11-24)`)."""
    words = _RELATION_WORDS.get(row.relation, row.relation.replace("_", " ") + " of")
    text = f"{words} {row.parent_name or row.family or 'an unnamed family'}"
    if not row.in_force(day) or row.relation == "former_subsidiary":
        start = row.start.isoformat() if row.start else "?"
        end = row.end.isoformat() if row.end else "?"
        text += f" ({start} to {end})"
    return text


def names_parent(query: str, parent_short: str | None) -> bool:
    """Whether the normalised screened name contains the parent's short name as whole words."""
    if not parent_short:
        return False
    words, short = normalize_name(query).split(), normalize_name(parent_short).split()
    if not short:
        return False
    return any(words[i : i + len(short)] == short for i in range(len(words) - len(short) + 1))


class FamilySearch:
    """The family table's names in their own small index."""

    def __init__(self, rows: Sequence[FamilyRow]) -> None:
        self._given = tuple(rows)
        self.rows = {row.key: row for row in rows}
        entries = [
            IndexEntry(row.key, _SOURCE, name, "primary" if name == row.name else "alias")
            for row in rows
            for name in row.names
        ]
        self.matcher = Matcher(Index.build(entries, cache_key="families"))
        cores = {_core(n) for r in rows for n in r.names} - {""}
        self._short = frozenset(c for c in cores if len(c) <= 4)
        # Each longer name's letter triples, inverted: triple -> the names that have it.
        self._need: list[float] = []
        self._by_gram: dict[str, list[int]] = {}
        for c in sorted(cores):
            if len(c) > 4:
                grams = _trigrams(c)
                for g in grams:
                    self._by_gram.setdefault(g, []).append(len(self._need))
                self._need.append(max(2, len(grams) / 2))

    def __reduce__(self) -> tuple[type[FamilySearch], tuple[tuple[FamilyRow, ...]]]:
        # Pickled (to Dask workers) as its rows, and built again there (a small index).
        return FamilySearch, (self._given,)

    def could_match(self, name: str) -> bool:
        """A cheap gate before the engine: whether the name contains a short family name
        ("ZTE", "UNV") as a word, or shares at least half (and two) of the letter triples of
        the distinctive words of a longer one (its legal form, trade words and places left
        out; spaces ignored, so joined and split words count). A name sharing fewer cannot
        score near the threshold against it, so batch screening skips the engine."""
        normalized = normalize_name(name)
        if self._short.intersection(normalized.split()):
            return True
        shared: dict[int, int] = {}
        need = self._need
        for g in _trigrams(normalized):
            for i in self._by_gram.get(g, ()):
                count = shared[i] = shared.get(i, 0) + 1
                if count >= need[i]:
                    return True
        return False

    def search(self, name: str, threshold: float | None = None) -> list[FamilyFind]:
        """Rows one of whose names scores at or above the organization threshold, best first,
        each with the explained score of its best name."""
        if not self.could_match(name):
            return []
        cut = default_threshold("organization") if threshold is None else threshold
        found = self.matcher.screen(
            name, kind="organization", threshold=max(0.0, cut - _BRANCH_MARGIN), limit=20
        )
        out = []
        for m in found:
            row = self.rows[m.entity_id]
            if m.score >= cut:
                out.append(FamilyFind(row, m.matched_name, m.score, m.features))
                continue
            branch = as_branch(row, m.score, m.features, cut)
            if branch is not None:
                out.append(FamilyFind(branch[0], m.matched_name, branch[1], branch[2]))
        return sorted(out, key=lambda f: -f.score)


def _core(name: str) -> str:
    """The name's distinctive words, joined (all its words when it has none)."""
    tokens = analyse_name(name).tokens
    core = [t.text for t in tokens if t.weight >= 0.5] or [t.text for t in tokens]
    return "".join(core)


def _trigrams(normalized: str) -> frozenset[str]:
    compact = normalized.replace(" ", "")
    return frozenset(compact[i : i + 3] for i in range(len(compact) - 2))


def is_weak(find: FamilyFind, query: str, day: date, parent_short: str | None) -> tuple[bool, str]:
    """Whether a family find may only be a weak signal, and why (for the user)."""
    row = find.row
    if not row.in_force(day):
        return True, f"the relation ended ({relation_text(row, day)}): a weak signal only"
    if row.confidence == "low":
        if names_parent(query, parent_short):
            return False, (
                f"a low-confidence row ({row.source}; {row.note or 'not verified'}), "
                f"corroborated by the name itself containing {parent_short!r}"
            )
        return True, (
            f"a low-confidence row ({row.source}; {row.note or 'not verified'}): "
            "a weak signal only, never a match on its own"
        )
    return False, f"{row.confidence} confidence: {row.source}"


def as_branch(
    row: FamilyRow, score: float, features: Sequence[FeatureResult], cut: float
) -> tuple[FamilyRow, float, tuple[FeatureResult, ...]] | None:
    """A family name with a place on one side only ("Hikvision UK Ltd", "Dahua Technology
    Germany") is a different party from the one listed (a branch is not its parent), but for a
    buyer it is the family's: a national branch or subsidiary, which NDAA §889 covers as "any
    subsidiary or affiliate". When the place alone keeps the name below the cut, the find is
    kept as that relation, with the place's penalty taken back and said so."""
    place = next((f for f in features if f.name == "extra_place" and f.value > 0), None)
    if place is None or score - place.contribution < cut:
        return None
    where = place.explanation
    note = (
        f"named after {row.name!r} with a place of its own: a national branch or subsidiary "
        "of the family, not a row of the family table"
    )
    derived = replace(
        row,
        key=f"{row.key}#branch",
        relation="branch",
        note=note,
        parent_key=row.key if row.relation == "parent" else (row.parent_key or row.key),
        parent_name=row.parent_name or row.name,
    )
    kept = (
        *(f for f in features if f is not place),
        FeatureResult(
            "family_branch",
            1.0,
            0.0,
            0.0,
            f"The place ({where}) makes it a branch, not the listed party itself; as the "
            "family's branch it counts, and the place costs nothing here.",
        ),
    )
    return derived, round(score - place.contribution, 4), kept
