"""The recognised vocabulary, built once at import: every legal form, trade word, place,
particle and title of vocab.py (and every ISO 3166 country name from pycountry) as a phrase table
that maps a phrase of normalised words to its canonical tokens and category; a one-typo index of
its long single words; the acronym test; and the phonetic key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
from rapidfuzz.distance import OSA

from . import vocab

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _plain(text: str) -> str:
    """A country name as normalize_name writes it (they are Latin with a few accents)."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("'", "").replace("’", ""))
    ascii_text = text.encode("ascii", "ignore").decode()
    return " ".join(_NON_WORD.sub(" ", ascii_text).split())


def _country_phrases() -> dict[str, str]:
    """Every ISO 3166 country's names (short, common, official, without the ", Republic of"
    tails) -> its short name as one token ("Korea, Republic of" -> "korea")."""
    out: dict[str, str] = {}
    for country in pycountry.countries:
        canon = _plain(re.split(r"[,(]", country.name)[0]).replace(" ", "")
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                out[_plain(re.split(r"[,(]", value)[0])] = canon
    return out


# Words of multi-word place names that are not places on their own.
_NOT_PLACE_PARTS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "new",
        "saint",
        "sankt",
        "san",
        "santa",
        "united",
        "great",
        "the",
        "and",
        "of",
        "holy",
        "see",
        "virgin",
        "islands",
        "island",
        "isle",
        "man",
        "republic",
        "democratic",
        "people",
        "peoples",
        "federal",
        "central",
        "far",
        "middle",
        "latin",
        "cook",
        "christmas",
        "heard",
        "mcdonald",
        "minor",
        "outlying",
        "french",
        "british",
        "dutch",
        "part",
        "plurinational",
        "state",
        "federated",
        "states",
        "arab",
        "kingdom",
        "city",
        "town",
        "bay",
        "port",
        "sea",
        "gulf",
    ]
)


def _phrase_table() -> tuple[dict[str, tuple[tuple[str, ...], str]], int]:
    """Every recognised word and phrase -> (its canonical tokens, its category). Later entries
    win: a legal form over a trade word over a place."""
    table: dict[str, tuple[tuple[str, ...], str]] = {}
    for phrase, country in _country_phrases().items():
        table[phrase] = ((country,), "place")
    for word in vocab.STOPWORDS:
        table[word] = ((word.replace(" ", ""),), "stop")
    for word in vocab.TITLES:
        table[word] = ((word,), "title")
    for word in vocab.PREFIXES:
        table[word] = ((word.replace(" ", ""),), "prefix")
    for word in vocab.PLACES:
        table[word] = ((word,), "place")
    for phrase, place in vocab.PLACE_SYNONYMS.items():
        table[phrase] = (("".join(place),), "place")
    for phrase, (canon, category) in list(table.items()):
        if category == "place" and " " in phrase:
            # "hongkong" and, for a query that reorders the words, "hong" and "kong" alone.
            table.setdefault(phrase.replace(" ", ""), (canon, category))
            for word in phrase.split():
                if word not in _NOT_PLACE_PARTS and len(word) > 2:
                    table.setdefault(word, ((word,), "place"))
    for phrase, canon in vocab.GENERIC.items():
        table[phrase] = (canon, "generic")
    for word in vocab.LEGAL_WORDS:
        table[word] = ((word.replace(" ", ""),), "legal")
    for phrase, canon in vocab.LEGAL_FORMS.items():
        table[phrase] = (canon, "legal")
    return table, max(len(p.split()) for p in table)


PHRASES, MAX_PHRASE = _phrase_table()
# Typo index of the single recognised words of 7 letters or more: "Indsutries" is still a trade
# word, "Cmopany" still a legal form (an unrecognised word would count as distinctive).
_NEAR_MIN = 7
# Legal-form words are a closed, well-known set: a typo in one of five letters or more ("Joinl
# Stock Company") is still a legal form.
_NEAR_MIN_LEGAL = 5
_NEAR: dict[str, list[str]] = {}
for _word, (_, _category) in PHRASES.items():
    low = _NEAR_MIN_LEGAL if _category == "legal" else _NEAR_MIN
    if len(_word) >= low - 1 and " " not in _word:
        for _k in {_word} | {_word[:i] + _word[i + 1 :] for i in range(len(_word))}:
            _NEAR.setdefault(_k, []).append(_word)


def near_phrase(word: str) -> tuple[tuple[str, ...], str] | None:
    """The recognised word one typo (insertion, deletion, substitution or swap) away from an
    unrecognised word of 7 letters or more (5 for a legal-form word), when there is exactly
    one."""
    if len(word) < _NEAR_MIN_LEGAL or not word.isalpha():
        return None
    found: set[str] = set()
    for k in {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}:
        for known in _NEAR.get(k, ()):
            if OSA.distance(word, known, score_cutoff=1) <= 1:
                found.add(known)
    hits = {PHRASES[w] for w in found}
    if len(word) < _NEAR_MIN:
        hits = {h for h in hits if h[1] == "legal"}
    return hits.pop() if len(hits) == 1 else None


# Legal forms that are written glued on to the word before them ("DENIZ CAPITALllp").
_GLUED_SUFFIXES = (
    "corporation",
    "limited",
    "company",
    "gmbh",
    "corp",
    "sarl",
    "llp",
    "llc",
    "ltd",
    "jsc",
    "inc",
    "ooo",
)
# ... or on to the word after them ("LLCforta", "JOINT STOCK COMPANYsovcomflot").
_GLUED_PREFIXES = ("company", "limited", "llc", "ooo", "jsc", "pjsc", "ojsc", "cjsc", "ltd")


def split_glued(word: str) -> tuple[str, str] | None:
    """An unrecognised word that is two words written together: a word and a legal form glued
    on ("capitalllp" -> "capital", "llp"; "llcforta" -> "llc", "forta"), or two recognised words
    ("marinesystems" -> "marine", "systems")."""
    if len(word) < 6 or not word.isalpha():
        return None
    for suffix in _GLUED_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)], suffix
    for prefix in _GLUED_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return prefix, word[len(prefix) :]
    if len(word) >= 8:
        for cut in range(3, len(word) - 2):
            if word[:cut] in PHRASES and word[cut:] in PHRASES:
                return word[:cut], word[cut:]
    return None


def mend_broken(words: list[str]) -> list[str]:
    """Two neighbouring words that are one legal form or trade word broken in two, at least one
    half unrecognised ("liabi lity" -> "liability", "corp oration" -> "corporation"): a line break
    or a stray space in the source. (Places written in syllables, "Shen Yang", are joined by the
    alignment instead, which also finds them reordered.)"""
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            joined = words[i] + words[i + 1]
            if (
                PHRASES.get(joined, ((), ""))[1] in ("legal", "generic")
                and joined.isalpha()
                and (words[i] not in PHRASES or words[i + 1] not in PHRASES)
            ):
                out.append(joined)
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out


def canonical_word(word: str) -> str | None:
    """The canonical token of a recognised single word ("hongkong" -> "hongkong", "peking" ->
    "beijing"), or None."""
    hit = PHRASES.get(word)
    return hit[0][0] if hit is not None and len(hit[0]) == 1 else None


_SKIPPABLE = frozenset({"generic", "legal", "place", "stop", "title", "prefix"})


def abbreviates(acronym: str, words: list[tuple[str, str]]) -> bool:
    """Whether `acronym` is the initials of `words` ((word, category) pairs) in order, where a
    trade word, legal form, place or particle may be left out but every distinctive word must
    give its letter: "krrti" for Kaluga Scientific Research Radio Technology Institute, "cetc"
    for China Electronics Technology Group Corporation."""
    n, m = len(acronym), len(words)
    # reach[j] is True when the first i letters can be matched by words[:j].
    reach = [True] + [False] * m
    for j in range(m):
        reach[j + 1] = reach[j] and words[j][1] in _SKIPPABLE
    for i in range(n):
        nxt = [False] * (m + 1)
        for j in range(m):
            if reach[j] and words[j][0][0] == acronym[i]:
                nxt[j + 1] = True
            if nxt[j] and words[j][1] in _SKIPPABLE:
                nxt[j + 1] = True
        reach = nxt
    return reach[m] and sum(1 for w in words if w[1] not in _SKIPPABLE) <= n


# ---------------------------------------------------------------------------------------------
# Phonetic key

_DIGRAPHS = (
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "C"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "t"),
    ("zh", "j"),
    ("dj", "j"),
    ("ck", "k"),
    ("ts", "s"),
    ("x", "ks"),
)
_CODES = str.maketrans("bpvwcgkqdtzsjfmnlrhaeiouy", "ppf_kkkkttssjfmnlrh______")


@lru_cache(maxsize=65536)
def phonetic_key(word: str) -> str:
    """A consonant skeleton that spellings and transliterations of one sound share: vowels
    dropped, like consonants merged (c/k/q, d/t, s/z, b/p, f/v/ph), doubled letters once
    ("Mohammed", "Muhammad" and the Arabic "mhmd" all give "mhmt"). Empty for numbers."""
    if not word or word.isdigit():
        return ""
    w = word
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    coded = w.translate(_CODES)
    out: list[str] = []
    for ch in coded:
        if not ch.isalpha() and ch != "_":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    key = "".join(out).replace("_", "")
    return key[:-1] if key.endswith("h") else key
