"""`opensanctions:<dataset>`: OpenSanctions' FollowTheMoney entity export (JSON lines).

Each line is `{"id", "caption", "schema", "properties": {prop: [values]}, "datasets", ...}`.
Parties (Company, Organization, LegalEntity, PublicBody, Person, Vessel, Airplane) become
records; `Sanction` entities attach their programme and listing date to the party they name;
`Address` entities resolve `addressEntity` links. Relationship schemas (Ownership, Family,
Directorship…) are not parties and are skipped. Data licence: CC BY-NC 4.0.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..errors import InputError, ParseError
from .base import Files, Identifier, Kind, Name, Record, RemoteFile, SourceSpec
from .countries import country_or_text

FILE = "entities.ftm.json"
KINDS: dict[str, Kind] = {
    "Company": "organization",
    "Organization": "organization",
    "LegalEntity": "organization",
    "PublicBody": "organization",
    "Person": "person",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
ID_PROPS = {
    "registrationNumber": "Registration Number",
    "taxNumber": "Tax Number",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "kppCode": "KPP",
    "leiCode": "LEI",
    "isinCode": "ISIN",
    "swiftBic": "SWIFT/BIC",
    "imoNumber": "IMO",
    "mmsi": "MMSI",
    "idNumber": "ID Number",
    "passportNumber": "Passport",
    "uniqueEntityId": "SAM UEI",
    "dunsCode": "D-U-N-S",
    "okpoCode": "OKPO",
    "vatCode": "VAT",
    "uscCode": "USCC",
}
ALIAS_PROPS: dict[str, str] = {"alias": "aka", "previousName": "fka", "weakAlias": "weak"}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _lines(data: bytes, name: str = FILE) -> Iterator[tuple[int, dict[str, Any]]]:
    head = data.lstrip()[:100].lower()
    if head.startswith((b"<!doctype", b"<html")):
        raise ParseError(f"{name}: got an HTML page, not FollowTheMoney JSON lines")
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ParseError(f"{name}: line {number}: not JSON ({exc.msg})") from exc
        except UnicodeDecodeError as exc:
            raise ParseError(f"{name}: line {number}: not UTF-8 text") from exc
        if not isinstance(obj, dict) or "schema" not in obj or "id" not in obj:
            raise ParseError(f"{name}: line {number}: not a FollowTheMoney entity (no id/schema)")
        yield number, obj


def parse_ftm(files: Files) -> Iterator[Record]:
    """Parse a FollowTheMoney JSON-lines export into records. The export is `entities.ftm.json`
    or, for a local import, the one file given under its own name (errors name that file)."""
    if FILE in files:
        name = FILE
    elif len(files) == 1:
        name = next(iter(files))
    else:
        raise ParseError(f"missing {FILE}")
    parties: list[dict[str, Any]] = []
    addresses: dict[str, str] = {}
    sanctions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, obj in _lines(files[name], name):
        schema, props = obj["schema"], obj.get("properties") or {}
        if schema in KINDS:
            parties.append(obj)
        elif schema == "Address":
            full = (props.get("full") or [obj.get("caption") or ""])[0]
            if full:
                addresses[obj["id"]] = full
        elif schema == "Sanction":
            for target in props.get("entity", []):
                sanctions[target].append(props)
    for obj in parties:
        props = obj.get("properties") or {}
        names = props.get("name") or []
        primary = obj.get("caption") or (names[0] if names else "")
        if not primary:
            continue
        aliases = [Name(n, "aka") for n in names if n != primary]
        for prop, kind in ALIAS_PROPS.items():
            aliases.extend(Name(n, kind) for n in props.get(prop, []) if n != primary)  # type: ignore[arg-type]
        countries = []
        for prop in ("country", "jurisdiction", "nationality"):
            for c in props.get(prop, []):
                code = country_or_text(c)
                if code and code not in countries:
                    countries.append(code)
        idents = [Identifier(t, v) for prop, t in ID_PROPS.items() for v in props.get(prop, [])]
        addr = list(props.get("address", []))
        addr += [addresses[a] for a in props.get("addressEntity", []) if a in addresses]
        programs: list[str] = []
        dates: set[date] = set()
        authorities: list[str] = []
        for s in sanctions.get(obj["id"], []):
            for p in s.get("programId", []) or s.get("program", []):
                if p not in programs:
                    programs.append(p)
            for a in s.get("authority", []):
                if a not in authorities:
                    authorities.append(a)
            for d in s.get("listingDate", []) + s.get("startDate", []):
                if parsed := _date(d):
                    dates.add(parsed)
        notes = props.get("notes", [])
        yield Record(
            local_id=obj["id"],
            kind=KINDS[obj["schema"]],
            name=primary,
            aliases=tuple(dict.fromkeys(aliases)),
            programs=tuple(programs),
            countries=tuple(countries),
            addresses=tuple(dict.fromkeys(addr)),
            identifiers=tuple(dict.fromkeys(idents)),
            listing_dates=tuple(sorted(dates)),
            remarks="; ".join(notes) or None,
            details={
                "schema": obj["schema"],
                "datasets": obj.get("datasets", []),
                "topics": props.get("topics", []),
                "authorities": authorities,
                "first_seen": obj.get("first_seen"),
                "last_change": obj.get("last_change"),
            },
        )


def check_dataset(dataset: str) -> str:
    if not dataset or not all(c.isalnum() or c in "_-" for c in dataset):
        raise InputError(f"dataset name {dataset!r}: use letters, digits, '_' or '-'")
    return dataset


def ftm_spec(dataset: str, url: str | None = None) -> SourceSpec:
    """The spec of an import; with `url` it is refreshed from there like any live source."""
    check_dataset(dataset)
    return SourceSpec(
        id=f"opensanctions:{dataset}",
        name=f"OpenSanctions {dataset}",
        publisher="OpenSanctions (data licence CC BY-NC 4.0)",
        publisher_url=f"https://www.opensanctions.org/datasets/{dataset}/",
        parse=parse_ftm,
        files=(RemoteFile(FILE, url, "jsonl"),) if url else (),
    )
