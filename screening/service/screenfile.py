"""Screening a table of names (`screen --file`, `POST /v1/screen/batch`): one result row per
input row, in input order, with each distinct query screened once.

A row's query is its name normalised (the one normaliser), its kind and its country; vendor
files repeat names, so results are kept per query for the whole file. Large files are taken in
windows; the new queries of each window are split between forked workers that share the loaded
index copy-on-write (no rebuild, no reload), and the rows are written as each window returns.
Result values are typed (booleans, numbers); `csv_lines` writes them as text, every cell
through the one formula neutraliser of the reports.
"""

from __future__ import annotations

import csv
import gc
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import islice
from typing import Any, Protocol

from ..errors import InputError
from ..matching.algorithm import default_threshold
from ..matching.normalize import normalize_name
from ..matching.parties import Found, PartyHit
from ..reports.csv import neutralise
from .names import KINDS, ScreenContext, check_kind, decode_csv, parties_of

OUT_COLUMNS = (
    "match",
    "score",
    "entity_id",
    "source",
    "matched_name",
    "hits",
    "hit_sources",
    "error",
    "party",
    "relation",
)
Row = dict[str, Any]
Query = tuple[str, str, str | None, bool]  # normalised name, kind, country, written in ASCII
_WINDOW = 8000
_FIRST_WINDOW = 1000  # a short first window: the workers start before 8,000 rows are read
_MEMO_MAX = 100_000
_MIN_PARALLEL = 64  # fewer new queries in a window are screened in this process
_EMPTY: Row = {
    "match": False,
    "score": 0.0,
    "entity_id": "",
    "source": "",
    "matched_name": "",
    "hits": 0,
    "hit_sources": "",
    "error": "",
    "party": "",
    "relation": "",
}


def read_name_csv(data: bytes, filename: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """Header and (lazily read) rows of a CSV with a `name` column (`screen --file` input)."""
    text = decode_csv(data, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    check_header(header, filename)
    return header, ({k: v or "" for k, v in r.items() if k is not None} for r in reader)


def check_header(header: list[str], filename: str, where: str = "line 1") -> None:
    """A names table needs a `name` column, distinct column names, and none that the result
    columns would overwrite."""
    if "name" not in header:
        shown = ", ".join(header)[:200] or "none"
        raise InputError(f"{filename}: {where}: no 'name' column (header: {shown})")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(f"{filename}: {where}: duplicate column(s) {', '.join(dupes)[:200]}")
    if any(h in OUT_COLUMNS for h in header):
        clash = ", ".join(h for h in header if h in OUT_COLUMNS)
        raise InputError(
            f"{filename}: {where}: column(s) {clash} would be overwritten by the results"
        )


def _best_listing(p: PartyHit) -> Found:
    return min(p.listings.values(), key=lambda f: (-f.score, f.source, f.entity_id))


def screen_query(
    ctx: ScreenContext,
    name: str,
    kind: str,
    country: str | None,
    threshold: float | None = None,
    sources: list[str] | None = None,
) -> Row:
    """The result columns for one name: the best party (a match first), its best listing and
    every listing at or above the threshold; `relation` says how the name relates to it."""
    cut = threshold if threshold is not None else default_threshold(kind)
    # The matches, and the nearest party when none (the row shows its score): the names that
    # can be neither are not scored in full.
    found = ctx.matcher.screen(
        name,
        kind=kind,
        country=country,
        sources=sources,
        threshold=cut,
        limit=100,
        explain=False,  # the file contract carries scores, not explanations
        nearest=True,
    )
    hits = [
        Found(m.entity_id, m.source, m.matched_name, m.score, cut) for m in found if m.score >= cut
    ]
    parties = parties_of(ctx, name, kind, hits, sources, threshold)
    out = dict(_EMPTY)
    matching = [p for p in parties if p.is_match]
    if matching:
        best, listing = matching[0], _best_listing(matching[0])
        listed = [f for p in matching for f in sorted(p.listings.values(), key=lambda f: -f.score)]
        out.update(
            match=True,
            score=best.score,
            hits=len({f.entity_id for f in listed}),
            hit_sources=";".join(dict.fromkeys(f.source for f in listed)),
        )
    elif parties and (not found or parties[0].score > found[0].score):
        best, listing = parties[0], _best_listing(parties[0])
        out["score"] = best.score
    elif found:
        m = found[0]
        out.update(
            score=m.score,
            entity_id=m.entity_id,
            source=m.source,
            matched_name=m.matched_name,
            party=ctx.table.party_name(m.entity_id, m.matched_name),
            relation="listed",
        )
        return out
    else:
        return out
    out.update(
        entity_id=listing.entity_id,
        source=listing.source,
        matched_name=listing.matched_name,
        party=best.name,
        relation=best.relation + (" (weak signal)" if best.weak else ""),
    )
    return out


def _query(row: dict[str, str], default_kind: str) -> Query | str:
    """The row's query, or why it cannot be screened."""
    name = (row.get("name") or "").strip()
    kind = (row.get("kind") or "").strip() or default_kind
    if not name:
        return "empty name"
    if kind not in KINDS:
        return f"unknown kind {kind[:40]!r}"
    country = (row.get("country") or "").strip().upper() or None
    return (_normalized(name), kind, country, name.isascii())


@lru_cache(maxsize=1 << 16)
def _normalized(name: str) -> str:
    """`normalize_name`, once per distinct name written (vendor files repeat their names)."""
    return normalize_name(name)


@dataclass(frozen=True)
class ScreenJob:
    """One screening's fixed inputs: the loaded context and the options. Picklable, so a Dask
    cluster can hold one copy per worker (`bulk_dask`)."""

    ctx: ScreenContext
    threshold: float | None
    sources: list[str] | None

    def screen(self, items: Chunk) -> list[Row]:
        return [
            screen_query(self.ctx, name, q[1], q[2], self.threshold, self.sources)
            for q, name in items
        ]


Chunk = list[tuple[Query, str]]  # new queries with the name as first written


def screen_chunk(job: ScreenJob, items: Chunk) -> list[Row]:
    """The result rows of a chunk of queries: what every engine's worker runs."""
    return job.screen(items)


class Pool(Protocol):
    """Where a window's new queries are screened away from the caller: `submit` sends the
    chunks and returns the call that waits for their results (in the chunks' order)."""

    workers: int

    def submit(self, chunks: list[Chunk]) -> Callable[[], list[list[Row]]]: ...


PoolFactory = Callable[[ScreenJob], AbstractContextManager[Pool]]

# The job a forked worker runs: set just before the fork (under the lock), so each pool's
# workers keep their own copy whatever another caller sets later.
_fork_job: ScreenJob | None = None
_fork_lock = threading.Lock()


def _screen_in_worker(items: Chunk) -> list[Row]:
    assert _fork_job is not None
    return _fork_job.screen(items)


class _ForkPool:
    def __init__(self, pool: Any, workers: int) -> None:
        self.pool = pool
        self.workers = workers

    def submit(self, chunks: list[Chunk]) -> Callable[[], list[list[Row]]]:
        handle = self.pool.map_async(_screen_in_worker, chunks)
        return lambda: list(handle.get())


@contextmanager
def fork_pool(job: ScreenJob, workers: int) -> Iterator[Pool]:
    """Forked workers sharing the loaded index copy-on-write (no rebuild, no reload)."""
    global _fork_job
    import multiprocessing

    with _fork_lock:
        _fork_job = job
        gc.collect()
        gc.freeze()  # the loaded index stays shared with the workers, not copied by the GC
        # Workers make many short-lived objects against a frozen index: collect young objects less
        # often (a worker spent 8% of its time in the collector, 1.7% with these thresholds).
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=gc.set_threshold, initargs=(50_000, 20, 100)
        )
    try:
        yield _ForkPool(pool, workers)
    finally:
        pool.terminate()
        gc.unfreeze()


def screen_rows(
    ctx: ScreenContext,
    rows: Iterable[dict[str, str]],
    *,
    kind: str | None = None,
    threshold: float | None = None,
    sources: list[str] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    pool: PoolFactory | None = None,
    ahead: int = 1,
) -> Iterator[Row]:
    """Each input row (in order) with the result columns appended (typed values). A row that
    cannot be screened says why in `error`. With `workers` > 1 the work is shared between
    forked processes (or, with `pool`, wherever it sends it), `ahead` windows ahead of the
    rows being written; the rows are the same either way."""
    default_kind = check_kind(kind, "--kind") or "organization"
    job = ScreenJob(ctx, threshold, sources)
    memo: dict[Query, Row] = {}
    inflight: set[Query] = set()
    if pool is None and workers > 1:
        pool = partial(fork_pool, workers=workers)
    with pool(job) if pool is not None else nullcontext(None) as remote:
        pending: list[_Window] = []
        for window in _chunks(rows, _WINDOW, min(_FIRST_WINDOW, _WINDOW)):
            if len(memo) > _MEMO_MAX:
                # Bounded memory on huge files: the oldest half goes (a window keeps what it
                # needs; later windows waiting on a query get it handed over).
                for q in list(islice(memo, len(memo) // 2)):
                    del memo[q]
            pending.append(_Window(job, window, default_kind, memo, inflight, remote))
            if len(pending) > ahead:  # later windows are screened while this one is written
                yield from pending.pop(0).finish(memo, inflight, pending, progress)
        while pending:
            yield from pending.pop(0).finish(memo, inflight, pending, progress)


def _chunks(
    rows: Iterable[dict[str, str]], size: int, first: int
) -> Iterator[list[dict[str, str]]]:
    window: list[dict[str, str]] = []
    want = first
    for row in rows:
        window.append(row)
        if len(window) == want:
            yield window
            window, want = [], size
    if window:
        yield window


class _Window:
    """One window of rows: its queries, the results it already has, and the new queries sent
    to be screened (in the workers, asynchronously, or here)."""

    def __init__(
        self,
        job: ScreenJob,
        rows: list[dict[str, str]],
        default_kind: str,
        memo: dict[Query, Row],
        inflight: set[Query],
        pool: Pool | None,
    ) -> None:
        self.rows = rows
        self.queries = [_query(r, default_kind) for r in rows]
        self.known: dict[Query, Row] = {}
        self.waiting: set[Query] = set()  # screened by an earlier window still in flight
        todo: dict[Query, str] = {}
        for q, r in zip(self.queries, rows, strict=True):
            if isinstance(q, str) or q in self.known or q in todo:
                continue
            if q in inflight:
                self.waiting.add(q)
                continue
            hit = memo.get(q)
            if hit is not None:
                self.known[q] = hit
            else:
                todo[q] = r["name"].strip()
        inflight.update(todo)
        # In name order: each worker's share then repeats words, so its caches (word
        # expansions, token similarities) serve more of its queries.
        items = list(todo.items())
        if pool is not None:
            items.sort(key=lambda item: item[0][0])
        self.todo = [q for q, _ in items]
        self.handle: Callable[[], list[list[Row]]] | None = None
        self.results: list[Row] = []
        if pool is not None and len(items) > _MIN_PARALLEL:
            size = -(-len(items) // (pool.workers * 4))
            chunks = [items[i : i + size] for i in range(0, len(items), size)]
            self.handle = pool.submit(chunks)
        else:
            self.results = job.screen(items)

    def finish(
        self,
        memo: dict[Query, Row],
        inflight: set[Query],
        later: list[_Window],
        progress: Callable[[int], None] | None,
    ) -> Iterator[Row]:
        if self.handle is not None:
            self.results = [r for done in self.handle() for r in done]
        own = dict(zip(self.todo, self.results, strict=True))
        memo.update(own)
        inflight.difference_update(own)
        for window in later:  # hand over what later windows wait for: the memo may be cleared
            window.known.update({q: own[q] for q in window.waiting & own.keys()})
        for q, r in zip(self.queries, self.rows, strict=True):
            out = dict(r)
            if isinstance(q, str):
                out.update(_EMPTY, error=q)
            else:
                out.update(own.get(q) or self.known[q])
            yield out
        if progress:
            progress(len(self.rows))


def _text(value: object) -> object:
    if isinstance(value, float):
        return f"{value:.4f}"
    return value


@lru_cache(maxsize=1 << 16, typed=True)
def _cell_text(value: object) -> str:
    """A cell's CSV text, once per distinct value (bulk files repeat their names, kinds and
    results); `typed`: True, 1 and 1.0 are three cells."""
    return neutralise(_text(value))


def csv_lines(rows: Iterable[Row], columns: list[str], batch: int = 2000) -> Iterator[str]:
    """The header, then the rows as CSV text in blocks; scores with 4 decimals, booleans
    `true`/`false`, and every cell a spreadsheet would run as a formula neutralised (input
    values and list names alike) by `reports.csv.neutralise`."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([neutralise(c) for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([_cell_text(row.get(c, "")) for c in columns])
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
