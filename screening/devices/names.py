"""Comparison keys for maker names: the project's one normaliser plus legal-form stripping.

`normalize_name` (screening.matching.normalize) does the Unicode work (NFKC, case folding,
transliteration of Chinese and other scripts to ASCII words). On top of it a maker name loses its
legal form: trailing company forms in English ("Co., Ltd.", "Corporation", "Private Limited",
"GmbH"...) after normalising, and Chinese company forms ("股份有限公司", "有限公司"...) *before*
normalising, because the transliteration of a run of Han characters may come out as one word
("...gufenyouxiangongsi") that no word list could split afterwards.

Keys are compared with the spaces removed, so "HIK VISION" and "Hikvision" meet, and so do two
transliterations that split a Chinese run into words differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..matching.normalize import normalize_name

# Longest first: "股份有限公司" must be tried before "有限公司" and "公司".
_CJK_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司")

# Words that are a company's legal form (as `normalize_name` writes them). Stripped only from the
# end of a name, so a word such as "as" or "co" inside a name survives.
LEGAL_WORDS = frozenset(
    {
        "ab",
        "ag",
        "as",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kft",
        "kk",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "private",
        "pte",
        "pty",
        "pvt",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    }
)

# Words that may stand next to a maker's name without making it another company's name
# ("Hikvision USA", "Dahua Security Cameras"). Anything else next to it ("Shanghai Dahua Scale
# Factory", a real unrelated company) makes the match a weak one.
TRADE_WORDS = frozenset(
    {
        "brand",
        "camera",
        "cameras",
        "cctv",
        "china",
        "communication",
        "communications",
        "digital",
        "dvr",
        "electronics",
        "europe",
        "global",
        "group",
        "international",
        "ip",
        "network",
        "networks",
        "nvr",
        "products",
        "security",
        "surveillance",
        "system",
        "systems",
        "tech",
        "technologies",
        "technology",
        "uk",
        "us",
        "usa",
        "video",
        "vision",
    }
)


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name ready for comparison: `words` after the legal form is stripped, `compact` the same
    words with no spaces, `full` the whole normalised name with no spaces."""

    full: str
    compact: str
    words: tuple[str, ...]


def _strip_cjk_forms(text: str) -> str:
    stripped = text.strip()
    changed = True
    while changed:
        changed = False
        for form in _CJK_FORMS:
            if stripped.endswith(form) and len(stripped) > len(form):
                stripped = stripped[: -len(form)].rstrip()
                changed = True
    return stripped


@lru_cache(maxsize=4096)
def name_key(text: str) -> NameKey:
    """The comparison key of a maker name (see the module docstring)."""
    full = normalize_name(text)
    words = normalize_name(_strip_cjk_forms(text)).split()
    while words and words[-1] in LEGAL_WORDS:
        words.pop()
    return NameKey(full=full.replace(" ", ""), compact="".join(words), words=tuple(words))
