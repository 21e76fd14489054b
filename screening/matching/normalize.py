"""The one name normaliser. Every place that compares or indexes names calls `normalize_name`."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize_name(text: str) -> str:
    """Unicode NFKC, transliteration to ASCII, case folding, punctuation to single spaces.

    Idempotent: normalising a normalised name changes nothing.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    ascii_text = anyascii(folded).lower()
    return " ".join(_NON_WORD.sub(" ", ascii_text).split())
