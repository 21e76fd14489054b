"""OFAC's Remarks field: identifiers, weak a.k.a.s and dated facts packed into one string.

The same Remarks grammar appears in the CSV, legacy-XML and advanced-XML forms of both OFAC lists,
so every OFAC parser calls this one reader. Items are separated by `; `; an item we do not
recognise stays in the Remarks text (which is always kept whole) and is never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .base import Identifier, Name
from .countries import country_or_text

# Labels OFAC puts before an identifier value, longest first so "Registration Number" wins over
# "Registration". Seen in the 2021, 2024 and 2025 files; the generic rule below catches the rest.
_ID_LABELS = sorted(
    [
        "Unified Social Credit Code (USCC)",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Tail Number",
        "Aircraft Mode S Transponder Code",
        "Vessel Registration Identification",
        "Business Registration Number",
        "Business Registration Document #",
        "Commercial Registry Number",
        "Economic Register Number (CBLS)",
        "Registration Number",
        "Registration ID",
        "Legal Entity Number",
        "Company Number",
        "UK Company Number",
        "Tax ID No.",
        "National ID No.",
        "Passport",
        "Diplomatic Passport",
        "Identification Number",
        "Cedula No.",
        "NIT #",
        "RUC #",
        "C.R. No.",
        "V.A.T. Number",
        "Trade License No.",
        "Folio Mercantil No.",
        "Matricula Mercantil No",
        "SWIFT/BIC",
        "ISIN",
        "Equity Ticker",
        "Email Address",
        "Website",
        "Phone Number",
        "Government Gazette Number",
        "D-U-N-S Number",
        "Chinese Commercial Code",
        "Driver's License No.",
        "Kenyan ID No.",
        "C.U.R.P. #",
        "R.F.C. #",
        "Personal ID Card",
        "Residency Number",
        "Birth Certificate Number",
        "Stateless Person ID Card",
        "Refugee ID Card",
        "Public Security and Immigration No.",
        "Italian Fiscal Code",
        "Serial No.",
        "MMSI",
        "Other Vessel Call Sign",
        "Other Vessel Flag",
        "Former Vessel Flag",
        "Nationality of Registration",
        "Digital Currency Address - [A-Z0-9]+",
    ],
    key=len,
    reverse=True,
)
_ID_RE = re.compile(
    r"^(?:alt\.\s+)?(?P<label>"
    + "|".join(re.escape(x) if "[" not in x else x for x in _ID_LABELS)
    + r")\s+(?P<rest>.+)$"
)
# Short forms for the identifiers matching relies on most.
ID_TYPES = {
    "Unified Social Credit Code (USCC)": "USCC",
    "Legal Entity Number": "LEI",
}
_COUNTRY_TAIL = re.compile(r"^(?P<value>\S+?)(?:\s+\((?P<country>[^()]+)\))?(?:\s+(?P<note>.*))?$")
_AKA = re.compile(r"^(?P<type>a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(?P<name>.+)'$")
_DATED = re.compile(
    r"^(?P<label>Listing Date|Effective Date|Purchase/Sales For Divestment Date)"
    r"(?:\s+\((?P<program>[^)]+)\))?:?\s+(?P<date>\d{1,2} [A-Z][a-z]{2} \d{4})$"
)
_ALIAS_TYPES = {"a.k.a.": "weak", "f.k.a.": "fka", "n.k.a.": "nka"}


def parse_ofac_date(text: str) -> date | None:
    """OFAC writes dates as `03 Jun 2021`; anything else is not a date we trust."""
    try:
        return datetime.strptime(text.strip(), "%d %b %Y").date()
    except ValueError:
        return None


@dataclass
class RemarksFacts:
    identifiers: list[Identifier] = field(default_factory=list)
    weak_aliases: list[Name] = field(default_factory=list)
    listing_dates: list[date] = field(default_factory=list)
    facts: dict[str, list[str]] = field(default_factory=dict)


def split_items(remarks: str) -> list[str]:
    """Split on `;` outside quotes (a quoted a.k.a. may itself hold a semicolon)."""
    items: list[str] = []
    buf: list[str] = []
    quoted = False
    for i, ch in enumerate(remarks):
        if ch == "'" and (not quoted and (i == 0 or remarks[i - 1] == " ")):
            quoted = True
        elif ch == "'" and quoted and (i + 1 == len(remarks) or remarks[i + 1] in ";.,"):
            quoted = False
        if ch == ";" and not quoted:
            items.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf).strip())
    out = []
    for item in items:
        if item.endswith(".") and not item.endswith(("No.", "Ltd.", "Inc.", "Co.", "S.A.")):
            item = item[:-1]
        if item:
            out.append(item)
    return out


def parse_remarks(remarks: str | None) -> RemarksFacts:
    """Read the identifiers, weak aliases and listing dates out of a Remarks string."""
    facts = RemarksFacts()
    if not remarks:
        return facts
    for item in split_items(remarks):
        if m := _AKA.match(item):
            facts.weak_aliases.append(Name(m["name"], _ALIAS_TYPES[m["type"]]))  # type: ignore[arg-type]
            continue
        if m := _DATED.match(item):
            when = parse_ofac_date(m["date"])
            key = m["label"].lower().replace(" ", "_").replace("/", "_")
            if m["program"]:
                key += f" ({m['program']})"
            facts.facts.setdefault(key, []).append(m["date"])
            if when and m["label"] == "Listing Date":
                facts.listing_dates.append(when)
            continue
        if m := _ID_RE.match(item):
            label = m["label"]
            rest = m["rest"].strip()
            tail = _COUNTRY_TAIL.match(rest)
            value, country, note = rest, None, None
            if tail:
                value, country, note = tail["value"], tail["country"], tail["note"]
            facts.identifiers.append(
                Identifier(
                    type=ID_TYPES.get(label, label),
                    value=value,
                    country=country_or_text(country) if country else None,
                    note=note or None,
                )
            )
            continue
        for label in ("DOB", "POB", "nationality", "citizen", "Gender", "Linked To:", "Title"):
            if item.startswith(label + " ") or item.startswith(label + ":"):
                key = label.rstrip(":").lower().replace(" ", "_")
                facts.facts.setdefault(key, []).append(item[len(label) :].strip(" :"))
                break
    return facts
