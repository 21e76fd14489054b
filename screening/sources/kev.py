"""CISA's Known Exploited Vulnerabilities (KEV) catalog, JSON form.

Format (the publisher's file and JSON schema; full 2025-08-25 copies in tests/fixtures/cisa-kev):
one object `{"title", "catalogVersion", "dateReleased", "count", "vulnerabilities": [...]}`; each
vulnerability has cveID, vendorProject, product, vulnerabilityName, dateAdded, shortDescription,
requiredAction, dueDate (all required strings, dates as YYYY-MM-DD) and optionally
knownRansomwareCampaignUse ("Known"/"Unknown"), notes and cwes (a list of "CWE-n").

These are vulnerability records, not parties: kind "vulnerability", local id the CVE id, name the
vulnerability name; vendor and product sit in `details` (matching a device's maker against them is
the inventory scorer's job, not this parser's). `count` is checked against the array so a
truncated-but-valid-JSON file is refused rather than loaded short.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Files, Identifier, Record, RemoteFile, SourceSpec

FILE = "known_exploited_vulnerabilities.json"
URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_CWE = re.compile(r"^CWE-[0-9]+$")
_REQUIRED = (
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
)
_OPTIONAL = ("knownRansomwareCampaignUse", "notes")


def _catalog(files: Files) -> Mapping[str, Any]:
    if FILE not in files:
        raise ParseError(f"missing {FILE}; got {sorted(files)}")
    data = files[FILE]
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:300].lower()  # a UTF-8 BOM is allowed
    if not head:
        raise ParseError(f"{FILE}: the file is empty")
    if head.startswith(b"<"):
        raise ParseError(f"{FILE}: an HTML/XML page, not the KEV JSON catalog")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError(f"{FILE}: not UTF-8 text ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"{FILE}: malformed or truncated JSON at line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(doc, dict):
        raise ParseError(
            f"{FILE}: the top level is a JSON {type(doc).__name__}, expected the catalog object"
        )
    if not isinstance(doc.get("vulnerabilities"), list):
        raise ParseError(
            f"{FILE}: field vulnerabilities is missing or not an array (not the KEV catalog)"
        )
    return doc


def _date(value: str, where: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParseError(f"{where}, field {field}: {value!r} is not a YYYY-MM-DD date") from None


def _record(item: object, n: int) -> Record:
    where = f"{FILE}: vulnerabilities element {n}"
    if not isinstance(item, dict):
        raise ParseError(f"{where} is a {type(item).__name__}, expected an object")
    for key in _REQUIRED:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ParseError(f"{where}, field {key} is missing or empty")
    for key in _OPTIONAL:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ParseError(f"{where}, field {key}: expected a string")
    cve = item["cveID"].strip()
    where = f"{where} ({cve})"
    if not _CVE.match(cve):
        raise ParseError(f"{where}, field cveID: {cve!r} is not a CVE id")
    cwes = item.get("cwes") or []
    if not isinstance(cwes, list) or not all(isinstance(c, str) and _CWE.match(c) for c in cwes):
        raise ParseError(f"{where}, field cwes: {cwes!r} is not a list of CWE-n codes")
    added = _date(item["dateAdded"], where, "dateAdded")
    due = _date(item["dueDate"], where, "dueDate")
    return Record(
        local_id=cve,
        kind="vulnerability",
        name=item["vulnerabilityName"].strip(),
        identifiers=(Identifier("CVE", cve),),
        listing_dates=(added,),
        details={
            "vendor": item["vendorProject"].strip(),
            "product": item["product"].strip(),
            "date_added": added.isoformat(),
            "due_date": due.isoformat(),
            "short_description": item["shortDescription"].strip(),
            "required_action": item["requiredAction"].strip(),
            "known_ransomware_use": item.get("knownRansomwareCampaignUse"),
            "notes": item.get("notes"),
            "cwes": list(cwes),
        },
    )


def parse(files: Files) -> Iterator[Record]:
    """One vulnerability record per catalog entry, in the catalog's order."""
    doc = _catalog(files)
    items = doc["vulnerabilities"]
    count = doc.get("count")
    if count is not None and count != len(items):
        raise ParseError(
            f"{FILE}: field count says {count} vulnerabilities, the array has "
            f"{len(items)} (truncated or edited file)"
        )
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        record = _record(item, n)
        if record.local_id in seen:
            raise ParseError(
                f"{FILE}: vulnerabilities element {n}, field cveID: {record.local_id} appears twice"
            )
        seen.add(record.local_id)
        yield record


def published_date(files: Files) -> date | None:
    """The day of the catalog's dateReleased (`2025-08-25T17:04:19.9796Z` -> 2025-08-25)."""
    stamp = _catalog(files).get("dateReleased")
    if stamp is None:
        return None
    if not isinstance(stamp, str):
        raise ParseError(f"{FILE}: field dateReleased: {stamp!r} is not a date-time string")
    return _date(stamp[:10], FILE, "dateReleased")


SPEC = SourceSpec(
    id="us_cisa_kev",
    name="CISA Known Exploited Vulnerabilities Catalog",
    publisher="US Cybersecurity and Infrastructure Security Agency (CISA)",
    publisher_url="https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
    parse=parse,
    files=(RemoteFile(FILE, URL, "json"),),
    record_type="vulnerability",
    published=published_date,
)
