"""Name parts the normaliser reads word by word: numbers and ordinals written in English words,
the category of a plain word (number, roman numeral, code, letter, distinctive word), the parts of
a person's name (particles, titles, patronymics, "Abd al-"), and how much a common person name
part weighs (common_names.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

from . import common_names, vocab

__all__ = ["common_part_weight", "person_parts", "spelled_numbers", "word_category"]

_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")
_PERSON_WORDS: Mapping[str, str] = {
    **dict.fromkeys(vocab.TITLES, "title"),
    **{w: "stop" for w in vocab.STOPWORDS if " " not in w},
}
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}


def word_category(word: str) -> tuple[str, str]:
    """A plain word's canonical text and category: "3rd" and "iii" -> ("3", "number"), a code
    with digits a number too, a single letter a "letter", any other word "core"."""
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


_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:vich|vych|vitj|ovna|evna|ivna|ichna|ogly|oglu|kyzy|qizi)$")
_ABD = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdoul"})
_ARTICLES = frozenset({"al", "el", "ul", "ar", "as", "an", "ad", "ur", "ash", "az", "at"})
_SON_OF = frozenset({"bin", "ibn", "ben", "bint", "binti"})


def person_parts(words: list[str]) -> list[tuple[str, str, str]]:
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
        text, category = (word, category) if category else word_category(word)
        out.append((text, category, word))
    return out


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
