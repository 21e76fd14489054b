"""What name screening keeps beside the match index, built from the database and the reference
tables: the party table (which listings are the same party, each listing's date and programmes)
and the corporate-family rows (data/reference/families.csv), with the pickle cache both use."""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select as sa_select
from sqlmodel import Session

from ..devices.reference import REFERENCE_FILES, Reference, load_reference
from ..errors import NotFoundError
from ..matching.families import FamilyRow
from ..matching.parties import FORMAT as PARTY_FORMAT
from ..matching.parties import ListingFacts, PartyTable, build_party_table
from ..settings import Settings
from ..store import ENTITY_TABLE, NAME_TABLE

if TYPE_CHECKING:
    from .names import ActiveSet


@contextmanager
def no_gc() -> Iterator[None]:
    """The collector paused: unpickling tens of thousands of small objects would only trigger
    it again and again, for nothing to collect. What was loaded is then frozen (moved out of
    the collector's generations): it lives as long as the process serves these snapshots, and
    the first collection after the load would otherwise walk all of it (~0.1 s at start-up),
    and every full collection again (freed objects are still freed by their reference count)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


def _load_pickle(path: Path, magic: tuple[object, ...]) -> object | None:
    """Our own cache file (never downloaded): the payload when its header matches."""
    try:
        with no_gc():
            head, payload = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache file
    except (
        OSError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        EOFError,
        AttributeError,
        ImportError,
    ):  # a missing file, or one written by another version of the code
        return None
    return payload if head == magic else None


def _save_pickle(path: Path, magic: tuple[object, ...], payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps((magic, payload), pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)


def reference_tables(settings: Settings) -> tuple[Reference, bytes]:
    """The reference tables and a digest of their bytes (part of the party-table cache key)."""
    folder = Path(settings.data_dir) / "reference"
    try:
        files = {n: (folder / n).read_bytes() for n in REFERENCE_FILES}
    except FileNotFoundError as exc:
        raise NotFoundError(f"reference table missing: {exc.filename}") from exc
    digest = hashlib.sha256(b"".join(files[n] for n in REFERENCE_FILES)).digest()
    return load_reference(files), digest


def family_rows(reference: Reference) -> list[FamilyRow]:
    """families.csv as plain rows, each knowing its family's parent row."""
    parents = {m.family: m for m in reference.members if m.relation == "parent" and m.family}
    out = []
    for m in reference.members:
        parent = parents.get(m.family or "")
        out.append(
            FamilyRow(
                key=f"families.csv:{m.line}",
                name=m.name,
                names=m.names,
                relation=m.relation,
                family=m.family,
                confidence=m.confidence,
                source=m.source,
                note=m.note,
                line=m.line,
                parent_name=(parent.legal_name_en or parent.name) if parent else None,
                parent_key=f"families.csv:{parent.line}" if parent else None,
                start=m.start,
                end=m.end,
            )
        )
    return out


def _listing_facts(
    session: Session, active: ActiveSet, reference: Reference
) -> Iterator[ListingFacts]:
    snap_ids = [snap for snap, _ in active.snapshots.values()]
    if not snap_ids:
        return
    e, n = ENTITY_TABLE.c, NAME_TABLE.c
    names: dict[int, list[str]] = defaultdict(list)
    for pk, name in session.execute(
        sa_select(n.entity_pk, n.name).where(n.snapshot_id.in_(snap_ids))
    ):
        names[pk].append(name)
    query = sa_select(
        e.id, e.entity_id, e.source_id, e.kind, e.name, e.countries, e.identifiers
    ).add_columns(e.listed_on, e.programs)
    for pk, eid, src, kind, name, countries, ids, listed_on, programs in session.execute(
        query.where(e.snapshot_id.in_(snap_ids))
    ):
        row = None
        if kind != "person":  # the same rule as the device side: non-low rows, exact names
            row = next(
                (
                    f"families.csv:{m.line}"
                    for alias in [name, *names.get(pk, [])]
                    for m in reference.lookup(alias)
                    if m.family and m.confidence != "low"
                ),
                None,
            )
        yield ListingFacts(
            entity_id=eid,
            source=src,
            kind=kind,
            name=name,
            countries=tuple(countries or ()),
            identifiers=tuple((i.get("type", ""), i.get("value", "")) for i in ids or ()),
            listed_on=listed_on.isoformat() if listed_on else None,
            programs=tuple(programs or ()),
            family_row=row,
        )


def party_table(
    session: Session, settings: Settings, active: ActiveSet, reference: Reference, digest: bytes
) -> PartyTable:
    key = hashlib.sha256(active.key.encode() + digest).hexdigest()[:16]
    path = Path(settings.state_dir) / "index" / f"parties-{key}.pickle"
    magic = ("screening.parties", PARTY_FORMAT, key)
    table = _load_pickle(path, magic)
    if isinstance(table, PartyTable):
        return table
    row_names = {f"families.csv:{m.line}": m.legal_name_en or m.name for m in reference.members}
    table = build_party_table(_listing_facts(session, active, reference), row_names)
    for old in path.parent.glob("parties-*.pickle"):
        old.unlink(missing_ok=True)
    _save_pickle(path, magic, table)
    return table
