"""Gate findings: one per (item, rule), levels against fail_on, the entities a finding rests on,
waivers applied, and the exit code. Reports are hand-built (tests/reports/support.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from screening.reports.gate import (
    Finding,
    build_gate,
    entities_of,
    findings_for,
    gate_exit_code,
    gate_json,
    rules_of,
)
from screening.waivers import Waiver
from tests.reports.support import ACME, BIS, KEV, NDAA, OFAC_CONS, po_report, without_errors

TODAY = date(2026, 9, 1)


def _w(index: int = 1, expires: date = date(2027, 3, 31), **match: Any) -> Waiver:
    return Waiver(index, f"reason {index}", "J. Smith", expires, **match)


def _keys(findings: list[Finding]) -> list[tuple[int | None, str, str]]:
    return [(f.item_row, f.rule_id, f.level) for f in findings]


def test_one_finding_per_item_and_rule_with_levels() -> None:
    findings, waived, expired = findings_for(po_report(), "po.csv", "high", [], TODAY)
    assert _keys(findings) == [
        (1, "listed-maker", "error"),
        (1, "known-exploited", "error"),
        (2, "listed-maker", "error"),
        (2, "listed-vendor", "error"),
        (3, "possible-relabel", "warning"),
        (5, "listed-maker", "error"),
        (5, "known-exploited", "error"),
    ]
    assert waived == [] and expired == []
    assert all(f.path == "po.csv" for f in findings)
    assert [f.line for f in findings[:3]] == [2, 2, 3]
    assert findings[0].tier == "prohibited" and findings[4].tier == "low"
    assert sum(f.fails for f in findings) == 6


def test_fail_on_moves_the_level() -> None:
    report = po_report()
    low, _, _ = findings_for(report, "po.csv", "low", [], TODAY)
    assert [f.level for f in low if f.item_row == 3] == ["error"]
    top, _, _ = findings_for(report, "po.csv", "prohibited", [], TODAY)
    assert {f.level for f in top if f.item_row == 1} == {"error"}
    with pytest.raises(ValueError, match="fail_on 'severe'"):
        findings_for(report, "po.csv", "severe", [], TODAY)


def test_entities_and_messages() -> None:
    findings, _, _ = findings_for(po_report(), "po.csv", "high", [], TODAY)
    maker, kev, _, vendor = findings[:4]
    assert maker.entities == (NDAA, BIS)
    assert kev.entities == (KEV,)
    assert vendor.entities == (BIS, OFAC_CONS)
    assert maker.message.startswith(
        "Hangzhou Hikvision Digital Technology Company (parent of hikvision) is listed: NDAA"
    )
    assert (
        "; Hangzhou Hikvision Digital Technology Co., Ltd. (parent of hikvision) is listed: BIS"
        in (maker.message)
    )
    assert vendor.message == (
        "vendor 'Hangzhou Hikvision Digital Technology Co., Ltd.' matches Hangzhou Hikvision "
        f"Digital Technology Co., Ltd. ({BIS}, score 1.0); HANGZHOU HIKVISION DIGITAL "
        f"TECHNOLOGY CO., LTD. ({OFAC_CONS}, score 0.9871)"
    )


def test_rules_from_evidence_when_rules_fired_is_absent() -> None:
    item = po_report()["items"][0]
    del item["rules_fired"]
    assert rules_of(item) == ["listed-maker", "known-exploited"]  # "tier", "model" are no rules
    item["vendor_matches"] = [
        {"entity_id": OFAC_CONS, "source": "us_ofac_cons", "matched_name": "x", "score": 0.9}
    ]
    assert rules_of(item) == ["listed-maker", "known-exploited", "listed-vendor"]
    assert entities_of(item, "possible-relabel") == ()


def test_an_item_at_the_threshold_with_no_rule_still_fails() -> None:
    report = po_report()
    item = report["items"][3]
    item.update(tier="high", score=80)
    item["evidence"] = [
        {
            "signal": "tier",
            "value": "high",
            "finding": "80 points",
            "source": "profile us-federal",
            "weight": 0,
        }
    ]
    found, _, _ = findings_for(report, "po.csv", "high", [], TODAY)
    risk = [f for f in found if f.item_row == 4]
    assert _keys(risk) == [(4, "risk-tier", "error")]
    assert risk[0].message == "tier high (score 80): 80 points"
    found, _, _ = findings_for(report, "po.csv", "prohibited", [], TODAY)
    assert [f for f in found if f.item_row == 4] == []


def test_missing_line_is_none() -> None:
    report = po_report()
    report["items"][0]["line"] = None
    found, _, _ = findings_for(report, "po.json", "high", [], TODAY)
    assert found[0].line is None and found[2].line == 3


def test_exit_codes_in_order() -> None:
    clean = without_errors(po_report())
    waive_all = [
        _w(1, vendor=ACME),
        _w(2, vendor="Hangzhou Hikvision Digital Technology Co., Ltd."),
    ]
    assert build_gate([("po.csv", clean)], "high", waive_all, TODAY).exit_code == 0
    assert build_gate([("po.csv", clean)], "high", [], TODAY).exit_code == 1
    assert build_gate([("po.csv", clean)], "high", [], TODAY, lists_ok=False).exit_code == 3
    both = [("a.csv", clean), ("b.csv", po_report())]
    assert build_gate(both, "high", [], TODAY, lists_ok=False).exit_code == 2
    gate = build_gate([("po.csv", clean)], "high", waive_all, TODAY)
    assert gate_exit_code(gate.files) == 0 and gate_exit_code(gate.files, lists_ok=False) == 3


def test_build_gate_collects_waived_and_all_expired() -> None:
    stale = _w(3, expires=date(2026, 1, 31), entity_id="us_un_sc:QDe.001")
    gate = build_gate(
        [("po.csv", po_report())], "high", [_w(1, file="po.csv", row=3), stale], TODAY
    )
    assert _keys(gate.waived) == [(3, "possible-relabel", "warning")]
    assert gate.expired_waivers == [stale]  # listed though it matched nothing
    assert len(gate.failing) == 6
    data = gate_json(gate)
    assert json.loads(json.dumps(data)) == data
    assert (data["fail_on"], data["exit_code"], data["failing"]) == ("high", 2, 6)
    assert data["waived"][0]["waivers"][0] == {
        "index": 1,
        "line": None,
        "match": {"file": "po.csv", "row": 3},
        "reason": "reason 1",
        "approver": "J. Smith",
        "expires": "2027-03-31",
    }
    assert data["expired_waivers"][0]["expires"] == "2026-01-31"
    assert len(data["findings"]) == 7
