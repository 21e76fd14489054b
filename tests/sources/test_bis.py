"""The BIS Entity List and MEU parsers on the real derived JSON files of
tests/fixtures/bis-entity-list/ (a third party's parse of the eCFR text, extracted 2026-07-09;
see its PROVENANCE.md). Counts are checked against the raw files read with the json module."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening.errors import ParseError
from screening.sources.base import Name, Record
from screening.sources.bis import (
    ENTITY_LIST_FILE,
    ENTITY_LIST_SPEC,
    MEU_FILE,
    MEU_SPEC,
    parse_citations,
    parse_entity_list,
    parse_meu,
)

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "bis-entity-list"
EL_RAW = FIX / "bis_entity_list_2026-07_derived.json"
MEU_RAW = FIX / "bis_meu_2026-07_derived.json"


@pytest.fixture(scope="module")
def entity_list() -> list[Record]:
    return list(parse_entity_list({ENTITY_LIST_FILE: EL_RAW.read_bytes()}))


@pytest.fixture(scope="module")
def meu() -> list[Record]:
    return list(parse_meu({MEU_FILE: MEU_RAW.read_bytes()}))


def by_name(records: list[Record], name: str) -> Record:
    hits = [r for r in records if r.name == name]
    assert len(hits) == 1, name
    return hits[0]


def raw(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def test_entity_list_count(entity_list: list[Record]) -> None:
    assert len(raw(EL_RAW)["entities"]) == 3409
    assert len(entity_list) == 3409
    assert [r.name for r in entity_list] == [e["name"].strip() for e in raw(EL_RAW)["entities"]]
    assert len({r.local_id for r in entity_list}) == 3409
    assert all(r.kind == "organization" for r in entity_list)
    assert all(len(r.countries) == 1 and len(r.countries[0]) == 2 for r in entity_list)
    assert all(len(r.listing_dates) == 1 for r in entity_list)


def test_hikvision(entity_list: list[Record]) -> None:
    r = by_name(entity_list, "Hangzhou Hikvision Digital Technology Co., Ltd.")
    assert r.local_id == "hangzhou-hikvision-digital-technology-co-ltd-cn"
    assert r.aliases == (Name("Hikvision", "aka"),)
    assert r.countries == ("CN",)
    assert r.listing_dates == (date(2019, 10, 9),)
    assert r.listed_on == date(2019, 10, 9)
    assert r.addresses == (
        "No. 555 Qianmo Road, Binjiang District, Hangzhou 310052, China",
        "23rd Floor, Block A, Yingke Plaza, No. 217 Gaoxin Street, Gaoxin District, Urumqi, China",
        "700 Dongliu Road, Binjiang District, Hanzhou, China",
    )
    assert r.details["federal_register"] == [
        {"citation": "84 FR 54004", "volume": 84, "page": 54004, "date": "2019-10-09"},
        {"citation": "85 FR 34505", "volume": 85, "page": 34505, "date": "2020-06-05"},
        {"citation": "85 FR 44161", "volume": 85, "page": 44161, "date": "2020-07-22"},
    ]
    assert r.details["license_requirement"] == (
        "For all items subject to the EAR. (See § 744.11 of the EAR)"
    )
    assert r.remarks is None


def test_dahua(entity_list: list[Record]) -> None:
    r = by_name(entity_list, "Dahua Technology")
    assert r.local_id == "dahua-technology-cn"
    assert r.countries == ("CN",)
    assert r.aliases == ()
    assert r.listing_dates == (date(2019, 10, 9),)
    assert [c["citation"] for c in r.details["federal_register"]] == [
        "84 FR 54004",
        "85 FR 44159",
        "87 FR 62202",
    ]
    assert len(r.addresses) == 4
    assert r.addresses[3] == (
        "No. 1187, Bin'an Road, Binjiang District, Hangzhou City, Zhejiang Province, China"
    )


def test_citation_without_a_date_takes_the_date_of_the_same_citation(
    entity_list: list[Record],
) -> None:
    r = by_name(entity_list, "New H3C Semiconductor Technologies Co., Ltd.")
    assert (
        raw(EL_RAW)["entities"][[e["name"] for e in raw(EL_RAW)["entities"]].index(r.name)][
            "federal_register"
        ]
        == "86 FR 67319"
    )
    assert r.details["federal_register"] == [
        {
            "citation": "86 FR 67319",
            "volume": 86,
            "page": 67319,
            "date": "2021-11-26",
            "date_from_same_citation": True,
        }
    ]
    assert r.listing_dates == (date(2021, 11, 26),)


def test_crimea_and_repeated_slugs(entity_list: list[Record]) -> None:
    crimea = [r for r in entity_list if r.details.get("country_published")]
    assert len(crimea) == 28
    assert all(r.countries == ("UA",) for r in crimea)
    assert {r.details["country_published"] for r in crimea} == {"Crimea Region of Ukraine"}
    fai = [r.local_id for r in entity_list if r.name == "Wong Yung Fai"]
    assert fai == ["wong-yung-fai-cn", "wong-yung-fai-cn-2"]


def test_aliases_inside_names_are_added(entity_list: list[Record]) -> None:
    r = by_name(entity_list, "Gaz-Oil, OOO (f.k.a., Zakrytoe Aktsionernoe Obshchestvo Gaz Oil)")
    assert r.aliases == (
        Name("Gaz-Oil, OOO", "aka"),
        Name("Zakrytoe Aktsionernoe Obshchestvo Gaz Oil", "fka"),
        Name("Gaz-Oil", "aka"),
        Name("Obshchestvo S Ogranichennoi Otvetstvennostyu 'Gaz-Oil'", "aka"),
    )
    mec = by_name(entity_list, "Mesbah Energy Company (a.k.a. “MEC”)")
    assert mec.aliases == (Name("Mesbah Energy Company", "aka"), Name("MEC", "aka"))
    paec = by_name(entity_list, "Pakistan Atomic Energy Commission (PAEC)")
    assert not any(a.value.startswith("the following") for a in paec.aliases)
    assert Name("National Development Complex (NDC)", "aka") in paec.aliases


def test_meu(meu: list[Record]) -> None:
    assert len(raw(MEU_RAW)["entities"]) == 70
    assert len(meu) == 70
    assert len({r.local_id for r in meu}) == 70
    assert {r.countries for r in meu} == {("CN",)}
    assert sum(1 for r in meu if r.listing_dates == (date(2020, 12, 23),)) == 69
    r = by_name(meu, "Beijing Skyrizon Aviation Industry Investment Co., Ltd.")
    assert r.aliases == (Name("Beijing Tianjiao Aviation Industry Investment Company", "aka"),)
    assert r.listing_dates == (date(2021, 1, 15),)
    assert r.details["federal_register"][0]["citation"] == "86 FR 4864"
    aecc = by_name(meu, "AECC Aviation Power Co. Ltd.")
    assert aecc.remarks == "Subordinate institution of Aero-Engine Company of China"
    assert aecc.addresses == ("Xiujia Bay, Weiyong Dt., Xian 710021, China",)
    assert "license_requirement" not in aecc.details


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("84 FR 54004, 10/9/19", [("84 FR 54004", "2019-10-09")]),
        ("85 FR 83799, 12/23/2020 ", [("85 FR 83799", "2020-12-23")]),
        ("81 FR 61601 preview citation details, 9/7/16", [("81 FR 61601", "2016-09-07")]),
        ("77 FR 23116\n4/18/12", [("77 FR 23116", "2012-04-18")]),
        (
            "73 FR 54508 9/22/08.\n73 FR 74001 12/5/08.\n74 FR 8184",
            [("73 FR 54508", "2008-09-22"), ("73 FR 74001", "2008-12-05"), ("74 FR 8184", None)],
        ),
        (
            "62 FR 35334, 6/30/97 66 FR 24267, 5/14/01",
            [("62 FR 35334", "1997-06-30"), ("66 FR 24267", "2001-05-14")],
        ),
    ],
)
def test_parse_citations(text: str, expected: list[tuple[str, str | None]]) -> None:
    got = parse_citations(text, "t")
    assert [(c["citation"], c["date"]) for c in got] == expected


@pytest.mark.parametrize("text", ["", "see the rule of 2019", "84 FR 54004, 13/9/19"])
def test_bad_citations_raise(text: str) -> None:
    with pytest.raises(ParseError, match="field federal_register"):
        parse_citations(text, "entities[1]")


def _doc(path: Path, **change: Any) -> bytes:
    doc = raw(path) | change
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Not Found</body></html>", "not valid JSON"),
        (EL_RAW.read_bytes()[:5000], "not valid JSON"),
        (b'[{"name": "x"}]', '"entities"'),
        (MEU_RAW.read_bytes(), "list_id is 'bis-meu'"),
        (_doc(EL_RAW, entities=raw(EL_RAW)["entities"][:100]), "count says 3409"),
        (_doc(EL_RAW, entities=[], count=0), "no entries"),
    ],
)
def test_broken_entity_list_raises(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(parse_entity_list({ENTITY_LIST_FILE: data}))


def test_bad_entry_raises_naming_it() -> None:
    doc = raw(MEU_RAW)
    doc["entities"][2]["federal_register"] = "pending"
    with pytest.raises(ParseError, match=r"entities\[3\], field federal_register"):
        list(parse_meu({MEU_FILE: json.dumps(doc).encode()}))
    doc = raw(MEU_RAW)
    doc["entities"][0]["name"] = ""
    with pytest.raises(ParseError, match=r"entities\[1\], field name"):
        list(parse_meu({MEU_FILE: json.dumps(doc).encode()}))
    with pytest.raises(ParseError, match=r"missing bis_meu\.json"):
        list(parse_meu({ENTITY_LIST_FILE: EL_RAW.read_bytes()}))


@pytest.mark.parametrize(
    ("spec", "file", "count"),
    [(ENTITY_LIST_SPEC, ENTITY_LIST_FILE, 3409), (MEU_SPEC, MEU_FILE, 70)],
)
def test_specs_and_bundles(spec: Any, file: str, count: int) -> None:
    assert spec.bundled_only and spec.files == ()
    assert spec.publisher_url.startswith("https://www.ecfr.gov/current/title-15/")
    folder = ROOT / "data" / spec.id
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"] == [file]
    assert manifest["completeness"] == "full"
    assert manifest["origin_url"] == spec.publisher_url
    assert "derived" in (folder / "PROVENANCE.md").read_text()
    assert spec.parse is not None
    files = {name: (folder / name).read_bytes() for name in manifest["files"]}
    assert len(list(spec.parse(files))) == count
    assert ENTITY_LIST_SPEC.id == "us_bis_entity_list" and MEU_SPEC.id == "us_bis_meu"
