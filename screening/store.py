"""Writing a parsed snapshot's entities and names, and reading them back as record dicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, select

from .canonical import record_dict
from .diffs import DIFF_FIELDS
from .matching.normalize import normalize_name
from .models import EntityName, ListedEntity
from .sources.base import Record

Progress = Callable[[str, int, int | None], None]
_BATCH = 2000
ENTITY_TABLE: Table = ListedEntity.__table__  # type: ignore[attr-defined]
NAME_TABLE: Table = EntityName.__table__  # type: ignore[attr-defined]


def entity_row(snapshot_id: int, source_id: str, rec: Record, rhash: str) -> dict[str, Any]:
    data = record_dict(rec)
    return {
        "snapshot_id": snapshot_id,
        "source_id": source_id,
        "entity_id": f"{source_id}:{rec.local_id}",
        "local_id": rec.local_id,
        "kind": rec.kind,
        "name": rec.name,
        "aliases": data["aliases"],
        "programs": data["programs"],
        "countries": data["countries"],
        "addresses": data["addresses"],
        "identifiers": data["identifiers"],
        "listing_dates": data["listing_dates"],
        "listed_on": rec.listed_on,
        "remarks": rec.remarks,
        "details": data["details"],
        "record_hash": rhash,
    }


def _name(pk: int, snap: int, value: str, kind: str, quality: str | None) -> dict[str, Any]:
    return {
        "entity_pk": pk,
        "snapshot_id": snap,
        "name": value,
        "name_type": kind,
        "quality": quality,
        "normalized": normalize_name(value),
    }


def write_entities(
    session: Session,
    snapshot_id: int,
    source_id: str,
    items: list[tuple[Record, str]],
    progress: Progress | None = None,
) -> None:
    """Insert the entities and their names in batches (inside the caller's transaction)."""
    total = len(items)
    for start in range(0, total, _BATCH):
        chunk = items[start : start + _BATCH]
        rows = [entity_row(snapshot_id, source_id, rec, rh) for rec, rh in chunk]
        result = session.execute(
            insert(ENTITY_TABLE).returning(ENTITY_TABLE.c.id, ENTITY_TABLE.c.entity_id), rows
        )
        pk_by_id = {eid: pk for pk, eid in result.all()}
        names = []
        for rec, _ in chunk:
            pk = pk_by_id[f"{source_id}:{rec.local_id}"]
            names.append(_name(pk, snapshot_id, rec.name, "primary", None))
            names.extend(_name(pk, snapshot_id, a.value, a.type, a.quality) for a in rec.aliases)
        if names:
            session.execute(insert(NAME_TABLE), names)
        if progress:
            progress("storing", min(start + _BATCH, total), total)


def snapshot_records(session: Session, snapshot_id: int) -> dict[str, dict[str, Any]]:
    """{entity id: record dict} of one stored snapshot, for diffs."""
    out: dict[str, dict[str, Any]] = {}
    for ent in session.exec(select(ListedEntity).where(ListedEntity.snapshot_id == snapshot_id)):
        out[ent.entity_id] = {f: getattr(ent, f) for f in DIFF_FIELDS}
    return out


def items_as_records(source_id: str, items: list[tuple[Record, str]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for rec, _ in items:
        data = record_dict(rec)
        out[f"{source_id}:{rec.local_id}"] = {f: data[f] for f in DIFF_FIELDS}
    return out
