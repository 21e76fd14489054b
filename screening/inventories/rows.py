"""What one row of an uploaded inventory or purchase order becomes: `DeviceRow` or `RowError`.

Every reader (CSV, XLSX, JSON, YAML) turns its header into a `Layout` and each data row into a
list of `Cell`s aligned with the header; `Layout.build` does the rest. Keeping that in one place
means the header synonyms, the yes/no words and the MAC and number forms are the same whatever
the file type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from ..errors import InputError
from . import values as vocab
from .headers import ASSET, BY_KIND, COMMON, IDENTIFYING, Kind, norm_header
from .limits import MAX_COLUMNS, excerpt


@dataclass(frozen=True, slots=True)
class DeviceRow:
    """One device (inventory) or line item (purchase order) as the user wrote it.

    `row` is the 1-based data row (blank rows are skipped and not counted); `line` is the CSV
    line where the row starts (header = line 1), the XLSX sheet row, or the JSON/YAML line of
    the element's start. Text fields are stripped, blank -> None; `currency` is a currency
    column as written (the price cell's own symbol or code is left to the report). `columns`
    holds every input column (header text -> cell as text) for echoing; `fields` maps our field
    name -> the user's header text it came from in this row. `warnings`: one sentence per recognised
    column whose value is none of the words it accepts (the column, the value quoted, what was
    expected and how the value was read; see values.py)."""

    row: int
    line: int | None
    asset_id: str | None = None
    site: str | None = None
    make: str | None = None
    model: str | None = None
    mac: str | None = None
    firmware: str | None = None
    face_recognition: bool | None = None
    internet_exposed: bool | None = None
    cloud: bool | str | None = None
    site_sensitivity: str | None = None
    installed_on: date | None = None
    vendor: str | None = None
    manufacturer: str | None = None
    description: str | None = None
    part_number: str | None = None
    quantity: int | None = None
    unit_price: Decimal | None = None
    currency: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was read but holds a value we cannot use; it is not yielded as a DeviceRow.
    `field` is the user's header text as written ('' when the row as a whole is at fault)."""

    row: int
    line: int | None
    field: str
    message: str

    def text(self, filename: str) -> str:
        """The sentence shown to a user: file, row, line, field and what is wrong."""
        where = f"row {self.row}" + (f" (line {self.line})" if self.line is not None else "")
        what = f", field {excerpt(self.field)}" if self.field else ""
        return f"{filename}: {where}{what}: {self.message}"


@dataclass(frozen=True, slots=True)
class Bad:
    """A cell that cannot be read as a value (an XLSX error cell, a JSON list); `text` is what
    `columns` echoes."""

    text: str
    message: str


Cell = str | bool | Bad | None

_UNKNOWN = frozenset(vocab.UNKNOWN)
_NO_PRICE = frozenset({"poa", "tbc", "tba"})  # "price on application", "to be confirmed"


class Unrecognised(NamedTuple):
    """A converter's answer for a value outside its column's vocabulary: `value` is what the
    row keeps, `warn(column, header, text)` the warning it carries."""

    value: object
    text: str
    warn: Callable[[str, str, str], str]


_MAC = re.compile(  # AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff, AABBCCDDEEFF
    r"[0-9A-F]{2}(?P<sep>[:-])[0-9A-F]{2}(?:(?P=sep)[0-9A-F]{2}){4}"
    r"|[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}|[0-9A-F]{12}",
    re.I,
)
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")
# At most 18 digits: a longer "quantity" is not one (and int() refuses past 4,300 digits).
_QTY = re.compile(r"(\d{1,3}(?:,\d{3}){1,5}|\d{1,18})(?:\.0+)?\s*(?:pcs?|ea|each|units?)?", re.I)
_CURRENCY = re.compile(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$|[$£€¥\s\u00a0\u202f]")
# (pattern, thousands separator, decimal separator); the first that matches the whole text wins.
_PRICES = (
    (re.compile(r"-?\d+(?:\.\d+)?"), "", "."),
    (re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"), ",", "."),
    (re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?"), ".", ","),
    (re.compile(r"-?\d+,\d{1,2}"), "", ","),
)


def normalise_mac(text: str) -> str | None:
    """AA:BB:CC:DD:EE:FF from the four usual forms (colons, hyphens, Cisco dots, bare hex)."""
    s = text.strip()
    if _MAC.fullmatch(s) is None:
        return None
    h = _NOT_HEX.sub("", s).upper()
    return f"{h[0:2]}:{h[2:4]}:{h[4:6]}:{h[6:8]}:{h[8:10]}:{h[10:12]}"


def is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (c.__class__ is str and not c.strip()) for c in cells)


def cell_text(cell: Cell) -> str:
    if cell.__class__ is str:
        return cell
    if cell is None:
        return ""
    if isinstance(cell, Bad):
        return cell.text
    return "true" if cell else "false"


class NoColumns(InputError):
    """The header has no column that identifies a device (an XLSX reader tries the next sheet)."""


class _RowBad(Exception):
    """One field of one row could not be read (turned into a RowError)."""


def _text(cell: Cell) -> str | None:
    return cell_text(cell).strip() or None


def _mac(cell: Cell) -> str | None:
    text = _text(cell)
    if text is None or text.casefold() in _UNKNOWN:
        return None  # e.g. an analogue camera on a DVR has no MAC: "n/a"
    mac = normalise_mac(text)
    if mac is None:
        hint = ""
        if text.isdigit() and len(text) < 12:
            hint = " (leading zeros lost? store the column as text)"
        raise _RowBad(
            f"{excerpt(text)} is not a MAC address{hint}; expected 12 hex digits such as "
            "44:19:B6:12:34:56, 44-19-b6-12-34-56, 4419.b612.3456 or 4419B6123456"
        )
    return mac


def _yes_no(value: Cell) -> bool | Unrecognised | None:
    if value is None or isinstance(value, bool):
        return value
    text = cell_text(value).strip()
    read = vocab.yes_no(text)
    return Unrecognised(None, text, vocab.warn_yes_no) if isinstance(read, str) else read


def _exposed(value: Cell) -> bool | Unrecognised | None:
    """Yes/no, an exposure word, or an IP address: a globally routable one means exposed."""
    if value is None or isinstance(value, bool):
        return value
    text = cell_text(value).strip()
    read = vocab.exposure(text)
    return Unrecognised(None, text, vocab.warn_exposure) if isinstance(read, str) else read


def _cloud(value: Cell) -> bool | str | Unrecognised | None:
    """Yes/no, or the cloud/P2P service (host names, a maker's app), kept as text."""
    if value is None or isinstance(value, bool):
        return value
    text = cell_text(value).strip()
    read = vocab.yes_no(text)
    if not isinstance(read, str):
        return read
    if vocab.cloud_recognised(text):
        return text
    return Unrecognised(text, text, vocab.warn_cloud)


def _sensitivity(value: Cell) -> str | Unrecognised | None:
    """The site's own word, kept as written; a word the scoring rules do not know is warned."""
    text = _text(value)
    if text is not None and not vocab.sensitivity_known(text):
        return Unrecognised(text, text, _sensitivity_warning)
    return text


def _sensitivity_warning(column: str, header: str, text: str) -> str:
    return vocab.sensitivity_warning(column, header, text) or ""


def _date(value: Cell) -> date | None:
    """An install date: a spreadsheet date cell, or ISO text (2021-03-02)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    v = cell_text(value).strip()
    if v.casefold() in _UNKNOWN:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        raise _RowBad(f"{excerpt(v)} is not a date (write it as YYYY-MM-DD)") from None


def _quantity(value: Cell) -> int | None:
    v = cell_text(value).strip()
    if v.casefold() in _UNKNOWN:
        return None
    m = _QTY.fullmatch(v)
    if m is None:
        raise _RowBad(f"{excerpt(v)} is not a whole number of items")
    return int(m.group(1).replace(",", ""))


def _price(value: Cell) -> Decimal | None:
    v = cell_text(value).strip()
    if v.casefold() in _UNKNOWN | _NO_PRICE:
        return None
    s = _CURRENCY.sub("", v)
    for pattern, thousands, decimal in _PRICES:
        if pattern.fullmatch(s):
            if thousands:
                s = s.replace(thousands, "")
            return Decimal(s.replace(decimal, "."))
    raise _RowBad(f"{excerpt(v)} is not a price (e.g. 129.99, £1,299.00 or 1.299,00 €)")


_CONVERT: dict[str, Callable[[Cell], object]] = {
    "mac": _mac,
    "face_recognition": _yes_no,
    "internet_exposed": _exposed,
    "cloud": _cloud,
    "site_sensitivity": _sensitivity,
    "quantity": _quantity,
    "unit_price": _price,
    "installed_on": _date,
}


class Layout:
    """The header of one file: which column feeds which field, and the keys of `columns`.

    Raises InputError (naming the file) for a header with no recognisable column, or with two
    columns that give the same field."""

    def __init__(self, headers: Sequence[str], kind: Kind, filename: str, where: str) -> None:
        if len(headers) > MAX_COLUMNS:
            # Every input column is echoed per row: a wide header multiplies the work.
            raise InputError(
                f"{filename}: {where}: {len(headers):,} columns, over the limit of "
                f"{MAX_COLUMNS:,} for an inventory or order; remove the unused columns"
            )
        self.headers = [h.strip() for h in headers]
        self.kind = kind
        self.keys = _unique_keys(self.headers)
        synonyms = {s: f for f, ss in {**COMMON, **BY_KIND[kind]}.items() for s in ss}
        normed = [norm_header(h) for h in self.headers]
        has_make = any(synonyms.get(n) == "make" for n in normed)
        by_field: dict[str, list[int]] = {}
        asset_rank: dict[int, int] = {}
        for i, n in enumerate(normed):
            if not n:
                continue
            if n in ASSET[kind]:
                asset_rank[i] = ASSET[kind].index(n)
                continue
            name = synonyms.get(n)
            if kind == "inventory" and n == "vendor":
                name = "vendor" if has_make else "make"
            if name is not None:
                by_field.setdefault(name, []).append(i)
        clashes = [ix for ix in by_field.values() if len(ix) > 1]
        clashes += _same_rank(asset_rank)
        if clashes:
            said = "; ".join(" and ".join(excerpt(self.headers[i]) for i in ix) for ix in clashes)
            raise InputError(
                f"{filename}: {where}: duplicate columns {said} give the same field; "
                "keep one of each"
            )
        if not any(f in by_field for f in IDENTIFYING):
            seen = ", ".join(excerpt(h) for h in self.headers[:20] if h) or "nothing"
            if len(self.headers) > 20:
                seen += f" and {len(self.headers) - 20:,} more"
            raise NoColumns(
                f"{filename}: {where}: no recognisable columns (found {seen}); expected at "
                "least one of make/manufacturer, model, MAC address, vendor, part number or "
                "description"
            )
        self.field_col = {f: ix[0] for f, ix in by_field.items()}
        self.asset_cols = sorted(asset_rank, key=asset_rank.__getitem__)
        self.converters = [(f, i, _CONVERT.get(f, _text)) for f, i in self.field_col.items()]
        self.base_fields = {f: self.headers[i] for f, i in self.field_col.items()}
        if self.asset_cols:
            self.base_fields["asset_id"] = self.headers[self.asset_cols[0]]

    def build(
        self, row: int, line: int | None, cells: Sequence[Cell]
    ) -> Iterator[DeviceRow | RowError]:
        """Yield the DeviceRow for `cells`, or one RowError per unreadable field instead."""
        width = len(self.headers)
        if len(cells) != width:
            cells = list(cells[:width]) + [None] * (width - len(cells))
        values: dict[str, object] = {}
        fields = self.base_fields
        errors: list[RowError] = []
        warnings: list[str] = []
        for name, col, convert in self.converters:
            cell = cells[col]
            try:
                if isinstance(cell, Bad):
                    raise _RowBad(cell.message)
                value = convert(cell)
                if isinstance(value, Unrecognised):
                    warnings.append(value.warn(name, self.headers[col], value.text))
                    value = value.value
                values[name] = value
            except _RowBad as exc:
                errors.append(RowError(row, line, self.headers[col], str(exc)))
        for col in self.asset_cols:
            cell = cells[col]
            if isinstance(cell, Bad):
                errors.append(RowError(row, line, self.headers[col], cell.message))
                break
            text = _text(cell)
            if text is not None:
                values["asset_id"] = text
                if col != self.asset_cols[0]:
                    fields = {**fields, "asset_id": self.headers[col]}
                break
        if errors:
            yield from errors
            return
        for target, source in (("make", "manufacturer"), ("model", "part_number")):
            if values.get(target) is None and values.get(source) is not None:
                values[target] = values[source]
                fields = {**fields, target: fields[source]}
        columns = dict(zip(self.keys, map(cell_text, cells), strict=True))
        yield DeviceRow(
            row,
            line,
            columns=columns,
            fields=dict(fields),
            warnings=tuple(warnings),
            **values,  # type: ignore[arg-type]
        )


def _same_rank(rank: dict[int, int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for col, r in rank.items():
        groups.setdefault(r, []).append(col)
    return [g for g in groups.values() if len(g) > 1]


def _unique_keys(headers: Sequence[str]) -> list[str]:
    """Keys of `columns`: the header text; an empty header is `column N`, a repeated one gets
    ` (2)`, ` (3)`... so no input column is lost from the echo."""
    keys: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(headers, start=1):
        base = h or f"column {i}"
        key, n = base, 1
        while key in seen:
            n += 1
            key = f"{base} ({n})"
        seen.add(key)
        keys.append(key)
    return keys
