"""OFAC's lists in XML: the streaming reader both XML forms share, and the legacy `sdnList` form.

OFAC publishes each list (SDN and consolidated non-SDN) in three forms: the CSV set (ofac.py),
the legacy XML read here (`sdn.xml`, `consolidated.xml`) and the advanced XML (ofac_advanced.py).
Legacy XML: root `sdnList`; `publshInformation` (sic) with Publish_Date (MM/DD/YYYY) and
Record_Count; then one `sdnEntry` per party: uid (= the CSV ent_num), lastName/firstName,
sdnType, programList, idList (identifiers *and* dated or descriptive facts, each a labelled
`idType`/`idNumber` pair), akaList (a.k.a./f.k.a./n.k.a., category strong or weak), addressList,
nationality/citizenship/birth lists, vesselInfo, and remarks (what the idList does not hold).

Every form maps onto the Record the CSV parser yields. The CSV packs identifiers, listing dates and
facts into Remarks; the XML gives them as labelled items, and `add_labelled` sorts such an item the
way ofac_remarks sorts a Remarks item (identifier types, `listing_date (CMIC)` keys, `dob`…).

Both namespaces OFAC has used are accepted (the original one and the Sanctions List Service's, live
since 2024); any other is refused. Parsing is streamed: defusedxml's iterparse, and each entry is
removed from the tree once read, so a 120 MB file never holds more than one entry's elements.
defusedxml refuses entity declarations (billion laughs) and external references; that, malformed
XML and an HTML page all raise ParseError.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from ..errors import ParseError
from .base import Identifier, Kind, Name, Record
from .countries import country_or_text
from .ofac_remarks import ID_TYPES, RemarksFacts, parse_ofac_date, parse_remarks

Element = Any  # xml.etree Element from defusedxml's (pure-Python) ElementTree

_SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
LEGACY_NAMESPACES = ("http://tempuri.org/sdnList.xsd", _SLS + "XML")
ADVANCED_NAMESPACES = ("http://www.un.org/sanctions/1.0", _SLS + "ADVANCED_XML")


class XmlStream:
    """One OFAC XML document read as a stream of its top-level units.

    `units(...)` yields (local name, element) for each element of a named kind ending at its given
    depth (root = 0), then removes it from its parent; the root's name and namespace are checked at
    its start tag. `q("A/B")` qualifies a path with the document's namespace.
    """

    def __init__(self, name: str, data: bytes, root: str, namespaces: tuple[str, ...]) -> None:
        self.name = name
        self.data = data
        self.root = root
        self.namespaces = namespaces
        self.ns = ""

    def q(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{step}" for step in path.split("/"))

    def _check_root(self, tag: str) -> None:
        ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if local != self.root:
            raise ParseError(f"{self.name}: root element is <{local}>, expected <{self.root}>")
        if ns not in self.namespaces:
            raise ParseError(
                f"{self.name}: unknown namespace {ns!r} on <{local}>; "
                f"known: {', '.join(self.namespaces)}"
            )
        self.ns = ns

    def units(self, units: Mapping[str, int]) -> Iterator[tuple[str, Element]]:
        head = self.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if not head:
            raise ParseError(f"{self.name}: empty file")
        if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
            raise ParseError(f"{self.name}: an HTML page, not OFAC XML")
        stack: list[Element] = []
        wanted: dict[str, tuple[str, int]] = {}
        try:
            for event, elem in DefusedET.iterparse(io.BytesIO(self.data), ("start", "end")):
                if event == "start":
                    if not stack:
                        self._check_root(elem.tag)
                        wanted = {self.q(k): (k, d) for k, d in units.items()}
                    stack.append(elem)
                    continue
                stack.pop()
                unit = wanted.get(elem.tag)
                if unit and unit[1] == len(stack):
                    yield unit[0], elem
                    stack[-1].remove(elem)
        except SyntaxError as exc:  # xml.etree's ParseError, from either ElementTree copy
            raise ParseError(f"{self.name}: malformed XML: {exc}") from exc
        except DefusedXmlException as exc:
            raise ParseError(
                f"{self.name}: refused XML construct (entity declarations and external "
                f"references are forbidden): {exc!r}"
            ) from exc


def text(elem: Element | None) -> str | None:
    """An element's text without surrounding whitespace (as the CSV strips its cells), None
    when missing or blank."""
    if elem is None or elem.text is None:
        return None
    value: str = elem.text.strip()
    return value or None


# Labelled items: a dated fact (listing date), a described fact (DOB, gender, a determination)
# or an identifier. Labels ending in "-" or ":" introduce a statement, not an identifier.
_DATED = re.compile(
    r"^(?P<label>Listing Date|Effective Date|Purchase/Sales For Divestment Date)"
    r"(?:\s+\((?P<program>[^)]+)\))?$"
)
FACT_KEYS = {
    "DOB": "dob",
    "Birthdate": "dob",
    "POB": "pob",
    "Place of Birth": "pob",
    "Nationality Country": "nationality",
    "Citizenship Country": "citizen",
    "Gender": "gender",
}
_NOT_IDENTIFIERS = {
    "Target Type",
    "Issuer Name",
    "Organization Type",
    "Organization Established Date",
    "Aircraft Model",
    "Aircraft Manufacture Date",
    "Aircraft Operator",
    "Vessel Year of Build",
    "Location",
}


def fact_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def add_labelled(
    facts: RemarksFacts,
    label: str,
    value: str | None,
    country: str | None = None,
    note: str | None = None,
) -> None:
    """File one labelled value as ofac_remarks would file the same item read from Remarks."""
    label = " ".join(label.split())
    if not value:
        return
    bare = label.rstrip(" :-")
    if m := _DATED.match(bare):
        key = m["label"].lower().replace(" ", "_").replace("/", "_")
        if m["program"]:
            key += f" ({m['program']})"
        facts.facts.setdefault(key, []).append(value)
        if m["label"] == "Listing Date" and (when := parse_ofac_date(value)):
            facts.listing_dates.append(when)
    elif bare in FACT_KEYS:
        facts.facts.setdefault(FACT_KEYS[bare], []).append(value)
    elif bare != label or bare in _NOT_IDENTIFIERS:
        facts.facts.setdefault(fact_key(bare), []).append(value)
    else:
        facts.identifiers.append(Identifier(ID_TYPES.get(bare, bare), value, country, note))


def _unique(items: list[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def make_record(
    *,
    local_id: str,
    kind: Kind,
    name: str,
    aliases: list[Name],
    programs: list[str],
    countries: list[str],
    addresses: list[str],
    facts: RemarksFacts,
    remarks: str | None,
    details: Mapping[str, object],
) -> Record:
    """The Record shape ofac.parse_csv_set yields: facts from the structured items plus whatever
    the remarks still carry, strong aliases before weak ones, listing dates sorted."""
    extra = parse_remarks(remarks)
    for key, values in extra.facts.items():
        facts.facts.setdefault(key, []).extend(values)
    all_aliases = [a for a in aliases if a.type != "weak"] + [
        a for a in aliases if a.type == "weak"
    ]
    merged: dict[str, object] = {k: list(dict.fromkeys(v)) for k, v in facts.facts.items()}
    merged.update(details)
    return Record(
        local_id=local_id,
        kind=kind,
        name=name,
        aliases=_unique(all_aliases + facts.weak_aliases + extra.weak_aliases),
        programs=_unique(programs),
        countries=_unique(countries),
        addresses=_unique(addresses),
        identifiers=_unique(facts.identifiers + extra.identifiers),
        listing_dates=tuple(sorted(set(facts.listing_dates + extra.listing_dates))),
        remarks=remarks,
        details=merged,
    )


# ---- the legacy sdnList form -------------------------------------------------------------------

_LEGACY_KINDS: Mapping[str, Kind] = {
    "entity": "organization",
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_AKA_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
_VESSEL_KEYS = {
    "callSign": "call_sign",
    "vesselType": "vessel_type",
    "tonnage": "tonnage",
    "grossRegisteredTonnage": "grt",
    "vesselFlag": "vessel_flag",
    "vesselOwner": "vessel_owner",
}
_LEGACY_UNITS = {"publshInformation": 1, "sdnEntry": 1}
_ADDRESS_TAGS = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)


def _legacy_name(doc: XmlStream, elem: Element) -> str | None:
    last, first = text(elem.find(doc.q("lastName"))), text(elem.find(doc.q("firstName")))
    return f"{last}, {first}" if last and first else (last or first)


def _legacy_entry(doc: XmlStream, entry: Element) -> Record:
    uid = text(entry.find(doc.q("uid")))
    where = f"{doc.name}: sdnEntry uid {uid}"
    if not uid or not uid.isdigit():
        raise ParseError(f"{doc.name}: an sdnEntry has no numeric uid ({uid!r})")
    name = _legacy_name(doc, entry)
    if not name:
        raise ParseError(f"{where}, field lastName is empty")
    sdn_type = (text(entry.find(doc.q("sdnType"))) or "").lower()
    if sdn_type not in _LEGACY_KINDS:
        raise ParseError(f"{where}, field sdnType: unknown {sdn_type!r}")
    aliases: list[Name] = []
    for aka in entry.iterfind(doc.q("akaList/aka")):
        aka_type = (text(aka.find(doc.q("type"))) or "").lower()
        category = (text(aka.find(doc.q("category"))) or "").lower()
        if aka_type not in _AKA_TYPES or category not in ("strong", "weak"):
            raise ParseError(f"{where}, field aka: unknown type/category {aka_type!r}/{category!r}")
        if alias := _legacy_name(doc, aka):
            kind = "weak" if category == "weak" else _AKA_TYPES[aka_type]
            aliases.append(Name(alias, kind))  # type: ignore[arg-type]
    facts = RemarksFacts()
    for item in entry.iterfind(doc.q("idList/id")):
        dates = [
            f"{label} {value}"
            for label, tag in (("issued", "issueDate"), ("expires", "expirationDate"))
            if (value := text(item.find(doc.q(tag))))
        ]
        add_labelled(
            facts,
            text(item.find(doc.q("idType"))) or "",
            text(item.find(doc.q("idNumber"))),
            country_or_text(text(item.find(doc.q("idCountry")))),
            " ".join(dates) or None,
        )
    for path, key in (
        ("dateOfBirthList/dateOfBirthItem/dateOfBirth", "dob"),
        ("placeOfBirthList/placeOfBirthItem/placeOfBirth", "pob"),
        ("nationalityList/nationality/country", "nationality"),
        ("citizenshipList/citizenship/country", "citizen"),
    ):
        for value in filter(None, map(text, entry.iterfind(doc.q(path)))):
            facts.facts.setdefault(key, []).append(value)
    addresses: list[str] = []
    countries: list[str] = []
    for addr in entry.iterfind(doc.q("addressList/address")):
        part = {tag: text(addr.find(doc.q(tag))) for tag in _ADDRESS_TAGS}
        country = part["country"]
        lines = ", ".join(filter(None, (part["address1"], part["address2"], part["address3"])))
        place = ", ".join(filter(None, (part["city"], part["stateOrProvince"])))
        place = " ".join(filter(None, (place, part["postalCode"])))
        if full := ", ".join(filter(None, (lines, place, country))):
            addresses.append(full)
        if code := country_or_text(country):
            countries.append(code)
    details: dict[str, object] = {}
    if title := text(entry.find(doc.q("title"))):
        details["title"] = title
    for tag, key in _VESSEL_KEYS.items():
        if value := text(entry.find(doc.q(f"vesselInfo/{tag}"))):
            details[key] = value
    if "call_sign" in details:
        facts.identifiers.append(Identifier("Call Sign", str(details["call_sign"])))
    return make_record(
        local_id=uid,
        kind=_LEGACY_KINDS[sdn_type],
        name=name,
        aliases=aliases,
        programs=[p for p in map(text, entry.iterfind(doc.q("programList/program"))) if p],
        countries=countries,
        addresses=addresses,
        facts=facts,
        remarks=text(entry.find(doc.q("remarks"))),
        details=details,
    )


def parse_legacy(name: str, data: bytes) -> Iterator[Record]:
    """Parse OFAC's legacy XML (SDN.XML / CONSOLIDATED.XML). The entry count is checked against
    the file's own Record_Count, so a document cut short never loads as a smaller list."""
    doc = XmlStream(name, data, "sdnList", LEGACY_NAMESPACES)
    declared: int | None = None
    seen: set[str] = set()
    for tag, elem in doc.units(_LEGACY_UNITS):
        if tag == "publshInformation":
            count = text(elem.find(doc.q("Record_Count")))
            if count is not None and not count.isdigit():
                raise ParseError(f"{name}: field Record_Count {count!r} is not a number")
            declared = int(count) if count else None
            continue
        record = _legacy_entry(doc, elem)
        if record.local_id in seen:
            raise ParseError(f"{name}: sdnEntry uid {record.local_id} appears twice")
        seen.add(record.local_id)
        yield record
    if not seen:
        raise ParseError(f"{name}: no sdnEntry elements")
    if declared is not None and declared != len(seen):
        raise ParseError(f"{name}: Record_Count says {declared} entries, the file has {len(seen)}")


def legacy_publish_date(name: str, data: bytes) -> date | None:
    """The legacy XML's Publish_Date (MM/DD/YYYY), read without parsing the entries."""
    doc = XmlStream(name, data, "sdnList", LEGACY_NAMESPACES)
    for tag, elem in doc.units(_LEGACY_UNITS):
        if tag != "publshInformation":
            return None
        value = text(elem.find(doc.q("Publish_Date")))
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%m/%d/%Y").date()
        except ValueError as exc:
            raise ParseError(f"{name}: field Publish_Date {value!r} is not MM/DD/YYYY") from exc
    return None
