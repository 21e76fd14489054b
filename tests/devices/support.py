"""Shared test helpers: the bundled reference tables, the real bundled lists turned into
`ListHit`s per family, the real KEV catalogue, and the device inventory fixture."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path

from screening.devices import DeviceFacts, Reference, load_reference
from screening.devices.reference import REFERENCE_FILES
from screening.scoring import KevIndex, ListHit, build_kev_index
from screening.sources import bis, dod1260h, fcc, kev, ndaa889, ofac, un
from screening.sources.base import Record

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
REFERENCE_DIR = DATA / "reference"
INVENTORY = ROOT / "tests" / "fixtures" / "devices" / "inventory.csv"
TODAY = date(2026, 9, 1)  # fixed "today" so the date-dependent relations are reproducible

Parser = Callable[[dict[str, bytes]], Iterator[Record]]
LISTS: tuple[tuple[str, Parser], ...] = (
    ("us_ndaa_889", ndaa889.parse_section_889),
    ("us_fcc_covered", fcc.parse_covered_list),
    ("us_bis_entity_list", bis.parse_entity_list),
    ("us_dod_1260h", dod1260h.parse_1260h),
    ("us_ofac_sdn", ofac.parse_sdn),
    ("us_ofac_cons", ofac.parse_cons),
    ("un_sc", un.parse),
)


def bundle(source_id: str) -> dict[str, bytes]:
    """A bundled source's files as its parser's `files` mapping."""
    folder = DATA / source_id
    skip = {"manifest.json", "PROVENANCE.md"}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name not in skip}


@lru_cache(maxsize=1)
def reference() -> Reference:
    return load_reference({name: (REFERENCE_DIR / name).read_bytes() for name in REFERENCE_FILES})


@lru_cache(maxsize=1)
def list_hits() -> dict[str, list[ListHit]]:
    """Every bundled list entry one of whose names is exactly (legal form aside) a name of a
    families.csv row, as a ListHit of that row's family. This is how a caller with the lists in
    a database would compute them; here the real bundled files are parsed."""
    ref = reference()
    out: dict[str, list[ListHit]] = {}
    for source_id, parse in LISTS:
        for record in parse(bundle(source_id)):
            if record.kind != "organization":
                continue
            names = [record.name, *(a.value for a in record.aliases)]
            member = next(
                (m for n in names for m in ref.lookup(n) if m.family and m.confidence != "low"),
                None,
            )
            if member is None or member.family is None:
                continue
            scope = record.details.get("scope") or record.details.get("license_requirement")
            hit = ListHit(
                source=source_id,
                entity_id=f"{source_id}:{record.local_id}",
                name=record.name,
                listed_on=record.listed_on,
                scope=str(scope) if scope else ("; ".join(record.programs) or None),
                relation=member.relation,
            )
            out.setdefault(member.family, []).append(hit)
    return out


@lru_cache(maxsize=1)
def kev_index() -> KevIndex:
    return build_kev_index(kev.parse(bundle("us_cisa_kev")), reference())


def _flag(value: str) -> bool | None:
    return {"true": True, "false": False, "": None}[value.strip().lower()]


def facts(row: dict[str, str]) -> DeviceFacts:
    """An inventory fixture row as DeviceFacts ("true"/"false" cloud values become booleans)."""
    cloud = row["cloud"].strip()
    return DeviceFacts(
        make=row["make"] or None,
        model=row["model"] or None,
        mac=row["mac"] or None,
        firmware=row["firmware"] or None,
        site=row["site"] or None,
        face_recognition=_flag(row["face_recognition"]),
        internet_exposed=_flag(row["internet_exposed"]),
        cloud=_flag(cloud) if cloud.lower() in ("true", "false", "") else cloud,
        site_sensitivity=row["site_sensitivity"] or None,
        installed_on=date.fromisoformat(row["installed_on"]) if row["installed_on"] else None,
    )


def inventory(path: Path = INVENTORY) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
