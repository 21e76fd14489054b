"""The labelled pairs of scripts/eval_matching.py, built from real published list files
(tests/fixtures/eval/PROVENANCE.md): a party's names and their treatments (positives), two
different parties' names that differ by one word (negatives). See eval_matching.py.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
import sys
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.matching.normalize import normalize_name  # noqa: E402
from screening.sources import bis, un  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
EVAL = FIX / "eval"
KINDS = ("organization", "person", "vessel")
_LEGAL = re.compile(
    r"[,.]?\s*\b(co\.?,?\s*ltd\.?|company limited|limited liability company|llc|ltd\.?|limited|"
    r"inc\.?|corp\.?|corporation|jsc|ojsc|cjsc|pjsc|ooo|oao|zao|gmbh|s\.a\.|fze|plc|"
    r"private limited|pvt\.? ltd\.?|sdn\.? bhd\.?|l\.l\.c\.)(?=\W|$)\.?",
    re.IGNORECASE,
)
_FORMS = ("LLC", "Co., Ltd.", "Limited", "JSC", "Inc.", "GmbH", "S.A.", "Corporation")


@dataclass(frozen=True, slots=True)
class Pair:
    query: str
    listed: str
    kind: str
    same: bool
    mode: str
    group: str  # the party (positives) or the first party (negatives): the split key

    @property
    def holdout(self) -> bool:
        return zlib.crc32(self.group.encode()) % 10 < 3


# -- reading the real files ---------------------------------------------------------------------

Party = tuple[str, str, str, list[str]]  # (entity id, kind, primary name, aliases)


def _ofac_kind(value: str) -> str:
    value = value.strip().lower()
    return {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}.get(
        value, "organization"
    )


def ofac_parties() -> list[Party]:
    """SDN 2024-06 primary names with the 2025-12 alt.csv aliases (by ent_num)."""
    text = (FIX / "ofac-sdn" / "2024-06" / "sdn.csv").read_bytes().decode("latin-1")
    primaries: dict[str, tuple[str, str]] = {}
    for row in csv.reader(io.StringIO(text.replace("\x1a", ""))):
        if len(row) >= 3 and row[0].strip().isdigit():
            primaries[row[0].strip()] = (row[1].strip(), _ofac_kind(row[2]))
    aliases: dict[str, list[str]] = defaultdict(list)
    alt = (EVAL / "ofac_alt_2025-12.csv").read_bytes().decode("latin-1").replace("\x1a", "")
    for row in csv.reader(io.StringIO(alt)):
        if (
            len(row) >= 4
            and row[0].strip() in primaries
            and row[2].strip() in ("aka", "fka", "nka")
        ):
            aliases[row[0].strip()].append(row[3].strip())
    return [(f"ofac:{e}", k, n, aliases.get(e, [])) for e, (n, k) in primaries.items()]


_CSL_KIND = {"Individual": "person", "Entity": "organization", "Vessel": "vessel"}
_CSL_ORG_LISTS = ("Entity List", "Military End User", "Unverified List")


def csl_parties() -> list[Party]:
    """The 2022 Consolidated Screening List (not its SDN rows: the OFAC files cover them)."""
    with gzip.open(EVAL / "consolidated_csl_2022-05.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        if row["source"].startswith("Specially Designated"):
            continue
        kind = _CSL_KIND.get(row["type"])
        if kind is None and row["source"].startswith(_CSL_ORG_LISTS):
            kind = "organization"
        if kind is None:
            continue
        names = [a.strip() for a in row["alt_names"].split(";") if a.strip()]
        out.append((f"csl:{row['source'][:12]}:{row['_id']}", kind, row["name"].strip(), names))
    return out


def un_bis_parties() -> list[Party]:
    unx = (FIX / "un-sc-consolidated" / "consolidated_2026-02-27.xml").read_bytes()
    el = (FIX / "bis-entity-list" / "bis_entity_list_2026-07_derived.json").read_bytes()
    out = []
    for src, recs in (
        ("un", un.parse({un.FILE: unx})),
        ("bis", bis.parse_entity_list({bis.ENTITY_LIST_FILE: el})),
    ):
        for r in recs:
            aliases = [a.value for a in r.aliases if a.type != "weak"]
            out.append((f"{src}:{r.local_id}", r.kind, r.name, aliases))
    return out


# -- positives ----------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(normalize_name(text).split())


def stratum(alias: str, primary: str) -> str:
    """transliteration (another script), variant (shares a word that is not a legal form or a
    particle) or other-name (a renaming: no name scorer can find it)."""
    if any(ord(ch) > 0x24F for ch in alias if ch.isalpha()):
        return "transliteration"
    shared = _words(alias) & _words(primary)
    return (
        "variant"
        if any(_category(w) not in ("legal form", "particle") for w in shared)
        else ("other-name")
    )


def _longest(words: list[str]) -> int:
    return max(range(len(words)), key=lambda i: len(words[i]))


def typo(text: str, rng: random.Random, n: int = 1) -> str | None:
    words = text.split()
    i = _longest(words)
    w = words[i]
    if len(w) < 4 + n or not w.isalpha():
        return None
    for pos in rng.sample(range(1, len(w) - 1), n):
        letter = rng.choice([c for c in "aeioustrnlkmd" if c != w[pos].lower()])
        w = w[:pos] + (letter.upper() if w[pos].isupper() else letter) + w[pos + 1 :]
    words[i] = w
    return " ".join(words)


def short_typo(text: str, rng: random.Random) -> str | None:
    """A typo in a word of 4-5 letters (the old rule gave them none)."""
    words = text.split()
    spots = [i for i, w in enumerate(words) if 4 <= len(w) <= 5 and w.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    pos = rng.randrange(1, len(w))
    letter = rng.choice([c for c in "aeioustrnlkmd" if c != w[pos].lower()])
    words[i] = w[:pos] + (letter.upper() if w[pos].isupper() else letter) + w[pos + 1 :]
    return " ".join(words)


def transposition(text: str, rng: random.Random) -> str | None:
    words = text.split()
    i = _longest(words)
    w = words[i]
    spots = [p for p in range(1, len(w) - 2) if w[p] != w[p + 1] and w[p : p + 2].isalpha()]
    if len(w) < 5 or not spots:
        return None
    p = rng.choice(spots)
    words[i] = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    return " ".join(words)


def reorder(text: str, rng: random.Random) -> str | None:
    if "," in text:
        head, _, tail = text.partition(",")
        return f"{tail.strip()} {head.strip()}" if tail.strip() else None
    words = text.split()
    return " ".join([*words[1:], words[0]]) if len(words) > 1 else None


def drop_legal(text: str, rng: random.Random) -> str | None:
    out = " ".join(_LEGAL.sub(" ", text).split()).strip(" ,")
    return out if out and out != text.strip() else None


def add_legal(text: str, rng: random.Random) -> str | None:
    return None if _LEGAL.search(text) else text + " " + rng.choice(_FORMS)


def change_legal(text: str, rng: random.Random) -> str | None:
    if not _LEGAL.search(text):
        return None
    out = _LEGAL.sub(" ", text, count=1).strip(" ,") + " " + rng.choice(_FORMS)
    return " ".join(out.split())


def hyphen_upper(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 2:
        return None
    return ("-".join(words[:2]) + " " + " ".join(words[2:])).upper().strip()


def join_words(text: str, rng: random.Random) -> str | None:
    words = text.split()
    spots = [i for i in range(len(words) - 1) if words[i].isalpha() and words[i + 1].isalpha()]
    spots = [i for i in spots if len(words[i]) >= 3 and len(words[i + 1]) >= 3]
    if not spots:
        return None
    i = rng.choice(spots)
    return " ".join([*words[:i], words[i] + words[i + 1].lower(), *words[i + 2 :]])


def split_word(text: str, rng: random.Random) -> str | None:
    words = text.split()
    i = _longest(words)
    w = words[i]
    if len(w) < 9 or not w.isalpha():
        return None
    cut = rng.randrange(4, len(w) - 3)
    return " ".join([*words[:i], w[:cut], w[cut:], *words[i + 1 :]])


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_ONES += " fifteen sixteen seventeen eighteen nineteen"
_TENS = ["-", "-", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "5": "Fifth", "6": "Sixth"}


def _spell(n: int) -> str:
    ones = _ONES.split()
    if n < 20:
        return ones[n]
    return _TENS[n // 10] + ("-" + ones[n % 10] if n % 10 else "")


def number_words(text: str, rng: random.Random) -> str | None:
    """A number or ordinal written out in English ("44" -> "Forty-Four", "1st" -> "First")."""
    m = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b", text)
    if not m or int(m.group(1)) == 0:
        return None
    if m.group(2):
        if m.group(1) not in _ORD:
            return None
        word = _ORD[m.group(1)]
    else:
        word = _spell(int(m.group(1))).title()
    return text[: m.start()] + word + text[m.end() :]


Treatment = Callable[[str, random.Random], str | None]
TREATMENTS: dict[str, Treatment] = {
    "typo": typo,
    "two typos": lambda t, r: typo(t, r, 2),
    "typo in a short word": short_typo,
    "transposition": transposition,
    "reorder": reorder,
    "case/hyphen": hyphen_upper,
    "legal form dropped": drop_legal,
    "legal form added": add_legal,
    "legal form changed": change_legal,
    "compound joined": join_words,
    "compound split": split_word,
    "number written out": number_words,
}
PARTY_ONLY = {"legal form dropped", "legal form added", "legal form changed", "number written out"}


def positives(parties: list[Party], rng: random.Random, per_mode: int) -> Iterator[Pair]:
    buckets: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for eid, kind, primary, aliases in parties:
        kind = "vessel" if kind == "aircraft" else kind
        for alias in aliases:
            key = (normalize_name(alias), normalize_name(primary))
            if key[0] == key[1] or key in seen or not key[0]:
                continue
            seen.add(key)
            mode = f"same: alias {stratum(alias, primary)}"
            buckets[(kind, mode)].append(Pair(alias, primary, kind, True, mode, eid))
        for name, treat in TREATMENTS.items():
            if name in PARTY_ONLY and kind == "person":
                continue
            text = treat(primary, rng)
            if text and normalize_name(text) != normalize_name(primary):
                mode = f"same: {name}"
                buckets[(kind, mode)].append(Pair(text, primary, kind, True, mode, eid))
    for items in buckets.values():
        yield from rng.sample(items, min(per_mode, len(items)))


# -- negatives ----------------------------------------------------------------------------------


@cache
def _category(word: str) -> str:
    """The class of a differing word, read off the matcher's own vocabulary (labels only)."""
    from screening.matching.lexicon import PHRASES

    if word.isdigit() or re.fullmatch(r"\d+(st|nd|rd|th)|[ivx]+", word):
        return "number"
    hit = PHRASES.get(word)
    if hit is not None and hit[1] == "stop":
        return "particle"
    if hit is not None and hit[1] in ("place", "generic", "legal"):
        return {"place": "place", "generic": "trade word", "legal": "legal form"}[hit[1]]
    return "distinctive word"


def negatives(parties: list[Party], rng: random.Random, per_mode: int) -> Iterator[Pair]:
    """Names of two different parties of one list differing by one word (substituted or
    added), and names sharing one rare distinctive word."""
    buckets: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    by_list: dict[tuple[str, str], list[tuple[str, str, frozenset[str]]]] = defaultdict(list)
    for eid, kind, primary, aliases in parties:
        kind = "vessel" if kind == "aircraft" else kind
        src = eid.rsplit(":", 1)[0]
        _OTHER_SCRIPT[eid] = [a for a in aliases if stratum(a, primary) == "transliteration"]
        for name in [primary, *aliases]:
            words = frozenset(normalize_name(name).split())
            if 2 <= len(words) <= 8:
                by_list[(src, kind)].append((eid, name, words))
    seen: set[frozenset[str]] = set()
    for (_, kind), names in by_list.items():
        full: dict[frozenset[str], list[int]] = defaultdict(list)
        minus: dict[frozenset[str], list[tuple[int, str]]] = defaultdict(list)
        for n, (_, _, words) in enumerate(names):
            full[words].append(n)
            for w in words:
                minus[words - {w}].append((n, w))
        for key, group in minus.items():
            # Substitutions: two names with the same words but one each.
            for x, (a, wa) in enumerate(group[:40]):
                for b, wb in group[x + 1 : 40]:
                    _negative(buckets, names, a, b, kind, wa, wb, seen)
            # Additions: a name that is another plus one word.
            for b in full.get(key, [])[:10]:
                for a, wa in group[:10]:
                    _negative(buckets, names, a, b, kind, wa, None, seen)
    for items in buckets.values():
        yield from rng.sample(items, min(per_mode, len(items)))
    # The same negatives with the first party's name in its original script (UN list names in
    # Arabic, Chinese, Cyrillic): a transliteration must not make relatives or sister companies
    # the same. Sampled after the others, so that their samples stay as they were.
    other: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for (kind, _), items in buckets.items():
        for pair in items:
            for alias in _OTHER_SCRIPT.get(pair.group, [])[:2]:
                mode = f"{pair.mode} (other script)"
                other[(kind, mode)].append(Pair(alias, pair.listed, kind, False, mode, pair.group))
    for items in other.values():
        yield from rng.sample(items, min(per_mode, len(items)))


_OTHER_SCRIPT: dict[str, list[str]] = {}


def _negative(
    buckets: dict[tuple[str, str], list[Pair]],
    names: list[tuple[str, str, frozenset[str]]],
    a: int,
    b: int,
    kind: str,
    wa: str,
    wb: str | None,
    seen: set[frozenset[str]],
) -> None:
    ea, na, words_a = names[a]
    eb, nb, _words_b = names[b]
    if ea == eb:
        return
    key = frozenset((na, nb))
    if key in seen:
        return
    seen.add(key)
    if normalize_name(na) == normalize_name(nb) or _category(wa) == "particle":
        return  # one party listed twice (one entry per address), or "&" written "and"
    if wb is not None and _category(wb) == "particle":
        return
    if "legal form" in (_category(wa), _category(wb or wa)) and kind != "person":
        # Two parties whose names differ only in the legal form are told apart by other facts,
        # not by their names: no analyst would label the names alone.
        return
    if kind == "person":
        if wb is None:
            mode = "different: person with one more name part"
        elif len(words_a) >= 4:
            mode = "different: relative (one part of 4+ differs)"
        else:
            mode = "different: person, one part of 2-3 differs"
    elif wb is None:
        mode = f"different: one more {_category(wa)}"
    else:
        cats = sorted({_category(wa), _category(wb)})
        mode = f"different: {' / '.join(cats)} differs"
    buckets[(kind, mode)].append(Pair(na, nb, kind, False, mode, ea))
