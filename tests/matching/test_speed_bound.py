"""The bound the batch screening prunes with: `evaluate` under a floor either gives the exact
score or, when it stops early, a value under the floor that is at least the exact score.
`Matcher.screen(nearest=True)` skips names on that guarantee alone, so whatever the features
compute, a break in it fails here (pairs of real listed names, perturbed as typed)."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.matching.algorithm import Context, evaluate
from screening.matching.normalize import analyse_name

from .conftest import real_records


@lru_cache(maxsize=1)
def _names() -> list[str]:
    records = [r for recs in real_records().values() for r in recs]
    return sorted({r.name for r in records} | {a.value for r in records for a in r.aliases})


# Drawn when the test first runs, not when the module is collected (every worker collects it).
_NAMES = st.deferred(lambda: st.sampled_from(_names()))
_KINDS = st.sampled_from(["organization", "person", "vessel", None])


def _perturb(name: str, how: int, at: int, other: str) -> str:
    """The name as a user may type it: as listed, a letter dropped, two swapped, a word of
    another listed name added, or a word dropped."""
    k = at % max(len(name) - 1, 1)
    words = name.split()
    if how == 1:
        return name[:k] + name[k + 1 :]
    if how == 2 and len(name) > 2:
        return name[:k] + name[k + 1] + name[k] + name[k + 2 :]
    if how == 3:
        return f"{name} {other.split()[0] if other.split() else ''}"
    if how == 4 and len(words) > 1:
        return " ".join(words[: at % len(words)] + words[at % len(words) + 1 :])
    return name


_PAIRS = st.tuples(
    _NAMES,
    _NAMES,
    st.integers(0, 4),
    st.integers(0, 200),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(_PAIRS, _KINDS, _KINDS, st.floats(0.0, 1.0), st.sampled_from([None, "RU", "CN", "US"]))
def test_evaluate_under_a_floor_is_exact_or_a_bound_under_it(
    pair: tuple[str, str, int, int, bool],
    query_kind: str | None,
    listed_kind: str | None,
    floor: float,
    country: str | None,
) -> None:
    listed, other, how, at, related = pair
    # Half the pairs are a listed name against its own perturbation (scores near the top).
    query = _perturb(listed if related else other, how, at, other)
    lk = listed_kind or "organization"
    person = lk == "person"
    q, c = analyse_name(query, person), analyse_name(listed, person)
    if not q.tokens or not c.tokens:
        return
    ctx = Context(query_kind, lk, country, ("RU",), "aka")
    exact, _ = evaluate(q, c, ctx)
    cut, _ = evaluate(q, c, ctx, floor=floor)
    assert cut == exact or exact <= cut < floor, (query, listed, exact, cut, floor)
