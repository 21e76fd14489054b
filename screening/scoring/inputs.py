"""What scoring needs besides the device: list hits per family and the KEV catalogue.

`ListHit` is computed by the caller (from the database, or in tests from the parsers' records)
for each family: one per listed entity that belongs to the family. `KevIndex` is built once from
the records (`screening.domain.Record`) the KEV parser yields, each vendor resolved to a family
through the reference table's exact names (no fuzzy matching: "Samsung" must not become anything).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..devices.names import name_key
from ..devices.reference import Reference
from ..domain import Record


@dataclass(frozen=True, slots=True)
class ListHit:
    """One listed entity of a family: `source` id (e.g. "us_ndaa_889"), `entity_id`
    ("<source>:<local id>"), `name` as listed, `listed_on` (earliest listing date), `scope`
    (what the listing covers, the publisher's words) and `relation`: what the listed entity is to
    the family ("parent", "subsidiary", "affiliate", "brand"... as in families.csv)."""

    source: str
    entity_id: str
    name: str
    listed_on: date | None
    scope: str | None
    relation: str


@dataclass(frozen=True, slots=True)
class VendorHit:
    """A listed party that an order line's vendor or distributor matched by name: `vendor` as
    written on the order, the listed `entity_id`, its `source`, `matched_name` and the name
    screening `score` in [0, 1] (already at or above the screening threshold)."""

    vendor: str
    entity_id: str
    source: str
    matched_name: str
    score: float


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One CISA KEV vulnerability, with its vendor's family when the reference knows it."""

    cve: str
    vendor: str
    product: str
    name: str
    date_added: date | None
    ransomware: str | None
    vendor_key: str
    family: str | None
    entity: str | None


@dataclass(frozen=True)
class KevIndex:
    """The KEV catalogue, indexed by vendor key and by family (built once, read per device)."""

    entries: tuple[KevEntry, ...]
    catalog: str
    _by_vendor: Mapping[str, tuple[KevEntry, ...]] = field(default_factory=dict, repr=False)
    _by_family: Mapping[str, tuple[KevEntry, ...]] = field(default_factory=dict, repr=False)

    def for_vendor(self, keys: Iterable[str]) -> list[KevEntry]:
        """Entries whose vendor's comparison key is one of `keys`, in catalogue order."""
        found = {e.cve: e for k in set(keys) - {""} for e in self._by_vendor.get(k, ())}
        return [e for e in self.entries if e.cve in found]

    def for_family(self, family: str) -> list[KevEntry]:
        return list(self._by_family.get(family, ()))


def build_kev_index(
    records: Iterable[Record], reference: Reference, catalog: str = "us_cisa_kev"
) -> KevIndex:
    """Index KEV records (kind `vulnerability`, details with `vendor` and `product`)."""
    entries: list[KevEntry] = []
    for record in records:
        vendor = str(record.details.get("vendor") or "")
        product = str(record.details.get("product") or "")
        member = next((m for m in reference.lookup(vendor) if m.family), None) if vendor else None
        ransomware = record.details.get("known_ransomware_use")
        entries.append(
            KevEntry(
                cve=record.local_id,
                vendor=vendor,
                product=product,
                name=record.name,
                date_added=record.listed_on,
                ransomware=str(ransomware) if ransomware else None,
                vendor_key=name_key(vendor).compact,
                family=member.family if member and member.confidence != "low" else None,
                entity=member.name if member else None,
            )
        )
    by_vendor: dict[str, list[KevEntry]] = {}
    by_family: dict[str, list[KevEntry]] = {}
    for entry in entries:
        by_vendor.setdefault(entry.vendor_key, []).append(entry)
        if entry.family:
            by_family.setdefault(entry.family, []).append(entry)
    return KevIndex(
        tuple(entries),
        catalog,
        {k: tuple(v) for k, v in by_vendor.items()},
        {k: tuple(v) for k, v in by_family.items()},
    )
