"""The EU FSF (Financial Sanctions Files) XML 1.1 parser.

No full EU file is available to this project (a five-entity excerpt of the real 2026-08 file
is tested in test_eu_excerpt.py). The parser is built from the publisher's schema
(tests/fixtures/eu-fsf/schema_1_1.xsd) and tested on the smallest document that validates against
it: one sanctionEntity, a real EU-listed person (Viktor Vladimirovich SOYKO, EU.7562.53) whose
facts come from OpenSanctions' eu_fsf export
(shared/sources/opensanctions-ftm/t1_eu_fsf_entities.ftm.json); every value the schema requires
that no source here gives is a visible placeholder (PLACEHOLDER, 0, 0001-01-01) — see
tests/fixtures/eu-fsf/README.md. The test validates the fixture with lxml.etree.XMLSchema first,
then asserts that the parser reads every field through unchanged. Nothing is bundled for eu_fsf:
the source is `no_data` until a live refresh.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from screening.errors import ParseError
from screening.sources import eu
from screening.sources.base import Identifier, Name

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "eu-fsf"
DATA = (FIXTURES / "xmlFullSanctionsList_1_1.xml").read_bytes()
SCHEMA = etree.XMLSchema(etree.parse(str(FIXTURES / "schema_1_1.xsd")))
ENTITY = re.search(rb"<sanctionEntity .*?</sanctionEntity>", DATA, re.S).group(0)  # type: ignore[union-attr]


def test_fixture_validates_against_the_eu_schema() -> None:
    assert SCHEMA.validate(etree.fromstring(DATA)), SCHEMA.error_log
    # the check can fail: the schema requires a regulation before subjectType
    broken = re.sub(rb"<regulation [^>]*/>", b"", DATA)
    assert not SCHEMA.validate(etree.fromstring(broken))


def test_the_schema_is_the_publishers() -> None:
    shared = ROOT.parent / "shared" / "sources" / "eu-fsf" / "schema_1_1.xsd"
    if shared.is_file():
        assert (FIXTURES / "schema_1_1.xsd").read_bytes() == shared.read_bytes()
    assert (
        b'targetNamespace="http://eu.europa.ec/fpi/fsd/export"'
        in (FIXTURES / "schema_1_1.xsd").read_bytes()
    )


def test_parses_the_single_entity_field_by_field() -> None:
    records = list(eu.parse({eu.FILE: DATA}))
    assert len(records) == 1
    r = records[0]
    assert r.local_id == "136323"  # logicalId
    assert r.kind == "person"
    assert r.name == "Victor Vladimirovich SOYKO"  # no strong="true" name: the first one
    assert r.aliases == (
        Name("Виктор Владимирович СОЙКО", "aka"),
        Name("Віктар Уладзіміравіч СОЙКА", "aka"),
        Name("Viktor Vladimirovitj Sojko", "aka"),
        Name("Viktar Uladzimiravitj Sojka", "aka"),
    )
    assert r.programs == ("PLACEHOLDER",)  # the fixture's placeholder, read through unchanged
    assert r.countries == ("BY",)
    assert r.addresses == ()
    assert r.identifiers == (Identifier("EU reference number", "EU.7562.53"),)
    assert r.listing_dates == (date(1, 1, 1),)  # no designationDate: the regulation's (placeholder)
    assert r.remarks is None
    assert r.details == {
        "logical_id": "136323",
        "eu_reference_number": "EU.7562.53",
        "subject_type": "person",
        "regulations": [
            {
                "regulation_type": "PLACEHOLDER",
                "organisation_type": "PLACEHOLDER",
                "publication_date": "0001-01-01",
                "entry_into_force_date": "0001-01-01",
                "number_title": "PLACEHOLDER",
                "programme": "PLACEHOLDER",
            }
        ],
        "birth_dates": [
            {
                "birthdate": "1971-07-03",
                "calendar_type": "GREGORIAN",
                "city": "Komsomolskaya",
                "country_iso2_code": "BY",
                "country_description": "BELARUS",
            }
        ],
        "functions": [
            "Deputy Commander for Armaments and Head of the Belarusian Air Force and "
            "Air Defence Forces Armament Department"
        ],
        "titles": ["Colonel"],
        "genders": ["M"],
    }
    json.dumps(r.details)
    assert eu.published_date({eu.FILE: DATA}) == date(1, 1, 1)  # placeholder generationDate


def test_reading_rules_on_variants_of_the_fixture() -> None:
    """Attribute changes to the same entity (each still schema-valid) exercise the rules that
    the bare fixture does not: strong names, weak names, designationDate, enterprise."""
    variant = (
        DATA.replace(
            b'wholeName="Viktor Vladimirovitj Sojko"',
            b'wholeName="Viktor Vladimirovitj Sojko" strong="true"',
        )
        .replace(
            b'wholeName="Viktar Uladzimiravitj Sojka"',
            b'wholeName="Viktar Uladzimiravitj Sojka" strong="false"',
        )
        .replace(b'logicalId="136323"', b'logicalId="136323" designationDate="2022-09-15"')
        .replace(
            b'code="person" classificationCode="P"', b'code="enterprise" classificationCode="E"'
        )
    )
    assert SCHEMA.validate(etree.fromstring(variant)), SCHEMA.error_log
    (r,) = eu.parse({eu.FILE: variant})
    assert r.kind == "organization"
    assert r.name == "Viktor Vladimirovitj Sojko"  # the first strong="true" name
    assert Name("Victor Vladimirovich SOYKO", "aka") in r.aliases
    assert Name("Viktar Uladzimiravitj Sojka", "weak") in r.aliases
    assert r.listing_dates == (date(2022, 9, 15),)
    assert r.details["designation_date"] == "2022-09-15"


def test_nothing_is_bundled_for_eu_fsf() -> None:
    assert not (ROOT / "data" / "eu_fsf").exists()


def test_spec() -> None:
    assert eu.SPEC.id == "eu_fsf"
    assert eu.SPEC.parse is eu.parse
    assert eu.SPEC.published is eu.published_date
    assert [(f.name, f.url, f.media) for f in eu.SPEC.files] == [
        (
            "xmlFullSanctionsList_1_1.xml",
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
            "?token=dG9rZW4tMjAxNw",
            "xml",
        )
    ]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="&lol2;" globalFileId="0"/>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html>\n<html lang='en'><body>Service unavailable</body></html>", "HTML page"),
        (DATA[: len(DATA) // 2], "truncated XML at line"),
        (DATA.replace(b"</nameAlias>", b"</name>", 1), "malformed or truncated XML at line"),
        (BOMB, "refused unsafe XML"),
        (
            DATA.replace(b' xmlns="http://eu.europa.ec/fpi/fsd/export"', b""),
            "root element is <export>, expected <export> in namespace",
        ),
        (DATA.replace(b"fpi/fsd/export", b"fpi/fsd/export/2"), "expected <export> in namespace"),
        (
            DATA.replace(b"<export ", b"<exports ").replace(b"</export>", b"</exports>"),
            "root element is <{http://eu.europa.ec/fpi/fsd/export}exports>",
        ),
        (
            DATA.replace(b'classificationCode="P"', b'classificationCode="V"'),
            "sanctionEntity #1 (logicalId 136323), field subjectType/classificationCode: "
            "unknown 'V'",
        ),
        (
            DATA.replace(b'logicalId="136323"', b'logicalId="EU-1"'),
            "attribute logicalId: 'EU-1' is not a number",
        ),
        (DATA.replace(ENTITY, ENTITY + ENTITY), "logicalId: 136323 appears twice"),
        (
            re.sub(rb'wholeName="[^"]*"|firstName="[^"]*"|lastName="[^"]*"', b"", DATA),
            "field nameAlias: no name",
        ),
        (
            DATA.replace(b'entryIntoForceDate="0001-01-01"', b'entryIntoForceDate="1/1/2001"'),
            "field regulation/entryIntoForceDate: '1/1/2001' is not a date",
        ),
        (
            DATA.replace(b"<sanctionEntity ", b"<sanctionEntities ").replace(
                b"</sanctionEntity>", b"</sanctionEntities>"
            ),
            "unknown element",
        ),
    ],
    ids=[
        "empty",
        "html",
        "truncated",
        "malformed",
        "xml-bomb",
        "no-namespace",
        "other-namespace",
        "wrong-root",
        "unknown-subject",
        "bad-logical-id",
        "duplicate",
        "no-name",
        "bad-date",
        "unknown-child",
    ],
)
def test_broken_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape("xmlFullSanctionsList_1_1.xml")) as err:
        list(eu.parse({eu.FILE: data}))
    assert message in err.value.detail


def test_missing_file() -> None:
    with pytest.raises(ParseError, match=re.escape("missing xmlFullSanctionsList_1_1.xml")):
        list(eu.parse({"eu.xml": DATA}))
