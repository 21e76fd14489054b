"""An index over real list files, built once per test session by the real parsers.

Files (tests/fixtures, each folder with its PROVENANCE.md): OFAC SDN 2021-07 (sdn, add, alt,
comments), OFAC consolidated non-SDN 2025-12, the BIS Entity List of 2026-07 (a derived parse
of the eCFR text) and the UN Security Council consolidated list of 2026-02-27.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from screening.matching import Index, Matcher, entries_from_record
from screening.sources import bis, un
from screening.sources.base import Record
from screening.sources.ofac import parse_cons, parse_sdn

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HIKVISION_EL = "Hangzhou Hikvision Digital Technology Co., Ltd."
DAHUA_EL = "Dahua Technology"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".csv"}


def real_records() -> dict[str, list[Record]]:
    """The records of the four real files, parsed once per process (several test modules
    sample them; a parse takes about 2 s), as a new dict each call."""
    return dict(_parsed())


@lru_cache(maxsize=1)
def _parsed() -> dict[str, list[Record]]:
    el = FIXTURES / "bis-entity-list" / "bis_entity_list_2026-07_derived.json"
    unx = FIXTURES / "un-sc-consolidated" / "consolidated_2026-02-27.xml"
    return {
        "us_ofac_sdn": list(parse_sdn(_files(FIXTURES / "ofac-sdn" / "2021-07"))),
        "us_ofac_cons": list(parse_cons(_files(FIXTURES / "ofac-non-sdn" / "2025-12"))),
        "us_bis_entity_list": list(bis.parse_entity_list({bis.ENTITY_LIST_FILE: el.read_bytes()})),
        "un_sc": list(un.parse({un.FILE: unx.read_bytes()})),
    }


@pytest.fixture(scope="session")
def records() -> dict[str, list[Record]]:
    return real_records()


@pytest.fixture(scope="session")
def index(records: dict[str, list[Record]]) -> Index:
    entries = [
        e for sid, recs in records.items() for r in recs for e in entries_from_record(sid, r)
    ]
    return Index.build(entries, cache_key="tests")


@pytest.fixture(scope="session")
def matcher(index: Index) -> Matcher:
    return Matcher(index)


def entity_id_of(records: dict[str, list[Record]], source: str, name: str) -> str:
    """The entity id the parser gave the listed party with this primary name."""
    found = [r.local_id for r in records[source] if r.name == name]
    assert len(found) == 1, f"{name!r} is {len(found)} entries of {source}"
    return f"{source}:{found[0]}"
