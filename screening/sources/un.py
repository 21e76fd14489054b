"""The UN Security Council Consolidated List in its XML form (`consolidated.xml`).

Format (the publisher's own file; a full copy of 2026-02-27 is in
tests/fixtures/un-sc-consolidated): root `CONSOLIDATED_LIST` (no namespace, attribute
`dateGenerated`) holding `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`. A record is a flat run of
child elements: DATAID, VERSIONNUM, FIRST_NAME..FOURTH_NAME, UN_LIST_TYPE (the sanctions regime),
REFERENCE_NUMBER (the UN's permanent reference, e.g. `QDi.001`, used as the local id), LISTED_ON,
COMMENTS1, NAME_ORIGINAL_SCRIPT, multi-valued
NATIONALITY/TITLE/DESIGNATION/LIST_TYPE/LAST_DAY_UPDATED (each `<VALUE>`), and repeated
INDIVIDUAL_ALIAS / ENTITY_ALIAS (QUALITY, ALIAS_NAME, NOTE…), *_ADDRESS, INDIVIDUAL_DATE_OF_BIRTH,
INDIVIDUAL_PLACE_OF_BIRTH and INDIVIDUAL_DOCUMENT.

Quirks the code below exists for:
- Empty placeholder elements are common: `<INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></...>`,
  `<INDIVIDUAL_DOCUMENT/>`, `<COUNTRY/>`. They carry nothing and yield nothing.
- Alias QUALITY is "Good"/"Low" for individuals and "a.k.a."/"f.k.a." for entities; it is kept
  verbatim in `Name.quality`, and "Low" becomes a `weak` name (the UN's low-quality alias).
- LISTED_ON is an xs:date and a few carry a zone offset (`2003-09-12-04:00`): the date is the
  first ten characters.
- Country names are the UN's own forms; the few pycountry does not know (`Iran (Islamic Republic
  of)`, `State of Palestine`) are mapped here, anything else unknown stays as published text.
- Text wraps across lines inside values (`National Identification\\n   Number`): whitespace is
  collapsed in names, codes and countries; COMMENTS1 and notes keep their text as published
  (stripped only).
- A document whose number is only inside its NOTE becomes no identifier (never guessed); every
  document is kept whole in `details["documents"]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element

from ..errors import ParseError
from . import xmlsafe
from .base import Files, Identifier, Kind, Name, NameType, Record, RemoteFile, SourceSpec
from .countries import country_or_text
from .xmlsafe import child_text, clean_text

FILE = "consolidated.xml"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
_ROOT = "CONSOLIDATED_LIST"
_SECTIONS = {"INDIVIDUALS": "INDIVIDUAL", "ENTITIES": "ENTITY"}
_KINDS: Mapping[str, Kind] = {"INDIVIDUAL": "person", "ENTITY": "organization"}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ALIAS_TYPES: Mapping[str, NameType] = {
    "good": "aka",
    "low": "weak",
    "a.k.a.": "aka",
    "f.k.a.": "fka",
    "n.k.a.": "nka",
}
_DOC_FIELDS = (
    "TYPE_OF_DOCUMENT",
    "TYPE_OF_DOCUMENT2",
    "NUMBER",
    "ISSUING_COUNTRY",
    "DATE_OF_ISSUE",
    "CITY_OF_ISSUE",
    "COUNTRY_OF_ISSUE",
    "NOTE",
)
_DOB_FIELDS = ("TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE")
_ALIAS_EXTRA = ("NOTE", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH")


def _values(el: Element, tag: str) -> list[str]:
    return [v for c in el.findall(f"{tag}/VALUE") if (v := clean_text(c.text))]


def _fields(el: Element, tags: tuple[str, ...]) -> dict[str, str]:
    """The non-empty children among `tags`, keyed in lower case (JSON-ready details)."""
    out: dict[str, str] = {}
    for tag in tags:
        found = el.find(tag)
        raw = "" if found is None else (found.text or "")
        text = raw.strip() if tag == "NOTE" else clean_text(raw)
        if text:
            out[tag.lower()] = text
    return out


def _country(name: str | None) -> str | None:
    if not name:
        return None
    return country_or_text(name)


def _events(name: str, data: bytes) -> Iterator[tuple[str, Element]]:
    return xmlsafe.events(name, data, "the UN's XML list")


def _file(files: Files) -> bytes:
    if FILE not in files:
        raise ParseError(f"missing {FILE}; got {sorted(files)}")
    return files[FILE]


def _listed_on(text: str | None, where: str) -> tuple[date, ...]:
    if not text:
        return ()
    try:
        return (date.fromisoformat(text[:10]),)
    except ValueError:
        raise ParseError(f"{where}, field LISTED_ON: {text!r} is not a date") from None


def _aliases(el: Element, tag: str, where: str) -> tuple[list[Name], list[dict[str, str]]]:
    names: list[Name] = []
    extras: list[dict[str, str]] = []
    for alias in el.findall(f"{tag}_ALIAS"):
        value = child_text(alias, "ALIAS_NAME")
        quality = child_text(alias, "QUALITY")
        if not value:
            continue  # the empty placeholder <QUALITY/><ALIAS_NAME/>
        name_type: NameType = "aka"
        if quality:
            if quality.lower() not in _ALIAS_TYPES:
                raise ParseError(f"{where}, field {tag}_ALIAS/QUALITY: unknown {quality!r}")
            name_type = _ALIAS_TYPES[quality.lower()]
        names.append(Name(value, name_type, quality))
        if extra := _fields(alias, _ALIAS_EXTRA):
            extras.append({"name": value, **extra})
    return names, extras


def _addresses(el: Element, tag: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    countries: list[str] = []
    for addr in el.findall(f"{tag}_ADDRESS"):
        parts = [
            p
            for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
            if (p := child_text(addr, t))
        ]
        note = child_text(addr, "NOTE")
        text = ", ".join(parts) + (f" ({note})" if note and parts else note or "")
        if text:
            texts.append(text)
        if code := _country(child_text(addr, "COUNTRY")):
            countries.append(code)
    return texts, countries


def _documents(el: Element) -> tuple[list[Identifier], list[dict[str, str]]]:
    identifiers: list[Identifier] = []
    documents: list[dict[str, str]] = []
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        f = _fields(doc, _DOC_FIELDS)
        if not f:
            continue  # <INDIVIDUAL_DOCUMENT/>
        documents.append(f)
        if number := f.get("number"):
            kind = f.get("type_of_document") or f.get("type_of_document2") or "Document"
            notes = (
                [f["type_of_document2"]]
                if "type_of_document" in f and "type_of_document2" in f
                else []
            )
            notes += [f"issued {f['date_of_issue']}"] if "date_of_issue" in f else []
            notes += [f"in {f['city_of_issue']}"] if "city_of_issue" in f else []
            notes += [f["note"]] if "note" in f else []
            country = _country(f.get("issuing_country") or f.get("country_of_issue"))
            identifiers.append(Identifier(kind, number, country, "; ".join(notes) or None))
    return identifiers, documents


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _record(el: Element, n: int) -> Record:
    tag = el.tag
    ref = child_text(el, "REFERENCE_NUMBER")
    where = f"{FILE}: {tag} #{n}" + (
        f" ({ref})" if ref else f" (DATAID {child_text(el, 'DATAID')})"
    )
    if not ref:
        raise ParseError(f"{where}, field REFERENCE_NUMBER is empty")
    parts = _NAME_PARTS if tag == "INDIVIDUAL" else _NAME_PARTS[:1]
    name = " ".join(p for t in parts if (p := child_text(el, t)))
    if not name:
        raise ParseError(f"{where}, field FIRST_NAME is empty")

    aliases, alias_details = _aliases(el, tag, where)
    original = child_text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append(Name(original, "aka"))
    nationalities = _values(el, "NATIONALITY")
    addresses, address_countries = _addresses(el, tag)
    identifiers, documents = _documents(el)
    countries = [c for v in nationalities if (c := _country(v))] + address_countries

    details: dict[str, Any] = {
        "dataid": child_text(el, "DATAID"),
        "version": child_text(el, "VERSIONNUM"),
    }
    for key, values in (
        ("list_type", _values(el, "LIST_TYPE")),
        ("last_updated", _values(el, "LAST_DAY_UPDATED")),
        ("titles", _values(el, "TITLE")),
        ("designations", _values(el, "DESIGNATION")),
        ("nationalities", nationalities),
    ):
        if values:
            details[key] = values
    if gender := child_text(el, "GENDER"):
        details["gender"] = gender
    if original:
        details["name_original_script"] = original
    if dobs := [
        f
        for d in el.findall("INDIVIDUAL_DATE_OF_BIRTH")
        if set(f := _fields(d, _DOB_FIELDS)) - {"type_of_date"}
    ]:
        details["dates_of_birth"] = dobs
    pobs = [
        ", ".join(
            p
            for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE")
            if (p := child_text(b, t))
        )
        for b in el.findall("INDIVIDUAL_PLACE_OF_BIRTH")
    ]
    if pobs := [p for p in pobs if p]:
        details["places_of_birth"] = pobs
    if documents:
        details["documents"] = documents
    if alias_details:
        details["alias_details"] = alias_details
    comments = el.find("COMMENTS1")
    program = child_text(el, "UN_LIST_TYPE")
    return Record(
        local_id=ref,
        kind=_KINDS[tag],
        name=name,
        aliases=tuple(dict.fromkeys(aliases)),
        programs=(program,) if program else (),
        countries=_unique(countries),
        addresses=_unique(addresses),
        identifiers=tuple(identifiers),
        listing_dates=_listed_on(child_text(el, "LISTED_ON"), where),
        remarks=((comments.text or "").strip() or None) if comments is not None else None,
        details={k: v for k, v in details.items() if v is not None},
    )


def parse(files: Files) -> Iterator[Record]:
    """Every INDIVIDUAL (person) and ENTITY (organization), streamed in file order."""
    data = _file(files)
    stack: list[Element] = []
    counts = dict.fromkeys(_KINDS, 0)
    sections: set[str] = set()
    seen: set[str] = set()
    for event, el in _events(FILE, data):
        if event == "start":
            depth = len(stack)
            if depth == 0 and el.tag != _ROOT:
                raise ParseError(f"{FILE}: root element is <{el.tag}>, expected <{_ROOT}>")
            if depth == 1:
                if el.tag not in _SECTIONS:
                    raise ParseError(f"{FILE}: unknown section <{el.tag}> under <{_ROOT}>")
                sections.add(el.tag)
            if depth == 2 and el.tag != _SECTIONS[stack[1].tag]:
                raise ParseError(
                    f"{FILE}: <{el.tag}> inside <{stack[1].tag}>, expected "
                    f"<{_SECTIONS[stack[1].tag]}>"
                )
            stack.append(el)
            continue
        stack.pop()
        if len(stack) != 2:
            continue
        counts[el.tag] += 1
        record = _record(el, counts[el.tag])
        if record.local_id in seen:
            raise ParseError(
                f"{FILE}: {el.tag} #{counts[el.tag]}, field REFERENCE_NUMBER: "
                f"{record.local_id} appears twice"
            )
        seen.add(record.local_id)
        stack[-1].remove(el)  # streamed: keep memory flat on the full list
        yield record
    if missing := set(_SECTIONS) - sections:
        raise ParseError(f"{FILE}: no <{'>, <'.join(sorted(missing))}> section (not the UN list?)")


def published_date(files: Files) -> date | None:
    """The day of the root's `dateGenerated` (`2026-02-27T00:00:09.554Z` -> 2026-02-27)."""
    for event, el in _events(FILE, _file(files)):
        if event != "start":
            continue
        if el.tag != _ROOT:
            raise ParseError(f"{FILE}: root element is <{el.tag}>, expected <{_ROOT}>")
        stamp = el.get("dateGenerated")
        if not stamp:
            return None
        try:
            return date.fromisoformat(stamp[:10])
        except ValueError:
            raise ParseError(
                f"{FILE}: line 1, attribute dateGenerated: {stamp!r} is not a date"
            ) from None
    return None


SPEC = SourceSpec(
    id="un_sc",
    name="UN Security Council Consolidated List",
    publisher="United Nations Security Council",
    publisher_url="https://www.un.org/securitycouncil/content/un-sc-consolidated-list",
    parse=parse,
    files=(RemoteFile(FILE, URL, "xml"),),
    published=published_date,
)
