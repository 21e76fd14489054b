"""Small pure scoring features. Each feature's docstring is the explanation users see: the first
paragraph says what it measures, and its `detail` names the words or values it fired on. The name
features read the token alignment of align.py.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from .align import DISTINCTIVE, Alignment
from .lexicon import abbreviates
from .normalize import NameAnalysis, Token

_ALPHA = re.compile(r"^[a-z]+$")

# Features: each returns (value in [0, 1], detail).

Feature = Callable[..., tuple[float, str]]


def _words(tokens: tuple[Token, ...], idx: list[int]) -> str:
    return ", ".join(f"{tokens[i].original} ({tokens[i].category})" for i in idx) or "none"


def describe_pairs(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> str:
    parts = []
    for p in al.pairs:
        left = "+".join(q.tokens[i].original for i in p.query)
        right = "+".join(c.tokens[j].original for j in p.candidate)
        sign = "=" if p.similarity == 1.0 else "≈"
        parts.append(f"{left} {sign} {right} ({p.how} {p.similarity:.2f})")
    return "; ".join(parts) or "no word pairs"


def token_similarity(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """How alike the paired words are: the weighted mean similarity of the aligned tokens
    (1.0 identical; typos, joined words and sound-alike spellings score less)."""
    value = al.similarity_sum / al.matched_weight if al.matched_weight else 0.0
    return value, describe_pairs(q, c, al)


def unmatched_query(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """Words of the screened name that pair with nothing in the listed name, as their share of
    both names' weight (legal forms, trade words and places weigh little)."""
    value = al.extra_query / al.total if al.total else 0.0
    return value, _words(q.tokens, al.unmatched_query)


def unmatched_candidate(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """Words of the listed name that pair with nothing in the screened name, as their share of
    both names' weight; they cost less than unpaired screened words, since lists spell out full
    legal names."""
    value = al.extra_candidate / al.total if al.total else 0.0
    return value, _words(c.tokens, al.unmatched_candidate)


def no_core_match(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """None of the distinctive words of one name pairs with the other: only legal forms, trade
    words or places agree."""
    if not al.core_missed or not al.pairs:
        return 0.0, ""
    return 1.0, "distinctive words unpaired"


_QUALIFIERS = ("place", "generic", "number", "patronymic")


def _unpaired_qualifiers(name: NameAnalysis, idx: list[int]) -> list[int]:
    return [i for i in idx if name.tokens[i].category in _QUALIFIERS]


def different_qualifier(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """Each name keeps a place, trade word or number the other lacks in its stead: sister
    companies and branches differ so ("Nanjing Huada" is not "Shenzhen Huada", an oil company
    not a gas company)."""
    if not al.pairs:
        return 0.0, ""
    left = _unpaired_qualifiers(q, al.unmatched_query)
    right = _unpaired_qualifiers(c, al.unmatched_candidate)
    if not left and not right:
        return 0.0, ""
    # A place the vocabulary does not know ("Tomsk") is a distinctive word: it stands in the
    # stead of a known place ("Kazan") all the same.
    left = left or _distinctive_unpaired(q, al.unmatched_query)
    right = right or _distinctive_unpaired(c, al.unmatched_candidate)
    if not left or not right:
        return 0.0, ""
    return 1.0, f"{_words(q.tokens, left)} vs {_words(c.tokens, right)}"


def _trailing_places(name: NameAnalysis, idx: list[int]) -> list[int]:
    """The unpaired places of a name that come after its first distinctive word and before a
    legal form that closes it (a place after the legal form is an address: "VMK OOO Samara")."""
    first = next(
        (k for k, t in enumerate(name.tokens) if t.category in ("core", "acronym", "letter")),
        None,
    )
    if first is None:
        return []
    last_legal = max(
        (k for k, t in enumerate(name.tokens) if k > first and t.category == "legal"),
        default=len(name.tokens),
    )
    return [
        i
        for i in idx
        if first < i < last_legal
        and name.tokens[i].category == "place"
        and not _demonym(name.tokens[i].original, name.tokens[i].text)
    ]


def _demonym(original: str, text: str) -> bool:
    """A country written as its adjective ("Iranian", "Chinese"): the home country's, not a
    branch's."""
    return original != text and original.endswith(("an", "ese", "ish", "i"))


def _only_places(name: NameAnalysis, idx: list[int]) -> bool:
    return all(name.tokens[i].category in ("place", "legal", "stop") for i in idx)


def extra_place(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """One name carries a place after its distinctive words that the other lacks, with no place
    in its stead: a branch or a national subsidiary ("VTB Bank Azerbaijan" is not "VTB Bank",
    "Huawei Device (Shenzhen)" not "Huawei Device"). A place leading the name ("Hangzhou
    Hikvision") is the seat a short name leaves out, and costs only its weight."""
    if not al.pairs or al.core_missed:
        return 0.0, ""
    qt, ct = q.tokens, c.tokens
    if not any(qt[i].category == "place" for i in al.unmatched_query) and not any(
        ct[j].category == "place" for j in al.unmatched_candidate
    ):
        return 0.0, ""
    left = _trailing_places(q, al.unmatched_query)
    right = _trailing_places(c, al.unmatched_candidate)
    if left and right:
        return 0.0, ""
    if (left and _unpaired_qualifiers(c, al.unmatched_candidate)) or (
        right and _unpaired_qualifiers(q, al.unmatched_query)
    ):
        return 0.0, ""  # a place or trade word in its stead: different_qualifier
    # The place must be all that one name has more (else it is a longer name, not a branch).
    if not _only_places(q, al.unmatched_query) or not _only_places(c, al.unmatched_candidate):
        return 0.0, ""
    if left:
        return 1.0, _words(q.tokens, left)
    if right:
        return 1.0, _words(c.tokens, right)
    return 0.0, ""


def _distinctive_unpaired(name: NameAnalysis, idx: list[int]) -> list[int]:
    return [i for i in idx if name.tokens[i].weight >= DISTINCTIVE]


def different_part(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """Each name keeps a distinctive word (for persons, a name part) the other lacks in its
    stead: one part substituted, as between a father and son or two brothers, or two companies
    of one group."""
    if not al.pairs:
        return 0.0, ""
    left = _distinctive_unpaired(q, al.unmatched_query)
    right = _distinctive_unpaired(c, al.unmatched_candidate)
    if not left or not right:
        return 0.0, ""
    return 1.0, f"{_words(q.tokens, left)} vs {_words(c.tokens, right)}"


def extra_given_name(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """One person's first given name pairs with nothing while the rest of the other's name is all
    there: a child named after the father's chain of names ("AL-TIKRITI, Noor Barzan Ibrahim
    Hasan" is not "AL-TIKRITI, Barzan Ibrahim Hasan")."""
    if not (q.person and c.person) or len(al.pairs) < 2:
        return 0.0, ""
    for name, other, unpaired, other_unpaired in (
        (q, c, al.unmatched_query, al.unmatched_candidate),
        (c, q, al.unmatched_candidate, al.unmatched_query),
    ):
        lead = name.lead
        if (
            lead in unpaired
            and name.tokens[lead].weight >= DISTINCTIVE
            and other.lead not in other_unpaired
            and not _distinctive_unpaired(other, other_unpaired)
        ):
            return 1.0, name.tokens[lead].original
    return 0.0, ""


def thin_match(q: NameAnalysis, c: NameAnalysis, al: Alignment) -> tuple[float, str]:
    """The match rests on one short distinctive word (five letters or fewer, often a common
    word: "Scan", "Apex") while the screened name has a trade word or distinctive word the listed
    name lacks ("Scan Computers" is not "Joint Stock Company Scan")."""
    paired = [p for p in al.pairs if any(q.tokens[i].weight >= DISTINCTIVE for i in p.query)]
    if len(paired) != 1 or len(paired[0].query) != 1:
        return 0.0, ""
    word = q.tokens[paired[0].query[0]].text
    extra = [i for i in al.unmatched_query if q.tokens[i].category in ("generic", "core")]
    if len(word) > 5 or not extra:
        return 0.0, ""
    return 1.0, f"{word}; unpaired {_words(q.tokens, extra)}"


def number_mismatch(q: NameAnalysis, c: NameAnalysis) -> tuple[float, str]:
    """Both names carry numbers and they differ ("Institute 52" is not "Institute 14")."""
    if q.numbers and c.numbers and q.numbers != c.numbers:
        return 1.0, f"{' '.join(sorted(q.numbers))} vs {' '.join(sorted(c.numbers))}"
    return 0.0, ""


def initials(name: NameAnalysis) -> frozenset[str]:
    """Acronyms a name may go by: the initials of its words, with and without its legal form,
    particles and places (three letters or more)."""
    if name.person:
        return frozenset()
    words: list[tuple[str, str]] = [
        (w, t.category)
        for t in name.tokens
        for w in t.original.split()
        if t.category not in ("stop", "acronym")
    ]
    out = set()
    for skip in ((), ("legal",), ("legal", "place")):
        letters = "".join(w[0] for w, cat in words if cat not in skip)
        if len(letters) >= 3:
            out.add(letters)
    return frozenset(out)


def acronym_word(name: NameAnalysis) -> str | None:
    """The name's word that may be an acronym: 3-8 letters, and all the name has besides legal
    forms, particles and numbers ("CETC", "BLMZ LLC", "CETC 52")."""
    if name.person:
        return None
    core = [t for t in name.tokens if t.category not in ("legal", "stop", "number")]
    if len(core) != 1:
        return None
    text = core[0].text
    return text if 3 <= len(text) <= 8 and _ALPHA.match(text) else None


def acronym(q: NameAnalysis, c: NameAnalysis) -> tuple[float, str]:
    """One name is the initials of the other ("BLMZ" for "Balashikhinskiy Liteyno
    Mekhanicheskiy Zavod"; trade words and legal forms may be left out, "CETC" for "China
    Electronics Technology Group Corporation"): 1.0 for four letters or more, 0.9 for three."""
    for short, full in ((q, c), (c, q)):
        word = acronym_word(short)
        if word and len(full.tokens) >= 3:
            words = [
                (w, t.category)
                for t in full.tokens
                if t.category != "acronym"
                for w in t.original.split()
            ]
            if abbreviates(word, words):
                return (1.0 if len(word) >= 4 else 0.9), f"{word} = initials of {full.text}"
    return 0.0, ""


def identifier_match(found: tuple[str, str] | None) -> tuple[float, str]:
    """An identifier given with the query (ISIN, USCC, LEI, registration number...) equals one
    the list publishes for this party: the match is certain whatever the names say."""
    if found is None:
        return 0.0, ""
    return 1.0, f"{found[0]} {found[1]}"


def kind_mismatch(query_kind: str | None, listed_kind: str) -> tuple[float, str]:
    """The screened party's kind (organization, person, vessel...) differs from the listed
    party's."""
    if query_kind and query_kind != listed_kind:
        return 1.0, f"{query_kind} vs listed {listed_kind}"
    return 0.0, ""


def country_match(country: str | None, listed: tuple[str, ...]) -> tuple[float, str]:
    """The screened party's country is one of the listed party's countries."""
    if country and country.upper() in {x.upper() for x in listed}:
        return 1.0, country.upper()
    return 0.0, ""


def country_mismatch(country: str | None, listed: tuple[str, ...]) -> tuple[float, str]:
    """The listed party names countries and the screened party's country is not among them."""
    if country and listed and country.upper() not in {x.upper() for x in listed}:
        return 1.0, f"{country.upper()} vs listed {', '.join(listed)}"
    return 0.0, ""


def weak_alias(name_type: str) -> tuple[float, str]:
    """The best-matching name is one the publisher marks as a weak (low-quality) alias."""
    return (1.0, "weak alias") if name_type == "weak" else (0.0, "")


def explanation_of(func: Callable[..., object], detail: str) -> str:
    """The feature's docstring (its first paragraph, on one line), then what it fired on."""
    text = _docstrings().get(func.__name__) or func.__doc__ or ""
    doc = " ".join(text.split("\n\n")[0].split())
    return f"{doc} [{detail}]" if detail else doc


@lru_cache(maxsize=1)
def _docstrings() -> dict[str, str]:
    """This module's function docstrings, read from its source: compiled with the matching core
    (scripts/build_native.py), a function keeps no docstring, and they are what users read."""
    source = resources.files("screening.matching").joinpath("features.py").read_text("utf-8")
    return {
        node.name: ast.get_docstring(node) or ""
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    }
