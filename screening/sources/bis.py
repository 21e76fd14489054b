"""The BIS Entity List (15 CFR Part 744, Supplement No. 4) and Military End-User (MEU) List
(Supplement No. 7), read from a third party's JSON parse of the eCFR text.

BIS publishes these lists as tables in the Code of Federal Regulations, amended by Federal
Register rules; it offers no stand-alone machine-readable file. The machine-readable route is the
trade.gov Consolidated Screening List (`csl.py`, sub-lists EL and MEU), so both sources here are
bundled-only. The bundled files are **derived**: phagehunter/nsfreg's extraction of the eCFR text
(data/us_bis_entity_list/PROVENANCE.md). Their layout:

    {"list_id": "bis-entity-list" | "bis-meu", "source_file": ..., "extracted": "YYYY-MM-DD",
     "count": N, "entities": [{"name", "aliases": [...], "country", "address", "status",
     "effective_date", "federal_register", "notes"}]}

- `federal_register` is the table's citation column: one or more "84 FR 54004, 10/9/19", joined
  by newlines, ". " or ", " (the later ones amend the entry). Every citation is kept in
  details["federal_register"]; the listing date is the earliest citation date. A few citations
  carry no date ("86 FR 67319"): the date of the same volume and page cited elsewhere in the file
  is used (marked `date_from_same_citation`). Two-digit years are 19xx from 50, else 20xx.
- `notes` is the Entity List's license-requirement column (details["license_requirement"]);
  in the MEU file it is a remark ("Subordinate institution of …"). The license review policy
  column is not in the derived file. `status` and `effective_date` are empty in the 2026-07 files.
- `address` holds several addresses joined by "; and ".
- The eCFR tables do not say which entries are individuals, so every entry is an organization.
- The parse left some a.k.a./f.k.a. text inside names ("Gaz-Oil, OOO (f.k.a., Zakrytoe
  Aktsionernoe Obshchestvo Gaz Oil)"); the name is kept as published and the text inside the
  parenthesis is added as an alias of that type, the text before it as an a.k.a.
Local ids follow the slug rule (name + the entry's country), as the lists carry no ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Files, Name, NameType, Record, SourceSpec
from .countries import country_or_text
from .ids import SlugAllocator

ENTITY_LIST_FILE = "bis_entity_list.json"
MEU_FILE = "bis_meu.json"
_ECFR = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/"
ENTITY_LIST_URL = _ECFR + "appendix-Supplement%20No.%204%20to%20Part%20744"
MEU_URL = _ECFR + "appendix-Supplement%20No.%207%20to%20Part%20744"

# Country names of the eCFR table that are not plain country names.
_COUNTRY_FIXES = {"Crimea Region of Ukraine": "UA"}

_CITATION = re.compile(
    r"(?P<volume>\d+)\s*FR\s*(?P<page>\d+)"
    r"(?:(?:\s|,|preview citation details)*(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b)?"
)
_LEFTOVER = re.compile(r"^[\s.,;]*$")
# "X (f.k.a., Y)", "X (a.k.a. Y" (unclosed), "X, a.k.a., Y", "X a.k.a. Y".
_EMBEDDED_ALIAS = re.compile(
    r"^(?P<head>.*?)\s*(?:\(|,\s*)?(?<![A-Za-z])(?P<type>[af])\.k\.a\.,?\s*"
    r"(?P<alias>.*?)\)?\s*$",
    re.S,
)
_ADDRESS_SPLIT = re.compile(r";\s*(?:and\s+)?")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def parse_citations(text: str, where: str) -> list[dict[str, Any]]:
    """Every Federal Register citation in a citation cell, in order:
    `{"citation": "84 FR 54004", "volume": 84, "page": 54004, "date": "2019-10-09" | None}`.
    Text other than citations and separators means a layout we do not know: ParseError."""
    out: list[dict[str, Any]] = []
    for m in _CITATION.finditer(text):
        when: str | None = None
        if m["y"]:
            try:
                when = date(_year(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            except ValueError as exc:
                raise ParseError(f"{where}, field federal_register: bad date in {m[0]!r}") from exc
        volume, page = int(m["volume"]), int(m["page"])
        out.append(
            {"citation": f"{volume} FR {page}", "volume": volume, "page": page, "date": when}
        )
    if not out or not _LEFTOVER.match(_CITATION.sub("", text)):
        raise ParseError(f"{where}, field federal_register: not a citation list: {text[:80]!r}")
    return out


def _names(name: str, aliases: list[str]) -> list[Name]:
    out: list[Name] = []
    for text in [name, *aliases]:
        if text != name:
            out.append(Name(text, "aka"))
        if m := _EMBEDDED_ALIAS.match(text):
            kind: NameType = "fka" if m["type"] == "f" else "aka"
            for value, t in ((m["head"].rstrip(" ,"), "aka"), (m["alias"].strip(" ,“”"), kind)):
                # "…, a.k.a., the following two aliases:" announces the next aliases.
                if value and value != text and not value.lower().startswith("the following"):
                    out.append(Name(value, t))  # type: ignore[arg-type]
    seen: set[str] = set()
    unique: list[Name] = []
    for n in out:
        if n.value not in seen and n.value != name:
            seen.add(n.value)
            unique.append(n)
    return unique


def _text(entry: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ParseError(f"{where}, field {key}: missing or not text")
    return value.strip() or None


def _entries(name: str, data: bytes, list_id: str) -> list[dict[str, Any]]:
    if not data.strip():
        raise ParseError(f"{name}: the file is empty")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise ParseError(f'{name}: expected an object with an "entities" array')
    if doc.get("list_id") != list_id:
        raise ParseError(f"{name}: field list_id is {doc.get('list_id')!r}, expected {list_id!r}")
    entries: list[dict[str, Any]] = doc["entities"]
    if isinstance(doc.get("count"), int) and doc["count"] != len(entries):
        raise ParseError(f"{name}: count says {doc['count']} entries, found {len(entries)}")
    if not entries:
        raise ParseError(f"{name}: no entries")
    return entries


def _parse(files: Files, name: str, list_id: str, notes_key: str | None) -> Iterator[Record]:
    if name not in files:
        raise ParseError(f"missing {name}; got {sorted(files)}")
    entries = _entries(name, files[name], list_id)
    rows: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = []
    dated: dict[tuple[int, int], str] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{name}: entities[{n}]"
        if not isinstance(entry, dict):
            raise ParseError(f"{where}: expected an object")
        cites = parse_citations(_text(entry, "federal_register", where, True) or "", where)
        for c in cites:
            if c["date"]:
                dated.setdefault((c["volume"], c["page"]), c["date"])
        rows.append((where, entry, cites))

    slugs = SlugAllocator()
    for where, entry, cites in rows:
        for c in cites:
            if not c["date"] and (c["volume"], c["page"]) in dated:
                c["date"] = dated[(c["volume"], c["page"])]
                c["date_from_same_citation"] = True
        primary = _text(entry, "name", where, True) or ""
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ParseError(f"{where}, field aliases: expected a list of text")
        country_text = _text(entry, "country", where) or ""
        country = _COUNTRY_FIXES.get(country_text) or country_or_text(country_text)
        countries = (country,) if country else ()
        address = _text(entry, "address", where) or ""
        addresses = tuple(
            a for a in (p.strip().rstrip(".").strip() for p in _ADDRESS_SPLIT.split(address)) if a
        )
        details: dict[str, Any] = {"federal_register": cites}
        if country_text in _COUNTRY_FIXES:
            details["country_published"] = country_text
        notes = _text(entry, "notes", where)
        if notes and notes_key:
            details[notes_key] = notes
        for key in ("status", "effective_date"):
            if value := _text(entry, key, where):
                details[key] = value
        dates = sorted({date.fromisoformat(c["date"]) for c in cites if c["date"]})
        yield Record(
            local_id=slugs(primary, countries),
            kind="organization",
            name=primary,
            aliases=tuple(_names(primary, [a.strip() for a in aliases if a.strip()])),
            countries=countries,
            addresses=addresses,
            listing_dates=tuple(dates[:1]),
            remarks=None if notes_key else notes,
            details=details,
        )


def parse_entity_list(files: Files) -> Iterator[Record]:
    """The Entity List from the derived eCFR JSON (`bis_entity_list.json`)."""
    return _parse(files, ENTITY_LIST_FILE, "bis-entity-list", "license_requirement")


def parse_meu(files: Files) -> Iterator[Record]:
    """The Military End-User List from the derived eCFR JSON (`bis_meu.json`)."""
    return _parse(files, MEU_FILE, "bis-meu", None)


ENTITY_LIST_SPEC = SourceSpec(
    id="us_bis_entity_list",
    name="BIS Entity List (Supplement No. 4 to Part 744)",
    publisher="US Department of Commerce, Bureau of Industry and Security",
    publisher_url=ENTITY_LIST_URL,
    parse=parse_entity_list,
)

MEU_SPEC = SourceSpec(
    id="us_bis_meu",
    name="BIS Military End-User List (Supplement No. 7 to Part 744)",
    publisher="US Department of Commerce, Bureau of Industry and Security",
    publisher_url=MEU_URL,
    parse=parse_meu,
)
