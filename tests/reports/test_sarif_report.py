"""SARIF 2.1.0: validated against the OASIS schema (tests/schemas/, see its PROVENANCE.md); one
result per finding with rule, level, location and suppressions. Reports are hand-built
(tests/reports/support.py)."""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from screening.gate.findings import GateResult, build_gate
from screening.gate.rules import RULE_IDS, rule_text
from screening.gate.waivers import Waiver
from screening.reports import sarif
from screening.scoring import explain
from tests.reports.support import EXIT_CODES, po_report, typed, without_errors

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"
TODAY = date(2026, 9, 1)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _valid(log: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(log), key=str)
    assert errors == [], [e.message for e in errors[:3]]


def _gate(**kw: Any) -> GateResult:
    waiver = Waiver(
        1,
        "Licence D123456",
        "J. Smith",
        date(2027, 3, 31),
        file="po.csv",
        row=2,
        rule="listed-vendor",
        line=3,
    )
    stale = Waiver(2, "old", "K. Jones", date(2026, 1, 31), vendor="Nobody Ltd", line=8)
    reports = [(p, typed(r)) for p, r in kw.pop("reports", [("po.csv", po_report())])]
    return build_gate(reports, kw.pop("fail_on", "high"), [waiver, stale], TODAY, **kw)


def _log(gate: GateResult) -> dict[str, Any]:
    return sarif.sarif_log(gate, EXIT_CODES[gate.outcome])


def test_log_validates_against_the_sarif_schema() -> None:
    gate = _gate()
    log = json.loads(sarif.render(gate, EXIT_CODES[gate.outcome]))
    _valid(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")


def test_the_schema_check_can_fail() -> None:
    log = _log(_gate())
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(_validator().iter_errors(broken))
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(_validator().iter_errors(broken))


def test_one_result_per_finding_with_rule_level_and_location() -> None:
    run = _log(_gate())["runs"][0]
    results = run["results"]
    got = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["properties"]["row"],
        )
        for r in results
    ]
    assert got == [
        ("listed-maker", "error", "po.csv", 2, 1),
        ("known-exploited", "error", "po.csv", 2, 1),
        ("listed-maker", "error", "po.csv", 3, 2),
        ("listed-vendor", "error", "po.csv", 3, 2),
        ("possible-relabel", "warning", "po.csv", 4, 3),
        ("listed-maker", "error", "po.csv", 6, 5),
        ("known-exploited", "error", "po.csv", 6, 5),
    ]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULE_IDS)
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    maker = rules[RULE_IDS.index("listed-maker")]
    assert maker["fullDescription"]["text"] == " ".join(explain("listed-maker").split())
    assert maker["shortDescription"]["text"].startswith("The company that made the device")
    vendor = rules[RULE_IDS.index("listed-vendor")]
    assert vendor["fullDescription"]["text"] == rule_text("listed-vendor")
    assert results[0]["message"]["text"].startswith(
        "row 1 Hikvision DS-7608NI-K2/8P from Acme Security Supplies Ltd [prohibited]: "
    )
    assert results[0]["properties"]["tier"] == "prohibited"


def test_waived_finding_carries_an_external_suppression() -> None:
    results = _log(_gate())["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["properties"]["row"]) for r in suppressed] == [("listed-vendor", 2)]
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Licence D123456",
            "properties": {
                "approver": "J. Smith",
                "expires": "2027-03-31",
                "waiver": 1,
                "waiverLine": 3,
            },
        }
    ]
    assert suppressed[0]["level"] == "error"  # the level stays; the suppression says why


def test_several_files_one_run_and_lines_omitted_when_unknown() -> None:
    other = without_errors(po_report())
    other["items"] = other["items"][:1]
    other["items"][0]["line"] = None
    gate = _gate(reports=[("orders/po.csv", without_errors(po_report())), ("q 2.json", other)])
    log = _log(gate)
    _valid(log)
    run = log["runs"][0]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert uris == ["orders/po.csv"] * 7 + ["q%202.json"] * 2
    last = run["results"][-1]["locations"][0]["physicalLocation"]
    assert "region" not in last
    assert [f["path"] for f in run["properties"]["files"]] == ["orders/po.csv", "q 2.json"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["exitCode"] == 1


def test_row_errors_and_expired_waivers_are_notifications() -> None:
    invocation = _log(_gate())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning"]
    assert notes[0]["message"]["text"] == (
        "po.csv: row 6, field Quantity: not a number: 'four' (the row was not checked)"
    )
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert notes[1]["message"]["text"].startswith(
        "waivers: waiver 2 (line 8) expired on 2026-01-31"
    )


@pytest.mark.parametrize("path", ["po.csv", "a b/c#d.csv", "/tmp/po 1.csv", "C:\\po.csv"])
def test_uris_stay_valid(path: str) -> None:
    uri = sarif.artifact_uri(path)
    assert " " not in uri and "\\" not in uri
    assert uri == path or "%" in uri
