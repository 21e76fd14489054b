"""`Matcher.screen(nearest=True)`, the batch path: the same matches with the same scores as a
full scoring (`threshold=0.0`), and the same best party when none matches, on real listed names
as typed; and a warm per-word retrieval cache changes no candidate."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.matching import Index, Matcher, default_threshold
from screening.matching.matcher import Match

from .test_speed_bound import _NAMES, _names, _perturb

_KINDS = st.sampled_from(["organization", "person", None])


def _row(m: Match) -> tuple[object, ...]:
    return (m.entity_id, m.source, m.matched_name, m.score)


@settings(max_examples=300, deadline=None)
@given(
    _NAMES,
    _NAMES,
    st.integers(0, 4),
    st.integers(0, 200),
    _KINDS,
    st.sampled_from([None, 0.5, 0.8, 0.95]),
)
def test_nearest_keeps_every_match_and_the_best_party(
    matcher: Matcher,
    name: str,
    other: str,
    how: int,
    at: int,
    kind: str | None,
    threshold: float | None,
) -> None:
    query = _perturb(name, how, at, other)
    full = matcher.screen(query, kind=kind, threshold=0.0, limit=100, explain=False)
    fast = matcher.screen(
        query, kind=kind, threshold=threshold, limit=100, explain=False, nearest=True
    )

    def cut(m: Match) -> float:
        return threshold if threshold is not None else default_threshold(kind or m.kind)

    expected = [m for i, m in enumerate(full) if i == 0 or m.score >= cut(m)]
    assert [_row(m) for m in fast] == [_row(m) for m in expected], query


def test_a_warm_retrieval_cache_changes_no_candidate(index: Index) -> None:
    names = random.Random(11).sample(_names(), 300)
    cold = {}
    for name in names:  # a fresh matcher per name: nothing cached from other queries
        fresh = Matcher(index)
        index._expansions.clear()
        cold[name] = [_row(m) for m in fresh.screen(name, threshold=0.0, limit=50)]
    warm = Matcher(index)
    for name in reversed(names):
        assert [_row(m) for m in warm.screen(name, threshold=0.0, limit=50)] == cold[name], name
