"""The FCC Covered List parser on the real cell text of the FCC's table (2026-05 and 2026-08).

No raw copy of the FCC's HTML page exists (tests/fixtures/fcc-covered-list/PROVENANCE.md). The
pages used here, `covered_list_<date>.html`, hold the real cell text of OpenSanctions' dumps,
unchanged; only the markup around it is reconstructed, by render_html.py in the same folder,
following the documented page structure. Counts and values are checked against the CSV dumps
read independently with the csv module.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from screening.errors import ParseError
from screening.sources.base import Name, Record
from screening.sources.fcc import FCC_SPEC, FILE_NAME, parse_covered_list

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "fcc-covered-list"
BUNDLE = ROOT / "data" / "us_fcc_covered"
MAY, AUG = "2026-05-21", "2026-08-20"
LIMITATION = (
    "public safety, security of government facilities, physical security surveillance of "
    "critical infrastructure, and other national security purposes"
)
HIKVISION_SCOPE = (
    "Video surveillance and telecommunications equipment produced by Hangzhou Hikvision "
    "Digital Technology Company, to the extent it is used for the purpose of public safety, "
    "security of government facilities, physical security surveillance of critical "
    "infrastructure, and other national security purposes, including telecommunications or "
    "video surveillance services provided by such entity or using such equipment."
)
UAS = "uncrewed-aircraft-systems-uas-and-uas-critical-components"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fcc_render_html", FIX / "render_html.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page(day: str) -> bytes:
    return (FIX / f"covered_list_{day}.html").read_bytes()


def parse(data: bytes) -> list[Record]:
    return list(parse_covered_list({FILE_NAME: data}))


def csv_rows(day: str) -> list[list[str]]:
    text = (FIX / f"table_{day}.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return rows[1:]


def by_id(records: list[Record]) -> dict[str, Record]:
    return {r.local_id: r for r in records}


@pytest.fixture(scope="module")
def aug() -> list[Record]:
    return parse(page(AUG))


@pytest.fixture(scope="module")
def may() -> list[Record]:
    return parse(page(MAY))


def test_pages_are_the_csv_text_in_the_documented_markup() -> None:
    render = _renderer()
    for day in (MAY, AUG):
        source = FIX / f"table_{day}.csv"
        assert render.render(source.read_bytes(), source.name) == page(day)


def test_bundled_page_is_the_2026_08_page() -> None:
    assert (BUNDLE / "covered_list.html").read_bytes() == page(AUG)
    manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == [FILE_NAME]
    assert manifest["published_at"] == "2026-08-20"
    assert manifest["completeness"] == "full"
    assert manifest["origin_url"] == "https://www.fcc.gov/supplychain/coveredlist"
    assert "CC BY-NC 4.0" in (BUNDLE / "PROVENANCE.md").read_text(encoding="utf-8")


def test_spec() -> None:
    assert FCC_SPEC.id == "us_fcc_covered"
    assert FCC_SPEC.parse is parse_covered_list
    assert [(f.name, f.url, f.media) for f in FCC_SPEC.files] == [
        ("covered_list.html", "https://www.fcc.gov/supplychain/coveredlist", "html")
    ]
    assert not FCC_SPEC.bundled_only


def test_counts_match_the_dumps(may: list[Record], aug: list[Record]) -> None:
    assert len(csv_rows(MAY)) == 13 and len(csv_rows(AUG)) == 16
    assert len(may) == 13
    assert len(aug) == 16
    assert len({r.local_id for r in aug}) == 16
    kinds = [r.kind for r in aug]
    assert kinds.count("organization") == 12 and kinds.count("category") == 4
    assert [r.kind for r in may].count("category") == 2


def test_every_record_follows_its_row(aug: list[Record]) -> None:
    """Row by row against the dump: the name is in the row's text, the scope is the text when
    it carries no footnote mark or link text, the dates are the cell's dates."""
    for record, (what, when) in zip(aug, csv_rows(AUG), strict=True):
        if record.kind == "organization":
            assert record.name in what
        if not re.search(r"[†#^£³]|Visit -", what):
            assert record.details["scope"] == what
        dates = [datetime.strptime(d.strip(), "%B %d, %Y").date() for d in when.split("Updated:")]
        assert record.listing_dates == (dates[0],)
        assert record.details["date_of_inclusion"] == dates[0].isoformat()
        assert record.details["updated"] == [d.isoformat() for d in dates[1:]]
        assert record.countries == ()


def test_hikvision(aug: list[Record]) -> None:
    r = by_id(aug)["hangzhou-hikvision-digital-technology-company"]
    assert r.kind == "organization"
    assert r.name == "Hangzhou Hikvision Digital Technology Company"
    assert r.aliases == ()
    assert r.listing_dates == (date(2021, 3, 12),)
    assert r.listed_on == date(2021, 3, 12)
    assert dict(r.details) == {
        "scope": HIKVISION_SCOPE,
        "date_of_inclusion": "2021-03-12",
        "updated": [],
        "use_limitation": LIMITATION,
        "extends_to": None,
        "also_named": [],
    }


def test_named_companies(aug: list[Record]) -> None:
    orgs = [(r.local_id, r.name) for r in aug if r.kind == "organization"]
    assert orgs == [
        ("huawei-technologies-company", "Huawei Technologies Company"),
        ("zte-corporation", "ZTE Corporation"),
        ("hytera-communications-corporation", "Hytera Communications Corporation"),
        (
            "hangzhou-hikvision-digital-technology-company",
            "Hangzhou Hikvision Digital Technology Company",
        ),
        ("dahua-technology-company", "Dahua Technology Company"),
        ("ao-kaspersky-lab", "AO Kaspersky Lab"),
        ("china-mobile-international-usa-inc", "China Mobile International USA Inc."),
        ("china-telecom-americas-corp", "China Telecom (Americas) Corp."),
        ("pacific-networks-corp", "Pacific Networks Corp"),
        ("china-unicom-americas-operations-limited", "China Unicom (Americas) Operations Limited"),
        ("kaspersky-lab-inc", "Kaspersky Lab, Inc."),
        ("digitalsystem-technology-inc", "Digitalsystem Technology Inc."),
    ]
    ids = by_id(aug)
    assert ids["huawei-technologies-company"].details["use_limitation"] is None
    assert ids["dahua-technology-company"].details["use_limitation"] == LIMITATION
    pacific = ids["pacific-networks-corp"]
    assert pacific.aliases == (Name("ComNet (USA) LLC", "aka"),)
    assert pacific.details["also_named"] == ["ComNet (USA) LLC"]
    assert pacific.listing_dates == (date(2022, 9, 20),)
    assert ids["ao-kaspersky-lab"].details["extends_to"] == (
        "predecessors, successors, parents, subsidiaries, or affiliates"
    )
    assert ids["kaspersky-lab-inc"].details["extends_to"] == "successors and assignees"
    assert ids["digitalsystem-technology-inc"].listing_dates == (date(2026, 7, 7),)


def test_category_rows_are_categories(aug: list[Record]) -> None:
    cats = [(r.local_id, r.name, r.details["category"]) for r in aug if r.kind == "category"]
    assert cats == [
        (
            UAS,
            "Uncrewed aircraft systems (UAS) and UAS critical components produced in a foreign"
            " country",
            "Uncrewed aircraft systems (UAS) and UAS critical components",
        ),
        ("routers", "Routers produced in a foreign country", "Routers"),
        (
            "foreign-produced-power-inverters",
            "Foreign-produced power inverters",
            "Foreign-produced power inverters",
        ),
        (
            "foreign-produced-advanced-robotic-devices",
            "Foreign-produced advanced robotic devices",
            "Foreign-produced advanced robotic devices",
        ),
    ]
    uas = by_id(aug)[UAS]
    assert uas.listing_dates == (date(2025, 12, 22),)
    assert uas.details["updated"] == ["2026-01-07", "2026-03-18", "2026-06-15", "2026-07-21"]
    scope = uas.details["scope"]
    assert scope.startswith(
        "Uncrewed aircraft systems (UAS) and UAS critical components produced in a foreign "
        "country —except: (a) UAS and UAS critical components included on the Defense Contract"
    )
    assert "Section 1709(a)(1) of the FY25 National Defense Authorization Act" in scope
    assert "Visit" not in scope and "†" not in scope and "#" not in scope
    routers = by_id(aug)["routers"]
    assert routers.details["scope"] == (
        "Routers produced in a foreign country, except routers which have been granted a "
        "Conditional Approval by DoW or DHS."
    )
    inverters = by_id(aug)["foreign-produced-power-inverters"]
    assert inverters.details["scope"] == (
        "Foreign-produced power inverters, except power inverters which have been granted a "
        "Conditional Approval by DoW or DHS."
    )
    assert inverters.listing_dates == (date(2026, 7, 28),)
    robots = by_id(aug)["foreign-produced-advanced-robotic-devices"]
    assert robots.details["scope"] == (
        "Foreign-produced advanced robotic devices, except advanced robotic devices which have "
        "been granted a Conditional Approval by DoW."
    )


def test_diff_2026_05_to_2026_08(may: list[Record], aug: list[Record]) -> None:
    old, new = by_id(may), by_id(aug)
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    assert added == [
        "digitalsystem-technology-inc",
        "foreign-produced-advanced-robotic-devices",
        "foreign-produced-power-inverters",
    ]
    assert removed == []
    assert changed == ["kaspersky-lab-inc", UAS]
    # What changed, field by field.
    k_old, k_new = old["kaspersky-lab-inc"], new["kaspersky-lab-inc"]
    assert [f for f in k_old.details if k_old.details[f] != k_new.details[f]] == ["scope"]
    assert "including equipment with integrated Kaspersky Lab, Inc." in k_old.details["scope"]
    assert k_new.details["scope"].endswith("or any of its successors and assignees.")
    u_old, u_new = old[UAS], new[UAS]
    assert [f for f in u_old.details if u_old.details[f] != u_new.details[f]] == [
        "scope",
        "updated",
    ]
    assert u_old.details["updated"] == ["2026-01-07", "2026-03-18"]
    assert (u_old.name, u_old.kind, u_old.listing_dates) == (
        u_new.name,
        u_new.kind,
        u_new.listing_dates,
    )
    # The routers row differs only in footnote spacing ("Routers^ produced" / "Routers ^ produced").
    assert "Routers^ produced" in csv_rows(MAY)[12][0]
    assert "Routers ^ produced" in csv_rows(AUG)[12][0]
    assert old["routers"] == new["routers"]


def _one_row_page(first_cell: str, second_cell: str) -> bytes:
    return (
        "<html><body><div id='covered-list'><table><tr><th>Covered Equipment or Services</th>"
        "<th>Date of Inclusion on Covered List</th></tr>"
        f"<tr><td>{first_cell}</td><td>{second_cell}</td></tr></table></div></body></html>"
    ).encode()


def test_markup_variants_give_the_same_record(aug: list[Record]) -> None:
    """The real Hikvision and Kaspersky rows with the name in <strong>, a footnote in <sup> and
    the date in pieces: the same records as the plain rendering."""
    hik = _one_row_page(
        "<p>Video surveillance and telecommunications equipment produced by <strong>Hangzhou "
        "Hikvision Digital Technology Company</strong><sup>†</sup>, to the extent it is used for "
        "the purpose of public safety, security of government facilities, physical security "
        "surveillance of critical infrastructure, and other national security purposes, "
        "including telecommunications or video surveillance services provided by such entity "
        "or using such equipment.</p>",
        "<p>March\n 12, 2021</p>",
    )
    assert parse(hik) == [by_id(aug)["hangzhou-hikvision-digital-technology-company"]]
    kaspersky_text = csv_rows(MAY)[10][0].replace(
        "Kaspersky Lab, Inc.", "<strong>Kaspersky Lab, Inc.</strong>"
    )
    (record,) = parse(_one_row_page(kaspersky_text, "July 23, 2024"))
    assert record == by_id(parse(page(MAY)))["kaspersky-lab-inc"]
    assert record.name == "Kaspersky Lab, Inc." and record.aliases == ()


def test_strong_names_the_entity_when_present() -> None:
    """Where the publisher marks the name, the marked text is the name."""
    (record,) = parse(
        _one_row_page(
            "International telecommunications services provided by <strong>Pacific Networks "
            "Corp</strong> and its wholly-owned subsidiary <strong>ComNet (USA) LLC</strong> "
            "subject to section 214 of the Communications Act of 1934.",
            "September 20, 2022",
        )
    )
    assert record.name == "Pacific Networks Corp"
    assert record.aliases == (Name("ComNet (USA) LLC", "aka"),)


def test_missing_table_raises() -> None:
    without_table = re.sub(rb"<table>.*</table>", b"", page(AUG), flags=re.DOTALL)
    assert b"<table" not in without_table
    with pytest.raises(ParseError, match=r"covered_list\.html: no table with the header"):
        parse(without_table)


def test_wrong_header_raises() -> None:
    renamed = page(AUG).replace(b"<th>Covered Equipment or Services</th>", b"<th>Equipment</th>")
    with pytest.raises(ParseError, match="no table with the header"):
        parse(renamed)


def test_error_page_raises() -> None:
    error_page = (
        b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Access "
        b"Denied</h1><p>You don't have permission to access this page.</p></body></html>"
    )
    with pytest.raises(ParseError, match="Access Denied"):
        parse(error_page)


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_file_raises(data: bytes) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse(data)


def test_truncated_page_raises() -> None:
    data = page(AUG)
    with pytest.raises(ParseError, match="truncated"):
        parse(data[: len(data) // 2])


def test_missing_file_raises() -> None:
    with pytest.raises(ParseError, match=r"missing covered_list\.html"):
        list(parse_covered_list({"other.html": page(AUG)}))


def test_bad_rows_raise() -> None:
    three_cells = page(AUG).replace(
        b"<td><p>March 23, 2026</p></td>", b"<td>March 23, 2026</td><td>x</td>"
    )
    with pytest.raises(ParseError, match=r"line \d+, table row 13 has 3 cells, expected 2"):
        parse(three_cells)
    bad_date = page(AUG).replace(b"<p>March 23, 2026</p>", b"<p>pending</p>")
    with pytest.raises(ParseError, match="table row 13, field 'Date of Inclusion on Covered List'"):
        parse(bad_date)
    # A row naming neither a producer nor a foreign-produced category is a shape we do not know.
    unknown = page(AUG).replace(
        b"Telecommunications equipment produced by ZTE Corporation", b"Telecommunications equipment"
    )
    with pytest.raises(ParseError, match="table row 2, field 'Covered Equipment or Services'"):
        parse(unknown)
