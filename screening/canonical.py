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
    """A record as plain JSON-compatible data (dates as ISO strings)."""
    data = asdict(record)
    data["listing_dates"] = [d.isoformat() for d in record.listing_dates]
    data["details"] = dict(record.details)
    return data


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in a record: {type(value).__name__}")


def canonical_json(data: Any) -> str:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def record_hash(record: Record) -> str:
    return hashlib.sha256(canonical_json(record_dict(record)).encode()).hexdigest()


def records_hash(hashes: Iterable[tuple[str, str]]) -> str:
    """Hash of a whole snapshot from (local_id, record hash) pairs, independent of file order."""
    h = hashlib.sha256()
    for local_id, rh in sorted(hashes):
        h.update(local_id.encode())
        h.update(b"\x00")
        h.update(rh.encode())
        h.update(b"\n")
    return h.hexdigest()
