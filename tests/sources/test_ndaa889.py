"""The § 889 parser on the bundled curated file: OpenSanctions' real transcription of the five
named companies (kept unchanged in tests/fixtures/ndaa-889/section_889.csv) plus the columns
filled from § 889(f)(3) and FAR 52.204-25(a). The names are checked against the original."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from screening.errors import ParseError
from screening.sources.base import Record
from screening.sources.ndaa889 import FILE_NAME, NDAA889_SPEC, parse_section_889

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "ndaa-889"
BUNDLE = ROOT / "data" / "us_ndaa_889"
CURATED = (FIX / "section_889_curated.csv").read_bytes()
LIMITATION = (
    "public safety, security of Government facilities, physical security surveillance of "
    "critical infrastructure, and other national security purposes"
)
PARA_1 = (
    "Telecommunications equipment produced by Huawei Technologies Company or ZTE Corporation "
    "(or any subsidiary or affiliate of such entities)."
)
PARA_2 = (
    "For the purpose of public safety, security of Government facilities, physical security "
    "surveillance of critical infrastructure, and other national security purposes, video "
    "surveillance and telecommunications equipment produced by Hytera Communications "
    "Corporation, Hangzhou Hikvision Digital Technology Company, or Dahua Technology Company "
    "(or any subsidiary or affiliate of such entities)."
)
PARA_3 = (
    "Telecommunications or video surveillance services provided by such entities or using such "
    "equipment."
)


def parse(data: bytes) -> list[Record]:
    return list(parse_section_889({FILE_NAME: data}))


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return parse(CURATED)


def test_bundle_is_the_curated_fixture() -> None:
    assert (BUNDLE / FILE_NAME).read_bytes() == CURATED
    manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == [FILE_NAME]
    assert manifest["published_at"] == "2018-08-13"
    assert manifest["completeness"] == "full"
    assert "CC BY-NC 4.0" in (BUNDLE / "PROVENANCE.md").read_text(encoding="utf-8")


def test_spec() -> None:
    assert NDAA889_SPEC.id == "us_ndaa_889"
    assert NDAA889_SPEC.parse is parse_section_889
    assert NDAA889_SPEC.files == ()
    assert NDAA889_SPEC.bundled_only


def test_the_five_companies_of_the_original_transcription(records: list[Record]) -> None:
    original = list(csv.DictReader(io.StringIO((FIX / FILE_NAME).read_text(encoding="utf-8"))))
    assert len(original) == 5
    assert [r.name for r in records] == [row["name"] for row in original]
    assert [r.local_id for r in records] == [
        "dahua-technology-company",
        "hangzhou-hikvision-digital-technology-company",
        "huawei-technologies-company",
        "hytera-communications-corporation",
        "zte-corporation",
    ]
    # The curated file changes none of the original's filled cells.
    curated = list(csv.DictReader(io.StringIO(CURATED.decode("utf-8"))))
    for old, new in zip(original, curated, strict=True):
        assert {k: v for k, v in old.items() if v} == {k: new[k] for k, v in old.items() if v}


def test_scopes(records: list[Record]) -> None:
    by_name = {r.name: r for r in records}
    for name in ("Huawei Technologies Company", "ZTE Corporation"):
        r = by_name[name]
        assert r.details["scope"] == f"{PARA_1} {PARA_3}"
        assert r.details["use_limitation"] is None
        assert (
            r.details["citation"] == "Pub. L. 115-232, div. A, title VIII, § 889(f)(3)(A) and (C)"
        )
    for name in (
        "Hytera Communications Corporation",
        "Hangzhou Hikvision Digital Technology Company",
        "Dahua Technology Company",
    ):
        r = by_name[name]
        assert r.details["scope"] == f"{PARA_2} {PARA_3}"
        assert r.details["use_limitation"] == LIMITATION
        assert (
            r.details["citation"] == "Pub. L. 115-232, div. A, title VIII, § 889(f)(3)(B) and (C)"
        )
    for r in records:
        assert r.name in r.details["scope"]
        assert r.kind == "organization"
        assert r.details["covers_subsidiaries_and_affiliates"] is True
        assert r.listing_dates == (date(2018, 8, 13),)


def test_hikvision(records: list[Record]) -> None:
    r = records[1]
    assert r.local_id == "hangzhou-hikvision-digital-technology-company"
    assert r.kind == "organization"
    assert r.name == "Hangzhou Hikvision Digital Technology Company"
    assert r.aliases == ()
    assert r.countries == ()
    assert r.programs == (
        "Section 889 of the John S. McCain National Defense Authorization Act for Fiscal Year "
        "2019 (Public Law 115 - 232)",
    )
    assert r.listed_on == date(2018, 8, 13)
    assert dict(r.details) == {
        "scope": f"{PARA_2} {PARA_3}",
        "use_limitation": LIMITATION,
        "covers_subsidiaries_and_affiliates": True,
        "citation": "Pub. L. 115-232, div. A, title VIII, § 889(f)(3)(B) and (C)",
        "far_clause": (
            "FAR 52.204-25(a), definition of covered telecommunications equipment or services, "
            "paragraphs (2) and (3)"
        ),
        "authority": "United States Congress",
        "enacted": "2018-08-13",
        "prohibitions_effective": {"889(a)(1)(A)": "2019-08-13", "889(a)(1)(B)": "2020-08-13"},
        "source_url": "https://www.congress.gov/115/plaws/publ232/PLAW-115publ232.pdf",
    }


def test_original_layout_without_scope_columns_raises() -> None:
    with pytest.raises(
        ParseError, match=r"section_889\.csv: line 1 lacks the column\(s\) citation"
    ):
        parse((FIX / FILE_NAME).read_bytes())


@pytest.mark.parametrize("data", [b"", b"\n"])
def test_empty_raises(data: bytes) -> None:
    with pytest.raises(ParseError, match="empty file"):
        parse(data)


def test_header_only_raises() -> None:
    with pytest.raises(ParseError, match="no rows"):
        parse(CURATED.split(b"\n", 1)[0] + b"\n")


def test_html_raises() -> None:
    with pytest.raises(ParseError, match="not a CSV file"):
        parse(b"<!DOCTYPE html><html><body>Not Found</body></html>")


def test_truncated_raises() -> None:
    cut = CURATED[: CURATED.index(b"Company,Hangzhou") + 60]
    with pytest.raises(ParseError, match="line 3 has the wrong number of fields"):
        parse(cut)


def test_bad_values_raise() -> None:
    with pytest.raises(ParseError, match="line 2, field covers_subsidiaries_and_affiliates"):
        parse(CURATED.replace(b",true\n", b",yes\n", 1))
    with pytest.raises(ParseError, match="line 2, field start-date"):
        parse(CURATED.replace(b"2018-08-13", b"13/08/2018", 1))
    with pytest.raises(ParseError, match="line 2, field schema"):
        parse(CURATED.replace(b"\nCompany,", b"\nPerson,", 1))
