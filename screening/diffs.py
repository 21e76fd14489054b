"""What changed between two versions of a list, keyed by entity id. Pure: takes record dicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The fields of a record a user sees change; ids and hashes are not among them.
DIFF_FIELDS = (
    "kind",
    "name",
    "aliases",
    "programs",
    "countries",
    "addresses",
    "identifiers",
    "listing_dates",
    "remarks",
    "details",
)


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)


def _brief(entity_id: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    return {"entity_id": entity_id, "name": rec.get("name"), "kind": rec.get("kind")}


def diff_records(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
) -> Diff:
    """Entities added, removed, and changed (each changed field with its old and new value)
    between two versions, each given as {entity id: record dict}. Sorted by entity id."""
    out = Diff()
    for eid in sorted(new.keys() - old.keys()):
        out.added.append(_brief(eid, new[eid]))
    for eid in sorted(old.keys() - new.keys()):
        out.removed.append(_brief(eid, old[eid]))
    for eid in sorted(old.keys() & new.keys()):
        a, b = old[eid], new[eid]
        fields = {
            f: {"old": a.get(f), "new": b.get(f)}
            for f in DIFF_FIELDS
            if _canon(a.get(f)) != _canon(b.get(f))
        }
        if fields:
            out.changed.append({"entity_id": eid, "name": b.get("name"), "fields": fields})
    return out


def _canon(value: Any) -> Any:
    # Empty containers and None mean the same thing to a reader ("nothing given").
    if value in (None, "", [], {}):
        return None
    return value
