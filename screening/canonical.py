"""Canonical JSON of parsed records: the basis of snapshot hashes, versions and diffs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from .sources.base import Record


def record_dict(record: Record) -> dict[str, Any]:
    """A record as plain JSON data (lists, not tuples; dates as ISO strings): exactly what the
    database's JSON columns give back, so stored and freshly parsed records compare equal."""
    data = asdict(record)
    data["details"] = dict(record.details)
    result: dict[str, Any] = json.loads(canonical_json(data))
    return result


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in a record: {type(value).__name__}")


def canonical_json(data: Any) -> str:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def record_hash(record: Record) -> str:
    data = asdict(record)
    data["details"] = dict(record.details)
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def records_hash(hashes: Iterable[tuple[str, str]]) -> str:
    """Hash of a whole snapshot from (local_id, record hash) pairs, independent of file order."""
    h = hashlib.sha256()
    for local_id, rh in sorted(hashes):
        h.update(local_id.encode())
        h.update(b"\x00")
        h.update(rh.encode())
        h.update(b"\n")
    return h.hexdigest()
