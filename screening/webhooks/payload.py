"""The body of a delivery: `{"type": ..., "timestamp": ..., "data": {...}}`, the shape the Standard
Webhooks specification recommends, as compact UTF-8 JSON.

The bytes are what is signed and stored in the delivery log, so they are deterministic: the same
event gives the same bytes (top-level keys in the specification's order, keys inside `data`
sorted), which makes a redelivery byte-identical to the first delivery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def _dumps(value: Any, *, sort_keys: bool = False) -> str:
    # allow_nan=False: NaN/Infinity are not JSON and strict receivers refuse them.
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False
    )


def iso_timestamp(when: datetime) -> str:
    """`when` in UTC as ISO-8601 with a `Z` suffix, e.g. `2026-12-01T17:30:00.123456Z`."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("webhook event timestamps must be timezone-aware datetimes")
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_body(type: str, timestamp: datetime, data: Mapping[str, Any]) -> bytes:
    """The JSON body of one event (compact, UTF-8, deterministic key order).

    `data` must hold JSON values only (pass e.g. a pydantic model's `model_dump(mode="json")`);
    anything else raises TypeError rather than being silently turned into a string.
    """
    if not type:
        raise ValueError("a webhook event needs a type")
    text = (
        f'{{"type":{_dumps(type)},"timestamp":{_dumps(iso_timestamp(timestamp))},'
        f'"data":{_dumps(dict(data), sort_keys=True)}}}'
    )
    return text.encode("utf-8")
