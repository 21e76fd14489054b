"""The UK Sanctions List (FCDO) parser on the two real excerpts of the FCDO's XML of 2026-03-26
in tests/fixtures/uk-sanctions-list (see its PROVENANCE.md): the file's head, AFG0001-AFG0007
(5 entities, 2 individuals), and the verbatim blocks CYB0002-CYB0006 and DPR0117-DPR0121
(3 individuals, 2 entities, 5 ships). Counts and names are checked against an independent
reading of the same files with lxml (trusted here; the parser only ever uses defusedxml)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from screening.errors import ParseError
from screening.sources import uk
from screening.sources.base import Identifier, Name, Record

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "uk-sanctions-list"
HEAD = FIX / "UK-Sanctions-List_2026-03-26_head_AFG0001-AFG0007.xml"
RAW_PREFIX = FIX / "UK-Sanctions-List_2026-03-26_head_AFG0001-AFG0007.raw-prefix.xml"
SELECTED = FIX / "UK-Sanctions-List_2026-03-26_selected_CYB0002-0006_DPR0117-0121.xml"
BUNDLED = ROOT / "data" / "gb_fcdo_sanctions"


def parse_path(path: Path) -> list[Record]:
    return list(uk.parse({uk.FILE: path.read_bytes()}))


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    parsed = parse_path(HEAD) + parse_path(SELECTED)
    by_id = {r.local_id: r for r in parsed}
    assert len(by_id) == len(parsed) == 17
    return by_id


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        (HEAD, {"Entity": 5, "Individual": 2}),
        (SELECTED, {"Individual": 3, "Entity": 2, "Ship": 5}),
    ],
)
def test_counts_and_ids_match_an_independent_reading(path: Path, kinds: dict[str, int]) -> None:
    tree = etree.parse(str(path))
    designations = tree.findall("./Designation")
    assert Counter(d.findtext("IndividualEntityShip") for d in designations) == kinds
    parsed = parse_path(path)
    by_kind = {"Entity": "organization", "Individual": "person", "Ship": "vessel"}
    assert Counter(r.kind for r in parsed) == {by_kind[k]: n for k, n in kinds.items()}
    assert [r.local_id for r in parsed] == [d.findtext("UniqueID") for d in designations]


@pytest.mark.parametrize("path", [HEAD, SELECTED])
def test_every_published_name_is_kept_joined_from_name1_to_name6(path: Path) -> None:
    tree = etree.parse(str(path))
    by_id = {r.local_id: r for r in parse_path(path)}
    seen_types: set[str] = set()
    for d in tree.findall("./Designation"):
        rec = by_id[d.findtext("UniqueID")]
        names = {rec.name} | {a.value for a in rec.aliases}
        for n in d.findall("./Names/Name"):
            joined = " ".join(
                _norm(n.findtext(f"Name{i}")) for i in range(1, 7) if _norm(n.findtext(f"Name{i}"))
            )
            assert joined in names, (rec.local_id, joined)
            seen_types.add(n.findtext("NameType") or "")
        for script in d.findall("./NonLatinNames/NonLatinName/NameNonLatinScript"):
            assert Name(_norm(script.text), "aka") in rec.aliases
        assert [x["name"] for x in rec.details["names"]] == [
            " ".join(_norm(n.findtext(f"Name{i}")) for i in range(1, 7) if n.findtext(f"Name{i}"))
            for n in d.findall("./Names/Name")
        ]
    assert seen_types <= {
        "Primary Name",
        "Primary name",
        "Primary Name Variation",
        "Primary name variation",
        "Alias",
    }


def test_name_types_in_both_capitalisations(records: dict[str, Record]) -> None:
    types = Counter(x["name_type"] for r in records.values() for x in r.details["names"])
    # Both spellings occur in the real file: AFG/CYB0006 capitalised, CYB/DPR lower case.
    assert {
        "Primary Name",
        "Primary name",
        "Primary Name Variation",
        "Primary name variation",
    } <= set(types)
    # Each record's name is its primary name, whichever capitalisation the FCDO used.
    for rec in records.values():
        primary = [
            x["name"] for x in rec.details["names"] if x["name_type"].lower() == "primary name"
        ]
        assert rec.name == primary[0]
    minin = records["CYB0005"]
    assert minin.name == "Alexei Veleryevich MININ"
    assert minin.aliases == (Name("Alexey Valeryevich MININ", "aka"),)
    assert records["CYB0006"].aliases == (Name("Aleksey Sergeyevich MORENETS", "aka"),)


def test_individual_with_variations_and_alias_strength(records: dict[str, Record]) -> None:
    rec = records["AFG0007"]
    assert rec.kind == "person"
    # Name1 "Abdul Kabir" + Name6 "MOHAMMAD JAN"; the variation's "<Name1> ABDUL</Name1>" and
    # "<Name3> MUHAMMAD</Name3>" lose their leading space.
    assert rec.name == "Abdul Kabir MOHAMMAD JAN"
    assert rec.aliases == (
        Name("KABIR MUHAMMAD JAN ABDUL", "aka"),
        Name("ABDUL KABIR MUHAMMAD JAN", "aka"),
        Name("A Kabir", "aka", "Good quality a.k.a"),
        Name("عبد الکبیر محمد جان", "aka"),
    )
    assert rec.details["names"][3] == {
        "name": "A Kabir",
        "name_type": "Alias",
        "alias_strength": "Good quality a.k.a",
    }
    assert rec.details["titles"] == ["Maulavi"]
    # "dd/mm/1963", "30/01/1972" twice: the placeholder year and the full date, once each.
    assert rec.details["dates_of_birth"] == ["1963", "1972-01-30"]
    assert rec.details["places_of_birth"] == ["Nahrin District, Baghlan Province, Afghanistan"]
    assert rec.details["nationalities"] == ["Afghanistan"]
    assert rec.countries == ("AF",)
    assert rec.identifiers == (
        Identifier("UK Sanctions List ID", "AFG0007"),
        Identifier("OFSI group ID", "6909"),
        Identifier("UN reference number", "TAi.003"),
        Identifier(
            "Passport",
            "D0009925",
            None,
            "Afghanistan diplomatic passport number D0009925, issued on 22 May 2022, issued in "
            "Kabul, Afghanistan (Name in Latin script: ABDUL KABIR MUHAMMAD JAN; expires 22 May "
            "2027)",
        ),
    )
    assert len(rec.details["positions"]) == 3
    assert rec.listing_dates == (date(2001, 1, 25),)
    assert rec.details["last_updated"] == "2026-03-13"


def test_placeholder_dates_of_birth_and_repeated_passports(records: dict[str, Record]) -> None:
    rec = records["AFG0006"]
    assert rec.name == "MOHAMMAD HASSAN AKHUND"
    # ten dd/mm/yyyy placeholders, years only
    assert rec.details["dates_of_birth"] == [
        "1945", "1946", "1947", "1948", "1949", "1950", "1955", "1956", "1957", "1958"
    ]  # fmt: skip
    # the same passport is published ten times: one identifier
    raw = HEAD.read_bytes().decode()
    block = raw[raw.index("<UniqueID>AFG0006") : raw.index("<UniqueID>AFG0007")]
    assert block.count("<PassportNumber>P04581926</PassportNumber>") == 10
    assert [i for i in rec.identifiers if i.type == "Passport"] == [
        Identifier(
            "Passport",
            "P04581926",
            None,
            "Afghanistan passport number P04581926, issued on 7 August 2024, issued in Kandahar, "
            "Afghanistan (expires 7 August 2034)",
        )
    ]
    # the non-Latin name is published with a trailing space
    assert "<NameNonLatinScript>محمد حسن آخوند </NameNonLatinScript>" in raw
    assert rec.aliases == (Name("محمد حسن آخوند", "aka"),)
    assert rec.details["titles"] == ["Mullah", "Haji"]
    assert rec.details["sanctions_imposed"] == ["Asset freeze", "Travel Ban"]
    assert rec.details["sanctions_indicators"] == ["AssetFreeze", "TravelBan"]


def test_entity_field_by_field(records: dict[str, Record]) -> None:
    rec = records["AFG0001"]
    assert rec.kind == "organization"
    assert rec.name == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert len(rec.aliases) == 9  # 8 aliases + the non-Latin name
    assert rec.aliases[0] == Name("Haji Alim Hawala", "aka")
    assert rec.aliases[-1] == Name("حاجی خيرالله و حاجی ستار صرافی", "aka")
    assert rec.programs == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020",)
    assert rec.listing_dates == (date(2012, 6, 29),)
    assert rec.details["designation_source"] == ["UN"]
    assert rec.details["sanctions_imposed"] == ["Asset freeze"]
    assert rec.details["sanctions_indicators"] == ["AssetFreeze"]
    assert rec.addresses[0] == (
        "Branch Office 7, Shop numbers 21 and 22, 2nd Floor, Kandahar City Sarafi Market, "
        "Kandahar City, Kandahar Province, Afghanistan"
    )
    tree = etree.parse(str(HEAD))
    assert len(rec.addresses) == len(tree.findall("./Designation[1]/Addresses/Address")) == 27
    assert rec.countries == ("AF", "PK", "IR", "AE")
    assert rec.details["phone_numbers"][-1] == "0202-104748"
    assert rec.details["email_addresses"] == ["helmand_exchange_msp@yahoo.com"]
    assert rec.remarks and rec.remarks.startswith("Pakistan National Tax Number: 1774308;")
    # UKStatementofReasons is only a newline for this UN designation: nothing kept
    assert "statement_of_reasons" not in rec.details
    assert rec.details["un_reference_number"] == "TAe.010"
    assert Identifier("UN reference number", "TAe.010") in rec.identifiers


def test_uk_designations(records: dict[str, Record]) -> None:
    zhang = records["CYB0002"]
    assert zhang.name == "Shilong ZHANG"
    assert zhang.aliases == (Name("baobeilong", "aka"),)
    assert zhang.details["dates_of_birth"] == ["1981-09-10"]
    assert zhang.details["genders"] == ["Male"]
    assert zhang.countries == ("CN",)
    assert zhang.details["designation_source"] == ["UK"]
    assert zhang.details["sanctions_imposed"] == [
        "Asset freeze",
        "Travel Ban",
        "Director Disqualification Sanction",
    ]
    assert zhang.details["statement_of_reasons"].startswith("Zhang Shilong was involved")
    assert zhang.programs == ("The Cyber (Sanctions) (EU Exit) Regulations 2020",)
    apt10 = records["CYB0003"]
    assert apt10.name == "Tianjin Huaying Haitai Science and Technology Development Co. Ltd"
    assert Name("APT10", "aka") in apt10.aliases and len(apt10.aliases) == 7
    assert apt10.details["websites"] == ["huayinghaitai.com"]
    assert apt10.details["entity_types"] == ["Company"]
    expo = records["CYB0004"]
    assert expo.name == "Chosun Expo"  # published as "Chosun Expo "
    assert expo.details["subsidiaries"] == ["Reconnaissance General Bureau"]
    assert expo.countries == ("KP",)
    assert records["CYB0005"].identifiers[-1] == Identifier("Passport", "120017582")


def test_ships_without_group_id(records: dict[str, Record]) -> None:
    ships = {k: r for k, r in records.items() if r.kind == "vessel"}
    assert sorted(ships) == ["DPR0117", "DPR0118", "DPR0119", "DPR0120", "DPR0121"]
    for rec in ships.values():
        assert "ofsi_group_id" not in rec.details
        assert not [i for i in rec.identifiers if i.type == "OFSI group ID"]
        assert rec.details["sanctions_imposed"] == ["De-flag", "Prohibition of port entry"]
        assert rec.listing_dates == (date(2018, 3, 30),)
    assert ships["DPR0117"].identifiers == (
        Identifier("UK Sanctions List ID", "DPR0117"),
        Identifier("IMO", "8518572"),
    )
    # DPR0120 is a ship without ShipDetails: no IMO, nothing invented
    assert ships["DPR0120"].identifiers == (Identifier("UK Sanctions List ID", "DPR0120"),)
    bao = ships["DPR0121"]
    assert bao.name == "Shang Yuan Bao" and len(bao.aliases) == 6
    assert bao.details["flags"] == ["Panama"]
    assert bao.details["previous_flags"] == ["Mongolia", "Panama", "Thailand"]
    assert bao.details["owner_operators"] == ["Fortune Maker International"]
    assert (bao.details["ship_types"], bao.details["tonnage"]) == (["Oil Tanker"], ["3508"])
    assert (bao.details["length"], bao.details["year_built"]) == (["100"], ["1982"])
    assert ships["DPR0119"].details["flags"] == ["North Korea"]


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("dd/mm/1945", "1945"),  # in the real file (AFG0006)
        ("30/01/1972", "1972-01-30"),  # in the real file (AFG0007)
        # Not in these excerpts: the 00 form of an unknown part, and a form the parser does not
        # know, which is kept as published rather than guessed.
        ("00/00/1970", "1970"),
        ("00/05/1970", "1970-05"),
        ("circa 1970", "circa 1970"),
    ],
)
def test_date_of_birth(published: str, expected: str) -> None:
    assert uk.date_of_birth(published) == expected


def test_published_date_and_spec() -> None:
    assert uk.published_date({uk.FILE: HEAD.read_bytes()}) == date(2026, 3, 26)
    assert uk.published_date({uk.FILE: SELECTED.read_bytes()}) == date(2026, 3, 26)
    assert uk.SPEC.id == "gb_fcdo_sanctions"
    assert [f.url for f in uk.SPEC.files] == [
        "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"
    ]
    assert uk.SPEC.files[0].media == "xml"


def test_bundled_sample_is_both_excerpts_joined() -> None:
    data = (BUNDLED / "UK-Sanctions-List.xml").read_bytes()
    end = b"</Designations>\n"
    assert data == HEAD.read_bytes()[: -len(end)] + SELECTED.read_bytes()[197:]
    parsed = list(uk.parse({uk.FILE: data}))
    assert parsed == parse_path(HEAD) + parse_path(SELECTED)


def test_the_raw_prefix_is_refused_as_truncated() -> None:
    """The file's first 44,857 characters, verbatim: what a cut download looks like."""
    with pytest.raises(ParseError, match="malformed or truncated XML"):
        parse_path(RAW_PREFIX)


def _edit(old: str, new: str, path: Path = SELECTED) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", "an HTML page"),
        (_edit("<Designations ", "<ArrayOfDesignation "), "expected <Designations>"),
        (_edit("<NameType>Alias</NameType>", "<NameType>Nickname</NameType>"), "'Nickname'"),
        (
            _edit("<IndividualEntityShip>Ship", "<IndividualEntityShip>Aircraft"),
            "IndividualEntityShip: unknown 'Aircraft'",
        ),
        (_edit("30/03/2018", "2018-03-30"), "DateDesignated: '2018-03-30' is not"),
        (_edit("<UniqueID>DPR0118", "<UniqueID>DPR0117"), "DPR0117 appears twice"),
        (_edit("<UniqueID>CYB0003</UniqueID>", "<UniqueID></UniqueID>"), "field UniqueID"),
        (_edit("<Deflag>true</Deflag>", "<Deflag>yes</Deflag>"), "Deflag: 'yes'"),
        (_edit("<Name6>Jin Hye</Name6>", ""), r"Designation #6 \(DPR0117\), field Names"),
    ],
    ids=[
        "empty",
        "html",
        "root",
        "name-type",
        "kind",
        "date",
        "duplicate",
        "no-id",
        "indicator",
        "no-name",
    ],
)
def test_broken_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        list(uk.parse({uk.FILE: data}))
    assert uk.FILE in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ParseError, match=r"missing UK-Sanctions-List\.xml"):
        list(uk.parse({"consolidated.xml": HEAD.read_bytes()}))
