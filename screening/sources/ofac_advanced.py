"""OFAC's advanced XML form (SDN_ADVANCED.XML / CONS_ADVANCED.XML, schema sdn_advanced.xsd).

A relational document. Its sections come in a fixed order (xsd:sequence):
DateOfIssue; ReferenceValueSets (id -> label tables: alias, party, feature, document, list and
sanctions types, countries…); Locations (addresses, by ID); IDRegDocuments (identifiers, by the
IdentityID they belong to); DistinctParties (one per listed party: FixedRef = the CSV ent_num, a
Profile with Identities -> Aliases -> DocumentedNames -> name parts, and Features: addresses,
birth dates, nationality, websites, vessel facts…); ProfileRelationships ("Linked To");
SanctionsEntries (per profile and list: programs as SanctionsMeasure comments, listing dates
as EntryEvent dates).

Programs and dates come after the parties, so each party is reduced to a small partial record
as it streams past and completed at the end; the parsed tree itself never grows past one unit.
A reference that does not resolve is a layout we do not know and raises ParseError.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ParseError
from .base import Identifier, Kind, Name, Record
from .countries import country_or_text, to_iso2
from .ofac_remarks import RemarksFacts
from .ofac_xml import ADVANCED_NAMESPACES, Element, XmlStream, add_labelled, make_record, text

_UNITS = {
    "ReferenceValueSets": 1,
    "Location": 2,
    "IDRegDocument": 2,
    "DistinctParty": 2,
    "ProfileRelationship": 2,
    "SanctionsEntry": 2,
}
_ALIAS_TYPES = {"A.K.A.": "aka", "F.K.A.": "fka", "N.K.A.": "nka", "Name": "aka"}
_PARTY_KINDS: dict[tuple[str, str], Kind] = {
    ("Individual", "Unknown"): "person",
    ("Entity", "Unknown"): "organization",
    ("Transport", "Vessel"): "vessel",
    ("Transport", "Aircraft"): "aircraft",
}
# Features the CSV keeps in its own columns (same detail keys as ofac.parse_csv_set).
_DETAIL_FEATURES = {
    "Title": "title",
    "Vessel Call Sign": "call_sign",
    "Vessel Type": "vessel_type",
    "Vessel Tonnage": "tonnage",
    "Vessel Gross Registered Tonnage": "grt",
    "Vessel Flag": "vessel_flag",
    "Vessel Owner": "vessel_owner",
}
# The wrapper list every consolidated entry is also filed under (created 10 Oct 2014): its
# entry date is when that list began, not when the party was listed.
_WRAPPER_LIST = "Consolidated List"
_BOUNDS = ("Start/From", "Start/To", "End/From", "End/To")
_PLACE_PARTS = ("CITY", "STATE/PROVINCE", "POSTAL CODE")
_MONTHS = ("", *calendar.month_abbr[1:])


@dataclass
class _Location:
    address: str | None
    country: str | None  # as published
    code: str | None  # ISO2 where it resolves, else the published text


@dataclass
class _Party:
    profile_id: str
    fixed_ref: str
    kind: Kind
    name: str
    aliases: list[Name]
    facts: RemarksFacts
    addresses: list[str]
    countries: list[str]
    remarks: str | None
    details: dict[str, object]
    programs: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    entry_dates: list[date] = field(default_factory=list)
    wrapper_dates: list[date] = field(default_factory=list)


class _Advanced:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.doc = XmlStream(name, data, "Sanctions", ADVANCED_NAMESPACES)
        self.refs: dict[str, dict[str, Element]] = defaultdict(dict)
        self.locations: dict[str, _Location] = {}
        self.documents: dict[str, list[Identifier]] = defaultdict(list)
        self.parties: dict[str, _Party] = {}  # by Profile ID, in file order
        self.relations: dict[str, list[tuple[str, str]]] = defaultdict(list)

    # -- reference tables ------------------------------------------------------------------------
    def ref(self, table: str, ref_id: str | None, where: str) -> Element:
        hit = self.refs[table].get(ref_id or "")
        if hit is None:
            raise ParseError(
                f"{self.name}: {where}: {table} ID {ref_id!r} is not in the reference tables"
            )
        return hit

    def label(self, table: str, ref_id: str | None, where: str) -> str:
        return text(self.ref(table, ref_id, where)) or ""

    def on_reference_sets(self, elem: Element) -> None:
        for table in elem:
            for item in table:
                self.refs[item.tag.rpartition("}")[2]][item.get("ID", "")] = item

    def country(self, country_id: str | None, where: str) -> tuple[str, str]:
        """(published name, ISO2-or-text) of a Country reference."""
        ref = self.ref("Country", country_id, where)
        published = text(ref) or ref.get("ISO2") or ""
        return published, to_iso2(published) or ref.get("ISO2") or published

    # -- dates -----------------------------------------------------------------------------------
    def point(self, elem: Element | None, where: str) -> date | None:
        if elem is None:
            return None
        q = self.doc.q
        try:
            return date(*(int(text(elem.find(q(p))) or "") for p in ("Year", "Month", "Day")))
        except ValueError as exc:
            raise ParseError(f"{self.name}: {where}: bad Year/Month/Day ({exc})") from exc

    def period(self, period: Element | None, where: str) -> str | None:
        """A DatePeriod as OFAC writes it in Remarks: `03 Jun 2021`, `Jun 2021`, `1962`,
        `1960 to 1962`, with `circa` when approximate."""
        if period is None:
            return None
        q = self.doc.q
        start, end = period.find(q("Start")), period.find(q("End"))
        points = [self.point(period.find(q(p)), where) for p in _BOUNDS]
        first, last = points[0] or points[1], points[3] or points[2]
        if not (first or last):
            return None
        first, last = first or last, last or first
        assert first and last
        if first == last:
            out = f"{first.day:02d} {_MONTHS[first.month]} {first.year}"
        elif (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
            out = str(first.year) if first.year == last.year else f"{first.year} to {last.year}"
        elif (first.year, first.month, first.day) == (last.year, last.month, 1) and last.day == (
            calendar.monthrange(last.year, last.month)[1]
        ):
            out = f"{_MONTHS[first.month]} {first.year}"
        else:
            out = (
                f"{first.day:02d} {_MONTHS[first.month]} {first.year} to "
                f"{last.day:02d} {_MONTHS[last.month]} {last.year}"
            )
        approx = any(b is not None and b.get("Approximate") == "true" for b in (start, end))
        return f"circa {out}" if approx else out

    # -- locations and documents -----------------------------------------------------------------
    def on_location(self, elem: Element) -> None:
        q, where = self.doc.q, f"Location {elem.get('ID')}"
        parts: dict[str, str] = {}
        for part in elem.iterfind(q("LocationPart")):
            kind = self.label("LocPartType", part.get("LocPartTypeID"), where)
            values = part.findall(q("LocationPartValue"))
            values.sort(key=lambda v: v.get("Primary") != "true")
            if values and (value := text(values[0].find(q("Value")))):
                parts[kind] = value
        published = code = None
        if (country := elem.find(q("LocationCountry"))) is not None:
            published, code = self.country(country.get("CountryID"), where)
        elif region := parts.pop("REGION", None):
            # The CSV and legacy XML write a region without a country as `Region: Gaza`
            # in their country field.
            published = f"Region: {region}"
            code = country_or_text(published)
        # Address lines, then any part of another type in document order (a country-valued
        # feature points at a Location whose one part, of type "Unknown", is the country name).
        lines = ", ".join(v for k, v in parts.items() if k not in _PLACE_PARTS)
        place = ", ".join(filter(None, (parts.get("CITY"), parts.get("STATE/PROVINCE"))))
        place = " ".join(filter(None, (place, parts.get("POSTAL CODE"))))
        address = ", ".join(filter(None, (lines, place, published))) or None
        self.locations[elem.get("ID", "")] = _Location(address, published, code)

    def location(self, location_id: str | None, where: str) -> _Location:
        hit = self.locations.get(location_id or "")
        if hit is None:
            raise ParseError(f"{self.name}: {where}: Location {location_id!r} is not in Locations")
        return hit

    def on_document(self, elem: Element) -> None:
        q, where = self.doc.q, f"IDRegDocument {elem.get('ID')}"
        doc_type = self.label("IDRegDocType", elem.get("IDRegDocTypeID"), where)
        number = text(elem.find(q("IDRegistrationNo")))
        country = None
        if by := elem.get("IssuedBy-CountryID"):
            country = self.country(by, where)[1]
        notes = []
        for when in elem.iterfind(q("DocumentDate")):
            label = self.label("IDRegDocDateType", when.get("IDRegDocDateTypeID"), where)
            value = self.period(when.find(q("DatePeriod")), where)
            verb = {"Issue Date": "issued", "Expiration Date": "expires"}.get(label, label)
            if value:
                notes.append(f"{verb} {value}")
        if authority := text(elem.find(q("IssuingAuthority"))):
            notes.append(f"issued by {authority}")
        facts = RemarksFacts()
        add_labelled(facts, doc_type, number, country, " ".join(notes) or None)
        self.documents[elem.get("IdentityID", "")].extend(facts.identifiers)

    # -- parties -------------------------------------------------------------------------------
    def name_of(self, doc_name: Element, groups: dict[str, str], where: str) -> str:
        """OFAC's CSV order: last name(s), a comma, then the other parts in document order."""
        last: list[str] = []
        rest: list[str] = []
        for value in doc_name.iterfind(self.doc.q("DocumentedNamePart/NamePartValue")):
            group = value.get("NamePartGroupID", "")
            if group not in groups:
                raise ParseError(f"{self.name}: {where}: NamePartGroup {group!r} is not declared")
            if part := text(value):
                (last if groups[group] == "Last Name" else rest).append(part)
        if last and rest:
            return f"{' '.join(last)}, {' '.join(rest)}"
        return " ".join(last + rest)

    def on_party(self, elem: Element) -> None:
        q = self.doc.q
        fixed_ref = elem.get("FixedRef", "")
        where = f"DistinctParty FixedRef {fixed_ref}"
        profile = elem.find(q("Profile"))
        if not fixed_ref or profile is None:
            raise ParseError(f"{self.name}: {where}: no FixedRef or no Profile")
        sub = self.ref("PartySubType", profile.get("PartySubTypeID"), where)
        party_type = self.label("PartyType", sub.get("PartyTypeID"), where)
        kind = _PARTY_KINDS.get((party_type, text(sub) or ""))
        if kind is None:
            raise ParseError(
                f"{self.name}: {where}, field PartySubTypeID: unknown {party_type}/{text(sub)}"
            )
        primary: str | None = None
        aliases: list[Name] = []
        facts = RemarksFacts()
        for identity in profile.iterfind(q("Identity")):
            groups = {
                g.get("ID", ""): self.label("NamePartType", g.get("NamePartTypeID"), where)
                for g in identity.iterfind(q("NamePartGroups/MasterNamePartGroup/NamePartGroup"))
            }
            for alias in identity.iterfind(q("Alias")):
                alias_label = self.label("AliasType", alias.get("AliasTypeID"), where)
                if alias_label not in _ALIAS_TYPES:
                    raise ParseError(
                        f"{self.name}: {where}, field AliasTypeID: unknown {alias_label!r}"
                    )
                low = alias.get("LowQuality") == "true"
                names = alias.findall(q("DocumentedName"))
                # The primary name is the "Primary Latin" spelling; other scripts become aliases.
                names.sort(
                    key=lambda n: (
                        self.label("DocNameStatus", n.get("DocNameStatusID"), where)
                        != "Primary Latin"
                    )
                )
                for doc_name in names:
                    value = self.name_of(doc_name, groups, where)
                    if alias.get("Primary") == "true" and primary is None:
                        primary = value
                    elif value:
                        alias_type = "weak" if low else _ALIAS_TYPES[alias_label]
                        aliases.append(Name(value, alias_type))  # type: ignore[arg-type]
            facts.identifiers.extend(self.documents.pop(identity.get("ID", ""), []))
        if not primary:
            raise ParseError(f"{self.name}: {where}: no primary name")
        addresses: list[str] = []
        countries: list[str] = []
        details: dict[str, object] = {}
        for feature in profile.iterfind(q("Feature")):
            label = self.label("FeatureType", feature.get("FeatureTypeID"), where)
            for version in feature.iterfind(q("FeatureVersion")):
                if label == "Location":
                    for ref in version.iterfind(q("VersionLocation")):
                        loc = self.location(ref.get("LocationID"), where)
                        addresses += [loc.address] if loc.address else []
                        countries += [loc.code] if loc.code else []
                    continue
                found = self.feature_value(version, where)
                if label in _DETAIL_FEATURES and found:
                    details[_DETAIL_FEATURES[label]] = found
                    if label == "Vessel Call Sign":
                        facts.identifiers.append(Identifier("Call Sign", found))
                else:
                    add_labelled(facts, label, found)
        remarks = "; ".join(filter(None, map(text, elem.iterfind(q("Comment"))))) or None
        profile_id = profile.get("ID", "")
        self.parties[profile_id] = _Party(
            profile_id,
            fixed_ref,
            kind,
            primary,
            aliases,
            facts,
            addresses,
            countries,
            remarks,
            details,
        )

    def feature_value(self, version: Element, where: str) -> str | None:
        q = self.doc.q
        values: list[str | None] = []
        for detail in version.iterfind(q("VersionDetail")):
            if ref_id := detail.get("DetailReferenceID"):
                values.append(self.label("DetailReference", ref_id, where))
            elif value := text(detail):
                values.append(value)
        for period in version.iterfind(q("DatePeriod")):
            values.append(self.period(period, where))
        for ref in version.iterfind(q("VersionLocation")):
            loc = self.location(ref.get("LocationID"), where)
            values.append(loc.country or loc.address)
        return "; ".join(filter(None, values)) or None

    # -- sanctions entries and relations -----------------------------------------------------------
    def on_relation(self, elem: Element) -> None:
        where = f"ProfileRelationship {elem.get('ID')}"
        relation = self.label("RelationType", elem.get("RelationTypeID"), where)
        self.relations[elem.get("From-ProfileID", "")].append(
            (relation, elem.get("To-ProfileID", ""))
        )

    def on_entry(self, elem: Element) -> None:
        q, where = self.doc.q, f"SanctionsEntry {elem.get('ID')}"
        party = self.parties.get(elem.get("ProfileID", ""))
        if party is None:
            raise ParseError(
                f"{self.name}: {where}: ProfileID {elem.get('ProfileID')!r} has no DistinctParty"
            )
        list_name = self.label("List", elem.get("ListID"), where) if elem.get("ListID") else None
        for measure in elem.iterfind(q("SanctionsMeasure")):
            measure_type = self.label("SanctionsType", measure.get("SanctionsTypeID"), where)
            if measure_type == "Program" and (program := text(measure.find(q("Comment")))):
                party.programs.append(program)
        if list_name and list_name not in party.lists:
            party.lists.append(list_name)
        dates = [self.point(e.find(q("Date")), where) for e in elem.iterfind(q("EntryEvent"))]
        bucket = party.wrapper_dates if list_name == _WRAPPER_LIST else party.entry_dates
        bucket.extend(d for d in dates if d)

    def records(self) -> Iterator[Record]:
        handlers = {
            "ReferenceValueSets": self.on_reference_sets,
            "Location": self.on_location,
            "IDRegDocument": self.on_document,
            "DistinctParty": self.on_party,
            "ProfileRelationship": self.on_relation,
            "SanctionsEntry": self.on_entry,
        }
        for tag, elem in self.doc.units(_UNITS):
            handlers[tag](elem)
        if not self.parties:
            raise ParseError(f"{self.name}: no DistinctParty elements")
        for party in self.parties.values():
            yield self.finish(party)

    def finish(self, party: _Party) -> Record:
        details: dict[str, Any] = party.details
        party.facts.listing_dates.extend(party.entry_dates or party.wrapper_dates)
        linked = []
        for relation, to_id in self.relations.get(party.profile_id, []):
            other = self.parties.get(to_id)
            linked.append({"type": relation, "to": other.fixed_ref if other else to_id})
            if other:
                party.facts.facts.setdefault("linked_to", []).append(other.name)
        if linked:
            details["relations"] = linked
        if party.lists:
            details["lists"] = party.lists
        return make_record(
            local_id=party.fixed_ref,
            kind=party.kind,
            name=party.name,
            aliases=party.aliases,
            programs=party.programs,
            countries=party.countries,
            addresses=party.addresses,
            facts=party.facts,
            remarks=party.remarks,
            details=details,
        )


def parse_advanced(name: str, data: bytes) -> Iterator[Record]:
    """Parse OFAC's advanced XML into the same Records as the CSV set."""
    yield from _Advanced(name, data).records()


def advanced_issue_date(name: str, data: bytes) -> date | None:
    """The document's DateOfIssue, read without parsing the parties."""
    state = _Advanced(name, data)
    for tag, elem in state.doc.units({"DateOfIssue": 1, "ReferenceValueSets": 1}):
        return state.point(elem, "DateOfIssue") if tag == "DateOfIssue" else None
    return None
