"""OFAC's SDN and consolidated non-SDN lists in all three published forms, on real files.

Fixtures (tests/fixtures/ofac-sdn/, tests/fixtures/ofac-non-sdn/, see their PROVENANCE.md): the
SDN CSV sets of 2021-07 (sdn/add/alt/sdn_comments) and 2024-06 (sdn/add, with a mirror's added
header row), the consolidated CSV set of 2025-12, the consolidated list as legacy XML (2018-04)
and as advanced XML (2020-03). Counts are taken independently from the raw bytes where the brief
gives none. The only hand-written documents are the broken inputs at the end (an XML bomb, an
HTML page), each the smallest document that shows the fault.
"""

from __future__ import annotations

import re
import tracemalloc
from collections import Counter
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as DefusedET
import pytest

from screening.errors import ParseError
from screening.sources.base import Identifier, Name, Record
from screening.sources.bundled import load_bundle
from screening.sources.ofac import (
    CONS_SPEC,
    SDN_SPEC,
    parse_cons,
    parse_sdn,
    published_date,
)
from screening.sources.ofac_advanced import parse_advanced
from screening.sources.ofac_remarks import RemarksFacts, parse_remarks
from screening.sources.ofac_xml import (
    ADVANCED_NAMESPACES,
    LEGACY_NAMESPACES,
    add_labelled,
    parse_legacy,
)

ROOT = Path(__file__).resolve().parents[2]
SDN = ROOT / "tests" / "fixtures" / "ofac-sdn"
CONS = ROOT / "tests" / "fixtures" / "ofac-non-sdn"
SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


def read(folder: Path, *names: str) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names}


SDN_2024 = read(SDN / "2024-06", "sdn.csv", "add.csv")
SDN_2021 = read(SDN / "2021-07", "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_CSV = read(
    CONS / "2025-12", "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"
)
LEGACY_XML = (CONS / "2018-04" / "consolidated.xml").read_bytes()
ADVANCED_XML = (CONS / "2020-03" / "cons_advanced.xml").read_bytes()


def by_id(records: list[Record]) -> dict[str, Record]:
    out = {r.local_id: r for r in records}
    assert len(out) == len(records)
    return out


@pytest.fixture(scope="module")
def cons_csv() -> dict[str, Record]:
    return by_id(list(parse_cons(CONS_CSV)))


@pytest.fixture(scope="module")
def legacy() -> dict[str, Record]:
    return by_id(list(parse_cons({"consolidated.xml": LEGACY_XML})))


@pytest.fixture(scope="module")
def advanced() -> dict[str, Record]:
    return by_id(list(parse_cons({"cons_advanced.xml": ADVANCED_XML})))


# ---- CSV sets ----------------------------------------------------------------------------------


def test_sdn_2024_counts_and_added_header_row_dropped() -> None:
    assert SDN_2024["sdn.csv"].startswith(b"ent_num,SDN_name,")  # the mirror's header row
    records = list(parse_sdn(SDN_2024))
    assert len(records) == 15_402
    assert Counter(r.kind for r in records) == {
        "organization": 7_252,
        "person": 6_915,
        "vessel": 861,
        "aircraft": 374,
    }
    first = records[0]
    assert (first.local_id, first.name, first.programs) == (
        "36",
        "AEROCARIBBEAN AIRLINES",
        ("CUBA",),
    )
    assert first.addresses == ("Havana, Cuba",) and first.countries == ("CU",)


def test_sdn_2021_aliases_and_comments_continue_cut_remarks() -> None:
    records = by_id(list(parse_sdn(SDN_2021)))
    assert len(records) == 8_976
    assert records["36"].aliases == (Name("AERO-CARIBBEAN", "aka"),)
    # 28263's Remarks stop mid-word at 1,000 characters in sdn.csv ("a.k.a. 'snowsjo") and go on
    # in sdn_comments.csv ("hn'; Linked To: LAZARUS GROUP.").
    row = next(x for x in SDN_2021["sdn.csv"].split(b"\r\n") if x.startswith(b"28263,"))
    assert row.endswith(b"a.k.a. 'snowsjo\"")
    lazarus = records["28263"]
    assert lazarus.remarks is not None
    assert lazarus.remarks.endswith("a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP.")
    assert len(lazarus.remarks) > 1_000
    assert Name("snowsjohn", "weak") in lazarus.aliases
    assert lazarus.details["linked_to"] == ["LAZARUS GROUP"]
    # Without the comments file the same entry has only the cut text.
    cut = by_id(list(parse_sdn({k: v for k, v in SDN_2021.items() if k != "sdn_comments.csv"})))
    assert Name("snowsjohn", "weak") not in cut["28263"].aliases


def test_cons_2025_programs(cons_csv: dict[str, Record]) -> None:
    assert len(cons_csv) == 442
    programs = Counter(r.programs for r in cons_csv.values())
    assert sum(1 for r in cons_csv.values() if "CMIC-EO13959" in r.programs) == 68
    assert programs[("CMIC-EO13959",)] == 68
    # Entities under several programs keep every one of them.
    assert programs[("UKRAINE-EO13662", "RUSSIA-EO14024")] == 86
    assert programs[("SDGT", "NS-PLC")] == 2
    assert programs[("UKRAINE-EO13662",)] == 197


def test_hikvision(cons_csv: dict[str, Record]) -> None:
    hik = cons_csv["30946"]
    assert hik.kind == "organization"
    assert hik.name == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert hik.aliases == (
        Name("HIKVISION", "aka"),
        Name("HANGZHOU HIKVISION DIGITAL TECHNOLOGY", "aka"),
    )
    assert hik.programs == ("CMIC-EO13959",)
    assert Identifier("ISIN", "CNE100000PM8") in hik.identifiers
    assert Identifier("USCC", "91330000733796106P", "CN") in hik.identifiers
    assert hik.listing_dates == (date(2021, 6, 3),)
    assert hik.countries == ("CN",)
    assert hik.addresses == ("555, Qianmo Road, Binjiang District, Hangzhou 310051, China",)


def test_bundled_cons_snapshot_is_the_2025_set() -> None:
    bundle = load_bundle(ROOT / "data", "us_ofac_cons")
    assert bundle.published_at == date(2025, 12, 19) and bundle.completeness == "full"
    assert bundle.files == CONS_CSV
    assert CONS_SPEC.parse is parse_cons
    assert len(list(parse_cons(bundle.files))) == 442
    assert published_date(bundle.files) is None  # the CSV carries no date of its own


# ---- legacy XML --------------------------------------------------------------------------------


def test_legacy_xml_parses_every_entry(legacy: dict[str, Record]) -> None:
    declared = int(re.search(rb"<Record_Count>(\d+)</Record_Count>", LEGACY_XML)[1])  # type: ignore[index]
    assert declared == LEGACY_XML.count(b"<sdnEntry>") == len(legacy) == 639
    kinds = Counter(r.kind for r in legacy.values())
    assert kinds == {
        "organization": LEGACY_XML.count(b"<sdnType>Entity</sdnType>"),
        "person": LEGACY_XML.count(b"<sdnType>Individual</sdnType>"),
        "vessel": LEGACY_XML.count(b"<sdnType>Vessel</sdnType>"),
    }
    weak = sum(1 for r in legacy.values() for n in r.aliases if n.type == "weak")
    # 46 weak aka elements; OFAC lists one of them twice under 18769 (aka uids 29493 and 30067),
    # and an exact duplicate is kept once.
    assert LEGACY_XML.count(b"<category>weak</category>") == 46
    assert weak == 45
    assert legacy["18769"].aliases.count(Name("VYSOKOTOCHNYE KOMPLEKSY", "weak")) == 1


def test_legacy_xml_samples(legacy: dict[str, Record]) -> None:
    bank = legacy["4632"]
    assert (bank.kind, bank.name, bank.programs) == (
        "organization",
        "BANK MARKAZI JOMHOURI ISLAMI IRAN",
        ("IRAN",),
    )
    assert bank.aliases == (
        Name("CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN", "aka"),
        Name("BANK MARKAZI IRAN", "aka"),
        Name("CENTRAL BANK OF IRAN", "aka"),
    )
    assert bank.addresses == (
        "PO Box 15875/7177, 144 Mirdamad Blvd, Tehran, Iran",
        "213 Ferdowsi Avenue, Tehran 11365, Iran",
    )
    assert bank.countries == ("IR",)
    assert bank.identifiers == ()  # its idList holds statements, not identifiers
    assert bank.details["for_more_information_please_see"] == [
        "https://www.treasury.gov/resource-center/sanctions/Programs/Documents/jcpoa_faqs.pdf"
    ]
    edbi = legacy["11208"]
    assert edbi.identifiers == (Identifier("Registration ID", "86936", "IR", "issued 10 Jul 1991"),)
    assert edbi.remarks == "all offices worldwide"
    assert legacy["4637"].aliases[-1] == Name("BIM", "weak")

    ship = legacy["15036"]
    assert (ship.kind, ship.name) == ("vessel", "SHONA")
    assert ship.aliases == (Name("ABADAN", "fka"), Name("ALPHA", "fka"))
    assert Identifier("Vessel Registration Identification", "IMO 9187629") in ship.identifiers
    assert Identifier("MMSI", "572469210") in ship.identifiers
    assert Identifier("Call Sign", "T2EU4") in ship.identifiers
    assert {k: ship.details[k] for k in ("call_sign", "vessel_type", "vessel_flag", "grt")} == {
        "call_sign": "T2EU4",
        "vessel_type": "Crude/Oil Products Tanker",
        "vessel_flag": "Tanzania",
        "grt": "56068",
    }

    person = legacy["9639"]
    assert (person.kind, person.name, person.programs) == (
        "person",
        "HANIYA, Ismail Abdul Salah",
        ("NS-PLC",),
    )
    assert person.aliases == (Name("HANIYA, Ismail", "aka"), Name("HANIYYA, Ismaeel", "aka"))
    assert person.details == {"dob": ["1962"], "pob": ["Shati"]}
    assert person.listing_dates == () and person.countries == ()


# ---- advanced XML ------------------------------------------------------------------------------


def test_advanced_xml_parses_every_party(advanced: dict[str, Record]) -> None:
    assert len(advanced) == ADVANCED_XML.count(b"<DistinctParty ") == 375
    # PartySubType 4 is an individual, 3 an entity (this file's ReferenceValueSets).
    assert Counter(r.kind for r in advanced.values()) == {
        "person": ADVANCED_XML.count(b'PartySubTypeID="4">'),
        "organization": ADVANCED_XML.count(b'PartySubTypeID="3">'),
    }
    weak = sum(1 for r in advanced.values() for n in r.aliases if n.type == "weak")
    # 31 LowQuality aliases, one of them the same duplicate as in the legacy file (18769).
    assert ADVANCED_XML.count(b'LowQuality="true"') == 31
    assert weak == 30
    assert advanced["18769"].aliases[-2:] == (
        Name("VYSOKOTOCHNYE KOMPLEKSY", "weak"),
        Name("HIGH PRECISION SYSTEMS", "weak"),
    )
    assert all(r.programs for r in advanced.values())


def test_advanced_xml_samples(advanced: dict[str, Record]) -> None:
    person = advanced["9639"]
    assert (person.kind, person.name, person.programs) == (
        "person",
        "HANIYA, Ismail Abdul Salah",
        ("NS-PLC",),
    )
    assert person.aliases == (Name("HANIYA, Ismail", "aka"), Name("HANIYYA, Ismaeel", "aka"))
    # Listed on the NS-PLC list on 12 Apr 2006; the 10 Oct 2014 "Consolidated List" entry is the
    # date that wrapper list began, not a listing date.
    assert person.listing_dates == (date(2006, 4, 12),)
    assert person.details["dob"] == ["1962"] and person.details["pob"] == ["Shati"]

    vtb = advanced["17013"]
    assert vtb.name == "VTB BANK OAO" and vtb.programs == ("UKRAINE-EO13662",)
    assert vtb.identifiers == (
        Identifier("Registration ID", "1027739609391", "RU"),
        Identifier("Government Gazette Number", "00032520", "RU"),
        Identifier("Tax ID No.", "7702070139", "RU"),
        Identifier("License", "1000", "RU"),
        Identifier("SWIFT/BIC", "VTBRRUMM"),
        Identifier("Website", "www.vtb.com"),
    )
    assert vtb.addresses[0] == "29, Bolshaya Morskaya str., St. Petersburg 190000, Russia"
    assert vtb.countries == ("RU",) and vtb.listing_dates == (date(2014, 7, 29),)
    assert vtb.details["executive_order_13662_directive_determination"] == [
        "Subject to Directive 1"
    ]
    assert Name("VNESHTORGBANK", "fka") in vtb.aliases

    veb = advanced["17015"]
    assert veb.aliases[-1] == Name("VEB", "weak")  # LowQuality="true"

    sub = advanced["18267"]
    assert sub.details["linked_to"] == ["Open Joint-Stock Company Rosneft Oil Company"]
    assert sub.details["relations"] == [{"type": "Owned or Controlled By", "to": "17022"}]

    gaza = advanced["9659"]
    assert gaza.programs == ("SDGT", "NS-PLC")
    assert gaza.listing_dates == (date(2006, 4, 12), date(2016, 9, 16))
    assert gaza.addresses == ("Jabaliya, Region: Gaza",)

    turk = advanced["26182"]
    assert turk.details["gender"] == ["Male"] and turk.details["citizen"] == ["Turkey"]
    assert turk.details["dob"] == ["08 Feb 1980"]


def test_one_party_reads_the_same_in_all_three_forms(
    cons_csv: dict[str, Record], legacy: dict[str, Record], advanced: dict[str, Record]
) -> None:
    """9642 did not change between the 2018, 2020 and 2025 editions."""
    forms = [cons_csv["9642"], legacy["9642"], advanced["9642"]]
    for field in ("kind", "name", "aliases", "programs", "countries", "addresses", "identifiers"):
        assert len({getattr(r, field) for r in forms}) == 1, field
    assert forms[0].addresses == ("Hebron, West Bank, Palestinian",)
    assert forms[0].countries == ("PS",)
    assert all(r.details["dob"] == ["1959"] for r in forms)


def test_labelled_items_file_like_the_same_remarks_items(cons_csv: dict[str, Record]) -> None:
    """The XML forms give Remarks items as label/value pairs (idType/idNumber, Features). The
    real XML files here predate NS-CMIC, so Hikvision's real CSV Remarks items are given to
    `add_labelled` as such pairs: they must file as parse_remarks files them."""
    remarks = cons_csv["30946"].remarks
    assert remarks is not None
    facts = RemarksFacts()
    add_labelled(facts, "ISIN", "CNE100000PM8")
    add_labelled(facts, "Unified Social Credit Code (USCC)", "91330000733796106P", "CN")
    add_labelled(facts, "Listing Date (CMIC):", "03 Jun 2021")
    add_labelled(facts, "Effective Date (CMIC):", "02 Aug 2021")
    add_labelled(facts, "Purchase/Sales For Divestment Date (CMIC):", "03 Jun 2022")
    add_labelled(facts, "Target Type", "Public Company")
    csv = parse_remarks(remarks)
    assert facts.identifiers == [i for i in csv.identifiers if i.type in ("ISIN", "USCC")]
    assert facts.listing_dates == csv.listing_dates == [date(2021, 6, 3)]
    assert {k: v for k, v in facts.facts.items() if k != "target_type"} == csv.facts
    assert facts.facts["target_type"] == ["Public Company"]


def test_published_dates() -> None:
    assert published_date({"consolidated.xml": LEGACY_XML}) == date(2018, 4, 6)
    assert published_date({"cons_advanced.xml": ADVANCED_XML}) == date(2020, 3, 17)
    assert published_date({"sdn.xml": LEGACY_XML}) == date(2018, 4, 6)
    assert published_date(SDN_2021) is None
    assert SDN_SPEC.published is published_date and CONS_SPEC.published is published_date


def test_specs_offer_the_xml_forms_as_alternatives() -> None:
    assert [(f.name, f.url, f.media) for (f,) in SDN_SPEC.alternatives] == [
        ("sdn.xml", SLS + "SDN.XML", "xml"),
        ("sdn_advanced.xml", SLS + "SDN_ADVANCED.XML", "xml"),
    ]
    assert [(f.name, f.url, f.media) for (f,) in CONS_SPEC.alternatives] == [
        ("consolidated.xml", SLS + "CONSOLIDATED.XML", "xml"),
        ("cons_advanced.xml", SLS + "CONS_ADVANCED.XML", "xml"),
    ]
    # parse_sdn reads each form by its file name (the two lists share every schema).
    assert len(list(parse_sdn({"sdn.xml": LEGACY_XML}))) == 639
    assert len(list(parse_sdn({"sdn_advanced.xml": ADVANCED_XML}))) == 375


@pytest.mark.parametrize(
    ("name", "data", "namespaces"),
    [
        ("consolidated.xml", LEGACY_XML, LEGACY_NAMESPACES),
        ("cons_advanced.xml", ADVANCED_XML, ADVANCED_NAMESPACES),
    ],
)
def test_both_namespaces_accepted_any_other_refused(
    name: str, data: bytes, namespaces: tuple[str, ...]
) -> None:
    old, new = namespaces
    assert f'xmlns="{old}"'.encode() in data
    sls = data.replace(f'xmlns="{old}"'.encode(), f'xmlns="{new}"'.encode())
    assert list(parse_cons({name: sls})) == list(parse_cons({name: data}))
    assert new.startswith(SLS)
    other = data.replace(f'xmlns="{old}"'.encode(), b'xmlns="http://example.org/other"')
    with pytest.raises(ParseError, match=r"unknown namespace 'http://example.org/other'"):
        list(parse_cons({name: other}))


def test_streaming_keeps_memory_far_below_the_whole_tree() -> None:
    for parse, data in ((parse_legacy, LEGACY_XML), (parse_advanced, ADVANCED_XML)):
        tracemalloc.start()
        tree = DefusedET.fromstring(data)
        whole = tracemalloc.get_traced_memory()[1]
        del tree
        tracemalloc.stop()
        tracemalloc.start()
        count = sum(1 for _ in parse("x.xml", data))
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count > 300
        assert streamed < whole / 3, (streamed, whole)


# ---- broken input ------------------------------------------------------------------------------

# The smallest billion-laughs document: one entity defined from another, expanded in the body.
BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE sdnList [<!ENTITY a "ha"><!ENTITY b "&a;&a;">]>\n'
    b'<sdnList xmlns="http://tempuri.org/sdnList.xsd">&b;</sdnList>'
)
HTML = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"


@pytest.mark.parametrize("name", ["sdn.xml", "sdn_advanced.xml"])
def test_xml_bomb_refused(name: str) -> None:
    with pytest.raises(ParseError, match="refused XML construct"):
        list(parse_sdn({name: BOMB}))
    with pytest.raises(ParseError):
        published_date({name: BOMB})


@pytest.mark.parametrize(
    ("name", "data"), [("consolidated.xml", LEGACY_XML), ("cons_advanced.xml", ADVANCED_XML)]
)
def test_malformed_and_cut_xml_refused(name: str, data: bytes) -> None:
    with pytest.raises(ParseError, match="malformed XML"):
        list(parse_cons({name: data[: len(data) // 2]}))
    with pytest.raises(ParseError, match="malformed XML"):
        list(
            parse_cons(
                {name: data.replace(b"</DistinctParty>", b"", 1).replace(b"</sdnEntry>", b"", 1)}
            )
        )


def test_wrong_root_and_wrong_count_refused() -> None:
    with pytest.raises(ParseError, match="root element is <Sanctions>, expected <sdnList>"):
        list(parse_cons({"consolidated.xml": ADVANCED_XML}))
    with pytest.raises(ParseError, match="root element is <sdnList>, expected <Sanctions>"):
        list(parse_cons({"cons_advanced.xml": LEGACY_XML}))
    fewer = LEGACY_XML.replace(b"<Record_Count>639<", b"<Record_Count>640<")
    with pytest.raises(ParseError, match="Record_Count says 640 entries, the file has 639"):
        list(parse_cons({"consolidated.xml": fewer}))


@pytest.mark.parametrize("name", ["cons_prim.csv", "consolidated.xml", "cons_advanced.xml"])
@pytest.mark.parametrize("data", [HTML, b"", b"\x1a"])
def test_html_page_and_empty_files_refused(name: str, data: bytes) -> None:
    with pytest.raises(ParseError):
        list(parse_cons({name: data}))


def test_no_known_file_names_refused() -> None:
    with pytest.raises(
        ParseError, match=r"none of cons_prim\.csv, consolidated\.xml, cons_advanced\.xml"
    ):
        parse_cons({"cons_prim.txt": CONS_CSV["cons_prim.csv"]})


@pytest.mark.parametrize("file", ["cons_prim.csv", "cons_alt.csv"])
def test_csv_cut_mid_row_refused(file: str) -> None:
    data = CONS_CSV[file]
    lines = data.split(b"\r\n")
    middle = sum(len(x) + 2 for x in lines[: len(lines) // 2])  # start of the middle row
    row = lines[len(lines) // 2]
    cuts = [
        middle + row.rindex(b',"') + 2,  # just after the opening quote of the last value
        middle + row.index(b'"') + 3,  # inside a quoted value
        middle + row.index(b"-0-") + 2,  # inside an unquoted null
        middle + 2,  # inside ent_num
        len(data) - 6,  # inside the last row's final value
    ]
    for cut in cuts:
        files = dict(CONS_CSV, **{file: data[:cut]})
        with pytest.raises(ParseError, match=file.replace(".", r"\.")):
            list(parse_cons(files))
