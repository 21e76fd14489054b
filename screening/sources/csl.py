"""The trade.gov Consolidated Screening List (CSL): one file merging the Commerce (BIS Entity List,
Denied Persons, Unverified, Military End User), State (ITAR debarred, nonproliferation) and
Treasury (SDN, SSI, FSE, CAPTA, CMIC, NS-MBS, PLC) lists, each row tagged with its sub-list.

Forms read here (tests/fixtures/us-csl/PROVENANCE.md):
- CSV, current layout: header `_id, source, entity_number, type, programs, name, title,
  addresses, federal_register_notice, start_date, end_date, standard_order, license_requirement,
  license_policy, call_sign, vessel_type, gross_tonnage, gross_registered_tonnage, vessel_flag,
  vessel_owner, remarks, source_list_url, alt_names, citizenships, dates_of_birth,
  nationalities, places_of_birth, source_information_url, ids`.
- CSV, older layout (seen in 2019): the same columns without `_id`.
- JSON `{"results": [...]}` with the same keys (the record id as `id`, `_id` also accepted);
  multi-values are lists, `addresses` a list of `{address, city, state, postal_code, country}`
  and `ids` a list of `{type, number, country, issue_date, expiration_date}` (the dates go in
  the identifier's note).

The CSV flattens those lists: items joined with `; `, an address's parts with `, ` (the last part
the ISO country code when known), an id's parts with `, `. Files write an id in one of two
orders: `type, number[, country]` ("Passport, 836238033, KP", the 2025 file) or
`[country, ][dates, ]number, type` ("US, 80-0890696, Tax ID No." in 2019; "JO, 2014-08-30,
2009-08-31, K475336, Passport" in the full 2022 file, which already has the `_id` column). The
order is therefore read from the file, not the layout: the ids whose order shows (a type label
ending in `:` or `-`, `Gender`, a 2-letter country code at one end) vote, and a file with no such
id falls back to its layout (`_id` first: type first). A number may itself hold commas
("Secondary sanctions risk:, North Korea Sanctions Regulations, sections 510.201 and 510.210"),
so only a 2-letter code at the far end is read as a country; ISO dates beside the number go to
the identifier's note as published ("dated 2014-08-30, 2009-08-31"). Ids whose type is OFAC's
sanctions-information label (ending in `:` or `-`, or
`Gender`) are facts, not identifiers: they go to details["other_info"].

Each record keeps its sub-list as a short code in details["sub_list"] (EL, MEU, UVL, DPL, ISN,
DTC, SDN, FSE, SSI, CAP, CMIC, MBS, PLC), read from the parenthesis in the `source` text
("Entity List (EL) - Bureau of Industry and Security" -> "EL"; "(NS-MBS List)" -> "MBS").
Local id: the CSL `_id`, else the entity number, else the slug rule. An `_id` or entity number
that repeats in one file gets `-2`, `-3`… in file order, like a slug: the Treasury rows' `_id` is
OFAC's ent_num, so a party on several Treasury sub-lists (SDN and CAP and SSI) repeats it (71
ids repeat in the full 2022 file).
`type` is empty on the BIS and State rows, persons included (Denied Persons are mostly people):
such rows are read as organizations, since the file does not say otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Files, Identifier, Kind, Name, Record, RemoteFile, SourceSpec
from .countries import country_or_text, to_iso2
from .ids import SlugAllocator
from .text import csv_text

CSV_FILE = "consolidated.csv"
JSON_FILE = "consolidated.json"
_BASE_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/"

COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
COLUMNS_WITH_ID = ("_id", *COLUMNS)

_KINDS: Mapping[str, Kind] = {
    "": "organization",
    "entity": "organization",
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
# Codes the CSL writes in another form than its `sources` search parameter uses.
_CODE_ALIASES = {"NS-MBS LIST": "MBS", "NS-MBS": "MBS", "CAPTA": "CAP"}
_PAREN = re.compile(r"\(([^()]+)\)")
_CODE = re.compile(r"^[A-Z][A-Z-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain text fields copied to details when not empty (lists are handled separately).
_TEXT_DETAILS = (
    "entity_number",
    "title",
    "federal_register_notice",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "source_list_url",
    "source_information_url",
)
_LIST_DETAILS = ("dates_of_birth", "places_of_birth", "nationalities", "citizenships")


def sub_list_code(source: str) -> str | None:
    """The short sub-list code in a CSL `source` text, or None when it has none."""
    head = source.split(" - ")[0]  # "<list name> (<code>) - <agency>"
    found = _PAREN.findall(head)
    if not found:
        return None
    code = found[-1].strip().upper()
    code = _CODE_ALIASES.get(code, code)
    return code if _CODE.match(code) else None


def filter_sub_list(records: Iterable[Record], code: str) -> Iterator[Record]:
    """The records of one CSL sub-list (`EL`, `MEU`, `DPL`…; case-insensitive)."""
    wanted = code.strip().upper()
    return (r for r in records if r.details.get("sub_list") == wanted)


def _text(value: Any) -> str:
    """A JSON scalar as text ("" for null); numbers (an entity number, a tonnage) as written."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _item(text: str) -> str:
    """One item of a `; `-joined list; the Entity List writes "…; and <next item>"."""
    text = text.strip()
    return text[4:].strip() if text.lower().startswith("and ") else text


def _split(value: str) -> list[str]:
    return [i for i in (_item(p) for p in value.split(";")) if i]


def _is_code(text: str) -> bool:
    return len(text) == 2 and text.isalpha() and text.isupper()


class _Row:
    """One CSL entry with its multi-values already as lists, whichever form it came from."""

    def __init__(self, where: str, fields: dict[str, str], lists: dict[str, list[str]]) -> None:
        self.where = where
        self.fields = fields
        self.lists = lists
        self.addresses: list[tuple[str, str | None]] = []  # (text, ISO country or None)
        # (type, number, country, note): the JSON's issue/expiration dates go in the note.
        self.ids: list[tuple[str, str, str | None, str | None]] = []


def _is_label(text: str) -> bool:
    return text.endswith((":", "-")) or text == "Gender"


def _type_first_votes(items: list[str]) -> int:
    """Positive when these ids read `type, number[, country]`, negative when they read
    `[country, ]number, type`, 0 when they do not show their order."""
    votes = 0
    for text in items:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) < 2:
            continue
        first = _is_label(parts[0]) or (len(parts) > 2 and _is_code(parts[-1]))
        last = _is_label(parts[-1]) or (len(parts) > 2 and _is_code(parts[0]))
        votes += int(first) - int(last)
    return votes


def _csv_id(where: str, text: str, type_first: bool) -> tuple[str, str, str | None, str | None]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2:
        raise ParseError(f"{where}, field ids: {text[:80]!r} is not `type, number`")
    country = None
    if type_first:
        kind, rest = parts[0], parts[1:]
        if len(rest) > 1 and _is_code(rest[-1]):
            country, rest = rest[-1], rest[:-1]
    else:
        kind, rest = parts[-1], parts[:-1]
        if len(rest) > 1 and _is_code(rest[0]):
            country, rest = rest[0], rest[1:]
    dates = [p for p in rest[:-1] if _ISO_DATE.match(p)]
    rest = [p for p in rest[:-1] if p not in dates] + rest[-1:]
    return kind, ", ".join(rest), country, ("dated " + ", ".join(dates)) if dates else None


def _csv_rows(data: bytes) -> Iterator[_Row]:
    text = csv_text(data, CSV_FILE)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = tuple(h.strip() for h in next(reader))
    if header not in (COLUMNS, COLUMNS_WITH_ID):
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS_WITH_ID]
        raise ParseError(
            f"{CSV_FILE}: line 1: unknown header (missing {missing}, unexpected {extra})"
        )
    ids_at = header.index("ids")
    rows: list[tuple[str, list[str], list[str]]] = []  # (where, cells, id items)
    for cells in reader:
        where = f"{CSV_FILE}: line {reader.line_num}"
        if cells == [] or cells == [""]:
            continue
        if len(cells) != len(header):
            raise ParseError(
                f"{where} has {len(cells)} fields, expected {len(header)} (truncated or shifted)"
            )
        rows.append((where, cells, _split(cells[ids_at])))
    votes = _type_first_votes([i for _, _, items in rows for i in items])
    type_first = votes > 0 if votes else header == COLUMNS_WITH_ID
    for where, cells, id_items in rows:
        fields = dict(zip(header, (c.strip() for c in cells), strict=True))
        lists = {k: _split(fields[k]) for k in ("programs", "alt_names", *_LIST_DETAILS)}
        row = _Row(where, fields, lists)
        for addr in _split(fields["addresses"]):
            last = addr.rsplit(",", 1)[-1].strip()
            row.addresses.append((addr, last if _is_code(last) else None))
        row.ids = [_csv_id(where, i, type_first) for i in id_items]
        yield row


def _json_list(where: str, key: str, value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):  # a single value written as a string
        return [value]
    if not isinstance(value, list):
        raise ParseError(f"{where}, field {key}: expected a list, got {type(value).__name__}")
    return value


def _json_rows(data: bytes) -> Iterator[_Row]:
    if not data.strip():
        raise ParseError(f"{JSON_FILE}: the file is empty")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"{JSON_FILE}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise ParseError(f'{JSON_FILE}: expected an object with a "results" array')
    for n, item in enumerate(doc["results"], start=1):
        where = f"{JSON_FILE}: results[{n}]"
        if not isinstance(item, dict):
            raise ParseError(f"{where}: expected an object")
        if not isinstance(item.get("source"), str) or not isinstance(item.get("name"), str):
            raise ParseError(f"{where}, field source/name: missing or not text")
        fields = {k: _text(item.get(k)) for k in COLUMNS if k not in ("addresses", "ids")}
        fields["_id"] = _text(item.get("_id")) or _text(item.get("id"))
        lists = {
            k: [i for i in (_item(str(v)) for v in _json_list(where, k, item.get(k)) if v) if i]
            for k in ("programs", "alt_names", *_LIST_DETAILS)
        }
        row = _Row(where, fields, lists)
        for addr in _json_list(where, "addresses", item.get("addresses")):
            if not isinstance(addr, dict):
                raise ParseError(f"{where}, field addresses: an address is not an object")
            parts = [
                _text(addr.get(k)) for k in ("address", "city", "state", "postal_code", "country")
            ]
            if joined := _item(", ".join(p for p in parts if p)):
                row.addresses.append((joined, _text(addr.get("country")) or None))
        for ident in _json_list(where, "ids", item.get("ids")):
            if not isinstance(ident, dict):
                raise ParseError(f"{where}, field ids: an id is not an object")
            kind, number = _text(ident.get("type")), _text(ident.get("number"))
            dates = [
                f"{label} {_text(ident.get(key))}"
                for key, label in (("issue_date", "issued"), ("expiration_date", "expires"))
                if _text(ident.get(key))
            ]
            if kind or number:
                country = _text(ident.get("country")) or None
                row.ids.append((kind, number, country, "; ".join(dates) or None))
        yield row


def _record(row: _Row, ids: SlugAllocator, numbers: dict[str, int]) -> Record:
    f, where = row.fields, row.where
    name = f["name"]
    if not name:
        raise ParseError(f"{where}, field name is empty")
    code = sub_list_code(f["source"])
    if not code:
        raise ParseError(f"{where}, field source: no sub-list code in {f['source'][:80]!r}")
    kind_text = f["type"].lower()
    if kind_text not in _KINDS:
        raise ParseError(f"{where}, field type: unknown {f['type']!r}")
    listing: list[date] = []
    if start := f["start_date"]:
        if not _ISO_DATE.match(start):
            raise ParseError(f"{where}, field start_date: {start!r} is not YYYY-MM-DD")
        try:
            listing.append(date.fromisoformat(start))
        except ValueError as exc:
            raise ParseError(f"{where}, field start_date: {start!r} is not a date") from exc

    countries: list[str] = []
    for code_or_name in [c for _, c in row.addresses if c] + [
        *row.lists["nationalities"],
        *row.lists["citizenships"],
    ]:
        if (c := country_or_text(code_or_name)) and c not in countries:
            countries.append(c)

    identifiers: list[Identifier] = []
    other: list[dict[str, str]] = []
    for kind, number, country, note in row.ids:
        if kind.endswith((":", "-")) or kind == "Gender":
            other.append({"type": kind, "value": number})
        else:
            iso = to_iso2(country) or country or None
            identifiers.append(Identifier(kind, number, iso, note))
    if call_sign := f["call_sign"]:
        identifiers.append(Identifier("Call Sign", call_sign))

    details: dict[str, Any] = {"sub_list": code, "source": f["source"]}
    if f.get("_id"):
        details["csl_id"] = f["_id"]
    if f["type"]:
        details["type"] = f["type"]
    details.update({k: f[k] for k in _TEXT_DETAILS if f[k]})
    details.update({k: row.lists[k] for k in _LIST_DETAILS if row.lists[k]})
    if other:
        details["other_info"] = other

    if number := f.get("_id") or f["entity_number"]:
        # One OFAC ent_num is the `_id` of each row of that party: on SDN and CAP and SSI...
        numbers[number] = numbers.get(number, 0) + 1
        local_id = number if numbers[number] == 1 else f"{number}-{numbers[number]}"
    else:
        local_id = ids(name, countries)
    return Record(
        local_id=local_id,
        kind=_KINDS[kind_text],
        name=name,
        aliases=tuple(Name(a, "aka") for a in row.lists["alt_names"]),
        programs=tuple(row.lists["programs"]),
        countries=tuple(countries),
        addresses=tuple(a for a, _ in row.addresses),
        identifiers=tuple(identifiers),
        listing_dates=tuple(listing),
        remarks=f["remarks"] or None,
        details=details,
    )


def parse_csl(files: Files) -> Iterator[Record]:
    """The CSL from `consolidated.csv` (either layout) or `consolidated.json`."""
    if CSV_FILE in files:
        rows = _csv_rows(files[CSV_FILE])
    elif JSON_FILE in files:
        rows = _json_rows(files[JSON_FILE])
    else:
        raise ParseError(f"missing {CSV_FILE} or {JSON_FILE}; got {sorted(files)}")
    slugs = SlugAllocator()
    numbers: dict[str, int] = {}
    count = 0
    for row in rows:
        count += 1
        yield _record(row, slugs, numbers)
    if not count:
        raise ParseError(f"{CSV_FILE if CSV_FILE in files else JSON_FILE}: no entries")


CSL_SPEC = SourceSpec(
    id="us_trade_csl",
    name="Consolidated Screening List",
    publisher="US Department of Commerce, International Trade Administration",
    publisher_url="https://www.trade.gov/consolidated-screening-list",
    parse=parse_csl,
    files=(RemoteFile(CSV_FILE, _BASE_URL + "consolidated.csv", "csv"),),
    alternatives=((RemoteFile(JSON_FILE, _BASE_URL + "consolidated.json", "json"),),),
)
