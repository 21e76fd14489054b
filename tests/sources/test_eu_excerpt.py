"""The EU FSF parser on a real-looking excerpt of the EU's xmlFullSanctionsList_1_1 of
2026-08-05: five whole sanctionEntity elements (4 persons, 1 enterprise) kept as a test fixture
by a public repository (tests/fixtures/eu-fsf/excerpt-2026-08, PROVENANCE.md there). Its text
looks verbatim (typos such as "aliias", doubled spaces, curly quotes) but could not be checked
against the Commission's file; the minimal schema-valid fixture is tested in test_eu.py.

Names and counts are checked against an independent reading of the file with lxml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from screening.sources import eu
from screening.sources.base import Identifier, Name, Record

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = (
    ROOT
    / "tests"
    / "fixtures"
    / "eu-fsf"
    / "excerpt-2026-08"
    / "sample_eu_fsf_2026-08-05_5entities_GSmiguel-fixture.xml"
)
NS = {"e": eu.NS}


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    parsed = list(eu.parse({eu.FILE: EXCERPT.read_bytes()}))
    return {r.local_id: r for r in parsed}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def test_counts_ids_and_every_name_match_an_independent_reading(
    records: dict[str, Record],
) -> None:
    tree = etree.parse(str(EXCERPT))
    entities = tree.findall("e:sanctionEntity", NS)
    assert [e.get("logicalId") for e in entities] == list(records) == [
        "191", "521", "3822", "6106", "6177"
    ]  # fmt: skip
    kinds = [e.find("e:subjectType", NS).get("classificationCode") for e in entities]
    assert kinds == ["P", "P", "E", "P", "P"]
    assert [r.kind for r in records.values()] == [
        "person", "person", "organization", "person", "person"
    ]  # fmt: skip
    for e in entities:
        rec = records[e.get("logicalId")]
        names = [_norm(n.get("wholeName")) for n in e.findall("e:nameAlias", NS)]
        assert sorted({rec.name, *(a.value for a in rec.aliases)}) == sorted(set(names))
        assert rec.identifiers[0] == Identifier("EU reference number", e.get("euReferenceNumber"))


def test_primary_name_is_the_oldest_strong_name(records: dict[str, Record]) -> None:
    """Every name is strong="true" here and translations come first in the file: the lowest
    nameAlias logicalId is the name the party was designated under."""
    assert [r.name for r in records.values()] == [
        "Khalid Sheikh MOHAMMED",  # logicalId 289; the file starts with a French form (161419)
        "Haji Ahmad Jan",
        "Parchin Chemical Industries (PCI)",  # 5202; the file starts with the Irish form
        "Abu Zayd Umar DORDA",
        "Ibrahim Hassan Tali Al-Asiri",  # 10473; the file starts with the Arabic form
    ]


def test_enterprise_field_by_field(records: dict[str, Record]) -> None:
    rec = records["3822"]
    assert rec.kind == "organization"
    # "Tionscail  Ceimiceán Parchin" (two spaces, as published) -> one space
    assert rec.aliases[0] == Name("Tionscail Ceimiceán Parchin", "aka")
    assert Name("صنایع شیمیایی پارچین", "aka") in rec.aliases
    assert len(rec.aliases) == 15
    assert rec.programs == ("IRN",)
    assert rec.countries == ("IR",)
    assert (
        rec.addresses[0] == "Pasdaran Square, PO Box 16765/358, Tehran, IRAN (ISLAMIC REPUBLIC OF)"
    )
    assert len(rec.addresses) == 6
    assert rec.identifiers[1] == Identifier(
        "Registration Number",
        "892",
        None,
        "Registration no.: Cooperative Company Registration No 892",
    )
    assert rec.listing_dates == (date(2008, 6, 23),)
    assert rec.details["designation_details"] == "UN designation:24/03/2007 (no longer valid)"
    assert {"key": "WEB", "value": "http://icig.ir/"} in rec.details["contact_info"]
    assert rec.details["regulations"][0]["number_title"] == "2024/2074 (OJ L29072024)"


def test_persons_field_by_field(records: dict[str, Record]) -> None:
    ksm = records["191"]
    assert ksm.programs == ("TERR",)
    # No designationDate: the entry into force of its (amending) regulation, as documented
    assert ksm.listing_dates == (date(2025, 2, 1),)
    # passport country "00" / UNKNOWN is no country
    assert ksm.identifiers[1] == Identifier("National passport", "488555")
    assert [b["birthdate"] for b in ksm.details["birth_dates"]] == ["1965-04-14", "1964-03-01"]
    assert ksm.countries == ()

    dorda = records["6106"]
    assert dorda.identifiers == (
        Identifier("EU reference number", "EU.3886.3"),
        Identifier("UN reference number", "LYi.006"),
        Identifier("National passport", "FK117RK0", "LY", "issued 2018-11-25"),
    )
    assert Name("Abu Zayd Umar Hmeid Dorda", "aka", "Good quality alias") in dorda.aliases
    assert dorda.countries == ("LY",)
    assert dorda.listing_dates == (date(2011, 2, 26),)
    assert dorda.remarks and dorda.remarks.startswith("Listed pursuant to paragraph 15")

    asiri = records["6177"]
    weak = [a for a in asiri.aliases if a.type == "weak"]
    # "low quality aliias" (sic) is low quality too
    assert [(a.value, a.quality) for a in weak] == [
        ("Abu-Salaah", "low quality alias"),
        ("Abosslah", "low quality alias"),
        ("Abu Saleh", "low quality aliias"),
    ]
    assert asiri.countries == ("SA", "YE")
    passport = asiri.identifiers[2]
    assert (passport.type, passport.value, passport.country) == (
        "National passport",
        "F654645",
        "SA",
    )
    assert passport.note and passport.note.startswith("knownExpired; issued 2005-04-30")
    assert asiri.programs == ("TAQA",)

    jan = records["521"]
    assert jan.details["titles"] == ["Maulavi"]
    assert jan.countries == ("AF",)
    assert jan.remarks and "Afghanistan/ Pakistan border area" in jan.remarks


def test_published_date() -> None:
    assert eu.published_date({eu.FILE: EXCERPT.read_bytes()}) == date(2026, 8, 5)
