"""How the features make one score, per kind of party, and the default thresholds.

The score of a screened name against one listed name is

    main = max(name score, acronym x its weight)        (identifier match: 1.0, final)
    score = clamp(main + the qualifiers that fire, 0, 1)

The name score is the token alignment (`features.align`): the similarity of the paired words,
weighted by what each word is (a distinctive word counts fully, a legal form hardly at all), over
the weight of both names, where an unpaired word counts with a share of its weight (`Extras`).
It is reported as three contributions that add up to it: `token_similarity` (the mean similarity
of the paired words), minus `unmatched_query` and `unmatched_candidate` (the share of the weight
left unpaired on each side, times that similarity). Qualifiers then add or subtract a fixed weight:
numbers that differ, a place, trade word or number substituted (`different_qualifier`), a place
after the distinctive words on one side only (`extra_place`: a branch or national subsidiary), a
distinctive word or name part substituted (`different_part`: sister companies, relatives), a match
resting on one short word (`thin_match`), no distinctive word paired, a different kind, country
agreement, a weak alias.

Every `FeatureResult` has `contribution == value * weight`, and the contributions add up to the
score (before it is clamped to [0, 1]).

Calibration: the score is not a probability. 1.0 means the same words (or an identifier the list
publishes). The default thresholds were read off the development part (70% of parties, split by
party) of scripts/eval_matching.py: 14,089 labelled pairs of real list names (a party's primary
name and its published a.k.a.s from the OFAC SDN 2025-12 alt.csv, the full 2022 Consolidated
Screening List, the UN and Entity lists, as published and with typos, swaps, reordering, legal
forms dropped, added or changed, compounds joined or split, numbers written out; against pairs of
two different listed parties whose names differ by one place, trade word, number or distinctive
word, relatives whose names differ in one part, persons with one more name part, and the same
negatives with the first party's name in its original script). At the shipped thresholds,
development / held-out (precision, recall, F1):

    organization 0.80   0.948 0.859 0.901 / 0.955 0.862 0.906
    person       0.80   0.959 0.843 0.897 / 0.970 0.862 0.913
    vessel       0.80   0.996 0.787 0.880 / 0.998 0.826 0.904

(0.937 and 0.941 for organizations and persons over all pairs without the renamings that share no
word but a legal form, which no name scorer finds). nomenklatura logic-v2 scores the same held-out
pairs 0.787 / 0.795 / 0.605 at 0.70, and 0.816 / 0.833 at its best threshold in hindsight. On the
development part the organization F1 peaks at 0.78-0.80 (0.901; 0.896 or more over
0.74-0.82); the person F1 is flat over 0.60-0.80 (0.897-0.906, best at 0.64) and 0.80 keeps the
precision (a bare surname against a listed "given name + surname" stays below it, Smith / John
Smith 0.77, unless the given name is a common one: Putin / Vladimir Putin 0.81).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import features as ft
from .align import Extras, SimCache, align
from .normalize import NameAnalysis


@dataclass(frozen=True, slots=True)
class KindConfig:
    """The weight table of one kind of party."""

    threshold: float
    extras: Extras
    acronym: float
    number_mismatch: float
    no_core_match: float
    kind_mismatch: float
    country_match: float
    country_mismatch: float
    weak_alias: float
    different_qualifier: float = 0.0
    extra_place: float = 0.0
    different_part: float = 0.0
    thin_match: float = 0.0
    extra_given_name: float = 0.0


_PARTY_EXTRAS = Extras(query_core=0.8, query_low=0.8, candidate_core=0.5, candidate_low=0.15)
CONFIGS: dict[str, KindConfig] = {
    "organization": KindConfig(
        threshold=0.8,
        extras=_PARTY_EXTRAS,
        acronym=0.85,
        number_mismatch=-0.5,
        no_core_match=-0.3,
        kind_mismatch=-0.3,
        country_match=0.03,
        country_mismatch=-0.1,
        weak_alias=-0.05,
        different_qualifier=-0.2,
        extra_place=-0.2,
        different_part=-0.1,
        thin_match=-0.15,
    ),
    "person": KindConfig(
        threshold=0.80,
        # Screened persons often carry a middle name or patronymic the list lacks.
        extras=Extras(query_core=0.8, query_low=0.5, candidate_core=0.6, candidate_low=0.2),
        acronym=0.0,
        number_mismatch=-0.2,
        no_core_match=-0.3,
        kind_mismatch=-0.3,
        country_match=0.03,
        country_mismatch=-0.1,
        weak_alias=-0.05,
        different_qualifier=-0.2,
        different_part=-0.3,
        extra_given_name=-0.3,
    ),
    "vessel": KindConfig(
        threshold=0.8,
        extras=_PARTY_EXTRAS,
        acronym=0.0,
        number_mismatch=-0.5,
        no_core_match=-0.3,
        kind_mismatch=-0.3,
        country_match=0.0,
        country_mismatch=0.0,
        weak_alias=-0.05,
    ),
}
CONFIGS["aircraft"] = CONFIGS["vessel"]
DEFAULT_KIND = "organization"


def config_for(kind: str | None) -> KindConfig:
    """The weight table for a kind; kinds without their own (category...) use organization's."""
    return CONFIGS.get(kind or DEFAULT_KIND, CONFIGS[DEFAULT_KIND])


def default_threshold(kind: str | None) -> float:
    """The documented default threshold of a kind: organization 0.80, person 0.80, vessel and
    aircraft 0.80, any other kind (category...) as organization. See the module docstring for
    how they were chosen."""
    return config_for(kind).threshold


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """One feature of a score: its value in [0, 1], its weight, what it added to the score
    (value x weight) and the explanation users see."""

    name: str
    value: float
    weight: float
    contribution: float
    explanation: str


@dataclass(frozen=True, slots=True)
class Context:
    """What is known about the two parties beyond the names."""

    query_kind: str | None = None
    listed_kind: str = DEFAULT_KIND
    country: str | None = None
    listed_countries: tuple[str, ...] = ()
    name_type: str = "primary"


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def _feature(
    name: str, func: ft.Feature, value: float, weight: float, detail: str
) -> FeatureResult:
    return FeatureResult(name, value, weight, value * weight, ft.explanation_of(func, detail))


def evaluate(
    q: NameAnalysis,
    c: NameAnalysis,
    ctx: Context,
    cache: SimCache | None = None,
    explain: bool = False,
    floor: float = 0.0,
) -> tuple[float, list[FeatureResult]]:
    """Score a screened name against one listed name; with `explain`, the features too. With a
    `floor`, a name whose score cannot reach it (only the country's agreement adds to the name
    score) returns an upper bound of its score, under the floor, without the qualifiers."""
    cfg = config_for(ctx.query_kind or ctx.listed_kind)
    al = align(q, c, cfg.extras, cache)
    name_score = al.score
    if floor and not explain:
        bound = name_score
        if cfg.acronym > bound and (ft.acronym_word(q) or ft.acronym_word(c)):
            bound = cfg.acronym
        if bound + cfg.country_match < floor:
            return _clamp(bound + cfg.country_match), []
    acronym_value = 0.0
    if cfg.acronym and name_score < cfg.acronym:
        acronym_value, acronym_detail = ft.acronym(q, c)
    by_acronym = acronym_value * cfg.acronym > name_score
    qualifiers: list[tuple[str, ft.Feature, float, float, str]] = []

    def qualify(name: str, func: ft.Feature, weight: float, *args: object) -> None:
        if weight:
            value, detail = func(*args)
            if value:
                qualifiers.append((name, func, value, weight, detail))

    qualify("number_mismatch", ft.number_mismatch, cfg.number_mismatch, q, c)
    qualify("different_qualifier", ft.different_qualifier, cfg.different_qualifier, q, c, al)
    qualify("extra_place", ft.extra_place, cfg.extra_place, q, c, al)
    qualify("different_part", ft.different_part, cfg.different_part, q, c, al)
    qualify("extra_given_name", ft.extra_given_name, cfg.extra_given_name, q, c, al)
    if not by_acronym:
        qualify("thin_match", ft.thin_match, cfg.thin_match, q, c, al)
    if not by_acronym:
        qualify("no_core_match", ft.no_core_match, cfg.no_core_match, q, c, al)
    qualify("kind_mismatch", ft.kind_mismatch, cfg.kind_mismatch, ctx.query_kind, ctx.listed_kind)
    qualify("country_match", ft.country_match, cfg.country_match, ctx.country, ctx.listed_countries)
    qualify(
        "country_mismatch",
        ft.country_mismatch,
        cfg.country_mismatch,
        ctx.country,
        ctx.listed_countries,
    )
    qualify("weak_alias", ft.weak_alias, cfg.weak_alias, ctx.name_type)
    main = acronym_value * cfg.acronym if by_acronym else name_score
    score = _clamp(main + sum([value * weight for _, _, value, weight, _ in qualifiers], 0.0))
    if not explain:
        return score, []
    out: list[FeatureResult] = []
    if by_acronym:
        out.append(_feature("acronym", ft.acronym, acronym_value, cfg.acronym, acronym_detail))
    else:
        similarity, detail = ft.token_similarity(q, c, al)
        out.append(_feature("token_similarity", ft.token_similarity, similarity, 1.0, detail))
        for name, func in (
            ("unmatched_query", ft.unmatched_query),
            ("unmatched_candidate", ft.unmatched_candidate),
        ):
            share, detail = func(q, c, al)
            out.append(_feature(name, func, share, -similarity, detail))
    out.extend(_feature(*item) for item in qualifiers)
    return score, out


def identifier_result(kind: str, value: str) -> FeatureResult:
    """The single feature of an identifier match, which scores 1.0."""
    detail = ft.identifier_match((kind, value))[1]
    return _feature("identifier_match", ft.identifier_match, 1.0, 1.0, detail)
