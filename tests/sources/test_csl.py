"""The trade.gov Consolidated Screening List parser on two real CSV samples in
tests/fixtures/us-csl/:
`consolidated_2025-06_sample.csv` (13 rows, current layout with `_id`) and
`csl_2019-12_sample.csv` (115 rows, older layout without `_id`).

No real JSON file of the CSL exists here. The JSON test converts the 13 real rows of the 2025
sample into the documented shape `{"results": [...]}` (lists for the `; `-joined columns,
`addresses` as `{address, city, state, postal_code, country}` objects, `ids` as
`{type, number, country}` objects, the record id as `id`). The CSV flattens an address into one
text, so the test puts everything before the trailing country code in `address`; nothing is
invented, every value comes from the CSV row.

Counts per sub-list are counted here from the raw files with the csv module and a table of the
`source` texts, independently of the parser's reading of the code.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening.errors import ParseError
from screening.sources.base import Identifier, Name, Record
from screening.sources.csl import (
    CSL_SPEC,
    CSV_FILE,
    JSON_FILE,
    filter_sub_list,
    parse_csl,
    sub_list_code,
)

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "us-csl"
BUNDLE = ROOT / "data" / "us_trade_csl"
NEW = FIX / "consolidated_2025-06_sample.csv"
OLD = FIX / "csl_2019-12_sample.csv"

SOURCE_CODES = {
    "Entity List (EL) - Bureau of Industry and Security": "EL",
    "Military End User (MEU) List - Bureau of Industry and Security": "MEU",
    "Unverified List (UVL) - Bureau of Industry and Security": "UVL",
    "Denied Persons List (DPL) - Bureau of Industry and Security": "DPL",
    "Nonproliferation Sanctions (ISN) - State Department": "ISN",
    "ITAR Debarred (DTC) - State Department": "DTC",
    "Specially Designated Nationals (SDN) - Treasury Department": "SDN",
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": "SSI",
    "Foreign Sanctions Evaders (FSE) - Treasury Department": "FSE",
    "Palestinian Legislative Council List (PLC) - Treasury Department": "PLC",
    "Capta List (CAP) - Treasury Department": "CAP",
}


def raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def parse_path(path: Path) -> list[Record]:
    return list(parse_csl({CSV_FILE: path.read_bytes()}))


def by_name(records: list[Record], name: str) -> Record:
    hits = [r for r in records if r.name == name]
    assert len(hits) == 1, name
    return hits[0]


# --- both CSV layouts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            NEW,
            {"SSI": 3, "PLC": 2, "ISN": 1, "UVL": 1, "MEU": 1, "SDN": 1, "DTC": 1, "DPL": 1}
            | {"FSE": 1, "EL": 1},
        ),
        (
            OLD,
            {"SDN": 28, "SSI": 26, "EL": 22, "PLC": 13, "DTC": 10, "DPL": 8, "UVL": 4, "ISN": 3}
            | {"CAP": 1},
        ),
    ],
)
def test_sub_list_counts_match_the_raw_file(path: Path, expected: dict[str, int]) -> None:
    raw = Counter(SOURCE_CODES[row["source"]] for row in raw_rows(path))
    assert raw == expected
    records = parse_path(path)
    assert len(records) == sum(expected.values())
    assert Counter(r.details["sub_list"] for r in records) == raw
    assert len({r.local_id for r in records}) == len(records)
    for code, n in expected.items():
        assert len(list(filter_sub_list(records, code))) == n
    assert [r.name for r in filter_sub_list(records, "el")] == [
        row["name"].strip() for row in raw_rows(path) if row["source"].startswith("Entity List")
    ]


def test_current_layout_ids_are_the_csl_id() -> None:
    records = parse_path(NEW)
    assert [r.local_id for r in records] == [row["_id"] for row in raw_rows(NEW)]


def test_old_layout_ids_are_entity_numbers_else_slugs() -> None:
    rows = raw_rows(OLD)
    records = parse_path(OLD)
    numbered = [(r.local_id, row["entity_number"]) for r, row in zip(records, rows, strict=True)]
    assert sum(1 for _, n in numbered if n) == 68
    assert all(local == n for local, n in numbered if n)
    assert records[0].local_id == "adrian-manuel-hernandez"
    # One person on five Entity List rows (one in South Africa, four in Norway): the slug takes
    # the row's country, and -2, -3… in file order where it repeats.
    gunther = [r.local_id for r in records if r.name == "Gunther Migeotte"]
    assert gunther == [
        "gunther-migeotte-za",
        "gunther-migeotte-no",
        "gunther-migeotte-no-2",
        "gunther-migeotte-no-3",
        "gunther-migeotte-no-4",
    ]


def test_new_layout_meu_row_field_by_field() -> None:
    r = by_name(parse_path(NEW), "Academy of Aerospace Solid Propulsion Technology (AASPT)")
    assert r.local_id == "66f6ab3f26234b75a9093fce79ef0ce0"
    assert r.kind == "organization"
    assert r.aliases == ()
    assert r.programs == ()
    assert r.countries == ("CN",)
    assert r.addresses == ("Tian Wang te Zi #1, Baqiao District, Xian, China, CN",)
    assert r.identifiers == ()
    assert r.listing_dates == (date(2020, 12, 23),)
    assert r.remarks is None
    assert r.details["sub_list"] == "MEU"
    assert r.details["source"] == "Military End User (MEU) List - Bureau of Industry and Security"
    assert r.details["federal_register_notice"] == "85 FR 83799"
    assert r.details["license_requirement"] == (
        "For any item subject to the EAR listed in supplement no. 2 to part 744."
    )
    assert r.details["license_policy"].startswith("The license application procedure")
    assert "type" not in r.details and "entity_number" not in r.details


def test_new_layout_sdn_person_field_by_field() -> None:
    r = by_name(parse_path(NEW), "RIM, Ryong Nam")
    assert r.local_id == "52291"
    assert r.kind == "person"
    assert r.programs == ("NPWMD",)
    assert r.addresses == ("Shenyang, CN", "Pyongyang, KP")
    assert r.countries == ("CN", "KP")
    # The current layout writes an id as `type, number, country`.
    assert r.identifiers == (Identifier("Passport", "836238033", "KP"),)
    assert r.details["other_info"] == [
        {
            "type": "Secondary sanctions risk:",
            "value": "North Korea Sanctions Regulations, sections 510.201 and 510.210",
        },
        {"type": "Gender", "value": "Male"},
        {
            "type": "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
            "Institutions:",
            "value": "North Korea Sanctions Regulations section 510.214",
        },
    ]
    assert r.details["dates_of_birth"] == ["1978-12-05"]
    assert r.details["nationalities"] == ["KP"]
    assert r.details["entity_number"] == "52291"
    assert r.details["type"] == "Individual"
    assert r.listing_dates == ()


def test_new_layout_entity_list_row() -> None:
    r = by_name(
        parse_path(NEW),
        "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)",
    )
    assert r.details["sub_list"] == "EL"
    assert r.aliases[:2] == (
        Name("Hebei Semiconductor Research Institute", "aka"),
        Name("HSRI", "aka"),
    )
    assert len(r.aliases) == 6
    # "…, China; and 21 Changsheng Street…": the "and" joining the Entity List's addresses goes.
    assert r.addresses[1] == "21 Changsheng Street, Shijiazhuang, Hebei, China"
    assert r.countries == ("CN",)
    assert r.listing_dates == (date(2018, 8, 1),)
    assert r.details["federal_register_notice"] == "83 FR 37423; 87 FR 77505"


def test_old_layout_rows_field_by_field() -> None:
    records = parse_path(OLD)
    tax = by_name(records, "200G PSA HOLDINGS LLC")
    assert tax.local_id == "20264"
    assert tax.programs == ("SDNTK",)
    # The 2019 layout writes an id as `country, number, type`.
    assert tax.identifiers == (Identifier("Tax ID No.", "80-0890696", "US"),)
    assert tax.countries == ("US",)

    canada = by_name(records, "2904977 CANADA, INC.")
    assert canada.aliases == (Name("CARIBE SOL", "aka"), Name("HAVANTUR CANADA INC.", "aka"))
    assert canada.programs == ("CUBA",)
    assert canada.addresses == ("818 rue Sherbrooke East, Montreal, Quebec, H2L 1K3, CA",)

    vessel = by_name(records, "ADRIAN DARYA 1")
    assert vessel.kind == "vessel"
    assert vessel.identifiers == (
        Identifier("Vessel Registration Identification", "IMO 9116412"),
        Identifier("Former Vessel Flag", "Panama"),
    )
    assert vessel.details["vessel_type"] == "Crude Oil Tanker"
    assert vessel.details["vessel_flag"] == "Iran"

    dpl = records[0]
    assert dpl.name == "ADRIAN MANUEL HERNANDEZ"  # the file has a leading space
    assert dpl.details["sub_list"] == "DPL"
    assert dpl.listing_dates == (date(2017, 10, 16),)
    assert dpl.details["end_date"] == "2020-10-13"
    assert dpl.details["standard_order"] == "Y"
    assert dpl.remarks == "FR NOTICE ADDED"

    el = by_name(records, "54th Research Institute of China")
    assert el.details["sub_list"] == "EL"
    assert el.countries == ("CN",)
    assert (
        el.details["federal_register_notice"] == "66 FR 24266, 77 FR 58006 (no. 182), 81 FR 64694"
    )
    assert el.listing_dates == (date(2001, 5, 14),)
    assert Name("Shijiazhuang Communication Observation and Control Technology Institute.") in (
        el.aliases
    )


def test_sub_list_code_from_source_text() -> None:
    assert sub_list_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert sub_list_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert (
        sub_list_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department")
        == "MBS"
    )
    assert (
        sub_list_code(
            "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury "
            "Department"
        )
        == "CMIC"
    )
    assert sub_list_code("Entity List - Bureau of Industry and Security") is None


# --- JSON form -----------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def _json_result(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: (v.strip() or None) for k, v in row.items()}
    out["id"] = out.pop("_id")
    for key in ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities"):
        out[key] = _split(row[key])
    out["places_of_birth"] = _split(row["places_of_birth"])
    addresses = []
    for text in _split(row["addresses"]):
        head, _, last = text.rpartition(", ")
        if len(last) == 2 and last.isupper():
            addresses.append({"address": head or None, "city": None, "country": last})
        else:
            addresses.append({"address": text, "city": None, "country": None})
    out["addresses"] = addresses
    ids = []
    for text in _split(row["ids"]):
        parts = [p.strip() for p in text.split(",")]
        country = parts.pop() if len(parts) > 2 and len(parts[-1]) == 2 else None
        ids.append({"type": parts[0], "number": ", ".join(parts[1:]), "country": country})
    out["ids"] = ids
    return out


def test_json_form_gives_the_same_records_as_its_csv_rows() -> None:
    doc = {"results": [_json_result(row) for row in raw_rows(NEW)]}
    from_json = list(parse_csl({JSON_FILE: json.dumps(doc).encode()}))
    assert from_json == parse_path(NEW)
    assert doc["results"][4]["ids"][0] == {
        "type": "Passport",
        "number": "836238033",
        "country": "KP",
    }


def test_json_accepts_underscore_id_and_numeric_entity_number() -> None:
    row = _json_result(raw_rows(NEW)[4])
    row["_id"] = row.pop("id")
    row["entity_number"] = int(row["entity_number"])
    (rec,) = parse_csl({JSON_FILE: json.dumps({"results": [row]}).encode()})
    assert rec.local_id == "52291"
    assert rec.details["entity_number"] == "52291"


# --- broken input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({CSV_FILE: b""}, "empty"),
        ({CSV_FILE: b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"}, "HTML"),
        ({CSV_FILE: b"name,country\nHikvision,CN\n"}, "unknown header"),
        ({JSON_FILE: b""}, "empty"),
        ({JSON_FILE: b"<html><body>error</body></html>"}, "not valid JSON"),
        ({JSON_FILE: b'{"results": [{"source": "Entity List (EL) - B'}, "not valid JSON"),
        ({JSON_FILE: b'{"total": 0}'}, '"results"'),
        ({JSON_FILE: b'{"results": []}'}, "no entries"),
        ({"other.csv": b"x"}, "missing"),
    ],
)
def test_broken_input_raises(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(parse_csl(files))


def test_truncated_csv_raises_naming_the_line() -> None:
    data = NEW.read_bytes()
    cut = data[: data.index(b"Atlas Sanatgaran") + 40]
    with pytest.raises(ParseError, match=r"line 3 has \d+ fields"):
        list(parse_csl({CSV_FILE: cut}))


def test_header_only_csv_raises() -> None:
    header = NEW.read_bytes().split(b"\n", 1)[0] + b"\n"
    with pytest.raises(ParseError, match="no entries"):
        list(parse_csl({CSV_FILE: header}))


def test_unknown_type_and_source_without_code_raise() -> None:
    rows = raw_rows(OLD)
    fields = list(rows[0])

    def one(row: dict[str, str]) -> bytes:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
        return buf.getvalue().encode()

    with pytest.raises(ParseError, match="line 2, field type: unknown 'Organisation'"):
        list(parse_csl({CSV_FILE: one(rows[3] | {"type": "Organisation"})}))
    with pytest.raises(ParseError, match="line 2, field source: no sub-list code"):
        list(parse_csl({CSV_FILE: one(rows[3] | {"source": "Entity List"})}))
    with pytest.raises(ParseError, match="field start_date"):
        list(parse_csl({CSV_FILE: one(rows[0] | {"start_date": "10/16/2017"})}))


# --- spec and bundle ------------------------------------------------------------------------


def test_spec() -> None:
    assert CSL_SPEC.id == "us_trade_csl"
    assert CSL_SPEC.parse is parse_csl
    assert [(f.name, f.url, f.media) for f in CSL_SPEC.files] == [
        (
            "consolidated.csv",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
            "csv",
        )
    ]
    assert [(f.name, f.media) for form in CSL_SPEC.alternatives for f in form] == [
        ("consolidated.json", "json")
    ]
    assert not CSL_SPEC.bundled_only
    assert CSL_SPEC.publisher_url == "https://www.trade.gov/consolidated-screening-list"
