"""The one name normaliser. Every place that compares or indexes names calls `normalize_name`;
`analyse_name` builds on it to split a name into weighted tokens for matching.

`normalize_name` turns any script into lower-case ASCII words: Unicode NFKC, case folding,
dotted abbreviations joined ("S.A." -> "sa"), apostrophes dropped ("Is'Vision" -> "isvision"),
Chinese split into words with a small dictionary before transliteration (so a company form or a
city stays its own word), the Arabic article split off ("التكريتي" -> "al tkryty"), transliteration
with anyascii, and every run of other characters made one space. It is idempotent.

`analyse_name` then recognises legal forms (Co., Ltd., LLC, GmbH, OOO, 有限公司 ...), trade words
("technology", "trading", "group" ...), place names ("Hangzhou", "Beijing" ...), particles and
titles. They are kept as tokens with a category and a low weight, never deleted: a name made only
of such words is still matched on them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii

from . import vocab
from .lexicon import (
    MAX_PHRASE,
    PHRASES,
    abbreviates,
    mend_broken,
    near_phrase,
    phonetic_key,
    split_glued,
)
from .parts import common_part_weight, person_parts, spelled_numbers, word_category

_NON_WORD = re.compile(r"[^a-z0-9]+")
# A single letter followed by ".X" at least once: S.A., L.L.C., U.S.A, I.S.
_DOTTED = re.compile(r"\b[^\W\d_](?:\.[^\W\d_])+\b\.?")
_APOSTROPHES = re.compile(r"['`´ʹʻʼʽ’‘′]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# The Arabic article written on to its word.
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")
# "Allah" closing a name ("Habib Allah", "Abd Allah"): Latin lists write one word, "Habibullah".
_ALLAH = re.compile(r"(?<=[\u0600-\u06ff])\s*\u0627\u0644\u0644\u0647(?![\u0600-\u06ff])")
# Arabic letters that anyascii writes as a mark the normaliser drops, or as a consonant where Latin
# lists write a vowel: ayn and the hamza-carrying alefs as vowels, ta marbuta as "a" (Hamza).
_ARABIC_VOWELS = str.maketrans(
    {"\u0639": "a", "\u0623": "a", "\u0625": "i", "\u0622": "a", "\u0629": "a"}
)
_MAX_CJK_WORD = max(len(w) for w in vocab.CJK_WORDS)


def _han_words(run: str) -> str:
    """Split a run of Han characters into dictionary words (longest match first); the
    characters between dictionary words stay together as one word, in pinyin."""
    out: list[str] = []
    rest = ""
    i = 0
    while i < len(run):
        for size in range(min(_MAX_CJK_WORD, len(run) - i), 1, -1):
            latin = vocab.CJK_WORDS.get(run[i : i + size])
            if latin is not None:
                if rest:
                    out.append(anyascii(rest))
                    rest = ""
                out.append(latin)
                i += size
                break
        else:
            rest += run[i]
            i += 1
    if rest:
        out.append(anyascii(rest))
    return " " + " ".join(out) + " "


def normalize_name(text: str) -> str:
    """Unicode NFKC, case folding, transliteration to ASCII, punctuation to single spaces.

    Idempotent: normalising a normalised name changes nothing.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), folded)
    folded = _APOSTROPHES.sub("", folded)
    folded = _HAN.sub(lambda m: _han_words(m.group(0)), folded)
    folded = _ALLAH.sub("ullah", folded)
    folded = _ARABIC_ARTICLE.sub("al ", folded).translate(_ARABIC_VOWELS)
    ascii_text = _APOSTROPHES.sub("", anyascii(folded)).lower()
    return " ".join(_NON_WORD.sub(" ", ascii_text).split())


# ---------------------------------------------------------------------------------------------
# Weighted tokens

CATEGORIES = (
    "core",
    "letter",
    "number",
    "generic",
    "place",
    "legal",
    "stop",
    "title",
    "prefix",
    "acronym",
    "patronymic",
)
# How much one token of each category counts, for parties (organizations, vessels, aircraft...)
# and for persons. A party's distinctive words count fully; its legal form hardly at all.
PARTY_WEIGHTS: Mapping[str, float] = {
    "core": 1.0,
    "letter": 1.0,
    "number": 1.0,
    "generic": 0.25,
    "place": 0.3,
    "legal": 0.1,
    "stop": 0.1,
    "title": 0.25,
    "prefix": 0.1,
    "acronym": 1.0,
    "patronymic": 1.0,
}
PERSON_WEIGHTS: Mapping[str, float] = {
    **dict.fromkeys(CATEGORIES, 1.0),
    "letter": 0.5,
    "number": 0.5,
    "stop": 0.2,
    "title": 0.2,
    # A patronymic (Slavic -ovich/-ovna, Turkic -ogly/-kyzy) is often left out of a name: it
    # weighs a little less than a distinctive part, so that leaving it out costs less.
    "patronymic": 0.45,
}
_DISTINCTIVE = frozenset({"core", "letter", "number", "acronym"})
# A name with no distinctive word is matched on its places and trade words instead.
_PROMOTED = {"place": 1.0, "generic": 0.5, "title": 0.5}


class Token(NamedTuple):
    """One word (or recognised phrase) of a name: its canonical text, weight, category and the
    words of the name it stands for. (Named tuples: the index pickles tens of thousands.)"""

    text: str
    weight: float
    category: str
    original: str


class NameAnalysis(NamedTuple):
    """A name ready for matching: its tokens and what the features need, computed once.
    `latin` is False when the name was written in another script (transliterated)."""

    text: str
    normalized: str
    person: bool
    latin: bool
    tokens: tuple[Token, ...]
    phonetic: tuple[str, ...]
    numbers: frozenset[str]
    lead: int = 0  # persons: the index of the first given name ("SURNAME, Given" -> 1)
    surfaces: tuple[str, ...] = ()  # each token's words as written, spaces dropped (joins)

    @property
    def key(self) -> str:
        """The canonical token texts, sorted and joined: two names with the same key are the
        same words in any order."""
        return " ".join(sorted(t.text for t in self.tokens))


def _singular(word: str) -> str | None:
    """The singular of a plural trade word the lists do not spell out ("laboratories")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return None


def _party_tokens(words: list[str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    words = mend_broken(spelled_numbers(words))
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            hit = PHRASES.get(phrase)
            if hit is None and size == 1 and (single := _singular(phrase)):
                hit = PHRASES.get(single)
                hit = hit if hit is not None and hit[1] == "generic" else None
            if hit is None and size == 1:
                hit = near_phrase(phrase)
            if hit is None and size == 1 and (parts := split_glued(phrase)):
                out.extend(_party_tokens(list(parts)))
                i += 1
                break
            if hit is not None:
                out.extend((canon, hit[1], phrase) for canon in hit[0])
                i += size
                break
        else:
            text, category = word_category(words[i])
            out.append((text, category, words[i]))
            i += 1
    return _mark_acronyms(out)


def _mark_acronyms(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A word that is the initials of the rest of the name ("XPCC" in "Xinjiang Production and
    Construction Corps (XPCC)") becomes category "acronym": it stands for the other words, so
    pairing it covers them, and leaving it unpaired costs nothing (features.align)."""
    if len(items) < 4:
        return items
    out = list(items)
    for k, (text, category, original) in enumerate(items):
        if category != "core" or not 3 <= len(text) <= 8 or not text.isalpha():
            continue
        rest = [(w, c) for n, (_, c, o) in enumerate(items) if n != k for w in o.split()]
        if abbreviates(text, rest):
            out[k] = (text, "acronym", original)
    return out


def _weigh(raw: Iterable[tuple[str, str, str]], weights: Mapping[str, float]) -> tuple[Token, ...]:
    items = list(raw)
    promoted: Mapping[str, float] = {}
    if not any(cat in _DISTINCTIVE for _, cat, _ in items):
        promoted = _PROMOTED
        if not any(cat in _PROMOTED for _, cat, _ in items):
            promoted = dict.fromkeys(CATEGORIES, 0.5)
    return tuple(
        _token(text, promoted.get(cat, weights[cat]), cat, orig) for text, cat, orig in items
    )


def _common_parts(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    return tuple(
        _token(t.text, common_part_weight(t.text), t.category, t.original)
        if t.category == "core" and t.weight == 1.0
        else t
        for t in tokens
    )


@lru_cache(maxsize=65536)
def _token(text: str, weight: float, category: str, original: str) -> Token:
    # Shared instances: the index holds hundreds of thousands of tokens, mostly repeats.
    return Token(text, weight, category, original)


def _is_latin(text: str) -> bool:
    """True when every letter is Latin (ASCII or Latin with diacritics, up to U+024F)."""
    return all(ord(ch) <= 0x24F for ch in text if ch.isalpha())


def analyse_name(text: str, person: bool = False) -> NameAnalysis:
    """Split a name into weighted tokens (`person` selects person-name rules: no legal forms,
    trade words or places, only particles and titles are weighted down)."""
    normalized = normalize_name(text)
    words = normalized.split()
    if person:
        tokens = _common_parts(_weigh(person_parts(words), PERSON_WEIGHTS))
    else:
        tokens = _weigh(_party_tokens(words), PARTY_WEIGHTS)
    return make_analysis(text, normalized, person, _is_latin(text), tokens)


def make_analysis(
    text: str, normalized: str, person: bool, latin: bool, tokens: tuple[Token, ...]
) -> NameAnalysis:
    """A `NameAnalysis` from its stored parts (the index keeps names compact on disk)."""
    lead = 0
    if person and "," in text:
        lead = len(normalize_name(text.partition(",")[0]).split())
        lead = lead if 0 < lead < len(tokens) else 0
    return NameAnalysis(
        text,
        normalized,
        person,
        latin,
        tokens,
        tuple([phonetic_key(t.text) for t in tokens]),
        frozenset([t.text for t in tokens if t.category == "number"]),
        lead,
        tuple([t.original.replace(" ", "") for t in tokens]),
    )


def weighted_tokens(text: str, kind: str = "organization") -> list[tuple[str, float, str]]:
    """The name as (token, weight, category) triples, under the rules for `kind`."""
    return [(t.text, t.weight, t.category) for t in analyse_name(text, kind == "person").tokens]
