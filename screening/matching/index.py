"""Candidate retrieval: an in-memory index over every active name that returns a few dozen
candidate names for a query without scanning them all.

Keys, each mapping to the names (or vocabulary tokens) that carry it:
- every canonical token of every name (postings), weighted at query time by rarity;
- one-letter deletions of every token of four letters or more (a SymSpell-style typo index: a
  query token finds a listed token when they share a deletion, i.e. one typo or transposition
  apart, or two when the query is long);
- the phonetic key of every token (transliterations: "mhmd" finds "Muhammad");
- the loose sound key of every token, for queries in another script ("khikvizhn" finds
  "Hikvision": variants.loose_key);
- adjacent tokens joined ("Hik Vision" listed finds "Hikvision" queried) and the query's
  adjacent tokens joined (the other way round);
- the initials of every name (a queried acronym finds the full name);
- the whole canonical name, and identifiers (ISIN, USCC, LEI, registration numbers...).
The index pickles to disk with a format version and a cache key the caller chooses (e.g. the
active snapshot versions), so a CLI start loads it instead of rebuilding.
"""

from __future__ import annotations

import gc
import itertools
import math
import operator
import pickle
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from .align import DISTINCTIVE, SimCache
from .entries import (
    Entity,
    IndexEntry,
    entries_from_record,
    normalize_identifier,
    usable_identifier,
)
from .features import initials
from .lexicon import canonical_word, phonetic_key
from .normalize import NameAnalysis, Token, analyse_name, make_analysis
from .similarity import similar
from .variants import loose_key

__all__ = ["FORMAT", "Entity", "Index", "IndexEntry", "entries_from_record"]

FORMAT = 11  # 10: analyser vocabulary, mended words, abbreviations; 11: neighbours (issue 13)
_MAGIC = "screening.matching.index"
_CANDIDATES = 15  # 99% of the true parties found rank in the first 12 (bench_matching lists)
_FLOOR = 0.5  # candidates scoring under this share of the best one are not worth scoring
_NO_NAME = 0xFFFFFFFF
_HUGE = 3000  # postings longer than this are skipped for low-weight query tokens
_LOW_CAP = 300  # ... and this, when the query has distinctive tokens too


def _near_pairs(tokens: tuple[Token, ...]) -> Iterator[tuple[Token, Token]]:
    """Token pairs that, joined, may be one listed word ("hik vision", or "costa ... rica"
    reordered): every pair of a short name, pairs up to three apart in a long one."""
    reach = len(tokens) if len(tokens) <= 6 else 3
    for i, a in enumerate(tokens):
        for b in tokens[i + 1 : i + 1 + reach]:
            yield a, b


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# Key -> ids maps are stored as one int when the key has one id (most have), else a tuple:
# that unpickles several times faster than a container per key.
Ids = int | tuple[int, ...]


def _add(mapping: dict[str, list[int]], key: str, value: int) -> None:
    items = mapping.setdefault(key, [])
    if not items or items[-1] != value:
        items.append(value)


def _pack(mapping: dict[str, list[int]]) -> dict[str, Ids]:
    return {k: v[0] if len(v) == 1 else tuple(v) for k, v in mapping.items()}


# One vocabulary token a query word stands for: token id, similarity, its postings and rarity.
_Expanded = tuple[int, float, "array[int]", float]
_EXPANSIONS_MAX = 100_000


def _bump(acc: dict[int, float], nids: Iterable[int], amount: float) -> None:
    """Add `amount` to each name's retrieval score. (A module function, with `acc.get` called
    in place: compiled, a closure or a bound method kept in a local would be a generic call.)"""
    for n in nids:
        acc[n] = acc.get(n, 0.0) + amount


def _ids(value: Ids | None) -> tuple[int, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


class Index:
    """The name index. Build with `Index.build(entries, cache_key)`; query through `Matcher`."""

    def __init__(self) -> None:
        self.cache_key = ""
        self.entities: list[Entity] = []
        # Names are stored compactly (text, normalized, person, latin, token-table ids) and
        # turned into `NameAnalysis` on first use: unpickling 60k objects is what costs.
        self.name_rows: list[tuple[str, str, bool, bool, tuple[int, ...]]] = []
        self.token_table: list[Token] = []
        self._names: dict[int, NameAnalysis] = {}
        self._token_ids: dict[Token, int] = {}
        self.name_entity = array("I")
        self.entity_names = array("I")  # the first name of each entity
        self.name_types: list[str] = []
        self.tokens: list[str] = []
        self._phonetics: dict[int, str] = {}  # of vocabulary tokens, as queries need them
        self.postings: list[array[int]] = []
        self.deletes: dict[str, Ids] = {}
        self.phonetic: dict[str, Ids] = {}
        self.loose: dict[str, Ids] = {}  # loose sound key -> vocabulary tokens (other scripts)
        self.joined: dict[str, Ids] = {}
        self.acronyms: dict[str, Ids] = {}
        self.keys: dict[str, Ids] = {}
        self.identifiers: dict[str, list[tuple[int, str, str]]] = {}
        self._vocab: dict[str, int] = {}
        # Each vocabulary word's expansion (`_found`), made at build: token ids and similarities
        # of word t are nb_ids / nb_sims[nb_start[t] : nb_start[t + 1]], in `_found`'s order.
        self.nb_start = array("I", [0])
        self.nb_ids = array("I")
        self.nb_sims = array("d")
        # Per query word: the vocabulary tokens it stands for, with the posting list and rarity
        # of each (a file of names repeats its words: expanded once, reused by every query).
        self._expansions: dict[tuple[str, str, bool], list[_Expanded]] = {}

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[IndexEntry], cache_key: str = "") -> Index:
        index = cls()
        index.cache_key = cache_key
        entity_ids: dict[str, int] = {}
        seen: set[tuple[int, str]] = set()
        postings: list[list[int]] = []
        joined: dict[str, list[int]] = {}
        acronyms: dict[str, list[int]] = {}
        keys: dict[str, list[int]] = {}
        ids: dict[str, list[tuple[int, str, str]]] = {}
        for e in entries:
            ent = entity_ids.get(e.entity_id)
            if ent is None:
                ent = entity_ids[e.entity_id] = len(index.entities)
                index.entities.append(Entity(e.entity_id, e.source, e.kind, e.countries))
                index.entity_names.append(_NO_NAME)
                for id_type, value in e.identifiers:
                    norm = normalize_identifier(value)
                    if usable_identifier(id_type, norm):
                        ids.setdefault(norm, []).append((ent, id_type, value))
            analysis = analyse_name(e.name, e.kind == "person")
            if not analysis.tokens or (ent, analysis.key) in seen:
                continue
            seen.add((ent, analysis.key))
            nid = len(index.name_rows)
            if index.entity_names[ent] == _NO_NAME:
                index.entity_names[ent] = nid
            index._store(nid, analysis)
            index.name_entity.append(ent)
            index.name_types.append(e.name_type)
            _add(keys, analysis.key, nid)
            toks = analysis.tokens
            for t in toks:
                tid = index._vocab.get(t.text)
                if tid is None:
                    tid = index._vocab[t.text] = len(index.tokens)
                    index.tokens.append(t.text)
                    postings.append([])
                if not postings[tid] or postings[tid][-1] != nid:
                    postings[tid].append(nid)
            for a, b in itertools.pairwise(toks):
                _add(joined, a.text + b.text, nid)
            if len(toks) >= 3:
                for acr in initials(analysis):
                    _add(acronyms, acr, nid)
        index._index_vocabulary()
        index.postings = [array("I", p) for p in postings]
        index._index_neighbours()
        index.joined = _pack(joined)
        index.acronyms = _pack(acronyms)
        index.keys = _pack(keys)
        index.identifiers = ids
        return index

    def _store(self, nid: int, a: NameAnalysis) -> None:
        ids = []
        for t in a.tokens:
            tid = self._token_ids.get(t)
            if tid is None:
                tid = self._token_ids[t] = len(self.token_table)
                self.token_table.append(t)
            ids.append(tid)
        self.name_rows.append((a.text, a.normalized, a.person, a.latin, tuple(ids)))
        self._names[nid] = a

    def name(self, nid: int) -> NameAnalysis:
        """The analysis of one indexed name."""
        hit = self._names.get(nid)
        if hit is None:
            text, normalized, person, latin, ids = self.name_rows[nid]
            table = self.token_table
            hit = make_analysis(text, normalized, person, latin, tuple([table[i] for i in ids]))
            self._names[nid] = hit
        return hit

    def _index_vocabulary(self) -> None:
        deletes: dict[str, list[int]] = {}
        phonetic: dict[str, list[int]] = {}
        loose: dict[str, list[int]] = {}
        for tid, text in enumerate(self.tokens):
            if text.isdigit():
                continue
            if len(text) >= 4:
                for d in _deletes(text):
                    _add(deletes, d, tid)
                key = loose_key(text)
                if len(key) >= 3:
                    _add(loose, key, tid)
            key = phonetic_key(text)
            if len(key) >= 3:
                _add(phonetic, key, tid)
        self.deletes = _pack(deletes)
        self.phonetic = _pack(phonetic)
        self.loose = _pack(loose)

    # -- persistence ---------------------------------------------------------------------------

    _SAVED: ClassVar[tuple[str, ...]] = (
        "cache_key",
        "entities",
        "name_rows",
        "name_entity",
        "entity_names",
        "name_types",
        "tokens",
        "postings",
        "deletes",
        "phonetic",
        "loose",
        "joined",
        "acronyms",
        "keys",
        "identifiers",
        "_vocab",
        "nb_start",
        "nb_ids",
        "nb_sims",
    )

    def _state(self) -> dict[str, Any]:
        """What the index is made of (its caches left out), in plain values."""
        state: dict[str, Any] = {k: getattr(self, k) for k in self._SAVED}
        state["entities"] = [tuple(e) for e in self.entities]
        state["token_table"] = [tuple(t) for t in self.token_table]
        return state

    @classmethod
    def _from_state(cls, state: dict[str, Any]) -> Index:
        index = cls()
        for k in cls._SAVED:
            setattr(index, k, state[k])
        index.entities = [Entity._make(e) for e in state["entities"]]
        index.token_table = [Token._make(t) for t in state["token_table"]]
        return index

    def __reduce__(self) -> tuple[Callable[[dict[str, Any]], Index], tuple[dict[str, Any]]]:
        # Pickled (to Dask workers) as its state: the compiled class has no instance __dict__
        # for pickle's default to copy.
        return _index_from_state, (self._state(),)

    def save(self, path: str | Path) -> None:
        """Write the index (pickle) with its format version and cache key."""
        data = pickle.dumps(
            (_MAGIC, FORMAT, self.cache_key, self._state()), pickle.HIGHEST_PROTOCOL
        )
        target = Path(path)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)

    @classmethod
    def load(cls, path: str | Path, cache_key: str | None = None) -> Index | None:
        """Read an index `save` wrote; None when the file is missing, of another format or
        version, or built for another cache key (the caller then rebuilds). The file is this
        program's own cache, never downloaded: it has the trust of the database next to it."""
        # Unpickling makes a few hundred thousand objects: a garbage collection triggered
        # half-way would walk the caller's whole heap, several times over (seconds, not 0.1 s).
        collecting = gc.isenabled()
        gc.disable()
        try:
            blob = Path(path).read_bytes()
            magic, version, key, state = pickle.loads(blob)  # noqa: S301 - our own cache file
        except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            return None
        finally:
            if collecting:
                gc.enable()
        if magic != _MAGIC or version != FORMAT or (cache_key is not None and key != cache_key):
            return None
        return cls._from_state(state)

    # -- querying ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.name_rows)

    def entity(self, name_id: int) -> Entity:
        return self.entities[self.name_entity[name_id]]

    def _expand(
        self, word: str, phon: str, cache: SimCache, loose: bool = False
    ) -> dict[int, float]:
        """Vocabulary tokens a query token may stand for, with their similarity; with `loose`
        (a query written in another script), those of the same loose sound key too."""
        found: dict[int, float] = {}
        tid = self._vocab.get(word)
        if tid is not None:
            found[tid] = 1.0
        if word.isdigit():
            return found
        near: set[int] = set()
        if len(word) >= 4:
            near.update(_ids(self.deletes.get(word)))
            variants = _deletes(word)
            if len(word) >= 9:
                variants |= {d2 for d in variants for d2 in _deletes(d)}
            for v in variants:
                vt = self._vocab.get(v)
                if vt is not None:
                    near.add(vt)
                near.update(_ids(self.deletes.get(v)))
        if len(phon) >= 3:
            near.update(_ids(self.phonetic.get(phon)))
        if loose and len(word) >= 4:
            near.update(_ids(self.loose.get(loose_key(word))))
        for t in near:
            if t in found:
                continue
            other = self.tokens[t]
            po = self._phonetics.get(t)
            if po is None:
                po = self._phonetics[t] = phonetic_key(other)
            hit = similar(word, other, phon, po, True, True, cache)
            if hit[0] > 0:
                found[t] = hit[0]
        return found

    def _found(self, word: str, phon: str, cache: SimCache, loose: bool) -> dict[int, float]:
        """`_expand` of a word and of the word without a joined Arabic article."""
        found = self._expand(word, phon, cache, loose)
        if len(word) >= 6 and word[:2] in ("al", "el"):
            # An Arabic article written on to its word: "alharamain" ~ "al haramain".
            rest = word[2:]
            for tid, sim in self._expand(rest, phonetic_key(rest), cache).items():
                found[tid] = max(found.get(tid, 0.0), sim)
        return found

    def _index_neighbours(self) -> None:
        """Expand every vocabulary word once, at build (about 1 s for the bundled lists): most
        query words are listed words, and are then looked up rather than expanded per query
        (each process used to expand them again, on first use)."""
        cache: SimCache = {}
        starts, ids, sims = array("I", [0]), array("I"), array("d")
        for word in self.tokens:
            found = self._found(word, phonetic_key(word), cache, False)
            ids.extend(found.keys())
            sims.extend(found.values())
            starts.append(len(ids))
        self.nb_start, self.nb_ids, self.nb_sims = starts, ids, sims

    def _expanded(self, word: str, phon: str, cache: SimCache, loose: bool) -> list[_Expanded]:
        """`_found` of a query word, with each token's postings and rarity; made at build for
        vocabulary words, else cached per word: the same values in the same order."""
        key = (word, phon, loose)
        hit = self._expansions.get(key)
        if hit is not None:
            return hit
        tid = None if loose else self._vocab.get(word)
        if tid is not None and tid + 1 < len(self.nb_start) and phon == phonetic_key(word):
            a, b = self.nb_start[tid], self.nb_start[tid + 1]
            found = dict(zip(self.nb_ids[a:b], self.nb_sims[a:b], strict=True))
        else:
            found = self._found(word, phon, cache, loose)
        total = max(len(self.name_rows), 1)
        out: list[_Expanded] = []
        for tid, sim in found.items():
            post = self.postings[tid]
            out.append((tid, sim, post, math.log(1.0 + total / len(post))))
        if len(self._expansions) >= _EXPANSIONS_MAX:
            self._expansions.clear()
        self._expansions[key] = out
        return out

    def candidates(
        self,
        queries: Sequence[NameAnalysis],
        sources: Collection[str] | None = None,
        limit: int = _CANDIDATES,
        cache: SimCache | None = None,
    ) -> list[int]:
        """The ids of the names most worth scoring against the query. With several analyses of
        the query (as a party and as a person), each token counts once, with the weight of the
        first analysis that has it."""
        cache = {} if cache is None else cache
        total = max(len(self.name_rows), 1)
        acc: dict[int, float] = {}
        seen: set[str] = set()
        exact: set[int] = set()  # the same words in any order: always candidates
        for q in queries:
            exact.update(_ids(self.keys.get(q.key)))
            toks = q.tokens
            low_only = all(t.weight < DISTINCTIVE for t in toks)
            for t, phon in zip(toks, q.phonetic, strict=True):
                if t.text in seen:
                    continue
                seen.add(t.text)
                if t.category in ("stop", "legal") and not low_only:
                    continue
                # Low-weight words only re-rank when the query has distinctive ones: their
                # long postings would cost more than they tell.
                cap = _HUGE if low_only else _LOW_CAP
                weight = t.weight
                for _, sim, post, rarity in self._expanded(t.text, phon, cache, not q.latin):
                    if len(post) > cap and weight < DISTINCTIVE:
                        continue
                    _bump(acc, post, weight * sim * rarity)
                _bump(acc, _ids(self.joined.get(t.text)), 2.0 * t.weight)
                if t.weight >= DISTINCTIVE and t.text.isalpha():
                    _bump(acc, _ids(self.acronyms.get(t.text)), 2.0)
            for a, b in _near_pairs(toks):
                for joined in (a.text + b.text, b.text + a.text):
                    joined = canonical_word(joined) or joined
                    jid = self._vocab.get(joined)
                    if jid is not None and joined not in seen:
                        seen.add(joined)
                        post = self.postings[jid]
                        _bump(acc, post, (a.weight + b.weight) * math.log(1.0 + total / len(post)))
        if sources is not None:
            allowed = set(sources)
            acc = {n: s for n, s in acc.items() if self.entity(n).source in allowed}
            exact = {n for n in exact if self.entity(n).source in allowed}
        if not acc:
            return sorted(exact)
        # The `limit` best, best first, ties in the order met (as `heapq.nlargest` gives them).
        # Only names at or above the floor are kept, so only they are sorted: with fewer than
        # `limit` of them the tie-break below cannot apply either way.
        floor = max(acc.values()) * _FLOOR
        top = [item for item in acc.items() if item[1] >= floor]
        best = sorted(top, key=operator.itemgetter(1), reverse=True)[:limit]
        last = best[-1][1]
        # (Ties at the cut under the floor are all dropped, whichever are kept: skipped.)
        if len(best) == limit and last >= floor:
            # Among names tied at the cut (a party with one branch per country), those of the
            # query's length first: the cut must not fall at random among equals.
            head = [item for item in best if item[1] > last]
            if list(acc.values()).count(last) > limit - len(head):
                tied = [item for item in acc.items() if item[1] == last]
                size, rows = len(queries[0].tokens), self.name_rows
                tied.sort(key=lambda item: abs(len(rows[item[0]][4]) - size))
                best = head + tied[: limit - len(head)]
        out = sorted(exact)
        out += [nid for nid, s in best if s >= floor and nid not in exact]
        return out

    def identifier_hits(self, values: Iterable[str]) -> dict[int, tuple[str, str]]:
        """Entities carrying one of these identifiers: entity index -> (type, listed value)."""
        out: dict[int, tuple[str, str]] = {}
        for value in values:
            for ent, kind, raw in self.identifiers.get(normalize_identifier(value), ()):
                out.setdefault(ent, (kind, raw))
        return out


def _index_from_state(state: dict[str, Any]) -> Index:
    return Index._from_state(state)
