"""The curated reference tables (data/reference/) and their one loader.

`load_reference(files)` takes the tables as a mapping of file name -> bytes (or text), like a
parser, so tests and the service read the same files the same way; it does no I/O itself. Every
row keeps its `source` and `confidence`, and every object carries its file line so an evidence
entry can cite the exact row it rests on.

Tables (see data/reference/PROVENANCE.md):
- families.csv: one row per company, brand or relabeller and its relation to a maker family
  (parent, subsidiary, brand, affiliate, former_subsidiary with dates, oem_relabel).
- model_patterns.csv: model-number prefixes and firmware-version formats that imply a family.
- cloud_endpoints.csv: cloud hosts operated by a family, with the names of the apps that use
  them (Hik-Connect, DMSS...), so an inventory may name either.
- policy_statements.csv: the government statements the UK profiles cite.

A layout the loader does not know (a missing file or column, an unknown relation or confidence,
a bad date or regex, a pattern naming no known row) raises ParseError naming file, line, field.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

from ..errors import ParseError
from .names import name_key

Confidence = Literal["high", "medium", "low"]
Attribution = Literal["maker", "relabel", "component"]
CONFIDENCE_RANK: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}
RELATIONS = (
    "parent",
    "subsidiary",
    "brand",
    "affiliate",
    "former_subsidiary",
    "oem_relabel",
)
FAMILIES_FILE = "families.csv"
PATTERNS_FILE = "model_patterns.csv"
CLOUD_FILE = "cloud_endpoints.csv"
POLICIES_FILE = "policy_statements.csv"
REFERENCE_FILES = (FAMILIES_FILE, PATTERNS_FILE, CLOUD_FILE, POLICIES_FILE)
TABLE_DIR = "data/reference"
_FAMILY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One row of families.csv: a company, brand or relabeller and how it relates to a family.

    `family` is None only on `low` rows whose claim names no family. `start`/`end` bound the
    relation (a former subsidiary, a relabeller that stopped); month-only dates cover the whole
    month. `attribution` says what the relation means for a device bearing the name: `maker`
    (made by the family), `relabel` (made by the family, sold under another brand) or
    `component` (the family made a part inside it, e.g. a HiSilicon chip)."""

    relation: str
    name: str
    family: str | None
    legal_name_en: str | None
    legal_name_zh: str | None
    short_name_zh: str | None
    aliases: tuple[str, ...]
    start: date | None
    end: date | None
    attribution: Attribution
    hq_country: str | None
    source: str
    confidence: Confidence
    note: str
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the row is known by: name, legal names (English, Chinese), aliases."""
        found = (self.name, self.legal_name_en, self.legal_name_zh, self.short_name_zh)
        return tuple(n for n in (*found, *self.aliases) if n)

    def in_force(self, day: date) -> bool:
        """Whether the relation held on `day` (open-ended where no date is given)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def cite(self) -> str:
        return f"{TABLE_DIR}/{FAMILIES_FILE} line {self.line} ({self.name}): {self.source}"


@dataclass(frozen=True, slots=True)
class DevicePattern:
    """One row of model_patterns.csv: a model-number or firmware-version regex implying that
    the device comes from `entity` (a families.csv row name) of `family`."""

    kind: Literal["model", "firmware"]
    pattern: str
    regex: re.Pattern[str]
    family: str
    entity: str
    note: str
    source: str
    confidence: Confidence
    source_confidence: Confidence
    line: int

    @property
    def cite(self) -> str:
        return f"{TABLE_DIR}/{PATTERNS_FILE} line {self.line} ({self.pattern}): {self.source}"


@dataclass(frozen=True, slots=True)
class CloudEndpoint:
    """One row of cloud_endpoints.csv: a host (and its subdomains) operated for `entity`, and
    the apps (`apps`, case-folded, e.g. "hik-connect", "dmss") that are its front ends."""

    host: str
    family: str
    entity: str
    service: str
    source: str
    confidence: Confidence
    line: int
    apps: tuple[str, ...] = ()

    def matches(self, host: str) -> bool:
        """Whether `host` is this host, one of its subdomains, or the name of one of its apps
        (one word as an inventory writes it: "Hik-Connect", "gDMSS"; case and surrounding brackets
        or quotes ignored: "EZVIZ (ezviz.com)")."""
        host = host.casefold().strip("()[]{}<>'\"").rstrip(".")
        return host == self.host or host.endswith("." + self.host) or host in self.apps

    @property
    def cite(self) -> str:
        return f"{TABLE_DIR}/{CLOUD_FILE} line {self.line} ({self.host}): {self.source}"


@dataclass(frozen=True, slots=True)
class PolicyStatement:
    """One row of policy_statements.csv: a government statement a profile applies."""

    id: str
    title: str
    authority: str
    date: date
    applies_to: str
    families_named: tuple[str, ...]
    requirement: str
    source: str
    confidence: str
    note: str
    line: int

    @property
    def cite(self) -> str:
        return f"{TABLE_DIR}/{POLICIES_FILE} line {self.line} ({self.id}): {self.source}"


@dataclass(frozen=True)
class Reference:
    """All reference tables, indexed. Build it with `load_reference`."""

    members: tuple[FamilyMember, ...]
    patterns: tuple[DevicePattern, ...]
    cloud_endpoints: tuple[CloudEndpoint, ...]
    policies: Mapping[str, PolicyStatement]
    _by_key: Mapping[str, tuple[FamilyMember, ...]] = field(repr=False, default_factory=dict)

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(sorted({m.family for m in self.members if m.family}))

    def member(self, name: str) -> FamilyMember | None:
        """The row whose `name` column is exactly `name`."""
        return next((m for m in self.members if m.name == name), None)

    def parent(self, family: str) -> FamilyMember | None:
        return next(
            (m for m in self.members if m.family == family and m.relation == "parent"), None
        )

    def lookup(self, text: str) -> tuple[FamilyMember, ...]:
        """Rows one of whose names equals `text` once both are normalised and stripped of their
        legal form (exact match only; no fuzzy matching here)."""
        key = name_key(text)
        return self._by_key.get(key.compact, ()) or self._by_key.get(key.full, ())


def _rows(
    files: Mapping[str, bytes | str], name: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    if name not in files:
        raise ParseError(f"missing {name}; got {sorted(files)}")
    raw = files[name]
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise ParseError(f"{name}: not UTF-8 text ({exc})") from exc
    if not text.strip():
        raise ParseError(f"{name}: empty file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ParseError(f"{name}: line 1 lacks the column(s) {', '.join(missing)}")
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            raise ParseError(f"{name}: line {line} has the wrong number of fields")
        yield line, {k: v.strip() for k, v in row.items()}


def _confidence(value: str, where: str) -> Confidence:
    if value not in CONFIDENCE_RANK:
        raise ParseError(f"{where}, field confidence: {value!r} is not high/medium/low")
    return cast(Confidence, value)


def _date(value: str, where: str, end: bool = False) -> date | None:
    if not value:
        return None
    try:
        if _MONTH.match(value):
            year, month = int(value[:4]), int(value[5:])
            day = calendar.monthrange(year, month)[1] if end else 1
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ParseError(f"{where}: {value!r} is not a date (YYYY-MM-DD or YYYY-MM)") from exc


def _family(value: str, where: str) -> str:
    if not _FAMILY_ID.match(value):
        raise ParseError(f"{where}, field family: {value!r} is not a lowercase family id")
    return value


def _members(files: Mapping[str, bytes | str]) -> list[FamilyMember]:
    columns = [
        "relation",
        "name",
        "family",
        "legal_name_en",
        "legal_name_zh",
        "short_name_zh",
        "aliases",
        "start",
        "end",
        "attribution",
        "hq_country",
        "source",
        "confidence",
        "note",
    ]
    out: list[FamilyMember] = []
    for line, row in _rows(files, FAMILIES_FILE, tuple(columns)):
        where = f"{FAMILIES_FILE}: line {line}"
        if row["relation"] not in RELATIONS:
            raise ParseError(f"{where}, field relation: unknown relation {row['relation']!r}")
        if row["attribution"] not in ("maker", "relabel", "component"):
            raise ParseError(f"{where}, field attribution: {row['attribution']!r}")
        confidence = _confidence(row["confidence"], where)
        family = _family(row["family"], where) if row["family"] else None
        if family is None and confidence != "low":
            raise ParseError(f"{where}, field family: empty on a {confidence} row")
        if not row["name"] or not row["source"]:
            raise ParseError(f"{where}: name and source are required")
        out.append(
            FamilyMember(
                relation=row["relation"],
                name=row["name"],
                family=family,
                legal_name_en=row["legal_name_en"] or None,
                legal_name_zh=row["legal_name_zh"] or None,
                short_name_zh=row["short_name_zh"] or None,
                aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
                start=_date(row["start"], f"{where}, field start"),
                end=_date(row["end"], f"{where}, field end", end=True),
                attribution=cast(Attribution, row["attribution"]),
                hq_country=row["hq_country"] or None,
                source=row["source"],
                confidence=confidence,
                note=row["note"],
                line=line,
            )
        )
    return out


def _patterns(files: Mapping[str, bytes | str], names: set[str]) -> list[DevicePattern]:
    columns = ("kind", "pattern", "family", "entity", "note", "source", "confidence")
    out: list[DevicePattern] = []
    for line, row in _rows(files, PATTERNS_FILE, (*columns, "source_confidence")):
        where = f"{PATTERNS_FILE}: line {line}"
        if row["kind"] not in ("model", "firmware"):
            raise ParseError(f"{where}, field kind: {row['kind']!r} is not model/firmware")
        if row["entity"] not in names:
            raise ParseError(f"{where}, field entity: {row['entity']!r} is not in {FAMILIES_FILE}")
        try:
            regex = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise ParseError(f"{where}, field pattern: {exc}") from exc
        out.append(
            DevicePattern(
                kind=cast(Literal["model", "firmware"], row["kind"]),
                pattern=row["pattern"],
                regex=regex,
                family=_family(row["family"], where),
                entity=row["entity"],
                note=row["note"],
                source=row["source"],
                confidence=_confidence(row["confidence"], where),
                source_confidence=_confidence(row["source_confidence"], where),
                line=line,
            )
        )
    return out


def _clouds(files: Mapping[str, bytes | str], names: set[str]) -> list[CloudEndpoint]:
    columns = ("host", "family", "entity", "service", "source", "confidence", "apps")
    out: list[CloudEndpoint] = []
    for line, row in _rows(files, CLOUD_FILE, columns):
        where = f"{CLOUD_FILE}: line {line}"
        if row["entity"] not in names:
            raise ParseError(f"{where}, field entity: {row['entity']!r} is not in {FAMILIES_FILE}")
        if not row["host"] or " " in row["host"]:
            raise ParseError(f"{where}, field host: {row['host']!r} is not a host name")
        out.append(
            CloudEndpoint(
                host=row["host"].lower(),
                family=_family(row["family"], where),
                entity=row["entity"],
                service=row["service"],
                source=row["source"],
                confidence=_confidence(row["confidence"], where),
                line=line,
                apps=_apps(row["apps"], where),
            )
        )
    return out


def _apps(value: str, where: str) -> tuple[str, ...]:
    apps = tuple(a.strip().casefold() for a in value.split(";") if a.strip())
    if any(" " in a for a in apps):
        # The scoring rule reads a cloud cell word by word: a two-word app name never matches.
        raise ParseError(f"{where}, field apps: {value!r}: app names are single words")
    return apps


def _policies(files: Mapping[str, bytes | str]) -> dict[str, PolicyStatement]:
    columns = "id,title,authority,date,applies_to,families_named,requirement,source,confidence"
    out: dict[str, PolicyStatement] = {}
    for line, row in _rows(files, POLICIES_FILE, (*columns.split(","), "note")):
        where = f"{POLICIES_FILE}: line {line}"
        day = _date(row["date"], f"{where}, field date")
        if day is None or not row["id"]:
            raise ParseError(f"{where}: id and date are required")
        out[row["id"]] = PolicyStatement(
            id=row["id"],
            title=row["title"],
            authority=row["authority"],
            date=day,
            applies_to=row["applies_to"],
            families_named=tuple(f for f in row["families_named"].split(";") if f),
            requirement=row["requirement"],
            source=row["source"],
            confidence=row["confidence"],
            note=row["note"],
            line=line,
        )
    return out


def load_reference(files: Mapping[str, bytes | str]) -> Reference:
    """Parse the four reference tables (file name -> bytes or text) into a `Reference`."""
    members = _members(files)
    names = {m.name for m in members}
    by_key: dict[str, list[FamilyMember]] = {}
    for member in members:
        for name in member.names:
            key = name_key(name)
            for k in {key.compact, key.full} - {""}:
                if member not in by_key.setdefault(k, []):
                    by_key[k].append(member)
    return Reference(
        members=tuple(members),
        patterns=tuple(_patterns(files, names)),
        cloud_endpoints=tuple(_clouds(files, names)),
        policies=_policies(files),
        _by_key={k: tuple(v) for k, v in by_key.items()},
    )
