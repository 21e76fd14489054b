"""The UN Security Council Consolidated List parser, on the UN's real XML of 2026-02-27
(tests/fixtures/un-sc-consolidated, the full list: 730 individuals, 273 entities). Counts are
checked against an independent count of the same file's elements with lxml (the fixture is
trusted here; the parser itself only ever uses defusedxml)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from screening.errors import ParseError
from screening.sources import un
from screening.sources.base import Identifier, Name, Record

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "un-sc-consolidated" / "consolidated_2026-02-27.xml"
BUNDLED = ROOT / "data" / "un_sc"
DATA = FIXTURE.read_bytes()


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    parsed = list(un.parse({un.FILE: DATA}))
    by_id = {r.local_id: r for r in parsed}
    assert len(by_id) == len(parsed)
    return by_id


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(FIXTURE))


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def test_counts_match_an_independent_count(
    records: dict[str, Record], tree: etree._ElementTree
) -> None:
    individuals = tree.findall("./INDIVIDUALS/INDIVIDUAL")
    entities = tree.findall("./ENTITIES/ENTITY")
    assert (len(individuals), len(entities)) == (730, 273)
    kinds = Counter(r.kind for r in records.values())
    assert kinds == {"person": 730, "organization": 273}
    refs = {_norm(el.findtext("REFERENCE_NUMBER")) for el in individuals + entities}
    assert set(records) == refs


def test_every_alias_is_kept_with_its_quality(
    records: dict[str, Record], tree: etree._ElementTree
) -> None:
    named = 0
    for el in tree.iter("INDIVIDUAL", "ENTITY"):
        expected = {
            (_norm(a.findtext("ALIAS_NAME")), _norm(a.findtext("QUALITY")))
            for a in el.findall(f"{el.tag}_ALIAS")
            if _norm(a.findtext("ALIAS_NAME"))
        }
        named += sum(1 for a in el.findall(f"{el.tag}_ALIAS") if _norm(a.findtext("ALIAS_NAME")))
        record = records[_norm(el.findtext("REFERENCE_NUMBER"))]  # some carry a trailing space
        got = {(a.value, a.quality) for a in record.aliases if a.quality is not None}
        assert got == expected, record.local_id
        original = _norm(el.findtext("NAME_ORIGINAL_SCRIPT"))
        assert [a.value for a in record.aliases if a.quality is None] == (
            [original] if original else []
        )
    assert named == 2752  # 3,043 alias elements, 291 of them the empty placeholder
    qualities = Counter(a.quality for r in records.values() for a in r.aliases)
    assert qualities == {"Good": 1514, "Low": 615, "a.k.a.": 594, "f.k.a.": 19, None: 378}
    types = Counter((a.quality, a.type) for r in records.values() for a in r.aliases)
    assert types[("Low", "weak")] == 615
    assert types[("f.k.a.", "fka")] == 19
    assert types[("Good", "aka")] == 1514


def test_sample_individual_field_by_field(records: dict[str, Record]) -> None:
    r = records["QDi.020"]
    assert r.kind == "person"
    assert r.name == "MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL"
    assert r.aliases == (
        Name("Al-Hamati, Muhammad", "aka", "Good"),
        Name("Muhammad Muhammad Abdullah Al-Ahdal", "aka", "Good"),
        Name("Mohamed Mohamed Abdullah Al-Ahdal", "aka", "Good"),
        Name("Abu Asim Al-Makki", "weak", "Low"),
        Name("Ahmed", "weak", "Low"),
        Name("محمد حمدي محمد صادق الأهدل", "aka", None),
    )
    assert r.programs == ("Al-Qaida",)
    assert r.countries == ("YE",)
    assert r.addresses == ("Jamal street, Al-Dahima alley, Al-Hudaydah, Yemen",)
    assert r.identifiers == (
        Identifier(
            "Passport",
            "541939",
            "YE",
            "issued 2000-07-31; in Al-Hudaydah; in the name of Muhammad Muhammad Abdullah Al-Ahdal",
        ),
        Identifier("National Identification Number", "216040", None, "Yemeni identity card number"),
    )
    assert r.listing_dates == (date(2001, 10, 17),)
    assert r.remarks is not None
    assert r.remarks.startswith("Responsible for the finances of Al-Qa’ida (QDe.004) in Yemen.")
    assert r.remarks.endswith("View-UN-Notices-Individuals")
    assert r.details["dataid"] == "111660"
    assert r.details["nationalities"] == ["Yemen"]
    assert r.details["last_updated"] == ["2009-01-30", "2010-01-25", "2019-12-06", "2023-10-30"]
    assert r.details["dates_of_birth"] == [{"type_of_date": "EXACT", "date": "1971-11-19"}]
    assert r.details["places_of_birth"] == ["Medina, Saudi Arabia"]
    assert r.details["name_original_script"] == "محمد حمدي محمد صادق الأهدل"
    assert len(r.details["documents"]) == 2
    json.dumps(r.details)  # JSON-compatible


def test_sample_entity_field_by_field(records: dict[str, Record]) -> None:
    r = records["KPe.002"]
    assert r.kind == "organization"
    assert r.name == "KOREA RYONBONG GENERAL CORPORATION"
    assert r.aliases == (
        Name("KOREA YONBONG GENERAL CORPORATION", "aka", "a.k.a."),
        Name("LYONGAKSAN GENERAL TRADING CORPORATION", "fka", "f.k.a."),
    )
    assert r.programs == ("DPRK",)
    assert r.countries == ("KP",)
    assert r.addresses == (
        "Pot’onggang District, Pyongyang, Democratic People's Republic of Korea",
        "Rakwon-dong, Pothonggang District, Pyongyang, Democratic People's Republic of Korea",
    )
    assert r.identifiers == ()
    assert r.listing_dates == (date(2009, 4, 24),)
    assert r.remarks == (
        "Defense conglomerate specializing in acquisition for DPRK defense\n"
        "industries and support to that country’s military-related sales."
    )
    assert r.details == {"dataid": "690751", "version": "1", "list_type": ["UN List"]}


def test_empty_placeholders_yield_nothing(records: dict[str, Record]) -> None:
    # CDi.001 has only <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>,
    # <INDIVIDUAL_DOCUMENT/> and a place of birth with an empty <COUNTRY/>.
    r = records["CDi.001"]
    assert r.name == "ERIC BADEGE"
    assert r.aliases == ()
    assert r.identifiers == ()
    assert "documents" not in r.details and "places_of_birth" not in r.details
    assert r.addresses == ("Rwanda (as of early 2016)",)
    assert r.countries == ("CD", "RW")  # nationality first, then the address


def test_programs_dates_and_countries(records: dict[str, Record]) -> None:
    programs = Counter(p for r in records.values() for p in r.programs)
    assert programs["Al-Qaida"] == 341 and programs["DPRK"] == 155
    assert programs["Taliban"] == 140 and programs["Iran"] == 121
    assert all(len(r.listing_dates) == 1 for r in records.values())
    # LISTED_ON with a zone offset ("2015-07-01-04:00") is read as its date
    assert records["SSi.001"].listing_dates == (date(2015, 7, 1),)
    # UN country names pycountry does not know are mapped
    assert any(
        "IR" in r.countries
        for r in records.values()
        if "Iran (Islamic Republic of)" in r.details.get("nationalities", [])
    )
    unresolved = {c for r in records.values() for c in r.countries if len(c) != 2}
    assert unresolved == {"former Soviet Union"}  # kept as published, never guessed


def test_published_date() -> None:
    assert un.published_date({un.FILE: DATA}) == date(2026, 2, 27)


def test_spec() -> None:
    assert un.SPEC.id == "un_sc"
    assert un.SPEC.parse is un.parse
    assert un.SPEC.published is un.published_date
    assert [(f.name, f.url, f.media) for f in un.SPEC.files] == [
        ("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "xml")
    ]
    assert un.SPEC.record_type == "party"


def test_bundled_snapshot_is_the_same_real_file() -> None:
    manifest = json.loads((BUNDLED / "manifest.json").read_text())
    assert manifest["files"] == [un.FILE]
    assert manifest["completeness"] == "full"
    files = {name: (BUNDLED / name).read_bytes() for name in manifest["files"]}
    assert files[un.FILE] == DATA
    assert manifest["published_at"] == un.published_date(files).isoformat()  # type: ignore[union-attr]
    assert (BUNDLED / "PROVENANCE.md").is_file()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", "HTML page"),
        (DATA[: len(DATA) // 2], "truncated XML at line"),
        (DATA.replace(b"</FIRST_NAME>", b"</FIRST>", 1), "malformed or truncated XML at line"),
        (BOMB, "refused unsafe XML"),
        (b'{"results": []}', "not XML"),
        (DATA.replace(b"CONSOLIDATED_LIST", b"SANCTIONS_LIST"), "root element is <SANCTIONS_LIST>"),
        (
            DATA.replace(b"<QUALITY>Low</QUALITY>", b"<QUALITY>Medium</QUALITY>", 1),
            "field INDIVIDUAL_ALIAS/QUALITY: unknown 'Medium'",
        ),
        (
            DATA.replace(b"<REFERENCE_NUMBER>CDi.002<", b"<REFERENCE_NUMBER>CDi.001<"),
            "CDi.001 appears twice",
        ),
        (
            DATA.replace(b"<REFERENCE_NUMBER>CDi.002</REFERENCE_NUMBER>", b"<REFERENCE_NUMBER/>"),
            "INDIVIDUAL #2 (DATAID 6907994), field REFERENCE_NUMBER is empty",
        ),
        (
            DATA.replace(b"<LISTED_ON>2012-12-31<", b"<LISTED_ON>31/12/2012<"),
            "field LISTED_ON: '31/12/2012' is not a date",
        ),
        (
            DATA.replace(b"<ENTITIES>", b"<VESSELS>").replace(b"</ENTITIES>", b"</VESSELS>"),
            "unknown section <VESSELS>",
        ),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", "no <ENTITIES> section"),
    ],
    ids=[
        "empty",
        "html",
        "truncated",
        "malformed",
        "xml-bomb",
        "json",
        "wrong-root",
        "unknown-quality",
        "duplicate-ref",
        "no-ref",
        "bad-date",
        "unknown-section",
        "no-entities",
    ],
)
def test_broken_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape("consolidated.xml")) as err:
        list(un.parse({un.FILE: data}))
    assert message in err.value.detail


def test_missing_file_and_broken_date_attribute() -> None:
    with pytest.raises(ParseError, match=re.escape("missing consolidated.xml")):
        list(un.parse({"other.xml": DATA}))
    with pytest.raises(ParseError, match="attribute dateGenerated"):
        un.published_date(
            {un.FILE: DATA.replace(b'dateGenerated="2026', b'dateGenerated="x026', 1)}
        )
    with pytest.raises(ParseError, match="root element"):
        un.published_date({un.FILE: b"<html-ish/>"})


def test_a_utf8_bom_is_accepted() -> None:
    files = {un.FILE: b"\xef\xbb\xbf" + DATA}
    assert un.published_date(files) == date(2026, 2, 27)
    assert sum(1 for _ in un.parse(files)) == 1003
