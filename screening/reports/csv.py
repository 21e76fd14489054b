"""The CSV report: one row per device (inventory) or item (purchase order), in file order.

Columns are the report's scalar fields, then `rules_fired` (`;`-joined), `vendor_matches`
(purchase orders: `name [entity id] score 0.9731`, ` | `-joined), `evidence` (one entry per
`signal value: finding (source; weight N)`, ` | `-joined) and `error`: a row that could not be
read is written with its row, line and `error` (`field: message`) only, so a streamed file still
accounts for every input row.

A text cell a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or
carriage return: OWASP's "CSV injection" list) gets a leading `'`. Numbers and booleans we
produce are written as they are. Rows end in CRLF (RFC 4180); the caller opens its file with
`newline=""`.

Streaming: `stream(pairs, kind)` takes the `("item", dict)` / `("error", dict)` pairs that
`devicerisk.score_rows` yields and yields the header, then one line per pair, so a file of a
million rows is written as it is scored. `csv_header`, `csv_row` and `csv_error_row` are the
same pieces one at a time; `render(report)` writes a whole report dict.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .common import Kind, cell, evidence_joined, kind_of, matches_joined, noun

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INVENTORY = (
    "row",
    "line",
    "asset_id",
    "site",
    "declared_make",
    "model",
    "mac",
    "firmware",
    "family",
    "family_confidence",
    "tier",
    "score",
    "relabel_suspected",
    "rules_fired",
    "evidence",
    "error",
)
_PO = (
    "row",
    "line",
    "vendor",
    "manufacturer",
    "declared_make",
    "part_number",
    "model",
    "description",
    "quantity",
    "unit_price",
    "asset_id",
    "site",
    "family",
    "family_confidence",
    "tier",
    "score",
    "relabel_suspected",
    "rules_fired",
    "vendor_matches",
    "evidence",
    "error",
)
COLUMNS: Mapping[Kind, tuple[str, ...]] = {"inventory": _INVENTORY, "po": _PO}


def neutralise(value: object) -> str:
    """The cell's text; a text cell starting like a formula gets a leading `'`."""
    text = cell(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _line(values: Iterable[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([neutralise(v) for v in values])
    return buf.getvalue()


def csv_header(kind: Kind) -> str:
    """The header line (with its CRLF)."""
    return _line(COLUMNS[kind])


_DEVICE_PART = _INVENTORY.index("family")
_suffixes: dict[int, tuple[object, str]] = {}


def _device_suffix(item: Mapping[str, Any]) -> str:
    """The inventory columns from `family` on, encoded once per scored device: rows of one
    device model share their evidence list (the scorer memoises it), so the long evidence
    text is joined and quoted once, not per row. Keyed by the list's identity, which the
    entry keeps alive so the id cannot be reused meanwhile."""
    evidence = item.get("evidence")
    hit = _suffixes.get(id(evidence))
    if hit is not None and hit[0] is evidence:
        return hit[1]
    values: dict[str, object] = {k: item.get(k) for k in _INVENTORY[_DEVICE_PART:]}
    values["rules_fired"] = ";".join(str(r) for r in item.get("rules_fired") or ())
    values["evidence"] = evidence_joined(evidence or ())
    values["error"] = None
    text = _line(values[k] for k in _INVENTORY[_DEVICE_PART:])
    if len(_suffixes) > 4096:
        _suffixes.clear()
    _suffixes[id(evidence)] = (evidence, text)
    return text


def csv_row(item: Mapping[str, Any], kind: Kind) -> str:
    """One scored device or item as a CSV line."""
    if kind == "inventory":
        head = _line(item.get(k) for k in _INVENTORY[:_DEVICE_PART])
        return head[:-2] + "," + _device_suffix(item)
    values: dict[str, object] = {k: item.get(k) for k in COLUMNS[kind]}
    values["rules_fired"] = ";".join(str(r) for r in item.get("rules_fired") or ())
    values["evidence"] = evidence_joined(item.get("evidence") or ())
    values["vendor_matches"] = matches_joined(item.get("vendor_matches") or ())
    values["error"] = None
    return _line(values[k] for k in COLUMNS[kind])


def csv_error_row(error: Mapping[str, Any], kind: Kind) -> str:
    """A row that could not be read: row, line and `error` = `field: message`."""
    values: dict[str, object] = dict.fromkeys(COLUMNS[kind])
    values["row"] = error.get("row")
    values["line"] = error.get("line")
    values["error"] = f"{cell(error.get('field'))}: {cell(error.get('message'))}"
    return _line(values[k] for k in COLUMNS[kind])


def stream(pairs: Iterable[tuple[str, Mapping[str, Any]]], kind: str) -> Iterator[str]:
    """The header, then one line per `("item", dict)` or `("error", dict)` pair, lazily."""
    chosen: Kind = "po" if kind == "po" else "inventory"
    if kind not in ("po", "inventory"):
        raise ValueError(f"kind {kind!r}: use 'inventory' or 'po'")
    yield csv_header(chosen)
    for what, data in pairs:
        if what == "item":
            yield csv_row(data, chosen)
        elif what == "error":
            yield csv_error_row(data, chosen)
        else:
            raise ValueError(f"expected ('item' | 'error', dict), got {what!r}")


def _row_order(entry: tuple[str, Mapping[str, Any]]) -> tuple[int, int]:
    row = entry[1].get("row")
    return (row if isinstance(row, int) else 1 << 62, 0 if entry[0] == "error" else 1)


def render(report: Mapping[str, Any], kind: str | None = None) -> str:
    """A whole report dict as CSV text: items and unreadable rows together, in row order."""
    chosen = kind_of(report, kind)
    pairs = [("item", it) for it in report.get(noun(chosen)) or ()]
    pairs += [("error", e) for e in report.get("errors") or ()]
    return "".join(stream(sorted(pairs, key=_row_order), chosen))
