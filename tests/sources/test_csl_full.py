"""The CSL parser on the real full Consolidated Screening List of May 2022 (14,160 rows,
tests/fixtures/us-csl/full-2022-05, gzip as published in its PROVENANCE.md), and the bundled
snapshot derived from it (data/us_trade_csl: the four sub-lists whose publisher has no bundled
file of its own — State's DTC and ISN, BIS's DPL and UVL).

Counts per sub-list are the PROVENANCE's, counted again here from the raw rows with the csv
module and a table of the `source` texts, independently of the parser's reading of the code."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from screening.sources.base import Identifier, Name, Record
from screening.sources.bundled import load_bundle
from screening.sources.csl import CSV_FILE, parse_csl
from screening.sources.ofac import CONS_SPEC, SDN_SPEC

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "fixtures" / "us-csl" / "full-2022-05" / "consolidated_csl_2022-05.csv.gz"
BUNDLE = ROOT / "data" / "us_trade_csl"

SOURCES = {
    "Specially Designated Nationals (SDN) - Treasury Department": "SDN",
    "Entity List (EL) - Bureau of Industry and Security": "EL",
    "ITAR Debarred (DTC) - State Department": "DTC",
    "Denied Persons List (DPL) - Bureau of Industry and Security": "DPL",
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": "SSI",
    "Unverified List (UVL) - Bureau of Industry and Security": "UVL",
    "Nonproliferation Sanctions (ISN) - State Department": "ISN",
    "Palestinian Legislative Council List (PLC) - Treasury Department": "PLC",
    "Military End User (MEU) List - Bureau of Industry and Security": "MEU",
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": (
        "CMIC"
    ),
    "Capta List (CAP) - Treasury Department": "CAP",
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": "MBS",
    "Foreign Sanctions Evaders (FSE) - Treasury Department": "FSE",
}
# The PROVENANCE's per-source counts of the 2022 file.
PROVENANCE_COUNTS = {
    "SDN": 10026, "EL": 2001, "DTC": 727, "DPL": 462, "SSI": 290, "UVL": 201, "ISN": 163,
    "PLC": 78, "MEU": 71, "CMIC": 68, "CAP": 53, "MBS": 17, "FSE": 3,
}  # fmt: skip
BUNDLED = {"DTC", "DPL", "UVL", "ISN"}  # every other sub-list has its own bundled source


@pytest.fixture(scope="module")
def full_bytes() -> bytes:
    return gzip.decompress(FULL.read_bytes())


@pytest.fixture(scope="module")
def raw(full_bytes: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(full_bytes.decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def records(full_bytes: bytes) -> list[Record]:
    return list(parse_csl({CSV_FILE: full_bytes}))


def by_id(records: list[Record], local_id: str) -> Record:
    hits = [r for r in records if r.local_id == local_id]
    assert len(hits) == 1, local_id
    return hits[0]


def on_list(records: list[Record], csl_id: str, sub_list: str) -> Record:
    hits = [
        r for r in records if (r.details.get("csl_id"), r.details["sub_list"]) == (csl_id, sub_list)
    ]
    assert len(hits) == 1, (csl_id, sub_list)
    return hits[0]


def test_full_file_counts_per_sub_list(raw: list[dict[str, str]], records: list[Record]) -> None:
    counted = Counter(SOURCES[row["source"]] for row in raw)
    assert counted == PROVENANCE_COUNTS
    assert len(records) == len(raw) == 14160
    assert Counter(r.details["sub_list"] for r in records) == counted
    assert len({r.local_id for r in records}) == 14160
    # An OFAC party on several Treasury sub-lists repeats its `_id` (its ent_num): the second
    # and later rows get -2, -3 in file order.
    repeats = Counter(row["_id"] for row in raw)
    assert sum(1 for n in repeats.values() if n > 1) == 71
    seen: Counter[str] = Counter()
    expected = []
    for row in raw:
        seen[row["_id"]] += 1
        n = seen[row["_id"]]
        expected.append(row["_id"] if n == 1 else f"{row['_id']}-{n}")
    assert [r.local_id for r in records] == expected
    arimero = [r for r in records if r.name == "ARIMERO HOLDING LIMITED"]
    assert [(r.local_id, r.details["sub_list"]) for r in arimero] == [
        ("34616", "CAP"),
        ("34616-2", "SDN"),
    ]


def test_id_order_is_read_from_the_file(records: list[Record]) -> None:
    """The 2022 file has the `_id` column but writes ids `[country, ][dates, ]number, type`
    like the 2019 layout: `QA, 28940000602, National ID No.; JO, 2014-08-30, 2009-08-31,
    K475336, Passport`."""
    rec = by_id(records, "17291")
    assert rec.kind == "person" and rec.details["sub_list"] == "SDN"
    assert rec.name == "'ABD AL-SALAM, 'Abd al-Malik Muhammad Yusuf 'Uthman"
    assert rec.identifiers == (
        Identifier("National ID No.", "28940000602", "QA"),
        Identifier("Passport", "K475336", "JO", "dated 2014-08-30, 2009-08-31"),
    )
    assert rec.aliases[1] == Name("'Umar al-Qatari", "aka")
    assert rec.details["dates_of_birth"] == ["1989-07-13"]
    assert rec.countries == ("JO",)
    # "Male, Gender" is a fact, not an identifier, in this order too
    abbas = by_id(records, "24904")
    assert abbas.identifiers == ()
    assert abbas.details["other_info"] == [{"type": "Gender", "value": "Male"}]


def test_hikvision_rows_of_the_2022_file(records: list[Record]) -> None:
    cmic = by_id(records, "30946")
    assert cmic.details["sub_list"] == "CMIC"
    assert cmic.name == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert {(i.type, i.value) for i in cmic.identifiers} >= {
        ("Unified Social Credit Code (USCC)", "91330000733796106P"),
        ("ISIN", "CNE100000PM8"),
    }
    el = by_id(records, "f095626c9f8becc70b5948507fb6de6e443b257a")
    assert el.details["sub_list"] == "EL"
    assert el.listing_dates == (date(2019, 10, 9),)
    assert el.aliases == (Name("Hikvision", "aka"),)
    assert el.details["federal_register_notice"] == "84 FR 54002; 85 FR 44159"


def test_rows_of_the_bundled_sub_lists_field_by_field(records: list[Record]) -> None:
    dpl = by_id(records, "deb7a1d5743a85c354ca1a2c7f2664e2104b32d7")
    assert (dpl.details["sub_list"], dpl.name, dpl.kind) == ("DPL", "I. ASH", "organization")
    assert dpl.listing_dates == (date(2003, 6, 19),)
    assert (dpl.details["end_date"], dpl.details["standard_order"]) == ("2056-06-29", "Y")
    assert dpl.countries == ("US",)
    fse = on_list(records, "17526", "FSE")
    assert (fse.details["sub_list"], fse.kind, fse.name) == ("FSE", "person", "BEKTAS, Halis")
    assert fse.programs == ("SYRIA", "FSE-SY")
    assert fse.identifiers == (Identifier("Passport", "X0906223", "CH"),)
    cap = on_list(records, "34616", "CAP")
    assert cap.details["sub_list"] == "CAP" and cap.programs == ("RUSSIA-EO14024",)
    assert cap.identifiers[0] == Identifier("Registration Number", "C146742", "CY")
    mbs = on_list(records, "31695", "MBS")
    assert mbs.details["sub_list"] == "MBS"
    assert mbs.name == "CENTRAL BANK OF THE RUSSIAN FEDERATION"
    assert Identifier("SWIFT/BIC", "CBRFRUMM") in mbs.identifiers
    isn = by_id(records, "9d858bace976983934c359d72028d1b2750715f8")
    assert (isn.details["sub_list"], isn.programs) == ("ISN", ("E.O. 13382",))


def _raw_rows(text: str) -> Iterator[tuple[list[str], str]]:
    """(cells, the row's text as published) for each row, cut by the CSV grammar: a quoted
    field may hold line breaks."""
    lines = text.splitlines(keepends=True)
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    for cells in csv.reader(feed()):
        yield cells, "".join(taken)
        taken.clear()


def test_bundle_is_the_nine_sub_lists_of_the_full_file_verbatim(full_bytes: bytes) -> None:
    rows = _raw_rows(full_bytes.decode("utf-8"))
    header_cells, header = next(rows)
    source_at = header_cells.index("source")
    kept = [text for cells, text in rows if SOURCES[cells[source_at]] in BUNDLED]
    assert (BUNDLE / CSV_FILE).read_bytes() == (header + "".join(kept)).encode("utf-8")


def test_bundle_has_only_the_four_sub_lists() -> None:
    manifest = json.loads((BUNDLE / "manifest.json").read_text())
    assert manifest["files"] == [CSV_FILE]
    assert (manifest["published_at"], manifest["completeness"]) == ("2022-05-06", "full")
    records = list(parse_csl({CSV_FILE: (BUNDLE / CSV_FILE).read_bytes()}))
    counts = Counter(r.details["sub_list"] for r in records)
    assert counts == {k: n for k, n in PROVENANCE_COUNTS.items() if k in BUNDLED}
    assert len(records) == 1553


def test_ofac_sub_lists_are_carried_by_the_bundled_ofac_files(records: list[Record]) -> None:
    """Why the OFAC rows are left out: the bundled us_ofac_cons (OFAC's consolidated non-SDN
    list, 2025-12) and us_ofac_sdn (2024-06) hold those parties under the same ent_num, the
    CSL's `_id` for Treasury rows; the few they do not hold are no longer listed there."""
    data = ROOT / "data"
    held = {r.local_id for r in CONS_SPEC.parse(load_bundle(data, "us_ofac_cons").files)}
    held |= {r.local_id for r in SDN_SPEC.parse(load_bundle(data, "us_ofac_sdn").files)}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in records:
        code = r.details["sub_list"]
        if code in {"SSI", "PLC", "CAP", "MBS", "FSE", "CMIC"}:
            total[code] += 1
            found[code] += r.details["csl_id"] in held
    assert total == {"SSI": 290, "PLC": 78, "CAP": 53, "MBS": 17, "FSE": 3, "CMIC": 68}
    assert found == {"SSI": 287, "PLC": 78, "CAP": 52, "MBS": 17, "FSE": 0, "CMIC": 68}
