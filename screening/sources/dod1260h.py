"""The DoD § 1260H list of "Chinese military companies operating in the United States".

The Department of Defense (in 2025-26 documents "Department of War") publishes each edition as a
PDF linked from a press release (since 2024 also as a Federal Register notice); there is no
machine-readable file, so the source is bundled-only. The bundled `sanctions.csv` is
OpenSanctions' hand transcription of every edition (2021-06-03, 2022-10-05, 2024-01-31,
2025-01-07, 2026-06-08): one row per listing of a company in an edition, columns `Name` (as
printed, e.g. "Hangzhou Hikvision Digital Technology Co., Ltd. (Hikvision)*"), `Clean Name`,
`Alias`, `Previous Name`, `Parent Name`, `Note`, `Start date` (the edition), `End date`,
`Source Url`.

How rows become entities:
- Rows of one company share the slug of their clean name (the entity id, interfaces.md). The
  slug absorbs the transcription's spelling drift between editions ("AVIC JONHON"/"AVIC
  Jonhon", "Co., Ltd"/"Co., Ltd.", "Xi'an"/"Xi’an").
- On a few rows the short name was left in `Clean Name` ("Dawning Information Industry Co.,
  Ltd. (Sugon)") with `Alias` empty, against the file's own `Name (Alias)` convention; when the
  text before the parenthesis ends in a legal form (Ltd., Inc., Corporation…), the parenthesis
  is read as the alias, so those rows join their company's other editions.
- The latest edition is the latest `Start date` in the file. A company is current when it has a
  row in that edition (and that row has no end date); otherwise it was listed on the dates of
  its rows only. An empty `End date` on an older row does not mean current: the transcription
  leaves it empty for companies that simply were not carried into a later edition.

The file gives no country (some listed companies are US subsidiaries), so `countries` stays
empty rather than being guessed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Files, Name, NameType, Record, SourceSpec
from .ids import slug
from .text import csv_text

FILE_NAME = "sanctions.csv"
COLUMNS = (
    "Name",
    "Clean Name",
    "Alias",
    "Previous Name",
    "Parent Name",
    "Note",
    "Start date",
    "End date",
    "Source Url",
)
RELEASES_URL = "https://www.defense.gov/News/Releases/Search/1260H/"

_TRAILING_PAREN = re.compile(r"(?P<name>.*\S)\s+\((?P<alias>[^()]+)\)")
_LEGAL_FORM = re.compile(r"(?i)\b(?:ltd|limited|inc|corp|corporation|co|company|group|llc|plc)\.?$")
# "Knownsec,Beijing Kownsec": a comma with no space separates aliases; "Co., Ltd." does not.
_ALIAS_SPLIT = re.compile(r";\s*|,(?=\S)")


@dataclass
class _Listing:
    line: int
    name: str
    aliases: list[str]
    previous: list[str]
    parent: str
    note: str
    start: date
    end: date | None
    listed_as: str
    source_url: str


@dataclass
class _Entity:
    key: str
    listings: list[_Listing] = field(default_factory=list)


def _date(value: str, where: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ParseError(f"{where}: {value!r} is not an ISO date") from exc


def _split(value: str) -> list[str]:
    return [v.strip() for v in _ALIAS_SPLIT.split(value) if v.strip()]


def _rows(data: bytes) -> Iterator[_Listing]:
    text = csv_text(data, FILE_NAME)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParseError(f"{FILE_NAME}: line 1 lacks the column(s) {', '.join(missing)}")
    for row in reader:
        where = f"{FILE_NAME}: line {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise ParseError(f"{where} has the wrong number of fields (expected {len(header)})")
        name = row["Clean Name"].strip()
        aliases = _split(row["Alias"])
        if not name:
            raise ParseError(f"{where}, field Clean Name is empty")
        m = _TRAILING_PAREN.fullmatch(name)
        if m and not aliases and _LEGAL_FORM.search(m["name"]):
            name, aliases = m["name"], [m["alias"].strip()]
        start = _date(row["Start date"], f"{where}, field Start date")
        if start is None:
            raise ParseError(f"{where}, field Start date is empty")
        yield _Listing(
            line=reader.line_num,
            name=name,
            aliases=aliases,
            previous=[p.strip() for p in row["Previous Name"].split(";") if p.strip()],
            parent=row["Parent Name"].strip(),
            note=row["Note"].strip(),
            start=start,
            end=_date(row["End date"], f"{where}, field End date"),
            listed_as=row["Name"].strip(),
            source_url=row["Source Url"].strip(),
        )


def _names(listings: list[_Listing], primary: str) -> tuple[Name, ...]:
    """Aliases (aka; fka where the printed name says "formerly"), previous names (fka) and the
    other spellings the company was listed under in earlier editions (aka)."""
    out: list[Name] = []
    seen = {primary}

    def add(value: str, kind: NameType) -> None:
        if value and value not in seen:
            seen.add(value)
            out.append(Name(value, kind))

    for item in listings:
        for alias in item.aliases:
            add(alias, "fka" if f"formerly {alias}" in item.listed_as else "aka")
        for prev in item.previous:
            add(prev, "fka")
    for item in listings:
        add(item.name, "aka")
    return tuple(out)


def parse_1260h(files: Files) -> Iterator[Record]:
    """One organization record per company, in order of first appearance in the file."""
    if FILE_NAME not in files:
        raise ParseError(f"missing {FILE_NAME}; got {sorted(files)}")
    entities: dict[str, _Entity] = {}
    for listing in _rows(files[FILE_NAME]):
        key = slug(listing.name)
        entities.setdefault(key, _Entity(key)).listings.append(listing)
    if not entities:
        raise ParseError(f"{FILE_NAME}: no rows below the header")
    latest = max(item.start for e in entities.values() for item in e.listings)
    for entity in entities.values():
        listings = sorted(entity.listings, key=lambda i: (i.start, i.line))
        last = listings[-1]
        editions = sorted({i.start for i in listings})
        current = any(i.start == latest and i.end is None for i in listings)
        # One parent spelled differently across editions counts once, in its latest spelling.
        parents: dict[str, str] = {}
        for item in listings:
            if item.parent and (pkey := slug(item.parent)) != entity.key:
                parents[pkey] = item.parent
        notes = [i.note for i in listings if i.note]
        details: dict[str, Any] = {
            "current": current,
            "editions": [d.isoformat() for d in editions],
            "latest_edition": latest.isoformat(),
            "parents": list(parents.values()),
            "listings": [
                {
                    "edition": i.start.isoformat(),
                    "end_date": i.end.isoformat() if i.end else None,
                    "listed_as": i.listed_as,
                    "parent": i.parent or None,
                    "note": i.note or None,
                    "source_url": i.source_url or None,
                }
                for i in listings
            ],
        }
        yield Record(
            local_id=entity.key,
            kind="organization",
            name=last.name,
            aliases=_names(listings, last.name),
            listing_dates=tuple(editions),
            remarks=notes[-1] if notes else None,
            details=details,
        )


DOD1260H_SPEC = SourceSpec(
    id="us_dod_1260h",
    name="DoD Section 1260H Chinese military companies",
    publisher="US Department of Defense (Department of War)",
    publisher_url=RELEASES_URL,
    parse=parse_1260h,
    files=(),
)
