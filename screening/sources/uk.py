"""The UK Sanctions List (FCDO) in its XML form (`UK-Sanctions-List.xml`).

Format (the publisher's own file, post-2022 layout; real excerpts of the 2026-03-26 file are in
tests/fixtures/uk-sanctions-list with their PROVENANCE.md): root `<Designations>` with no
namespace, first child `<DateGenerated>` (dd/mm/yyyy), then one `<Designation>` per listed
person, entity or ship, ordered by UniqueID. A Designation holds LastUpdated, DateDesignated,
UniqueID (regime prefix + 4 digits, e.g. `AFG0001`: the FCDO's own id, so the local id),
OFSIGroupID (absent for ships), UNReferenceNumber, Names/Name{Name1..Name6, NameType,
AliasStrength}, NonLatinNames/NonLatinName/NameNonLatinScript, Titles/Title, RegimeName,
IndividualEntityShip, DesignationSource, SanctionsImposed, SanctionsImposedIndicators,
OtherInformation, UKStatementofReasons, Addresses/Address{AddressLine1..6, AddressPostalCode,
AddressCountry}, PhoneNumbers, EmailAddresses, Websites, and one of IndividualDetails/Individual,
EntityDetails/Entity, ShipDetails/Ship.

Reading choices and the quirks the code exists for:
- A name is Name1..Name6 in that order joined by one space (Name6 is the family name or the
  whole name of an entity or ship); each part is stripped (`<Name1> ABDUL</Name1>`).
- NameType is written "Primary Name" or "Primary name", "Primary Name Variation" or "Primary
  name variation", "Alias": read case-insensitively. The first primary name is the record's
  name; other primary names, variations and aliases are a.k.a.s. AliasStrength ("Good quality
  a.k.a", "Low quality a.k.a") is kept verbatim in `Name.quality`; a low-quality alias is
  `weak`. Every name is kept with its published type in details["names"].
- Non-Latin names are a.k.a.s too (trailing spaces as published are stripped).
- Ships have no OFSIGroupID, and a ship may have no ShipDetails at all.
- Dates of birth are dd/mm/yyyy with `dd`, `mm` (or `00`) for unknown parts: kept as ISO text
  of the known part ("dd/mm/1945" -> "1945", "30/01/1972" -> "1972-01-30"), duplicates once;
  anything else is kept as published.
- The same passport can be repeated verbatim (ten times on AFG0006): identifiers are unique.
- UniqueID, OFSIGroupID and UNReferenceNumber are identifiers of the listing, so a user holding
  the FCDO or UN reference finds the party by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element

from ..errors import ParseError
from . import xmlsafe
from .base import Files, Identifier, Kind, Name, NameType, Record, RemoteFile, SourceSpec
from .countries import country_or_text
from .xmlsafe import child_text, clean_text

FILE = "UK-Sanctions-List.xml"
URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"
_ROOT = "Designations"
_ENTRY = "Designation"
_KINDS: Mapping[str, Kind] = {"individual": "person", "entity": "organization", "ship": "vessel"}
_NAME_PARTS = tuple(f"Name{i}" for i in range(1, 7))
_NAME_TYPES = ("primary name", "primary name variation", "alias")
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_DOB = re.compile(r"^(dd|\d{2})/(mm|\d{2})/(\d{4})$", re.IGNORECASE)
_ADDRESS_PARTS = (*(f"AddressLine{i}" for i in range(1, 7)), "AddressPostalCode")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
# (details key, path of the repeated element) for the plain lists kept as published.
_LISTS = (
    ("titles", "Titles/Title"),
    ("phone_numbers", "PhoneNumbers/PhoneNumber"),
    ("email_addresses", "EmailAddresses/EmailAddress"),
    ("websites", "Websites/Website"),
    ("positions", "IndividualDetails/Individual/Positions/Position"),
    ("genders", "IndividualDetails/Individual/Genders/Gender"),
    ("nationalities", "IndividualDetails/Individual/Nationalities/Nationality"),
    ("entity_types", "EntityDetails/Entity/TypeOfEntities/TypeOfEntity"),
    ("subsidiaries", "EntityDetails/Entity/Subsidiaries/Subsidiary"),
    ("parent_companies", "EntityDetails/Entity/ParentCompanies/ParentCompany"),
    ("owner_operators", "ShipDetails/Ship/CurrentOwnerOperators/CurrentOwnerOperator"),
    ("flags", "ShipDetails/Ship/CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip"),
    ("previous_flags", "ShipDetails/Ship/PreviousFlags/PreviousFlag"),
    ("ship_types", "ShipDetails/Ship/TypeOfShipDetails/TypeOfShip"),
    ("tonnage", "ShipDetails/Ship/TonnageOfShipDetails/TonnageOfShip"),
    ("length", "ShipDetails/Ship/LengthOfShipDetails/LengthOfShip"),
    ("year_built", "ShipDetails/Ship/YearsBuilt/YearBuilt"),
)


def _values(el: Element, path: str) -> list[str]:
    return list(dict.fromkeys(v for c in el.findall(path) if (v := clean_text(c.text))))


def _dmy(text: str | None, where: str, field: str) -> date | None:
    if not text:
        return None
    m = _DMY.match(text)
    try:
        if not m:
            raise ValueError
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ParseError(
            f"{where}, field {field}: {text[:40]!r} is not a dd/mm/yyyy date"
        ) from None


def date_of_birth(text: str) -> str:
    """A published date of birth as ISO text of its known part: "dd/mm/1945" -> "1945",
    "00/05/1970" -> "1970-05", "30/01/1972" -> "1972-01-30"; another form stays as published."""
    m = _DOB.match(text)
    if not m:
        return text
    day, month, year = m[1].lower(), m[2].lower(), m[3]
    if month in ("mm", "00") or not 1 <= int(month) <= 12:
        return year
    if day in ("dd", "00"):
        return f"{year}-{month}"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return text


def _names(el: Element, where: str) -> tuple[str, list[Name], list[dict[str, str]]]:
    entries: list[tuple[str, str, str | None]] = []  # (name, published type, alias strength)
    for node in el.findall("Names/Name"):
        value = " ".join(p for t in _NAME_PARTS if (p := child_text(node, t)))
        name_type = child_text(node, "NameType") or ""
        if name_type.lower() not in _NAME_TYPES:
            raise ParseError(f"{where}, field Names/Name/NameType: unknown {name_type[:40]!r}")
        if value:
            entries.append((value, name_type, child_text(node, "AliasStrength")))
    if not entries:
        raise ParseError(f"{where}, field Names: no name (Name1..Name6 are all empty)")
    primary = next((e for e in entries if e[1].lower() == "primary name"), entries[0])
    aliases: list[Name] = []
    for value, _, strength in entries:
        if value == primary[0]:
            continue
        weak = bool(strength and strength.lower().startswith("low"))
        kind: NameType = "weak" if weak else "aka"
        aliases.append(Name(value, kind, strength))
    published = [
        {"name": v, "name_type": t, **({"alias_strength": s} if s else {})} for v, t, s in entries
    ]
    return primary[0], aliases, published


def _addresses(el: Element) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    countries: list[str] = []
    for addr in el.findall("Addresses/Address"):
        country = child_text(addr, "AddressCountry")
        parts = [p for t in _ADDRESS_PARTS if (p := child_text(addr, t))]
        if text := ", ".join([*parts, *([country] if country else [])]):
            texts.append(text)
        if code := country_or_text(country):
            countries.append(code)
    return texts, countries


def _identifiers(el: Element, uid: str) -> list[Identifier]:
    ids = [Identifier("UK Sanctions List ID", uid)]
    if group := child_text(el, "OFSIGroupID"):
        ids.append(Identifier("OFSI group ID", group))
    if un_ref := child_text(el, "UNReferenceNumber"):
        ids.append(Identifier("UN reference number", un_ref))
    person = "IndividualDetails/Individual"
    for node in el.findall(f"{person}/PassportDetails/Passport"):
        if number := child_text(node, "PassportNumber"):
            ids.append(
                Identifier(
                    "Passport", number, None, child_text(node, "PassportAdditionalInformation")
                )
            )
    for node in el.findall(f"{person}/NationalIdentifierDetails/NationalIdentifier"):
        if number := child_text(node, "NationalIdentifierNumber"):
            note = child_text(node, "NationalIdentifierAdditionalInformation")
            ids.append(Identifier("National identifier", number, None, note))
    for number in _values(el, "ShipDetails/Ship/IMONumbers/IMONumber"):
        ids.append(Identifier("IMO", number))
    return list(dict.fromkeys(ids))


def _indicators(el: Element, where: str) -> list[str]:
    """The names of the SanctionsImposedIndicators that are true (AssetFreeze, TravelBan…)."""
    out: list[str] = []
    for node in el.findall("SanctionsImposedIndicators/*"):
        value = (node.text or "").strip().lower()
        if value not in ("true", "false"):
            raise ParseError(
                f"{where}, field SanctionsImposedIndicators/{node.tag}: {value[:20]!r} is not "
                "true or false"
            )
        if value == "true":
            out.append(node.tag)
    return out


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("|") if p.strip()]


def _record(el: Element, n: int) -> Record:
    uid = child_text(el, "UniqueID")
    where = f"{FILE}: Designation #{n}" + (f" ({uid[:40]})" if uid else "")
    if not uid or not _ID_PATTERN.match(uid):
        raise ParseError(f"{where}, field UniqueID: {uid!r} is not an FCDO unique id")
    kind_text = child_text(el, "IndividualEntityShip") or ""
    if kind_text.lower() not in _KINDS:
        raise ParseError(
            f"{where}, field IndividualEntityShip: unknown {kind_text[:40]!r} "
            "(expected Individual, Entity or Ship)"
        )
    name, aliases, published_names = _names(el, where)
    non_latin = _values(el, "NonLatinNames/NonLatinName/NameNonLatinScript")
    aliases += [Name(v, "aka") for v in non_latin if v != name]
    addresses, address_countries = _addresses(el)
    person = "IndividualDetails/Individual"
    nationalities = _values(el, f"{person}/Nationalities/Nationality")
    countries = [c for v in nationalities if (c := country_or_text(v))] + address_countries
    listed = _dmy(child_text(el, "DateDesignated"), where, "DateDesignated")
    updated = _dmy(child_text(el, "LastUpdated"), where, "LastUpdated")

    details: dict[str, Any] = {
        "unique_id": uid,
        "ofsi_group_id": child_text(el, "OFSIGroupID"),
        "un_reference_number": child_text(el, "UNReferenceNumber"),
        "type": kind_text,
        "designation_source": _split(child_text(el, "DesignationSource")),
        "sanctions_imposed": _split(child_text(el, "SanctionsImposed")),
        "sanctions_indicators": _indicators(el, where),
        "date_designated": listed.isoformat() if listed else None,
        "last_updated": updated.isoformat() if updated else None,
        "names": published_names,
        "non_latin_names": non_latin,
        "statement_of_reasons": (el.findtext("UKStatementofReasons") or "").strip() or None,
        "dates_of_birth": list(
            dict.fromkeys(date_of_birth(d) for d in _values(el, f"{person}/DOBs/DOB"))
        ),
        "places_of_birth": [
            ", ".join(p for t in ("TownOfBirth", "CountryOfBirth") if (p := child_text(loc, t)))
            for loc in el.findall(f"{person}/BirthDetails/Location")
        ],
    }
    for key, path in _LISTS:
        details[key] = _values(el, path)
    program = child_text(el, "RegimeName")
    return Record(
        local_id=uid,
        kind=_KINDS[kind_text.lower()],
        name=name,
        aliases=tuple(dict.fromkeys(aliases)),
        programs=(program,) if program else (),
        countries=tuple(dict.fromkeys(countries)),
        addresses=tuple(dict.fromkeys(addresses)),
        identifiers=tuple(_identifiers(el, uid)),
        listing_dates=(listed,) if listed else (),
        remarks=(el.findtext("OtherInformation") or "").strip() or None,
        details={k: v for k, v in details.items() if v not in (None, [], "")},
    )


def _events(files: Files) -> Iterator[tuple[str, Element]]:
    if FILE not in files:
        raise ParseError(f"missing {FILE}; got {sorted(files)}")
    return xmlsafe.events(FILE, files[FILE], "the UK Sanctions List XML")


def _check_root(el: Element) -> None:
    if el.tag != _ROOT:
        raise ParseError(f"{FILE}: root element is <{el.tag[:60]}>, expected <{_ROOT}>")


def parse(files: Files) -> Iterator[Record]:
    """Every Designation (person, organization or vessel), streamed in file order."""
    depth = 0
    n = 0
    seen: set[str] = set()
    root: Element | None = None
    for event, el in _events(files):
        if event == "start":
            if depth == 0:
                _check_root(el)
                root = el
            elif depth == 1 and el.tag not in (_ENTRY, "DateGenerated"):
                raise ParseError(
                    f"{FILE}: unknown element <{el.tag[:60]}> under <{_ROOT}> (expected {_ENTRY})"
                )
            depth += 1
            continue
        depth -= 1
        if depth != 1 or root is None or el.tag != _ENTRY:
            continue
        n += 1
        record = _record(el, n)
        if record.local_id in seen:
            raise ParseError(
                f"{FILE}: Designation #{n}, field UniqueID: {record.local_id} appears twice"
            )
        seen.add(record.local_id)
        root.remove(el)  # streamed: the full file is ~20 MB
        yield record


def published_date(files: Files) -> date | None:
    """The root's DateGenerated (dd/mm/yyyy), the FCDO's date of the list; None when the first
    child of the root is not DateGenerated."""
    root: Element | None = None
    for event, el in _events(files):
        if event == "start" and root is None:
            _check_root(el)
            root = el
        elif event == "start" and el.tag != "DateGenerated":
            return None
        elif event == "end" and el.tag == "DateGenerated":
            return _dmy(clean_text(el.text), f"{FILE}: <{_ROOT}>", "DateGenerated")
    return None


SPEC = SourceSpec(
    id="gb_fcdo_sanctions",
    name="UK Sanctions List",
    publisher="UK Foreign, Commonwealth and Development Office",
    publisher_url="https://www.gov.uk/government/publications/the-uk-sanctions-list",
    parse=parse,
    files=(RemoteFile(FILE, URL, "xml"),),
    published=published_date,
)
