"""The EU's consolidated financial sanctions list, as the Commission's Financial Sanctions Files
(FSF) XML 1.1 export.

Built from the publisher's schema (`schema_1_1.xsd`, copied in tests/fixtures/eu-fsf) and tested
on the smallest document that validates against it (see that folder's README.md) and on a
real-looking excerpt of the 2026-08-05 file (five whole entities, tests/fixtures/eu-fsf/
excerpt-2026-08, not verifiable against the Commission's original). No full EU file is
available to this project: expect to revisit details on the first real download.

Format: root `<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate globalFileId>`
holding `sanctionEntity` elements (attributes logicalId — required, "the unique logical identifier
of a sanctioned entity … provided to external actors", so it is the local id — euReferenceNumber,
unitedNationId, designationDate, delistingDate, designationDetails). Each has remark*,
regulation (programme, numberTitle, dates, publicationUrl), subjectType (classificationCode P
person / E enterprise), nameAlias+ (wholeName, first/middle/lastName, function, gender, title,
nameLanguage, strong), citizenship*, birthdate*, address* (with contactInfo*), identification*.
Everything is in attributes; the sub-elements of a detail (regulationSummary, remark) repeat the
legal basis of that detail.

Reading choices: the primary name is, among the `strong="true"` names (else all names), the one
with the lowest nameAlias logicalId, ties in file order. In the real file every name can be
strong and the name translations added later (Irish, Hungarian…, with higher logicalIds) come
first: on the 2026-08 excerpt (tests/fixtures/eu-fsf/excerpt-2026-08) the oldest id is each time
the name of the original designation ("Parchin Chemical Industries (PCI)", not "Tionscail
Ceimiceán Parchin"). A name marked `strong="false"`, or whose remark says "low quality", is a
weak alias. Countries with
description UNKNOWN (code `00`) are skipped. The listing date is designationDate, else the
earliest entryIntoForceDate of the entity's regulations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element

from ..errors import ParseError
from . import xmlsafe
from .base import Files, Identifier, Kind, Name, Record, RemoteFile, SourceSpec
from .countries import country_or_text, to_iso2
from .xmlsafe import clean_text

FILE = "xmlFullSanctionsList_1_1.xml"
URL = (
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=dG9rZW4tMjAxNw"
)
NS = "http://eu.europa.ec/fpi/fsd/export"
_ROOT = f"{{{NS}}}export"
_ENTITY = f"{{{NS}}}sanctionEntity"
_KINDS: dict[str, Kind] = {"P": "person", "E": "organization"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_REGULATION_ATTRS = (
    "regulationType",
    "organisationType",
    "publicationDate",
    "entryIntoForceDate",
    "numberTitle",
    "programme",
)
_ID_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _attrs(
    el: Element, skip: tuple[str, ...] = ("logicalId", "regulationLanguage")
) -> dict[str, str]:
    """An element's non-empty attributes in snake_case (JSON-ready details)."""
    return {
        _CAMEL.sub("_", k).lower(): v.strip()
        for k, v in el.attrib.items()
        if k not in skip and v.strip()
    }


def _country(el: Element) -> str | None:
    code = (el.get("countryIso2Code") or "").strip()
    desc = clean_text(el.get("countryDescription"))
    if code == "00" or (desc or "").upper() == "UNKNOWN":
        return None
    return to_iso2(code) or country_or_text(desc) or (code or None)


def _date(value: str | None, where: str, field: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])  # xs:date may carry a zone offset
    except ValueError:
        raise ParseError(f"{where}, field {field}: {value!r} is not a date") from None


def _events(files: Files) -> Iterator[tuple[str, Element]]:
    if FILE not in files:
        raise ParseError(f"missing {FILE}; got {sorted(files)}")
    return xmlsafe.events(FILE, files[FILE], "the EU FSF XML")


def _check_root(el: Element) -> None:
    if el.tag != _ROOT:
        raise ParseError(f"{FILE}: root element is <{el.tag}>, expected <export> in namespace {NS}")


def _names(e: Element, where: str) -> tuple[str, list[Name], dict[str, list[str]]]:
    entries: list[tuple[str, bool, bool, str | None]] = []
    ages: list[int] = []  # the nameAlias logicalId: the lower, the older the name
    extra: dict[str, list[str]] = {"functions": [], "titles": [], "genders": []}
    for na in e.findall(_q("nameAlias")):
        whole = clean_text(na.get("wholeName")) or clean_text(
            " ".join(na.get(a) or "" for a in ("firstName", "middleName", "lastName"))
        )
        for key, attr in (("functions", "function"), ("titles", "title"), ("genders", "gender")):
            if (value := clean_text(na.get(attr))) and value not in extra[key]:
                extra[key].append(value)
        if not whole:
            continue
        strong = (na.get("strong") or "").strip().lower()
        remarks = [r for el in na.findall(_q("remark")) if (r := clean_text(el.text))]
        quality = next((r for r in remarks if "quality" in r.lower()), None)
        weak = strong in ("false", "0") or bool(quality and "low quality" in quality.lower())
        entries.append((whole, strong in ("true", "1"), weak, quality))
        age = (na.get("logicalId") or "").strip()
        ages.append(int(age) if age.isdigit() else 2**63)
    if not entries:
        raise ParseError(f"{where}, field nameAlias: no name (wholeName/firstName/lastName)")
    pool = [i for i, x in enumerate(entries) if x[1]] or list(range(len(entries)))
    primary = entries[min(pool, key=lambda i: (ages[i], i))]
    aliases = [
        Name(w, "weak" if weak else "aka", q)
        for (w, _, weak, q) in entries
        if (w, weak, q) != (primary[0], primary[2], primary[3])
    ]
    return primary[0], list(dict.fromkeys(aliases)), {k: v for k, v in extra.items() if v}


def _addresses(e: Element) -> tuple[list[str], list[str], list[dict[str, str]]]:
    texts: list[str] = []
    countries: list[str] = []
    contacts: list[dict[str, str]] = []
    for a in e.findall(_q("address")):
        country = _country(a)
        desc = clean_text(a.get("countryDescription"))
        box = clean_text(a.get("poBox"))
        parts = [
            clean_text(a.get("street")),
            f"PO Box {box}" if box else None,
            clean_text(a.get("zipCode")),
            clean_text(a.get("city")),
            clean_text(a.get("region")),
            clean_text(a.get("place")),
            desc if country else None,
        ]
        if text := ", ".join(p for p in parts if p):
            texts.append(text)
        if country:
            countries.append(country)
        contacts += [_attrs(c) for c in a.findall(_q("contactInfo"))]
    return texts, countries, contacts


def _identifications(e: Element) -> tuple[list[Identifier], list[dict[str, str]]]:
    identifiers: list[Identifier] = []
    details: list[dict[str, str]] = []
    for node in e.findall(_q("identification")):
        details.append(_attrs(node))
        number = clean_text(node.get("number")) or clean_text(node.get("latinNumber"))
        if not number:
            continue
        kind = (
            clean_text(node.get("identificationTypeDescription"))
            or clean_text(node.get("identificationTypeCode"))
            or "identification"
        )
        notes = [f for f in _ID_FLAGS if (node.get(f) or "").lower() in ("true", "1")]
        notes += [f"issued by {v}" for v in [clean_text(node.get("issuedBy"))] if v]
        notes += [f"issued {v}" for v in [clean_text(node.get("issueDate"))] if v]
        notes += [r for el in node.findall(_q("remark")) if (r := clean_text(el.text))]
        identifiers.append(Identifier(kind, number, _country(node), "; ".join(notes) or None))
    return identifiers, details


def _record(e: Element, n: int) -> Record:
    logical = (e.get("logicalId") or "").strip()
    where = f"{FILE}: sanctionEntity #{n}" + (f" (logicalId {logical})" if logical else "")
    if not logical.lstrip("-").isdigit():
        raise ParseError(f"{where}, attribute logicalId: {logical!r} is not a number")
    subject = e.find(_q("subjectType"))
    code = "" if subject is None else (subject.get("classificationCode") or "").strip()
    if code not in _KINDS:
        raise ParseError(
            f"{where}, field subjectType/classificationCode: unknown {code!r} (expected P or E)"
        )
    name, aliases, name_facts = _names(e, where)
    regulations = []
    for reg in e.findall(_q("regulation")):
        entry = {
            _CAMEL.sub("_", k).lower(): v
            for k in _REGULATION_ATTRS
            if (v := clean_text(reg.get(k)))
        }
        if url := clean_text(reg.findtext(_q("publicationUrl"))):
            entry["publication_url"] = url
        regulations.append(entry)
    citizenships = [c for el in e.findall(_q("citizenship")) if (c := _country(el))]
    addresses, address_countries, contacts = _addresses(e)
    identifiers, identification_details = _identifications(e)
    eu_ref = clean_text(e.get("euReferenceNumber"))
    un_id = clean_text(e.get("unitedNationId"))
    if eu_ref:
        identifiers.insert(0, Identifier("EU reference number", eu_ref))
    if un_id:
        identifiers.insert(1 if eu_ref else 0, Identifier("UN reference number", un_id))

    designated = _date(e.get("designationDate"), where, "designationDate")
    in_force = [
        d
        for r in e.findall(_q("regulation"))
        if (d := _date(r.get("entryIntoForceDate"), where, "regulation/entryIntoForceDate"))
    ]
    listed = designated or (min(in_force) if in_force else None)
    remarks = [r for el in e.findall(_q("remark")) if (r := (el.text or "").strip())]
    details: dict[str, Any] = {
        "logical_id": logical,
        "eu_reference_number": eu_ref,
        "united_nation_id": un_id,
        "designation_date": designated.isoformat() if designated else None,
        "designation_details": clean_text(e.get("designationDetails")),
        "delisting_date": clean_text(e.get("delistingDate")),
        "subject_type": None if subject is None else clean_text(subject.get("code")),
        "regulations": regulations,
        "birth_dates": [_attrs(b) for b in e.findall(_q("birthdate"))],
        "identifications": identification_details,
        "contact_info": contacts,
        "additional_information": [_attrs(a) for a in e.findall(_q("additionalInformation"))],
        **name_facts,
    }
    return Record(
        local_id=logical,
        kind=_KINDS[code],
        name=name,
        aliases=tuple(aliases),
        programs=tuple(dict.fromkeys(r["programme"] for r in regulations if "programme" in r)),
        countries=tuple(dict.fromkeys(citizenships + address_countries)),
        addresses=tuple(dict.fromkeys(addresses)),
        identifiers=tuple(identifiers),
        listing_dates=(listed,) if listed else (),
        remarks="\n".join(remarks) or None,
        details={k: v for k, v in details.items() if v not in (None, [], "")},
    )


def parse(files: Files) -> Iterator[Record]:
    """Every sanctionEntity, streamed in file order (person or organization)."""
    depth = 0
    n = 0
    seen: set[str] = set()
    root: Element | None = None
    for event, el in _events(files):
        if event == "start":
            if depth == 0:
                _check_root(el)
                root = el
            elif depth == 1 and el.tag != _ENTITY:
                raise ParseError(
                    f"{FILE}: unknown element <{el.tag}> under <export> (expected sanctionEntity)"
                )
            depth += 1
            continue
        depth -= 1
        if depth != 1 or root is None:
            continue
        n += 1
        record = _record(el, n)
        if record.local_id in seen:
            raise ParseError(
                f"{FILE}: sanctionEntity #{n}, attribute logicalId: {record.local_id} appears twice"
            )
        seen.add(record.local_id)
        root.remove(el)  # streamed: the full file is ~25 MB
        yield record


def published_date(files: Files) -> date | None:
    """The day of the root's generationDate (an xs:dateTime)."""
    for event, el in _events(files):
        if event == "start":
            _check_root(el)
            return _date(el.get("generationDate"), f"{FILE}: <export>", "generationDate")
    return None


SPEC = SourceSpec(
    id="eu_fsf",
    name="EU Consolidated Financial Sanctions List (FSF)",
    publisher="European Commission (DG FISMA), Financial Sanctions Files",
    publisher_url=(
        "https://data.europa.eu/data/datasets/"
        "consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions"
    ),
    parse=parse,
    files=(RemoteFile(FILE, URL, "xml"),),
    published=published_date,
)
