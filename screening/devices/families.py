"""Maker name -> corporate family: the `FamilyHit` a resolver returns and the default resolver
built from data/reference/families.csv.

`identify()` takes any `Resolver` (a callable name -> FamilyHit | None), so the service can plug
in the matching engine; `FamilyResolver` is the default and the fallback. It tries, in order:

1. exact: the name equals one of a row's names (name, English or Chinese legal name, Chinese
   short name, aliases) once both are normalised and stripped of their legal form
   ("HIK VISION", "杭州海康威视数字技术股份有限公司", "Hangzhou Hikvision Digital Technology
   Company"). Confidence: the row's own.
2. near-miss: the whole name is within one typing slip of a row's name (Damerau-Levenshtein via
   rapidfuzz: "Hikivision", "Dahau", "Huwaei"). Short names allow only a swapped or replaced
   letter, never an added or dropped one, so "Tandy" is not "Tiandy"; names under five letters
   ("Axis", "ZTE", "LTS") must match exactly. Confidence: at most medium.
3. fragment: two or more words of a row's longer name, one of them a one-word name of the same
   family, and nothing else but trade words ("Hangzhou Hikvision", "Zhejiang Dahua Security",
   "Chengdu Dahua", "浙江大华": a legal name cut short). Confidence: at most medium. Words that
   are only places and trade words ("Hangzhou Digital Technology") name no family, and another
   word makes it another company's name ("Shanghai Dahua Scale Factory").
4. word: one word of the name is a row's one-word name ("Hikvision USA", "Dahua Security
   Cameras"). Medium when every other word is a trade word (camera, security, USA...), else low:
   "Shanghai Dahua Scale Factory" is a real, unrelated company.

A hit's confidence is never above its row's: a name found only on a `low` row stays low, unless
the name itself names the family's parent as words of its own ("Prama Hikvision India" names
Hikvision): the name corroborates the unverified row, which then counts as medium (the rule the
name screening applies to family rows too, screening.matching.families).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from .names import TRADE_WORDS, NameKey, name_key
from .reference import CONFIDENCE_RANK, Confidence, FamilyMember, Reference


@dataclass(frozen=True, slots=True)
class FamilyHit:
    """A maker name resolved to a family.

    `family` is the lowercase family id (None for a `low` relabel row that names no family);
    `matched_alias` the reference name it matched; `score` in [0, 1]; `explanation` one sentence
    for the user. `entity` and `relation` name the families.csv row when the resolver knows it
    (a resolver that leaves them None is mapped back to a row through `matched_alias`)."""

    family: str | None
    matched_alias: str
    confidence: Confidence
    score: float
    explanation: str
    entity: str | None = None
    relation: str | None = None


Resolver = Callable[[str], FamilyHit | None]
_RELATION_ORDER = {"parent": 0, "subsidiary": 1, "brand": 2, "affiliate": 3}


def weaker(a: Confidence, b: Confidence) -> Confidence:
    """The lower of two confidences."""
    return a if CONFIDENCE_RANK[a] <= CONFIDENCE_RANK[b] else b


def _preference(member: FamilyMember) -> tuple[int, int]:
    return (-CONFIDENCE_RANK[member.confidence], _RELATION_ORDER.get(member.relation, 9))


def near_miss(a: str, b: str) -> int | None:
    """The number of typing slips between two compact keys when they count as a near-miss,
    else None (see the module docstring for the limits)."""
    shortest = min(len(a), len(b))
    if shortest < 5 or a == b:
        return 0 if a == b and shortest else None
    if len(a) != len(b) and shortest < 7:
        return None
    limit = 1 if shortest < 10 else 2
    distance = int(DamerauLevenshtein.distance(a, b, score_cutoff=limit))
    return distance if distance <= limit else None


def family_words(reference: Reference) -> dict[str, frozenset[str]]:
    """Per family, the compact keys of its one-word names ("hikvision", "ezviz", "dahua"...),
    from its rows of medium or high confidence ("Honeywell", a `low` relabel row, is not a
    Dahua name)."""
    out: dict[str, set[str]] = {}
    for member in reference.members:
        if member.family is None or member.confidence == "low":
            continue
        for name in member.names:
            key = name_key(name)
            if len(key.words) == 1 and len(key.compact) >= 4:
                out.setdefault(member.family, set()).add(key.compact)
    return {family: frozenset(words) for family, words in out.items()}


def names_parent(reference: Reference, member: FamilyMember, text: str) -> str | None:
    """The family's parent name when `text` contains it as whole words of its own (spaces
    aside: "PRAMA HIK-VISION" names "Hikvision"), else None."""
    parent = reference.parent(member.family) if member.family else None
    if parent is None:
        return None
    want = name_key(parent.name).compact
    words = name_key(text).words
    for i in range(len(words)):
        joined = ""
        for word in words[i:]:
            joined += word
            if joined == want:
                return parent.name
            if len(joined) >= len(want):
                break
    return None


def row_cap(reference: Reference, member: FamilyMember, text: str) -> Confidence:
    """The most a claim through `member` may be worth when it rests on the name `text`: the
    row's confidence, or medium for a `low` row the name corroborates (see the module
    docstring)."""
    if member.confidence == "low" and names_parent(reference, member, text):
        return "medium"
    return member.confidence


def member_for_hit(reference: Reference, hit: FamilyHit) -> FamilyMember | None:
    """The families.csv row a hit stands for: by `entity`, else by its matched alias."""
    if hit.entity is not None:
        found = reference.member(hit.entity)
        if found is not None:
            return found
    rows = [m for m in reference.lookup(hit.matched_alias) if m.family == hit.family]
    return min(rows, key=_preference) if rows else None


class FamilyResolver:
    """The default name -> family resolver over a `Reference` (see the module docstring)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self._names: list[tuple[FamilyMember, str, NameKey]] = [
            (member, name, name_key(name)) for member in reference.members for name in member.names
        ]
        self._family_words = family_words(reference)

    def __call__(self, text: str) -> FamilyHit | None:
        query = name_key(text)
        if not query.compact:
            return None
        return (
            self._exact(text)
            or self._near(query, text)
            or self._fragment(query, text)
            or self._word(query, text)
        )

    def _hit(
        self,
        member: FamilyMember,
        alias: str,
        match: Confidence,
        score: float,
        how: str,
        text: str,
    ) -> FamilyHit:
        confidence = weaker(match, row_cap(self.reference, member, text))
        family = member.family or "no family (unverified claim)"
        why = (
            f"{how} {alias!r}, a {member.relation.replace('_', ' ')} row of {family} "
            f"({member.confidence} confidence: {member.source})"
        )
        parent = names_parent(self.reference, member, text) if member.confidence == "low" else None
        if parent:
            why += f"; the name itself names {parent}, which corroborates the row"
        return FamilyHit(
            family=member.family,
            matched_alias=alias,
            confidence=confidence,
            score=round(score, 4),
            explanation=why,
            entity=member.name,
            relation=member.relation,
        )

    def _exact(self, text: str) -> FamilyHit | None:
        rows = self.reference.lookup(text)
        if not rows:
            return None
        member = min(rows, key=_preference)
        key = name_key(text)
        alias = next(
            (n for n in member.names if name_key(n).compact in (key.compact, key.full)),
            member.name,
        )
        return self._hit(member, alias, "high", 1.0, "exact match (legal form ignored) on", text)

    def _near(self, query: NameKey, text: str) -> FamilyHit | None:
        found: list[tuple[float, int, int, FamilyMember, str]] = []
        for member, alias, key in self._names:
            slips = near_miss(query.compact, key.compact) if key.compact else None
            if slips:
                score = 1 - slips / max(len(query.compact), len(key.compact))
                conf, order = _preference(member)
                found.append((score, -conf, -order, member, alias))
        if not found:
            return None
        score, _, _, member, alias = max(found, key=lambda c: c[:3])
        return self._hit(member, alias, "medium", score, "near-miss spelling of", text)

    def _fragment(self, query: NameKey, text: str) -> FamilyHit | None:
        if len(query.words) < 2:
            return None
        words = set(query.words)
        found: list[tuple[float, int, int, FamilyMember, str]] = []
        for member, alias, key in self._names:
            if member.family is None:
                continue
            shared = words & set(key.words)
            # At least two words of the name ("Hikvision Cameras" alone is the word rule's);
            # the others may be trade words ("Zhejiang Dahua Security").
            if len(shared) < 2 or words - shared - TRADE_WORDS:
                continue
            if not shared & self._family_words.get(member.family, frozenset()):
                continue  # only places and trade words: "Hangzhou Digital Technology"
            conf, order = _preference(member)
            found.append((len(shared) / len(key.words), -conf, -order, member, alias))
        if not found:
            return None
        share, _, _, member, alias = max(found, key=lambda c: c[:3])
        score = 0.8 + 0.15 * share
        return self._hit(member, alias, "medium", score, "every word is part of the name", text)

    def _word(self, query: NameKey, text: str) -> FamilyHit | None:
        best: tuple[float, FamilyMember, str, Confidence] | None = None
        for member, alias, key in self._names:
            if len(key.words) != 1 or len(key.compact) < 4:
                continue
            for i, word in enumerate(query.words):
                slips = near_miss(word, key.compact) if len(word) >= 5 else None
                if word != key.compact and not slips:
                    continue
                others = query.words[:i] + query.words[i + 1 :]
                trade = all(w in TRADE_WORDS for w in others)
                similarity = 1 - (slips or 0) / max(len(word), len(key.compact))
                score = (0.85 if trade else 0.7) * similarity
                match: Confidence = "medium" if trade else "low"
                if best is None or score > best[0]:
                    best = (score, member, alias, match)
        if best is None:
            return None
        score, member, alias, match = best
        how = "one word of the name is" if match == "medium" else "weak: among other words,"
        return self._hit(member, alias, match, score, how, text)


def default_resolver(reference: Reference) -> Resolver:
    """The resolver the tests use and the service falls back to."""
    return FamilyResolver(reference)
