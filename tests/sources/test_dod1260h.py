"""The § 1260H parser on OpenSanctions' real transcription of every DoD edition (2021-06-03 to
2026-06-08, 397 rows). Counts are checked against the raw rows read with the csv module, and the
current companies against a third party's separate extraction of the 2026 Federal Register
notice (dow_1260h_2026-06-10_derived.json)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from screening.errors import ParseError
from screening.sources.base import Name, Record
from screening.sources.dod1260h import DOD1260H_SPEC, FILE_NAME, parse_1260h

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "dod-1260h"
BUNDLE = ROOT / "data" / "us_dod_1260h"
RAW = (FIX / FILE_NAME).read_bytes()
HIKVISION = "hangzhou-hikvision-digital-technology-co-ltd"


def parse(data: bytes) -> list[Record]:
    return list(parse_1260h({FILE_NAME: data}))


def raw_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(RAW.decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return parse(RAW)


@pytest.fixture(scope="module")
def ids(records: list[Record]) -> dict[str, Record]:
    return {r.local_id: r for r in records}


def test_bundle_is_the_fixture() -> None:
    assert (BUNDLE / FILE_NAME).read_bytes() == RAW
    manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == [FILE_NAME]
    assert manifest["published_at"] == "2026-06-08"
    assert manifest["completeness"] == "full"
    provenance = (BUNDLE / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "CC BY-NC 4.0" in provenance and "Update" in provenance


def test_spec() -> None:
    assert DOD1260H_SPEC.id == "us_dod_1260h"
    assert DOD1260H_SPEC.parse is parse_1260h
    assert DOD1260H_SPEC.files == ()
    assert DOD1260H_SPEC.bundled_only


def test_counts_against_the_raw_rows(records: list[Record]) -> None:
    rows = raw_rows()
    latest = max(r["Start date"] for r in rows)
    assert len(rows) == 397 and latest == "2026-06-08"
    # Every row is kept, in exactly one company's history.
    assert sum(len(r.details["listings"]) for r in records) == len(rows)
    # Current = a row in the latest edition; the raw file has one row per company there.
    in_latest = [r for r in rows if r["Start date"] == latest]
    assert sum(r.details["current"] for r in records) == len(in_latest) == 188
    # 234 distinct clean names, less 7 spelling variants of one company (AVIC JONHON/Jonhon,
    # Xi'an/Xi’an, "Group (Limited)"/"Group Limited", "Co., Ltd"/"Co., Ltd.", "Co Ltd."/
    # "Co., Ltd.", "Co. Ltd."/"Co., Ltd.") and 4 rows whose clean name kept the short name
    # (CH UAV, Sugon, Inner Mongolia, MGI).
    assert len({r["Clean Name"] for r in rows}) == 234
    assert len(records) == 223
    assert len({r.local_id for r in records}) == 223
    assert {r.details["latest_edition"] for r in records} == {"2026-06-08"}
    editions = sorted({r["Start date"] for r in rows})
    assert editions == ["2021-06-03", "2022-10-05", "2024-01-31", "2025-01-07", "2026-06-08"]
    for r in records:
        assert r.kind == "organization"
        assert r.countries == ()
        assert [d.isoformat() for d in r.listing_dates] == r.details["editions"]
        assert r.details["current"] == ("2026-06-08" in r.details["editions"])


def test_hikvision_is_current(ids: dict[str, Record]) -> None:
    r = ids[HIKVISION]
    assert r.name == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert r.aliases == (Name("Hikvision", "aka"),)
    assert r.listing_dates == (date(2021, 6, 3), date(2025, 1, 7), date(2026, 6, 8))
    assert r.details["current"] is True
    assert r.details["editions"] == ["2021-06-03", "2025-01-07", "2026-06-08"]
    assert r.details["latest_edition"] == "2026-06-08"
    assert r.details["parents"] == ["China Electronics Technology Group Corporation"]
    listings = r.details["listings"]
    assert [x["listed_as"] for x in listings] == [
        "Hangzhou Hikvision Digital Technology Co., Ltd. (Hikvision)*",
        "Hangzhou Hikvision Digital Technology Co., Ltd. (Hikvision)",
        "Hangzhou Hikvision Digital Technology Co., Ltd. (Hikvision)",
    ]
    assert [x["parent"] for x in listings] == [
        "China Electronics Technology Group Corporation",
        "China Electronics Technology Group Corporation",
        None,
    ]
    assert [x["end_date"] for x in listings] == [None, None, None]
    assert listings[0]["source_url"] is None
    assert listings[2]["source_url"].startswith("https://media.defense.gov/2026/Jun/08/")
    assert r.remarks is not None
    assert r.remarks.startswith("Hikvision is indirectly owned by SASAC and is directly affiliated")
    assert listings[2]["note"] == r.remarks


def test_cnooc_limited_is_not_current(ids: dict[str, Record]) -> None:
    """Its only row (2021-06-03) has an empty end date: listed then, not current now."""
    r = ids["cnooc-limited"]
    assert r.name == "CNOOC Limited"
    assert r.details["current"] is False
    assert r.details["editions"] == ["2021-06-03"]
    assert r.listing_dates == (date(2021, 6, 3),)
    assert r.details["parents"] == ["China National Offshore Oil Corporation"]
    assert r.details["listings"][0]["end_date"] is None
    assert r.remarks is None
    # Its parent is current.
    assert ids["china-national-offshore-oil-corporation"].details["current"] is True


def test_end_dates_and_relisting(ids: dict[str, Record]) -> None:
    cnooc_china = ids["cnooc-china-limited"]
    assert cnooc_china.details["current"] is False
    assert cnooc_china.details["listings"][0]["end_date"] == "2026-02-17"
    # YMTC: its 2025 listing ended 2026-02-17, and the 2026-06-08 edition lists it again.
    ymtc = ids["yangtze-memory-technologies-co-ltd"]
    assert [(x["edition"], x["end_date"]) for x in ymtc.details["listings"]] == [
        ("2024-01-31", None),
        ("2025-01-07", "2026-02-17"),
        ("2026-06-08", None),
    ]
    assert ymtc.details["current"] is True


def test_names_across_editions(ids: dict[str, Record]) -> None:
    dawning = ids["dawning-information-industry-co-ltd"]
    assert dawning.name == "Dawning Information Industry Co., Ltd."
    assert dawning.aliases == (Name("Sugon", "aka"),)
    assert dawning.details["editions"] == ["2022-10-05", "2025-01-07", "2026-06-08"]
    jonhon = ids["avic-jonhon-optronic-technology-co-ltd"]
    assert jonhon.name == "AVIC JONHON Optronic Technology Co., Ltd."
    assert Name("AVIC Jonhon Optronic Technology Co., Ltd.", "aka") in jonhon.aliases
    assert jonhon.details["parents"] == ["Aviation Industry Corporation of China, Ltd."]
    chengdu = ids["avic-chengdu-aircraft-co-ltd"]
    assert chengdu.aliases == (
        Name("Zhonghang Electronic Measuring Instruments Company Limited", "fka"),
        Name("ZEMIC", "fka"),
    )
    airborne = ids["avic-airborne-systems-co-ltd"]
    assert airborne.aliases == (Name("China Avionics Systems Co., Ltd.", "fka"),)
    knownsec = ids["beijing-zhidao-chuangyu-information-technology-co-ltd"]
    assert knownsec.aliases == (Name("Knownsec", "aka"), Name("Beijing Kownsec", "aka"))
    hesai = ids["hesai-group"]
    assert hesai.aliases == (Name("Hesai Technology Co., Ltd.", "aka"),)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def test_current_companies_match_the_federal_register_extraction(records: list[Record]) -> None:
    """A third party's extraction of FR Doc 2026-11571 lists the 80 top-level companies of the
    2026 edition: each is a current record (by name or alias), and 80 current records have no
    parent in that edition."""
    derived = json.loads((FIX / "dow_1260h_2026-06-10_derived.json").read_text(encoding="utf-8"))
    assert len(derived["entities"]) == 80
    current = [r for r in records if r.details["current"]]
    names = {_key(r.name): r for r in current}
    aliases = {_key(a.value): r for r in current for a in r.aliases}
    for entity in derived["entities"]:
        keys = [_key(entity["name"])] + [_key(a) for a in entity["aliases"]]
        assert any(k in names or k in aliases for k in keys), entity["name"]
    top_level = [r for r in current if r.details["listings"][-1]["parent"] is None]
    assert len(top_level) == 80


def test_missing_column_raises() -> None:
    text = RAW.decode("utf-8").replace("Parent Name,", "Parent,", 1)
    with pytest.raises(
        ParseError, match=r"sanctions\.csv: line 1 lacks the column\(s\) Parent Name"
    ):
        parse(text.encode())


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_raises(data: bytes) -> None:
    with pytest.raises(ParseError, match="empty file"):
        parse(data)


def test_header_only_raises() -> None:
    with pytest.raises(ParseError, match="no rows"):
        parse(RAW.split(b"\n", 1)[0] + b"\n")


def test_html_raises() -> None:
    with pytest.raises(ParseError, match="not a CSV file"):
        parse(b"<html><head><title>Access Denied</title></head><body></body></html>")


def test_truncated_raises() -> None:
    lines = RAW.split(b"\n")
    cut = b"\n".join(lines[:10]) + b"\n" + lines[10][:30]
    with pytest.raises(ParseError, match="line 11 has the wrong number of fields"):
        parse(cut)


def test_bad_values_raise() -> None:
    with pytest.raises(ParseError, match="line 2, field Start date"):
        parse(RAW.replace(b",2022-10-05,", b",5 Oct 2022,", 1))
    lines = RAW.split(b"\n")
    assert lines[1].startswith(
        b"360 Security Technology Inc. (Qihoo 360)*,360 Security Technology Inc.,"
    )
    lines[1] = lines[1].replace(b",360 Security Technology Inc.,", b",,", 1)
    with pytest.raises(ParseError, match="line 2, field Clean Name is empty"):
        parse(b"\n".join(lines))
