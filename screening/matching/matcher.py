"""The matching API: screen one name against the index, or compare two names.

`Matcher(index).screen(name, ...)` returns one `Match` per listed party (the best of its names)
at or above the threshold, best first. Pass `threshold=0.0` to get the best candidates whatever
their score (a report that shows the nearest listed name below the threshold does this and
compares `score` with `default_threshold(kind)` itself).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .algorithm import Context, FeatureResult, default_threshold, evaluate, identifier_result
from .align import SimCache
from .explain import Explanation
from .index import Index
from .normalize import NameAnalysis, analyse_name

IdentifierInput = str | tuple[str, str]
_CACHE_MAX = 200_000


@dataclass(frozen=True, slots=True)
class Match:
    """One listed party that matched: its best name, the score and the features behind it."""

    entity_id: str
    source: str
    matched_name: str
    name_type: str
    kind: str
    score: float
    threshold: float
    features: tuple[FeatureResult, ...]

    @property
    def is_match(self) -> bool:
        """At or above the threshold (the unrounded score)."""
        return self.score >= self.threshold

    @property
    def explanation(self) -> Explanation:
        return Explanation(self.score, self.features)


def _identifier_values(identifiers: Iterable[IdentifierInput] | None) -> list[str]:
    out = []
    for item in identifiers or ():
        out.append(item if isinstance(item, str) else item[1])
    return out


class Matcher:
    """Screens names against one `Index`."""

    def __init__(self, index: Index) -> None:
        self.index = index
        # Token-pair similarities, kept across queries (names in a file share most words).
        self._cache: SimCache = {}

    def __reduce__(self) -> tuple[type[Matcher], tuple[Index]]:
        # Pickled (to Dask workers) as its index; the similarity cache is rebuilt there.
        return Matcher, (self.index,)

    def _queries(self, name: str, kind: str | None) -> dict[bool, NameAnalysis]:
        if kind == "person":
            return {True: analyse_name(name, True)}
        if kind is not None:
            return {False: analyse_name(name, False)}
        return {False: analyse_name(name, False), True: analyse_name(name, True)}

    def screen(
        self,
        name: str,
        kind: str | None = None,
        country: str | None = None,
        identifiers: Iterable[IdentifierInput] | None = None,
        sources: Collection[str] | None = None,
        threshold: float | None = None,
        limit: int = 10,
        explain: bool = True,
        nearest: bool = False,
    ) -> list[Match]:
        """The listed parties matching `name`, best first, one per party.

        `kind` (organization, person, vessel, aircraft) selects the weight table and penalises
        listed parties of another kind; without it each listed party is scored under its own
        kind. `country` (ISO-2) and `identifiers` (values, or (type, value) pairs) refine the
        score; an identifier the list publishes for a party makes that party score 1.0.
        `threshold` defaults to the kind's default threshold (of each party's kind when `kind`
        is None).

        With `nearest`, the best-scored party is returned too when it is under the threshold and
        nothing else is (the first of the list, as with `threshold=0.0`, same exact score); the
        other parties under the threshold are left out, so a name that can reach neither the
        threshold nor the best score so far is only scored up to the bound `evaluate` gives
        under a floor (a batch that needs the matches and the nearest party skips the rest)."""
        index = self.index
        queries = self._queries(name, kind)
        cache = self._cache
        if len(cache) > _CACHE_MAX:
            cache.clear()
        best: dict[int, tuple[float, int]] = {}
        allowed = set(sources) if sources is not None else None
        if any(q.tokens for q in queries.values()):
            # `nearest`: the best exact score so far. A name whose bound falls under both it
            # and the threshold is neither a match nor the nearest party; its recorded score is
            # that bound (or its exact score), under both, so it never ranks first.
            top = -1.0
            for nid in index.candidates(list(queries.values()), allowed, cache=cache):
                ent_idx = index.name_entity[nid]
                ent = index.entities[ent_idx]
                q = queries.get(ent.kind == "person") or next(iter(queries.values()))
                ctx = Context(kind, ent.kind, country, ent.countries, index.name_types[nid])
                floor = threshold if threshold is not None else default_threshold(kind or ent.kind)
                if nearest:
                    floor = min(floor, top)
                score, _ = evaluate(q, index.name(nid), ctx, cache, floor=floor)
                if score >= floor and score > top:  # not cut short by the floor: exact
                    top = score
                if ent_idx not in best or score > best[ent_idx][0]:
                    best[ent_idx] = (score, nid)
        id_hits = index.identifier_hits(_identifier_values(identifiers))
        matches: list[Match] = []
        for ent_idx, (id_type, id_value) in id_hits.items():
            ent = index.entities[ent_idx]
            if allowed is not None and ent.source not in allowed:
                continue
            nid = best.pop(ent_idx)[1] if ent_idx in best else index.entity_names[ent_idx]
            named = nid < len(index)
            cut = threshold if threshold is not None else default_threshold(kind or ent.kind)
            matches.append(
                Match(
                    ent.entity_id,
                    ent.source,
                    index.name(nid).text if named else "",
                    index.name_types[nid] if named else "",
                    ent.kind,
                    1.0,
                    cut,
                    (identifier_result(id_type, id_value),),
                )
            )
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        for ent_idx, (score, nid) in ranked:
            if len(matches) >= limit:
                break
            ent = index.entities[ent_idx]
            cut = threshold if threshold is not None else default_threshold(kind or ent.kind)
            # `nearest`: the first of the ranking, when nothing comes before it, is the best
            # exact score (any bound recorded is under it).
            if (score < cut and not (nearest and not matches)) or score <= 0.0:
                continue
            feats: list[FeatureResult] | tuple[()] = ()
            if explain:  # batch callers that only need scores skip the second, explained pass
                q = queries.get(ent.kind == "person") or next(iter(queries.values()))
                ctx = Context(kind, ent.kind, country, ent.countries, index.name_types[nid])
                score, feats = evaluate(q, index.name(nid), ctx, cache, explain=True)
            matches.append(
                Match(
                    ent.entity_id,
                    ent.source,
                    index.name(nid).text,
                    index.name_types[nid],
                    ent.kind,
                    score,
                    cut,
                    tuple(feats),
                )
            )
        return matches[:limit]


def compare(name1: str, name2: str, kind: str | None = "organization") -> tuple[float, Explanation]:
    """Score `name1` (the screened name) against `name2` (the listed name) under `kind`'s rules
    (blank means organization); returns the score in [0, 1] and its explanation."""
    kind = kind or "organization"
    person = kind == "person"
    q = analyse_name(name1, person)
    c = analyse_name(name2, person)
    if not q.tokens or not c.tokens:
        return 0.0, Explanation(0.0, ())
    score, feats = evaluate(q, c, Context(kind, kind), explain=True)
    return score, Explanation(score, tuple(feats))
