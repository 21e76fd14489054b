"""JUnit XML: parsed back (our own output, so xml.etree is fine) and checked for suites, test
cases, failures, errors and counts. Reports are hand-built (tests/reports/support.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from screening.gate.findings import build_gate
from screening.gate.waivers import Waiver
from screening.reports import junit
from tests.reports.support import ACME, inventory_report, po_report, typed, without_errors

TODAY = date(2026, 9, 1)
WAIVER = Waiver(1, "Licence D123456", "J. Smith", date(2027, 3, 31), file="po.csv", row=5)


def _parse(
    fail_on: str = "high", reports: list[tuple[str, dict[str, Any]]] | None = None
) -> ET.Element:
    given = reports or [("po.csv", po_report())]
    gate = build_gate([(p, typed(r)) for p, r in given], fail_on, [WAIVER], TODAY)
    return ET.fromstring(junit.render(gate).encode("utf-8"))


def test_suite_cases_and_counts() -> None:
    root = _parse()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "2", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "po.csv"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "2", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        f"row 1: Hikvision DS-7608NI-K2/8P from {ACME}",
        "row 2: Hikvision DS-2CD2143G2-I from Hangzhou Hikvision Digital Technology Co., Ltd.",
        f"row 3: Annke N48PAW from {ACME}",
        "row 4: Axis P3245-V from Nordic Camera Distribution AB",
        f"row 5: Hikvision DS-2CD1043G0-I from {ACME}",
        "row 6: not read",
    ]
    assert {c.get("classname") for c in cases} == {"po.csv"}
    assert [c.get("line") for c in cases] == ["2", "3", "4", "5", "6", "7"]
    failed = [c.get("name", "")[:5] for c in cases if c.find("failure") is not None]
    assert failed == ["row 1", "row 2"]  # row 5 is waived whole
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["profile"] == "us-federal" and props["fail_on"] == "high"
    assert props["snapshot:us_ndaa_889"] == "2018-08-13-3f9a1c2e"


def test_failure_lists_the_findings() -> None:
    case = _parse().find("testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "prohibited: listed-maker, known-exploited"
    assert failure.get("type") == "prohibited"
    lines = (failure.text or "").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("error listed-maker: Hangzhou Hikvision Digital Technology Company")
    assert lines[1].startswith("error known-exploited: CVE-2021-36260")


def test_waived_and_warning_findings_in_system_out() -> None:
    cases = _parse().findall("testsuite/testcase")
    waived = cases[4]
    assert waived.find("failure") is None
    out = waived.findtext("system-out") or ""
    assert "error listed-maker:" in out and "[waived: Licence D123456; J. Smith]" in out
    relabel = cases[2]
    assert (relabel.findtext("system-out") or "").startswith("warning possible-relabel:")
    assert cases[3].find("system-out") is None and len(list(cases[3])) == 0


def test_row_error_is_an_error_case() -> None:
    cases = _parse().findall("testsuite/testcase")
    error = cases[5].find("error")
    assert error is not None
    assert error.get("message") == "field Quantity: not a number: 'four'"
    assert error.get("type") == "unreadable-row"


def test_threshold_changes_failures_and_files_are_suites() -> None:
    root = _parse("low", [("po.csv", without_errors(po_report())), ("inv.csv", inventory_report())])
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["po.csv", "inv.csv"]
    assert [(s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("5", "3", "0"),  # rows 1, 2 and now 3 (low); row 5 waived
        ("5", "2", "1"),  # the Hikvision NVR and the Annke; the MAC error
    ]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "5", "1")
    names = [c.get("name") for c in suites[1].findall("testcase")]
    assert names[0] == "row 1: A-001: Hikvision DS-7608NI-K2/8P"
    assert names[3] == "row 4: A-004: (no make or model)"


def test_characters_xml_cannot_hold_are_replaced() -> None:
    report = po_report()
    report["items"][0]["vendor"] = 'Bad\x01 "Co" <&>'
    root = _parse(reports=[("po.csv", report)])
    name = root.find("testsuite/testcase")
    assert name is not None
    assert name.get("name") == 'row 1: Hikvision DS-7608NI-K2/8P from Bad\ufffd "Co" <&>'
