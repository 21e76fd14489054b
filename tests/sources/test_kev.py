"""The CISA Known Exploited Vulnerabilities parser, on CISA's real catalog of 2025-08-25
(tests/fixtures/cisa-kev, full: 1,404 entries), which is first validated against CISA's own JSON
schema (copied alongside it)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from screening.errors import ParseError
from screening.sources import kev
from screening.sources.base import Identifier, Record

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "cisa-kev"
BUNDLED = ROOT / "data" / "us_cisa_kev"
DATA = (FIXTURES / "known_exploited_vulnerabilities_2025-08-25.json").read_bytes()
DOC = json.loads(DATA)


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    parsed = list(kev.parse({kev.FILE: DATA}))
    by_id = {r.local_id: r for r in parsed}
    assert len(by_id) == len(parsed)
    return by_id


def _mutated(change: Callable[[dict[str, Any]], object]) -> bytes:
    doc = json.loads(DATA)
    change(doc)
    return json.dumps(doc).encode()


def test_fixture_validates_against_cisas_schema() -> None:
    schema = json.loads((FIXTURES / "known_exploited_vulnerabilities_schema.json").read_bytes())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(DOC)) == []
    broken = json.loads(DATA)
    broken["vulnerabilities"][0]["cveID"] = "CVE-25-1"
    assert list(validator.iter_errors(broken))  # the schema check itself can fail


def test_all_1404_vulnerabilities(records: dict[str, Record]) -> None:
    assert len(records) == 1404 == DOC["count"] == len(DOC["vulnerabilities"])
    assert list(records) == [v["cveID"] for v in DOC["vulnerabilities"]]  # catalog order
    assert {r.kind for r in records.values()} == {"vulnerability"}
    assert all(
        r.listing_dates == (date.fromisoformat(r.details["date_added"]),) for r in records.values()
    )
    ransomware = sum(r.details["known_ransomware_use"] == "Known" for r in records.values())
    assert ransomware == 293


def test_hikvision_cve_2021_36260(records: dict[str, Record]) -> None:
    r = records["CVE-2021-36260"]
    assert r.kind == "vulnerability"
    assert r.name == "Hikvision Improper Input Validation"
    assert r.aliases == () and r.countries == () and r.programs == ()
    assert r.identifiers == (Identifier("CVE", "CVE-2021-36260"),)
    assert r.listing_dates == (date(2022, 1, 10),)
    assert r.details == {
        "vendor": "Hikvision",
        "product": "Security cameras web server",
        "date_added": "2022-01-10",
        "due_date": "2022-01-24",
        "short_description": (
            "A command injection vulnerability in the web server of some "
            "Hikvision product. Due to the insufficient input validation."
        ),
        "required_action": "Apply updates per vendor instructions.",
        "known_ransomware_use": "Unknown",
        "notes": "https://nvd.nist.gov/vuln/detail/CVE-2021-36260",
        "cwes": ["CWE-78"],
    }


@pytest.mark.parametrize("cve", ["CVE-2021-33044", "CVE-2021-33045"])
def test_dahua_camera_authentication_bypasses(records: dict[str, Record], cve: str) -> None:
    r = records[cve]
    assert r.name == "Dahua IP Camera Authentication Bypass Vulnerability"
    assert r.details["vendor"] == "Dahua"
    assert r.details["product"] == "IP Camera Firmware"
    assert r.details["date_added"] == "2024-08-21"
    assert r.details["due_date"] == "2024-09-11"
    assert r.details["cwes"] == ["CWE-287"]
    assert r.details["notes"] == (
        "https://www.dahuasecurity.com/aboutUs/trustedCenter/details/582; "
        f"https://nvd.nist.gov/vuln/detail/{cve}"
    )
    assert r.listing_dates == (date(2024, 8, 21),)


def test_published_date_and_spec() -> None:
    assert kev.published_date({kev.FILE: DATA}) == date(2025, 8, 25)
    assert kev.SPEC.id == "us_cisa_kev"
    assert kev.SPEC.record_type == "vulnerability"
    assert kev.SPEC.parse is kev.parse
    assert kev.SPEC.published is kev.published_date
    assert [(f.name, f.url, f.media) for f in kev.SPEC.files] == [
        (
            "known_exploited_vulnerabilities.json",
            "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
            "json",
        )
    ]


def test_bundled_snapshot_is_the_same_real_file() -> None:
    manifest = json.loads((BUNDLED / "manifest.json").read_text())
    assert manifest["files"] == [kev.FILE]
    assert manifest["completeness"] == "full"
    files = {name: (BUNDLED / name).read_bytes() for name in manifest["files"]}
    assert files[kev.FILE] == DATA
    assert manifest["published_at"] == "2025-08-25" == str(kev.published_date(files))
    assert (BUNDLED / "PROVENANCE.md").is_file()


def _drop_last(doc: dict[str, Any]) -> None:
    doc["vulnerabilities"].pop()


def _set(key: str, value: object, index: int = 0) -> Callable[[dict[str, Any]], object]:
    return lambda doc: doc["vulnerabilities"][index].__setitem__(key, value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Access Denied</body></html>", "not the KEV JSON"),
        (DATA[: len(DATA) // 2], "malformed or truncated JSON at line"),
        (_mutated(lambda d: d.pop("vulnerabilities")), "field vulnerabilities is missing"),
        (b"[]", "top level is a JSON list"),
        (_mutated(_drop_last), "count says 1404 vulnerabilities, the array has 1403"),
        (_mutated(_set("cveID", "CVE-21-1")), "field cveID: 'CVE-21-1' is not a CVE id"),
        (_mutated(_set("dueDate", "24/01/2022")), "field dueDate: '24/01/2022' is not a"),
        (_mutated(_set("vulnerabilityName", "")), "element 1, field vulnerabilityName is missing"),
        (_mutated(_set("cwes", ["78"])), "field cwes"),
        (_mutated(_set("cveID", DOC["vulnerabilities"][0]["cveID"], 1)), "appears twice"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
    ids=[
        "empty",
        "html",
        "truncated",
        "no-vulnerabilities",
        "array",
        "count-mismatch",
        "bad-cve",
        "bad-date",
        "empty-name",
        "bad-cwe",
        "duplicate",
        "not-utf8",
    ],
)
def test_broken_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape("known_exploited_vulnerabilities.json")) as err:
        list(kev.parse({kev.FILE: data}))
    assert message in err.value.detail


def test_missing_file() -> None:
    with pytest.raises(ParseError, match=re.escape("missing known_exploited_vulnerabilities.json")):
        list(kev.parse({"kev.json": DATA}))
