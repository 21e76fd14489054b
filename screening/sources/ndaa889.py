"""The companies named in § 889 of the John S. McCain NDAA for FY2019 (Pub. L. 115-232).

§ 889 is a statute, not a list: no publisher issues a machine-readable file, so the source is
bundled-only. The bundled `section_889.csv` is OpenSanctions' transcription of the five named
companies (columns `schema,name,aliases,topics,program,authority,reason,report-date,start-date,
end-date,country,notes,source_url`) with columns we added from the statute and FAR 52.204-25(a):
`citation`, `far_clause`, `scope` (the paragraph's words, verbatim), `use_limitation` (the
purposes to which paragraph (2) confines Hytera, Hikvision and Dahua; empty for Huawei and ZTE,
whose telecommunications equipment is covered for any use) and
`covers_subsidiaries_and_affiliates` (`true`: the statute reaches "any subsidiary or affiliate
of such entities", which the government never enumerates). `start-date` is the enactment date,
2018-08-13.

The prohibitions took effect later: § 889(a)(1)(A) (buying covered equipment) on 2019-08-13
and § 889(a)(1)(B) (contracting with an entity that uses it) on 2020-08-13; both dates are in
the statute itself, so they are constants here rather than columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Files, Name, Record, SourceSpec
from .countries import country_or_text
from .ids import SlugAllocator
from .text import csv_text

FILE_NAME = "section_889.csv"
LAW_URL = "https://www.congress.gov/115/plaws/publ232/PLAW-115publ232.pdf"
REQUIRED = (
    "schema",
    "name",
    "aliases",
    "program",
    "authority",
    "start-date",
    "end-date",
    "country",
    "source_url",
    "citation",
    "far_clause",
    "scope",
    "use_limitation",
    "covers_subsidiaries_and_affiliates",
)
PROHIBITIONS_EFFECTIVE = {"889(a)(1)(A)": "2019-08-13", "889(a)(1)(B)": "2020-08-13"}
_BOOL = {"true": True, "false": False}


def _date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ParseError(f"{where}: {value!r} is not an ISO date") from exc


def parse_section_889(files: Files) -> Iterator[Record]:
    """One organization record per named company, in file order."""
    if FILE_NAME not in files:
        raise ParseError(f"missing {FILE_NAME}; got {sorted(files)}")
    text = csv_text(files[FILE_NAME], FILE_NAME)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ParseError(f"{FILE_NAME}: line 1 lacks the column(s) {', '.join(missing)}")
    allocate = SlugAllocator()
    count = 0
    for row in reader:
        line = reader.line_num
        where = f"{FILE_NAME}: line {line}"
        if None in row or any(v is None for v in row.values()):
            raise ParseError(f"{where} has the wrong number of fields (expected {len(header)})")
        if row["schema"] != "Company":
            raise ParseError(f"{where}, field schema: unknown {row['schema']!r}")
        name = row["name"].strip()
        if not name:
            raise ParseError(f"{where}, field name is empty")
        scope = row["scope"].strip()
        if not scope:
            raise ParseError(f"{where}, field scope is empty")
        covers = row["covers_subsidiaries_and_affiliates"].strip().lower()
        if covers not in _BOOL:
            raise ParseError(
                f"{where}, field covers_subsidiaries_and_affiliates: {covers!r} is not true/false"
            )
        start = _date(row["start-date"], f"{where}, field start-date")
        if start is None:
            raise ParseError(f"{where}, field start-date is empty")
        end = _date(row["end-date"], f"{where}, field end-date")
        country = country_or_text(row["country"])
        countries = (country,) if country else ()
        details: dict[str, Any] = {
            "scope": scope,
            "use_limitation": row["use_limitation"].strip() or None,
            "covers_subsidiaries_and_affiliates": _BOOL[covers],
            "citation": row["citation"].strip(),
            "far_clause": row["far_clause"].strip(),
            "authority": row["authority"].strip(),
            "enacted": start.isoformat(),
            "prohibitions_effective": dict(PROHIBITIONS_EFFECTIVE),
            "source_url": row["source_url"].strip() or LAW_URL,
        }
        if end is not None:
            details["end_date"] = end.isoformat()
        count += 1
        yield Record(
            local_id=allocate(name, countries),
            kind="organization",
            name=name,
            aliases=tuple(Name(a.strip(), "aka") for a in row["aliases"].split(";") if a.strip()),
            programs=(row["program"].strip(),) if row["program"].strip() else (),
            countries=countries,
            listing_dates=(start,),
            details=details,
        )
    if count == 0:
        raise ParseError(f"{FILE_NAME}: no rows below the header")


NDAA889_SPEC = SourceSpec(
    id="us_ndaa_889",
    name="NDAA FY2019 Section 889 named companies",
    publisher="US Congress (Pub. L. 115-232, § 889; FAR 52.204-25)",
    publisher_url=LAW_URL,
    parse=parse_section_889,
    files=(),
)
