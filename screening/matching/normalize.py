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

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii

from . import common_names, vocab
from .lexicon import MAX_PHRASE, PHRASES, abbreviates, near_phrase, phonetic_key, split_glued

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
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")
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


_PERSON_WORDS: Mapping[str, str] = {
    **dict.fromkeys(vocab.TITLES, "title"),
    **{w: "stop" for w in vocab.STOPWORDS if " " not in w},
}


_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}


def _word_category(word: str) -> tuple[str, str]:
    number = _ORDINAL.match(word)
    if number:
        return str(int(number.group(1))), "number"
    if word in _ROMAN:
        return _ROMAN[word], "number"
    if len(word) == 1:
        return word, "letter"
    if any(ch.isdigit() for ch in word):
        return word, "number"  # a code ("F91", "MIG29"): it must agree like a number
    return word, "core"


def _singular(word: str) -> str | None:
    """The singular of a plural trade word the lists do not spell out ("laboratories")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return None


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_WORDS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_NUMBER_WORDS: Mapping[str, int] = {
    **{w: n for n, w in enumerate(_UNITS) if n},
    **{w: n for n, w in enumerate(_ORDINAL_WORDS) if n},
    **{w: 20 + 10 * n for n, w in enumerate(_TENS_WORDS)},
    **{w[:-1] + "ieth": 20 + 10 * n for n, w in enumerate(_TENS_WORDS)},
}


def spelled_numbers(words: list[str]) -> list[str]:
    """Numbers and ordinals written in English words as digits ("forty four" -> "44", "first"
    -> "1", "twenty third" -> "23"), so that a name written either way agrees."""
    out: list[str] = []
    i = 0
    while i < len(words):
        value = _NUMBER_WORDS.get(words[i])
        if value is None:
            out.append(words[i])
            i += 1
            continue
        nxt = _NUMBER_WORDS.get(words[i + 1]) if i + 1 < len(words) else None
        if value >= 20 and value % 10 == 0 and nxt is not None and nxt < 10:
            out.append(str(value + nxt))
            i += 2
        else:
            out.append(str(value))
            i += 1
    return out


def _party_tokens(words: list[str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    words = spelled_numbers(words)
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
            text, category = _word_category(words[i])
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


_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:vich|vych|vitj|ovna|evna|ivna|ichna|ogly|oglu|kyzy|qizi)$")
_ABD = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdoul"})
_ARTICLES = frozenset({"al", "el", "ul", "ar", "as", "an", "ad", "ur", "ash", "az", "at"})
_SON_OF = frozenset({"bin", "ibn", "ben", "bint", "binti"})


def _person_tokens(words: list[str]) -> list[tuple[str, str, str]]:
    """Person name parts: "Abd al-", "Abdel" and "Abdul" as one part "abdul", "ibn" as "bin",
    a "ben" after the first part as a particle, patronymics and titles recognised."""
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word in _ABD:
            if word == "abd" and i < len(words) and words[i] in _ARTICLES:
                word = f"abd {words[i]}"
                i += 1
            out.append(("abdul", "core", word))
            continue
        if word in _SON_OF and (out or word != "ben"):
            # "ben" keeps its spelling (a reordered "Ben ..." is the same word); align.py pairs
            # it with "bin".
            text = "ben" if word == "ben" else "bint" if word.startswith("bint") else "bin"
            out.append((text, "stop", word))
            continue
        category = _PERSON_WORDS.get(word)
        if category is None and _PATRONYMIC.match(word):
            category = "patronymic"
        text, category = (word, category) if category else _word_category(word)
        out.append((text, category, word))
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


_COMMON_FLOOR = 0.6
_COMMON_SHARE = 0.003  # scripts/derive_common_names.py lists the parts at or above this share


@lru_cache(maxsize=4096)
def common_part_weight(text: str) -> float:
    """The weight of a person name part by how often it recurs on the lists: 1.0 for a part 0.3%
    of listed persons carry or fewer, 0.1 less each time that share doubles, down to 0.6
    (Muhammad, Ali, Abu): a shared common part says less about who the person is."""
    share = common_names.SHARE.get(text)
    if share is None:
        return 1.0
    return max(_COMMON_FLOOR, 1.0 - 0.1 * math.log2(share / _COMMON_SHARE))


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
        tokens = _common_parts(_weigh(_person_tokens(words), PERSON_WEIGHTS))
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
