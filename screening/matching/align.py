"""Token alignment: which words of a screened name pair with which words of a listed name, and
how alike each pair is. Every token of the screened name is paired with at most one token of the
listed name, best pairs first; two tokens of one side may be joined to pair with one token of the
other ("HIK VISION" ~ "Hikvision", and "Hong ... Kong" reordered ~ "Hong Kong").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from .lexicon import abbreviates, canonical_word
from .normalize import NameAnalysis, Token
from .similarity import (
    NICKNAMES,
    SimCache,
    arabic_skeleton,
    max_edits,
    similar,
    token_pair_similarity,
)
from .variants import loose_key

__all__ = [
    "DISTINCTIVE",
    "Alignment",
    "Extras",
    "Pair",
    "SimCache",
    "align",
    "token_pair_similarity",
]

# A token at or above this weight is distinctive (a core word, or a place that is all a name has).
DISTINCTIVE = 0.5


@dataclass(slots=True)
class Pair:
    """Query tokens paired with candidate tokens (one or two on each side)."""

    query: tuple[int, ...]
    candidate: tuple[int, ...]
    similarity: float
    how: str


@dataclass(frozen=True, slots=True)
class Extras:
    """How much an unpaired token counts against the score, as a share of its own weight:
    distinctive and low-weight tokens, on the query side and on the listed side."""

    query_core: float
    query_low: float
    candidate_core: float
    candidate_low: float


@dataclass(slots=True)
class Alignment:
    """The pairing of two names and the sums the name features are made of."""

    pairs: list[Pair] = field(default_factory=list)
    unmatched_query: list[int] = field(default_factory=list)
    unmatched_candidate: list[int] = field(default_factory=list)
    similarity_sum: float = 0.0  # sum of similarity x pair weight
    matched_weight: float = 0.0  # sum of pair weights
    extra_query: float = 0.0  # weighted unpaired query tokens
    extra_candidate: float = 0.0  # weighted unpaired candidate tokens
    core_missed: bool = False

    @property
    def total(self) -> float:
        return self.matched_weight + self.extra_query + self.extra_candidate

    @property
    def score(self) -> float:
        """The name score: aligned similarity over all the weight of both names."""
        return self.similarity_sum / self.total if self.total > 0 else 0.0


Option = tuple[float, int, tuple[int, ...], tuple[int, ...], str]
_RANK = itemgetter(0, 1)  # best similarity first; at a tie, the pair that joins more tokens


def _token_options(
    q: NameAnalysis, c: NameAnalysis, person: bool, across: bool, cache: SimCache
) -> tuple[list[Option], set[int], set[int]]:
    """Every token pair worth pairing, with its similarity. The length and end-letter tests
    inline here skip the edit distance for pairs that cannot be typos of each other (one edit
    cannot change both the first and the last letter)."""
    options: list[Option] = []
    exact_q: set[int] = set()
    exact_c: set[int] = set()
    cp = c.phonetic
    ctext = [t.text for t in c.tokens]
    clen = [len(x) for x in ctext]
    cedit = [max_edits(n) for n in clen]
    loose = [loose_key(t.text) for t in q.tokens] if person or across else []
    loose_c = [loose_key(x) for x in ctext] if loose else []
    skel = [arabic_skeleton(t.text) for t in q.tokens] if across else []
    skel_c = [arabic_skeleton(x) for x in ctext] if across else []
    for i, a in enumerate(q.tokens):
        at, pa = a.text, q.phonetic[i]
        la = len(at)
        qe = max_edits(la)
        sound = len(pa) >= 2
        for j, bt in enumerate(ctext):
            if at == bt:
                options.append((1.0, 1, (i,), (j,), "same"))
                exact_q.add(i)
                exact_c.add(j)
                continue
            if not (sound and pa == cp[j]):
                lb = clen[j]
                e = qe if qe > cedit[j] else cedit[j]
                typo = e and -e <= la - lb <= e and (at[0] == bt[0] or at[-1] == bt[-1])
                if not typo and not (
                    (person and ((la <= 5 and lb <= 5) or at in NICKNAMES or bt in NICKNAMES))
                    or (loose and loose[i] and loose[i] == loose_c[j])
                    or (skel and skel[i] and skel[i] == skel_c[j])
                ):
                    continue
            s, how = similar(at, bt, pa, cp[j], person, across, cache)
            if s > 0:
                options.append((s, 1, (i,), (j,), how))
    return options, exact_q, exact_c


def _surface(t: Token) -> str:
    """The word as written (a trade word's own spelling, not its canonical one)."""
    return t.original.replace(" ", "")


def surfaces(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    return tuple([t.original.replace(" ", "") for t in tokens])


def _joined_options(
    side: tuple[Token, ...],
    words: tuple[str, ...],
    other_tokens: tuple[Token, ...],
    other_words: tuple[str, ...],
    taken: set[int],
    other_taken: set[int],
    query_side: bool,
    cache: SimCache,
) -> list[Option]:
    """Two unpaired tokens of `side` joined, paired with one token of `other`: neighbours in
    either order, exactly or within typos ("hik" + "vision" ~ "hikvision"); any two when few are
    left (a reordered "Kong ... Hong"), exactly or through the recognised spelling ("hong" +
    "kong" -> "hongkong"); and three neighbours written as one word ("Ak Bars Bank" ~
    "Akbarsbank"). A joined text whose length no unpaired word of `other` comes near is not
    built at all."""
    # Tokens already paired exactly may still join: "Tech" alone equals "technology", but
    # "Tech" + "nology" is the whole word.
    free = [i for i in range(len(side)) if side[i].category not in _NO_JOIN]
    if len(free) < 2 or len(taken) == len(side):
        return []
    first: dict[str, int] = {}
    for j, t in enumerate(other_tokens):
        first.setdefault(t.text, j)
        first.setdefault(other_words[j], j)
    # Joins within typos only reach words of `other` not already paired alone.
    open_words = {w: j for w, j in first.items() if j not in other_taken}
    lengths = {len(text) for text in first}
    longest = max(lengths) + 4
    sizes = [len(w) for w in words]
    far = len(free) <= _FAR_JOIN
    out: list[Option] = []
    for x, i in enumerate(free):
        for k in free[x + 1 :]:
            if k != i + 1 and not far:
                break
            both_taken = i in taken and k in taken
            size = sizes[i] + sizes[k]
            if (
                k == i + 1
                and k + 1 in free
                and size + sizes[k + 1] <= longest
                and not (both_taken and k + 1 in taken)
            ):
                out += _joined_three(
                    words, (i, k, k + 1), first, open_words, lengths, query_side, cache
                )
            if both_taken or size > longest:
                continue
            e = max_edits(size)
            if not any(abs(n - size) <= e for n in lengths):
                continue
            natural = words[i] + words[k]
            for text in (natural, words[k] + words[i]):
                hits: list[tuple[int, float]] = []
                exact = first.get(text)
                if exact is None and (canon := canonical_word(text)):
                    exact = first.get(canon)
                if exact is not None:
                    hits.append((exact, 1.0))
                elif text is natural and k == i + 1 and size >= 6 and open_words:
                    hits = _fuzzy_join(text, open_words, e, cache)
                for j, s in hits:
                    pair = ((i, k), (j,)) if query_side else ((j,), (i, k))
                    out.append((s, 2, pair[0], pair[1], "joined"))
    return out


def _joined_three(
    words: tuple[str, ...],
    trio: tuple[int, int, int],
    first: dict[str, int],
    open_words: dict[str, int],
    lengths: set[int],
    query_side: bool,
    cache: SimCache,
) -> list[Option]:
    """Three neighbouring tokens written as one word of `other`, exactly or within typos."""
    text = "".join(words[n] for n in trio)
    e = max_edits(len(text))
    if not any(abs(n - len(text)) <= e for n in lengths):
        return []
    j = first.get(text)
    hits = [(j, 1.0)] if j is not None else _fuzzy_join(text, open_words, e, cache)
    return [
        (s, 3, trio, (j,), "joined") if query_side else (s, 3, (j,), trio, "joined")
        for j, s in hits
    ]


_FAR_JOIN = 4  # join non-adjacent unpaired tokens only when few are left (reordered words)
_NO_JOIN = frozenset({"stop", "legal"})


def _fuzzy_join(
    text: str, other: dict[str, int], e: int, cache: SimCache
) -> list[tuple[int, float]]:
    hits = []
    for bt, j in other.items():
        if abs(len(bt) - len(text)) <= e and (e > 1 or text[0] == bt[0] or text[-1] == bt[-1]):
            s, _ = similar(text, bt, "", "", False, False, cache)
            if s > 0:
                hits.append((j, s))
    return hits


def align(
    q: NameAnalysis, c: NameAnalysis, extras: Extras, cache: SimCache | None = None
) -> Alignment:
    """Pair the tokens of two names, best pairs first; joined adjacent tokens compete too."""
    cache = {} if cache is None else cache
    qt, ct = q.tokens, c.tokens
    options, exact_q, exact_c = _token_options(
        q, c, q.person or c.person, q.latin != c.latin, cache
    )
    # When every token of both names has an identical partner, joins cannot do better.
    if (len(qt) > 1 or len(ct) > 1) and (len(exact_q) < len(qt) or len(exact_c) < len(ct)):
        qs, cs = q.surfaces or surfaces(qt), c.surfaces or surfaces(ct)
        options += _joined_options(qt, qs, ct, cs, exact_q, exact_c, True, cache)
        options += _joined_options(ct, cs, qt, qs, exact_c, exact_q, False, cache)
    options.sort(key=_RANK, reverse=True)
    result = Alignment()
    used_q: set[int] = set()
    used_c: set[int] = set()
    for s, size, qi, ci, how in options:
        if size == 1:
            if qi[0] in used_q or ci[0] in used_c:
                continue
            used_q.add(qi[0])
            used_c.add(ci[0])
            weight = qt[qi[0]].weight + ct[ci[0]].weight
        else:
            if used_q.intersection(qi) or used_c.intersection(ci):
                continue
            used_q.update(qi)
            used_c.update(ci)
            weight = sum([qt[i].weight for i in qi], 0.0) + sum([ct[j].weight for j in ci], 0.0)
        result.pairs.append(Pair(qi, ci, s, how))
        result.similarity_sum += s * weight
        result.matched_weight += weight
    _misspelt_words(qt, ct, used_q, used_c, result, cache)
    if not (q.person or c.person):
        _abbreviations(qt, ct, used_q, used_c, result)
    # An acronym of a name stands for its other words: paired, it covers them; unpaired, it
    # duplicates them and costs nothing.
    q_covered = any(qt[i].category == "acronym" for i in used_q)
    c_covered = any(ct[j].category == "acronym" for j in used_c)
    for i, t in enumerate(qt):
        if i not in used_q:
            result.unmatched_query.append(i)
            if not q_covered and t.category != "acronym":
                share = extras.query_core if t.weight >= DISTINCTIVE else extras.query_low
                result.extra_query += t.weight * share
    for j, t in enumerate(ct):
        if j not in used_c:
            result.unmatched_candidate.append(j)
            if not c_covered and t.category != "acronym":
                share = extras.candidate_core if t.weight >= DISTINCTIVE else extras.candidate_low
                result.extra_candidate += t.weight * share
    result.core_missed = _core_missed(qt, used_q) or _core_missed(ct, used_c)
    return result


_KNOWN = frozenset({"generic", "legal", "place"})


def _misspelt_words(
    qt: tuple[Token, ...],
    ct: tuple[Token, ...],
    used_q: set[int],
    used_c: set[int],
    result: Alignment,
    cache: SimCache,
) -> None:
    """Pair a word the vocabulary did not recognise with a trade word, legal form or place of
    the other name that it misspells ("Englkeers" / "Engineers", "Pllnt" / "Plant"): the pair
    weighs what the known word weighs, on both sides."""
    options: list[tuple[float, int, int, float]] = []
    for left, right, lu, ru, flip in (
        (qt, ct, used_q, used_c, False),
        (ct, qt, used_c, used_q, True),
    ):
        unknown = [i for i, t in enumerate(left) if i not in lu and t.category == "core"]
        if not unknown:
            continue
        known = [j for j, t in enumerate(right) if j not in ru and t.category in _KNOWN]
        for i in unknown:
            for j in known:
                word = _surface(right[j])
                if abs(len(word) - len(left[i].text)) > 2:
                    continue
                sim = similar(left[i].text, word, "", "", False, False, cache)[0]
                if sim > 0:
                    qi, cj = (j, i) if flip else (i, j)
                    options.append((sim, qi, cj, 2 * right[j].weight))
    options.sort(reverse=True)
    for sim, i, j, weight in options:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        result.pairs.append(Pair((i,), (j,), sim, "typo of a known word"))
        result.similarity_sum += sim * weight
        result.matched_weight += weight


ABBREVIATION = 0.9


def _abbreviations(
    qt: tuple[Token, ...],
    ct: tuple[Token, ...],
    used_q: set[int],
    used_c: set[int],
    result: Alignment,
) -> None:
    """Pair an unpaired short word of one name with a run of unpaired neighbouring words of the
    other whose initials it is ("PMC" / "Private Military Company", "KB" / "Konstruktorskoe
    Byuro", "FTA" / "Foreign Trade Association"): 0.9. Two letters must be the initials of exactly
    two words; from three letters a trade word or legal form of the run may give none. Only
    beside a distinctive word already paired: a name that is an acronym alone is `acronym`'s."""
    if not any(_short_word(t) for t in qt) and not any(_short_word(t) for t in ct):
        return
    if not any(
        qt[i].weight >= DISTINCTIVE and qt[i].category != "acronym"
        for p in result.pairs
        for i in p.query
    ):
        return
    for short, long_, su, lu, flip in (
        (qt, ct, used_q, used_c, False),
        (ct, qt, used_c, used_q, True),
    ):
        for i, t in enumerate(short):
            word = t.original
            if i in su or not _short_word(t):
                continue
            run = _initials_run(word, long_, lu)
            if run is None:
                continue
            su.add(i)
            lu.update(run)
            weight = t.weight + sum([long_[j].weight for j in run], 0.0)
            pair = (run, (i,)) if flip else ((i,), run)
            result.pairs.append(Pair(pair[0], pair[1], ABBREVIATION, "abbreviation"))
            result.similarity_sum += ABBREVIATION * weight
            result.matched_weight += weight


def _short_word(t: Token) -> bool:
    """A word that may abbreviate others: a distinctive or trade word of 2-6 letters."""
    return t.category in ("core", "generic") and 2 <= len(t.original) <= 6 and t.original.isalpha()


def _initials_run(word: str, tokens: tuple[Token, ...], used: set[int]) -> tuple[int, ...] | None:
    """The first run of unpaired neighbouring tokens whose words' initials spell `word`."""
    n = len(tokens)
    for start in range(n):
        if start in used or tokens[start].original[0] != word[0]:
            continue
        words: list[tuple[str, str]] = []
        for end in range(start, n):
            if end in used or tokens[end].category == "acronym":
                break
            words += [(w, tokens[end].category) for w in tokens[end].original.split()]
            if len(words) < 2 or tokens[end].original.split()[-1][0] != word[-1]:
                continue
            strict = "".join(w[0] for w, _ in words) == word
            if strict or (len(word) >= 3 and abbreviates(word, words)):
                return tuple(range(start, end + 1))
    return None


def _core_missed(tokens: tuple[Token, ...], used: set[int]) -> bool:
    if any(tokens[i].category == "acronym" for i in used):
        return False
    core = [i for i, t in enumerate(tokens) if t.weight >= DISTINCTIVE and t.category != "acronym"]
    return bool(core) and not used.intersection(core)
