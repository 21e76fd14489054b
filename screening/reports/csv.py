"""The CSV report: one row per device (inventory) or item (purchase order), in file order.

Columns are the report's scalar fields, the recommended action (`action_code`, and `action`:
what to do, then why), then `rules_fired` (`;`-joined), `vendor_matches`
(purchase orders: `name [entity id] score 0.9731`, ` | `-joined), `evidence` (one entry per
`signal value: finding (source; weight N)`, ` | `-joined) and `error`: a row that could not be
read is written with its row, line and `error` (`field: message`) only, so a streamed file still
accounts for every input row.

A text cell a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or
carriage return: OWASP's "CSV injection" list) gets a leading `'`. Numbers and booleans we
produce are written as they are. Rows end in CRLF (RFC 4180); the caller opens its file with
`newline=""`.

Streaming: `stream(entries, kind)` takes the scored items and unreadable rows (`RowError`) as
the service yields them and yields the header, then one line per entry, so a file of a million
rows is written as it is scored. `csv_header`, `csv_row` and `csv_error_row` are the same
pieces one at a time; `render(report)` writes a whole report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

from ..schemas.reports import DeviceItem, OrderItem, Report, ReportKind, RowError
from .common import cell, evidence_joined, items_of, matches_joined, one_line

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
    "action_code",
    "action",
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
    "action_code",
    "action",
    "rules_fired",
    "vendor_matches",
    "evidence",
    "error",
)
COLUMNS: Mapping[ReportKind, tuple[str, ...]] = {"inventory": _INVENTORY, "po": _PO}


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


Entry = DeviceItem | RowError


def csv_header(kind: ReportKind) -> str:
    """The header line (with its CRLF)."""
    return _line(COLUMNS[kind])


_DEVICE_PART = _INVENTORY.index("family")
_SUFFIX_FIELDS = _INVENTORY[_DEVICE_PART:]
_suffixes: dict[tuple[object, ...], tuple[list[object], str]] = {}


def _device_suffix(item: DeviceItem) -> str:
    """The inventory columns from `family` on, encoded once per scored device: rows of one
    device model share their evidence entries (the scorer memoises them), so the long
    evidence text is joined and quoted once, not per row. Keyed by the entries' identities
    and the other fields' values; the cache keeps the entries alive so an id cannot be
    reused meanwhile."""
    rules = tuple(item.rules_fired)
    key = (
        item.family,
        item.family_confidence,
        item.tier,
        item.score,
        item.relabel_suspected,
        rules,
        id(item.action),
        *map(id, item.evidence),
    )
    hit = _suffixes.get(key)
    kept: list[object] = [*item.evidence, item.action]
    if hit is not None and all(a is b for a, b in zip(hit[0], kept, strict=True)):
        return hit[1]
    values: dict[str, object] = {k: getattr(item, k) for k in _SUFFIX_FIELDS[:-5]}
    values.update(_action_cells(item))
    values["rules_fired"] = ";".join(rules)
    values["evidence"] = evidence_joined(item.evidence)
    values["error"] = None
    text = _line(values[k] for k in _SUFFIX_FIELDS)
    if len(_suffixes) > 4096:
        _suffixes.clear()
    _suffixes[key] = (kept, text)
    return text


def _action_cells(item: DeviceItem) -> dict[str, object]:
    """`action_code` and `action` (`what to do: why`); empty for a report without one."""
    act = item.action
    if act is None:
        return {"action_code": None, "action": None}
    text = f"{act.text}: {act.reason}" if act.reason else act.text
    return {"action_code": act.code, "action": one_line(text)}


def csv_row(item: DeviceItem, kind: ReportKind) -> str:
    """One scored device (inventory) or order line (`po`, an `OrderItem`) as a CSV line."""
    if kind == "inventory":
        head = _line(getattr(item, k) for k in _INVENTORY[:_DEVICE_PART])
        return head[:-2] + "," + _device_suffix(item)
    if not isinstance(item, OrderItem):
        raise ValueError(f"a purchase-order row needs an OrderItem, got {type(item).__name__}")
    values: dict[str, object] = {k: getattr(item, k, None) for k in COLUMNS[kind]}
    values.update(_action_cells(item))
    values["rules_fired"] = ";".join(item.rules_fired)
    values["evidence"] = evidence_joined(item.evidence)
    values["vendor_matches"] = matches_joined(item.vendor_matches)
    values["error"] = None
    return _line(values[k] for k in COLUMNS[kind])


def csv_error_row(error: RowError, kind: ReportKind) -> str:
    """A row that could not be read: row, line and `error` = `field: message`."""
    values: dict[str, object] = dict.fromkeys(COLUMNS[kind])
    values["row"] = error.row
    values["line"] = error.line
    values["error"] = f"{cell(error.field)}: {cell(error.message)}"
    return _line(values[k] for k in COLUMNS[kind])


def stream(entries: Iterable[Entry], kind: str) -> Iterator[str]:
    """The header, then one line per scored item or unreadable row (`RowError`), lazily."""
    if kind not in ("po", "inventory"):
        raise ValueError(f"kind {kind!r}: use 'inventory' or 'po'")
    chosen: ReportKind = "po" if kind == "po" else "inventory"
    yield csv_header(chosen)
    for entry in entries:
        if isinstance(entry, DeviceItem):
            yield csv_row(entry, chosen)
        elif isinstance(entry, RowError):
            yield csv_error_row(entry, chosen)
        else:
            raise ValueError(f"expected an item or a RowError, got {type(entry).__name__}")


def _row_order(entry: Entry) -> tuple[int, int]:
    row = entry.row
    return (row if row is not None else 1 << 62, 0 if isinstance(entry, RowError) else 1)


def render(report: Report) -> str:
    """A whole report as CSV text: items and unreadable rows together, in row order."""
    entries: list[Entry] = [*items_of(report), *report.errors]
    return "".join(stream(sorted(entries, key=_row_order), report.kind))
