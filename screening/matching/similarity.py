"""How alike two tokens are: the graded typo similarity, sound-alike keys, transliteration and
romanisation equivalences, nicknames. align.py pairs the tokens of two names with it; the index
uses it to expand a query token into the vocabulary tokens it may stand for.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .variants import NICKNAMES, loose_key, nickname, syllable_key

__all__ = [
    "NICKNAMES",
    "SimCache",
    "arabic_skeleton",
    "max_edits",
    "similar",
    "skeletons_agree",
    "token_pair_similarity",
]

# Keyed by everything the similarity depends on: the two words, the flags, and the length of
# their shared phonetic key (0 when the keys differ or were not given). Without the last, a pair
# first met through a join (no phonetic keys) kept its lower score for every later query, so an
# answer depended on the names screened before it.
SimCache = dict[tuple[str, str, bool, bool, int], tuple[float, str]]
TYPO_SOUND_ALIKE = 0.92  # a typo that keeps the consonants (Khaled/Khalid, Barkat/Barakat)
SOUND_ALIKE = 0.75  # same phonetic key, same script
SOUND_ALIKE_ACROSS = 0.85  # same phonetic key, one name transliterated from another script
_INITIAL = 0.7
# Per edit, on top of edits / length, in words of up to 7 letters: one letter more or less in a
# short name ("Canon" / "CANCON") is a different name more often than a typo.
_EDIT_COST = 0.05
_SHORT = 7
# Within one script, sound-alike spellings must also look alike (Jaro-Winkler): Qadhafi and
# Gaddafi (0.81) do, "vision" and "Fazzone" (0.54) do not.
_SOUND_SPELLING = 0.75


def max_edits(length: int) -> int:
    """Edits a token of this length may differ by and still count as a (graded) typo: none up to
    3 letters, then 1 (4-5), 2 (6-8), 3 (9-12) and 4."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 8:
        return 2
    return 3 if length <= 12 else 4


def _close_edits(length: int) -> int:
    """Edits within which a typo that keeps the consonants still sounds alike (Nadim/Nadeem)."""
    return 1 if length <= 4 else 2 if length <= 9 else 3


ROMANISATION = 0.8  # one short name part in two romanisations (Hsi/Xi), or across scripts
NICKNAME = 0.9  # Ben and Benjamin
PARTICLE = 0.95  # "ben" and "bin" (son of)
TRANSLITERATED = 0.9  # the same word once "kh" from another script is read as "h"
_BEN_BIN = frozenset({"ben", "bin"})


def token_pair_similarity(
    a: str, b: str, pa: str, pb: str, person: bool = False, across: bool = False
) -> tuple[float, str]:
    """Similarity of two tokens and how they agree: "same" 1.0; "typo": a graded similarity over
    insertions, deletions, substitutions or transpositions (a swap of two neighbours counts half,
    a changed first letter half more), 1 - edits x (1 / length + 0.05 up to 7 letters), down to
    0.5, tolerating 1 edit from 4 letters, 2 from 6, 3 from 9 (0.92 when the edits keep the first
    letter and the consonants, as between transliterations: Khaled/Khalid); "sound": the same
    phonetic key
    beyond that (0.85 `across` scripts, where transliteration loses vowels, from two consonants;
    0.75 within one script, from three, when the spellings also look alike: Jaro-Winkler 0.75 or
    more); "transliteration": 0.9 across scripts when "kh" read as "h" makes the words equal
    (Дахуа/Dahua), else the same loose sound key: 0.85 across scripts, 0.8 for persons
    between German, Slavic and Baltic spellings (Хиквижн/Hikvision, Tschernow/Chernov); 0.8
    across scripts for the same consonant skeleton (حقانى "hqna"/Haqqani); for
    persons "nickname" (0.9, Ben/Benjamin), "particle" (0.95, ben/bin), "romanisation" (0.8,
    Hsi/Xi, Chang/Zhang) and "initial" (0.7, a single letter and a word it starts)."""
    if a == b:
        return 1.0, "same"
    if a.isdigit() or b.isdigit():
        return 0.0, ""
    la, lb = len(a), len(b)
    if person:
        if la == 1 or lb == 1:
            return (_INITIAL, "initial") if a[0] == b[0] else (0.0, "")
        if nickname(a, b):
            return NICKNAME, "nickname"
        if {a, b} == _BEN_BIN:
            return PARTICLE, "particle"
        if la <= 5 and lb <= 5 and syllable_key(a) == syllable_key(b):
            return ROMANISATION, "romanisation"
    if across and ("kh" in a or "kh" in b) and a.replace("kh", "h") == b.replace("kh", "h"):
        return TRANSLITERATED, "transliteration"  # Cyrillic Х renders H: Дахуа, "dakhua"
    if "x" in a or "x" in b:  # Aleksey / Alexei
        a, b = a.replace("x", "ks"), b.replace("x", "ks")
        la, lb = len(a), len(b)
        if a == b:
            return TYPO_SOUND_ALIKE, "typo, sounds alike"
    longest = max(la, lb)
    edits = max_edits(longest)
    if edits and abs(la - lb) <= edits:
        osa = OSA.distance(a, b, score_cutoff=edits)
        if osa <= edits:
            if pa == pb and len(pa) >= 2 and a[0] == b[0] and osa <= _close_edits(longest):
                return TYPO_SOUND_ALIKE, "typo, sounds alike"
            swaps = Levenshtein.distance(a, b, score_cutoff=2 * osa) - osa
            cost = osa - 0.5 * swaps + (0.5 if a[0] != b[0] else 0.0)
            sim = 1.0 - cost * (1.0 / longest + (_EDIT_COST if longest <= _SHORT else 0.0))
            if sim >= ROMANISATION or (sim >= _MIN_TYPO and not (across or person)):
                return sim, "typo"
            if sim >= _MIN_TYPO and not _loose_agree(a, b):
                return sim, "typo"
    if pa == pb and across and len(pa) >= 2 and min(la, lb) >= 3:
        return SOUND_ALIKE_ACROSS, "sound"
    if (
        pa == pb
        and len(pa) >= 3
        and min(la, lb) >= 4
        and JaroWinkler.similarity(a, b) >= _SOUND_SPELLING
    ):
        return SOUND_ALIKE, "sound"
    if (across or person) and _loose_agree(a, b):
        return (SOUND_ALIKE_ACROSS if across else ROMANISATION), "transliteration"
    if across and skeletons_agree(a, b):
        return ROMANISATION, "transliteration"
    return 0.0, ""


_SKELETON_DIGRAPHS = (("kh", "h"), ("gh", "g"), ("sh", "s"), ("th", "s"), ("dh", "d"), ("ph", "f"))
_SKELETON_LETTERS = str.maketrans({"q": "k", "c": "k", "z": "d", "x": "ks"})
_SKELETON_VOWELS = frozenset("aeiouwy")


@lru_cache(maxsize=65536)
def arabic_skeleton(word: str) -> str:
    """The consonants of a word as Arabic script writes them, for comparing a name read from
    Arabic or Persian script (which writes no short vowels, and long ones as w/y) with its Latin
    spelling: digraphs to one letter (kh, gh, sh, th as Persian s, dh), q/c as k, z as d (Persian
    ذ, Maghrebi ض), vowels and w/y dropped, a closing h dropped, doubled letters once: "hqna" and
    "haqqani" are both "hkn", "mnn" and "manan" "mn"."""
    w = word
    for digraph, letter in _SKELETON_DIGRAPHS:
        w = w.replace(digraph, letter)
    w = w.translate(_SKELETON_LETTERS)
    if len(w) > 2 and w.endswith("h"):
        w = w[:-1]
    out: list[str] = []
    for ch in w:
        if ch not in _SKELETON_VOWELS and (not out or out[-1] != ch):
            out.append(ch)
    return "".join(out)


_LONG_VOWELS = (("ou", "w"), ("oo", "w"), ("ee", "y"), ("ei", "y"), ("u", "w"), ("o", "w"))
_LONG_VOWEL_LETTERS = str.maketrans({"i": "y", "e": "y"})


def _with_long_vowels(word: str) -> str:
    """The skeleton with long vowels written as Arabic writes them (u/o as w, i/e as y, a
    dropped): for names of one consonant, "ayyub" and "ywb" are both "ywb", "ali" and "aly"
    "ly"."""
    w = word
    for digraph, letter in _LONG_VOWELS:
        w = w.replace(digraph, letter)
    w = w.translate(_LONG_VOWEL_LETTERS).replace("a", "")
    out: list[str] = []
    for ch in w:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def skeletons_agree(a: str, b: str) -> bool:
    """Two alphabetic words with the same consonant skeleton of two consonants or more
    (`arabic_skeleton`); of one consonant, the same with long vowels too."""
    if not (a.isalpha() and b.isalpha()):
        return False
    ka = arabic_skeleton(a)
    if ka != arabic_skeleton(b) or not ka:
        return False
    return len(ka) >= 2 or _with_long_vowels(a) == _with_long_vowels(b)


def _loose_agree(a: str, b: str) -> bool:
    """Both words of four letters or more with the same loose sound key (variants.loose_key)."""
    if len(a) < 4 or len(b) < 4:
        return False
    ka = loose_key(a)
    return len(ka) >= 3 and ka == loose_key(b)


_MIN_TYPO = 0.5


def similar(
    a: str, b: str, pa: str, pb: str, person: bool, across: bool, cache: SimCache
) -> tuple[float, str]:
    if a == b:
        return 1.0, "same"
    key = (a, b, person, across, len(pa) if pa == pb else 0)
    hit = cache.get(key)
    if hit is None:
        hit = token_pair_similarity(a, b, pa, pb, person, across)
        cache[key] = hit
    return hit
