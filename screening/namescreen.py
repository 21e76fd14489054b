"""Screening names against every active list: the service side of `matching/`.

The match index is built from the names stored for the active snapshots, cached in memory per
process and on disk under the state directory, keyed by the active versions: it is rebuilt
only when a snapshot changes, so a CLI start loads it instead of rebuilding.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from .errors import InputError
from .matching.algorithm import default_threshold
from .matching.explain import feature_dict
from .matching.index import FORMAT, Index, IndexEntry
from .matching.matcher import Match, Matcher, compare
from .models import Snapshot, SourceRow
from .settings import Settings
from .store import ENTITY_TABLE, NAME_TABLE

KINDS = ("organization", "person", "vessel", "aircraft")
_lock = threading.Lock()
_cache: dict[str, tuple[Matcher, dict[str, str]]] = {}


@dataclass(frozen=True)
class ActiveSet:
    """The active snapshot of every party list: {source id: (snapshot id, version)}."""

    snapshots: dict[str, tuple[int, str]]

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
    rows = session.exec(
        select(SourceRow.id, Snapshot.id, Snapshot.version)
        .join(Snapshot, Snapshot.id == SourceRow.active_snapshot_id)  # type: ignore[arg-type]
        .where(SourceRow.record_type == "party")
    ).all()
    return ActiveSet({sid: (snap, ver or "") for sid, snap, ver in rows if snap is not None})


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


def get_matcher(session: Session, settings: Settings) -> tuple[Matcher, dict[str, str]]:
    """The matcher over every active party list and the versions it was built from."""
    active = active_set(session)
    key = active.key
    with _lock:
        hit = _cache.get(key)
        if hit:
            return hit
        path = Path(settings.state_dir) / "index" / f"names-{key}.pickle"
        index = Index.load(path, key)
        if index is None:
            index = Index.build(_entries(session, active), cache_key=key)
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("names-*.pickle"):
                old.unlink(missing_ok=True)
            index.save(path)
        _cache.clear()
        _cache[key] = (Matcher(index), active.versions)
        return _cache[key]


def check_kind(kind: str | None, where: str = "kind") -> str | None:
    if kind in (None, ""):
        return None
    if kind not in KINDS:
        raise InputError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def match_dict(m: Match, versions: dict[str, str]) -> dict[str, Any]:
    return {
        "entity_id": m.entity_id,
        "source": m.source,
        "snapshot_version": versions.get(m.source),
        "matched_name": m.matched_name,
        "name_type": m.name_type,
        "kind": m.kind,
        "score": round(m.score, 4),
        "threshold": m.threshold,
        "match": m.is_match,
        "features": [feature_dict(f) for f in m.features],
    }


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
) -> dict[str, Any]:
    """Every listed party matching `name` at or above the threshold, best first, each with its
    source, snapshot version and the features behind its score."""
    if not name or not name.strip():
        raise InputError("name: empty")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold: {threshold} is not in [0, 1]")
    if limit < 1 or limit > 1000:
        raise InputError(f"limit: {limit} is not in 1..1000")
    matcher, versions = get_matcher(session, settings)
    if sources:
        unknown = sorted(set(sources) - set(versions))
        if unknown:
            raise InputError(f"sources: no data for {', '.join(unknown)}")
    matches = matcher.screen(
        name,
        kind=check_kind(kind),
        country=country,
        identifiers=identifiers,
        sources=sources or None,
        threshold=threshold,
        limit=limit,
    )
    return {
        "query": {"name": name, "kind": kind, "country": country, "identifiers": identifiers or []},
        "snapshots": versions,
        "matches": [match_dict(m, versions) for m in matches],
    }


OUT_COLUMNS = (
    "match",
    "score",
    "entity_id",
    "source",
    "matched_name",
    "hits",
    "hit_sources",
    "error",
)


def _decode_csv(data: bytes, filename: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{filename}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"
        ) from exc


def screen_table(
    matcher: Matcher,
    rows: Iterable[dict[str, str]],
    *,
    kind: str | None = None,
    threshold: float | None = None,
    sources: list[str] | None = None,
) -> Iterator[dict[str, str]]:
    """The `screen --file` contract: each input row (in order) with the best candidate and the
    hits at or above the threshold appended. A row that cannot be screened says why in `error`."""
    default_kind = check_kind(kind, "--kind") or "organization"
    for row in rows:
        out = dict(row)
        out.update(dict.fromkeys(OUT_COLUMNS, ""))
        out["match"], out["score"], out["hits"] = "false", "0.0000", "0"
        name = (row.get("name") or "").strip()
        row_kind = (row.get("kind") or "").strip() or default_kind
        if not name:
            out["error"] = "empty name"
        elif row_kind not in KINDS:
            out["error"] = f"unknown kind {row_kind!r}"
        else:
            country = (row.get("country") or "").strip() or None
            found = matcher.screen(
                name,
                kind=row_kind,
                country=country,
                sources=sources,
                threshold=0.0,
                limit=100,
                explain=False,  # the file contract carries scores, not explanations
            )
            cut = threshold if threshold is not None else default_threshold(row_kind)
            hits = [m for m in found if m.score >= cut]
            if found:
                best = found[0]
                out.update(
                    match="true" if best.score >= cut else "false",
                    score=f"{best.score:.4f}",
                    entity_id=best.entity_id,
                    source=best.source,
                    matched_name=best.matched_name,
                )
            out["hits"] = str(len(hits))
            out["hit_sources"] = ";".join(dict.fromkeys(m.source for m in hits))
        yield out


def read_name_csv(data: bytes, filename: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """Header and (lazily read) rows of a CSV with a `name` column (`screen --file` input)."""
    text = _decode_csv(data, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if "name" not in header:
        raise InputError(
            f"{filename}: line 1: no 'name' column (header: {', '.join(header) or 'none'})"
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(f"{filename}: line 1: duplicate column(s) {', '.join(dupes)}")
    if any(h in OUT_COLUMNS for h in header):
        clash = ", ".join(h for h in header if h in OUT_COLUMNS)
        raise InputError(
            f"{filename}: line 1: column(s) {clash} would be overwritten by the results"
        )
    return header, ({k: v or "" for k, v in r.items() if k is not None} for r in reader)


def compare_pairs(data: bytes, filename: str) -> list[dict[str, str]]:
    """The `compare --pairs` contract: name1,name2,kind,score,match per input row; a kind other
    than blank/organization/person/vessel/aircraft is an error naming its row."""
    text = _decode_csv(data, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if "name1" not in header or "name2" not in header:
        raise InputError(
            f"{filename}: line 1: the header needs name1,name2 (got {', '.join(header)})"
        )
    rows = list(reader)
    errors = []
    for i, r in enumerate(rows, start=1):
        k = (r.get("kind") or "").strip()
        if k and k not in KINDS:
            errors.append(f"{filename}: row {i} (line {i + 1}), field kind: unknown kind {k!r}")
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


def compare_names(name1: str, name2: str, kind: str | None = None) -> dict[str, Any]:
    k = check_kind(kind) or "organization"
    score, expl = compare(name1, name2, k)
    return {
        "name1": name1,
        "name2": name2,
        "kind": k,
        "score": round(score, 4),
        "threshold": default_threshold(k),
        "match": score >= default_threshold(k),
        "features": expl.as_dicts(),
        "explanation": expl.text,
    }


_WINDOW = 4000
_worker_args: dict[str, Any] = {}


def _screen_chunk(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    a = _worker_args
    return list(
        screen_table(
            a["matcher"], rows, kind=a["kind"], threshold=a["threshold"], sources=a["sources"]
        )
    )


def screen_table_parallel(
    matcher: Matcher,
    rows: Iterable[dict[str, str]],
    *,
    kind: str | None = None,
    threshold: float | None = None,
    sources: list[str] | None = None,
    workers: int = 1,
) -> Iterator[dict[str, str]]:
    """`screen_table` over several processes, in input order and bounded memory: rows are taken
    in windows and each window is split between forked workers, which share the loaded index
    copy-on-write (no rebuild, no reload)."""
    check_kind(kind, "--kind")
    if workers <= 1:
        yield from screen_table(matcher, rows, kind=kind, threshold=threshold, sources=sources)
        return
    import multiprocessing

    _worker_args.update(matcher=matcher, kind=kind, threshold=threshold, sources=sources)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        window: list[dict[str, str]] = []
        for row in rows:
            window.append(row)
            if len(window) == _WINDOW:
                yield from _run_window(pool, window, workers)
                window = []
        if window:
            yield from _run_window(pool, window, workers)


def _run_window(pool: Any, window: list[dict[str, str]], workers: int) -> Iterator[dict[str, str]]:
    size = -(-len(window) // (workers * 4))
    chunks = [window[i : i + size] for i in range(0, len(window), size)]
    for done in pool.imap(_screen_chunk, chunks):
        yield from done
