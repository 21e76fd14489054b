"""Properties of the normaliser and the scorer, checked with hypothesis."""

from __future__ import annotations

import random
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.matching import (
    Index,
    Matcher,
    compare,
    default_threshold,
    entries_from_record,
    normalize_name,
)
from screening.matching.normalize import analyse_name

from .conftest import real_records

_SCRIPTS = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Zs", "Mn", "Sm"),
    ),
    max_size=40,
)
_NAMES = st.sampled_from(
    [
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "杭州海康威视数字技术股份有限公司",
        "Общество с ограниченной ответственностью «Газпром»",
        "صدام حسين التكريتي",
        "S.A. DE C.V.",
        "O'Brien & Sons",
        "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_SCRIPTS, _NAMES))
def test_normalising_twice_is_normalising_once(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == " ".join(once.split())
    assert all(ch.isascii() for ch in once)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(_SCRIPTS, _NAMES),
    st.one_of(_SCRIPTS, _NAMES),
    st.sampled_from(["organization", "person", "vessel"]),
)
def test_scores_are_between_zero_and_one(a: str, b: str, kind: str) -> None:
    score, explanation = compare(a, b, kind)
    assert 0.0 <= score <= 1.0
    assert explanation.score == score


@settings(max_examples=200, deadline=None)
@given(st.one_of(_SCRIPTS, _NAMES), st.sampled_from(["organization", "person", "vessel"]))
def test_a_name_against_itself_scores_one(name: str, kind: str) -> None:
    score, _ = compare(name, name, kind)
    assert score == (1.0 if analyse_name(name, kind == "person").tokens else 0.0)


@lru_cache(maxsize=1)
def _sample() -> list[tuple[str, str, str]]:
    return random.Random(1).sample(
        [
            (f"{sid}:{r.local_id}", r.kind, n)
            for sid, recs in real_records().items()
            for r in recs
            for n in [r.name, *(a.value for a in r.aliases if a.type != "weak")]
            if 2 <= len(n.split()) <= 8
        ],
        400,
    )


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    # The names and aliases of each record (the first 1 + aliases entries it makes).
    return Matcher(
        Index.build(
            entries_from_record(sid, r)[k]
            for sid, recs in real_records().items()
            for r in recs
            for k in range(1 + len(r.aliases))
        )
    )


@settings(max_examples=400, deadline=None)
# Drawn when the test first runs, not when the module is collected (every worker collects it).
@given(st.deferred(lambda: st.sampled_from(_sample())), st.randoms(use_true_random=False))
def test_reordering_a_true_match_keeps_it_above_the_threshold(
    case: tuple[str, str, str], rnd: random.Random
) -> None:
    """A real listed name (or alias), its words shuffled, still finds its party."""
    entity_id, kind, name = case
    words = name.split()
    rnd.shuffle(words)
    hits = _matcher().screen(" ".join(words), kind=kind, limit=50)
    found = [m for m in hits if m.entity_id == entity_id]
    assert found, f"{' '.join(words)!r} lost {entity_id} ({name!r})"
    assert found[0].score >= default_threshold(kind)
