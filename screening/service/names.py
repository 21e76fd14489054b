"""Screening names against every active list: the service side of `matching/`.

The match index is built from the names stored for the active snapshots, cached in memory per
process and on disk under the state directory, keyed by the active versions: it is rebuilt
only when a snapshot changes, so a CLI start loads it instead of rebuilding. In the server the
rebuild happens in the background while the previous index keeps answering (`active.CACHE`).
Beside it, the party table (which listings are the same party, each listing's date and
programmes, from the database) and the corporate-family search (data/reference/families.csv)
are cached the same way; `screen_context` returns all three.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlmodel import Session

from ..errors import InputError
from ..matching.algorithm import default_threshold
from ..matching.families import FamilySearch
from ..matching.index import FORMAT, Index, IndexEntry
from ..matching.matcher import Matcher, compare
from ..matching.parties import Found, PartyHit, PartyTable, group_parties
from ..schemas.screening import CompareResult, Query, ScreenResult
from ..settings import Settings
from ..store import ENTITY_TABLE, NAME_TABLE
from .active import CACHE, active_view
from .partydata import family_rows, no_gc, party_table, reference_tables
from .partyview import feature_models, match_model, party_model

KINDS = ("organization", "person", "vessel", "aircraft")


@dataclass(frozen=True)
class ActiveSet:
    """The active snapshot of every party list: {source id: (snapshot id, version)}."""

    snapshots: dict[str, tuple[int, str]]
    labels: dict[str, str]

    @property
    def key(self) -> str:
        text = f"format={FORMAT};" + ";".join(
            f"{s}={v}" for s, (_, v) in sorted(self.snapshots.items())
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def versions(self) -> dict[str, str]:
        return {s: v for s, (_, v) in sorted(self.snapshots.items())}


def active_set(session: Session) -> ActiveSet:
    """The party lists of the service's one view of the active snapshots."""
    party = active_view(session).of_type("party")
    return ActiveSet(
        {a.source: (a.snapshot_id, a.version) for a in party},
        {a.source: a.name for a in party},
    )


@dataclass
class ScreenContext:
    """Everything a screen needs, fixed for one set of active snapshots."""

    matcher: Matcher
    versions: dict[str, str]
    labels: dict[str, str]
    table: PartyTable
    families: FamilySearch
    parent_short: dict[str, str]  # family id -> its parent's short name ("Hikvision")


def _entries(session: Session, active: ActiveSet) -> list[IndexEntry]:
    snap_ids = [snap for snap, _ in active.snapshots.values()]
    if not snap_ids:
        return []
    e, n = ENTITY_TABLE.c, NAME_TABLE.c
    ents = session.execute(
        sa_select(e.id, e.entity_id, e.source_id, e.kind, e.countries, e.identifiers).where(
            e.snapshot_id.in_(snap_ids)
        )
    ).all()
    facts = {
        pk: (eid, src, kind, tuple(c), tuple((i.get("type", ""), i.get("value", "")) for i in ids))
        for pk, eid, src, kind, c, ids in ents
    }
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = session.execute(
        sa_select(n.entity_pk, n.name, n.name_type)
        .where(n.snapshot_id.in_(snap_ids))
        .order_by(n.id)
    )
    for pk, name, ntype in rows:
        names[pk].append((name, ntype))
    out = []
    for pk, (eid, src, kind, countries, ids) in facts.items():
        for name, ntype in names.get(pk, []):
            out.append(IndexEntry(eid, src, name, ntype, kind, countries, ids))
    return out


def _index(session: Session, settings: Settings, active: ActiveSet) -> Index:
    key = active.key
    path = Path(settings.state_dir) / "index" / f"names-{key}.pickle"
    with no_gc():
        index = Index.load(path, key)
    if index is None:
        index = Index.build(_entries(session, active), cache_key=key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of this process's own, renamed into place: another worker writing the same
        # index at the same moment cannot interleave with it, and a reader (another worker
        # starting) sees the old file, no file, or the whole new one.
        part = path.parent / f".names-{key}-{os.getpid()}-{threading.get_ident()}.part"
        index.save(part)
        os.replace(part, path)
        for old in path.parent.glob("names-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    return index


@contextmanager
def _build_lock(settings: Settings) -> Iterator[None]:
    """Across the server's worker processes: one builds the index of new versions, the
    others wait and then load the file it wrote instead of spending a core each on the same
    work. (Within a process, `CACHE` already lets one thread build.)"""
    folder = Path(settings.state_dir) / "index"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "names.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _scope(session: Session) -> str:
    """Which database a session reads: an older index is only served for the same one."""
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)


def screen_context(session: Session, settings: Settings) -> ScreenContext:
    """The matcher, party table and family search for the active snapshots (cached). In the
    server, right after a snapshot switch this is the previous context (its `versions` say
    which snapshots it holds) until a background thread has built the new one."""
    active = active_set(session)
    engine = session.get_bind().engine

    def background() -> ScreenContext:
        with Session(engine, expire_on_commit=False) as own:
            return _build_context(own, settings, active)

    return CACHE.latest(
        "names",
        active.key,
        lambda: _build_context(session, settings, active),
        background,
        _scope(session),
    )


def _build_context(session: Session, settings: Settings, active: ActiveSet) -> ScreenContext:
    with _build_lock(settings):
        reference, digest = reference_tables(settings)
        rows = family_rows(reference)
        return ScreenContext(
            matcher=Matcher(_index(session, settings, active)),
            versions=active.versions,
            labels=active.labels,
            table=party_table(session, settings, active, reference, digest),
            families=FamilySearch(rows),
            parent_short={r.family: r.name for r in rows if r.relation == "parent" and r.family},
        )


def index_ready(session: Session, *, stale_ok: bool = False) -> bool:
    """Whether this process holds the name index of the active snapshots (readiness); with
    `stale_ok`, or one of earlier snapshots that answers while the new one is built."""
    return CACHE.holds("names", active_set(session).key, _scope(session), any_key=stale_ok)


def get_context(session: Session, settings: Settings) -> ScreenContext:
    """The screening context of the active snapshots now (waiting for a build if need be),
    never an older one: for callers that combine it with data read for the same versions."""
    active = active_set(session)
    return CACHE.get(
        "names",
        active.key,
        lambda: _build_context(session, settings, active),
        _scope(session),
    )


def get_matcher(session: Session, settings: Settings) -> tuple[Matcher, dict[str, str]]:
    """The matcher over every active party list and the versions it was built from: always
    those of the active snapshots now (waiting for a build if need be), never an older index,
    because callers combine it with other data read for the same versions."""
    active = active_set(session)
    ctx = CACHE.get(
        "names",
        active.key,
        lambda: _build_context(session, settings, active),
        _scope(session),
    )
    return ctx.matcher, ctx.versions


def parties_of(
    ctx: ScreenContext,
    name: str,
    kind: str | None,
    found: list[Found],
    sources: list[str] | None,
    threshold: float | None,
) -> list[PartyHit]:
    """The listings found for `name` and its corporate-family finds, grouped into parties."""
    finds = ctx.families.search(name, threshold) if family_search_applies(kind) else []
    if not found and not finds:
        return []
    return group_parties(
        ctx.table,
        found,
        finds,
        query=name,
        day=datetime.now(UTC).date(),
        sources=set(sources) if sources else None,
        parent_short=ctx.parent_short,
        threshold=threshold,
    )


def check_kind(kind: str | None, where: str = "kind") -> str | None:
    if kind in (None, ""):
        return None
    if kind not in KINDS:
        raise InputError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def family_search_applies(kind: str | None) -> bool:
    """The family table lists companies and brands: persons, vessels, aircraft skip it."""
    return kind in (None, "organization")


def screen_name(
    session: Session,
    settings: Settings,
    name: str,
    *,
    kind: str | None = None,
    country: str | None = None,
    identifiers: list[str] | None = None,
    sources: list[str] | None = None,
    threshold: float | None = None,
    limit: int = 10,
) -> ScreenResult:
    """Every listed party matching `name`, best first: `parties` groups the listings of one
    party (also those reached through the corporate-family table, with the relation stated),
    `matches` lists each matching listing with the features behind its score."""
    if not name or not name.strip():
        raise InputError("name: empty")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold: {threshold} is not in [0, 1]")
    if limit < 1 or limit > 1000:
        raise InputError(f"limit: {limit} is not in 1..1000")
    checked = check_kind(kind)
    ctx = screen_context(session, settings)
    if sources:
        unknown = sorted(set(sources) - set(ctx.versions))
        if unknown:
            raise InputError(f"sources: no data for {', '.join(unknown)}")
    matches = ctx.matcher.screen(
        name,
        kind=checked,
        country=country,
        identifiers=identifiers,
        sources=sources or None,
        threshold=threshold,
        limit=limit,
    )
    found = [
        Found(m.entity_id, m.source, m.matched_name, m.score, m.threshold, m.features)
        for m in matches
    ]
    parties = parties_of(ctx, name, checked, found, sources, threshold)
    return ScreenResult(
        query=Query(name=name, kind=kind, country=country, identifiers=identifiers or []),
        snapshots=ctx.versions,
        parties=[party_model(p, ctx.table, ctx.versions, ctx.labels) for p in parties],
        matches=[match_model(m, ctx.versions) for m in matches],
    )


def decode_csv(data: bytes, filename: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{filename}: the UTF-16 text is cut short or damaged (byte {exc.start}); "
                "save it as UTF-8 CSV"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{filename}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"
        ) from exc


def compare_pairs(data: bytes, filename: str) -> list[dict[str, str]]:
    """The `compare --pairs` contract: name1,name2,kind,score,match per input row; a kind other
    than blank/organization/person/vessel/aircraft is an error naming its row."""
    text = decode_csv(data, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if "name1" not in header or "name2" not in header:
        raise InputError(
            f"{filename}: line 1: the header needs name1,name2 (got {', '.join(header)[:200]})"
        )
    rows = list(reader)
    errors = []
    for i, r in enumerate(rows, start=1):
        k = (r.get("kind") or "").strip()
        if k and k not in KINDS:
            errors.append(
                f"{filename}: row {i} (line {i + 1}), field kind: unknown kind {k[:40]!r}"
            )
    if errors:
        raise InputError("\n".join(errors))
    out = []
    for r in rows:
        k = (r.get("kind") or "").strip() or "organization"
        score, _ = compare(r.get("name1") or "", r.get("name2") or "", k)
        out.append(
            {
                "name1": r.get("name1") or "",
                "name2": r.get("name2") or "",
                "kind": k,
                "score": f"{score:.4f}",
                "match": "true" if score >= default_threshold(k) else "false",
            }
        )
    return out


def compare_names(name1: str, name2: str, kind: str | None = None) -> CompareResult:
    k = check_kind(kind) or "organization"
    score, expl = compare(name1, name2, k)
    return CompareResult(
        name1=name1,
        name2=name2,
        kind=k,
        score=round(score, 4),
        threshold=default_threshold(k),
        match=score >= default_threshold(k),
        features=feature_models(expl.features),
        explanation=expl.text,
    )
