"""An answer must not depend on the names screened before it. The token-pair similarity cache
is shared across queries; a pair first met without phonetic keys (inside a join) must not
answer later for the same pair met with them (found by comparing a file screened by one
process with the same file split between two)."""

from __future__ import annotations

from screening.matching.algorithm import config_for
from screening.matching.align import align
from screening.matching.lexicon import phonetic_key
from screening.matching.normalize import analyse_name
from screening.matching.similarity import SimCache, similar, token_pair_similarity

# Real pairs where the shared sound changes the similarity: a typed maker's name, and a given
# name from the OFAC alias file against a word of a listed company ("DU, Yurong" / "URENGOY").
PAIRS = [("hikvision", "hickvizion"), ("yurong", "urengoy")]


def test_a_pair_seen_without_phonetic_keys_does_not_answer_for_it_with_them() -> None:
    for a, b in PAIRS:
        pa, pb = phonetic_key(a), phonetic_key(b)
        with_keys = token_pair_similarity(a, b, pa, pb)
        without = token_pair_similarity(a, b, "", "")
        assert with_keys != without, (a, b)  # the pair is one where it matters
        cache: SimCache = {}
        assert similar(a, b, "", "", False, False, cache) == without
        assert similar(a, b, pa, pb, False, False, cache) == with_keys
        assert similar(a, b, "", "", False, False, cache) == without


def test_an_alignment_gives_the_same_score_after_a_join_of_the_same_words() -> None:
    """ "Hick Vizion" joins its words and meets "hikvision" without phonetic keys; a later
    "Hickvizion" against the same listed name must score as it does with a fresh cache."""
    listed = analyse_name("Hikvision", False)
    typed = analyse_name("Hickvizion", False)
    extras = config_for("organization").extras
    fresh = align(typed, listed, extras, {}).score
    cache: SimCache = {}
    align(analyse_name("Hick Vizion", False), listed, extras, cache)
    assert align(typed, listed, extras, cache).score == fresh
