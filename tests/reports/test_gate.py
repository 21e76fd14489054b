"""Gate findings: one per (item, rule), levels against fail_on, the entities a finding rests on,
waivers applied, and the outcome (the CLI maps it to an exit code). Reports are hand-built
(tests/reports/support.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from screening.gate.findings import (
    OUTCOMES,
    Finding,
    build_gate,
    entities_of,
    findings_for,
    gate_outcome,
    rules_of,
)
from screening.gate.waivers import Waiver
from screening.schemas.gate import GateInfo
from screening.schemas.reports import OrderItem
from tests.reports.support import (
    ACME,
    BIS,
    KEV,
    NDAA,
    OFAC_CONS,
    po_report,
    typed_po,
    without_errors,
)

TODAY = date(2026, 9, 1)


def _w(index: int = 1, expires: date = date(2027, 3, 31), **match: Any) -> Waiver:
    return Waiver(index, f"reason {index}", "J. Smith", expires, **match)


def _keys(findings: list[Finding]) -> list[tuple[int | None, str, str]]:
    return [(f.item_row, f.rule_id, f.level) for f in findings]


def test_one_finding_per_item_and_rule_with_levels() -> None:
    findings, waived, expired = findings_for(typed_po(), "po.csv", "high", [], TODAY)
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
    report = typed_po()
    low, _, _ = findings_for(report, "po.csv", "low", [], TODAY)
    assert [f.level for f in low if f.item_row == 3] == ["error"]
    top, _, _ = findings_for(report, "po.csv", "prohibited", [], TODAY)
    assert {f.level for f in top if f.item_row == 1} == {"error"}
    with pytest.raises(ValueError, match="fail_on 'severe'"):
        findings_for(report, "po.csv", "severe", [], TODAY)


def test_entities_and_messages() -> None:
    findings, _, _ = findings_for(typed_po(), "po.csv", "high", [], TODAY)
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
    rules = ["listed-maker", "known-exploited"]  # "tier", "model" are no rules
    assert rules_of(OrderItem.model_validate(item)) == rules
    item["vendor_matches"] = [
        {"entity_id": OFAC_CONS, "source": "us_ofac_cons", "matched_name": "x", "score": 0.9}
    ]
    assert rules_of(OrderItem.model_validate(item)) == [*rules, "listed-vendor"]
    assert entities_of(OrderItem.model_validate(item), "possible-relabel") == ()
    # Given, even empty, `rules_fired` is what the item fired: evidence is not searched.
    item["rules_fired"] = []
    assert rules_of(OrderItem.model_validate(item)) == ["listed-vendor"]


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
    found, _, _ = findings_for(typed_po(report), "po.csv", "high", [], TODAY)
    risk = [f for f in found if f.item_row == 4]
    assert _keys(risk) == [(4, "risk-tier", "error")]
    assert risk[0].message == "tier high (score 80): 80 points"
    found, _, _ = findings_for(typed_po(report), "po.csv", "prohibited", [], TODAY)
    assert [f for f in found if f.item_row == 4] == []


def test_missing_line_is_none() -> None:
    report = po_report()
    report["items"][0]["line"] = None
    found, _, _ = findings_for(typed_po(report), "po.json", "high", [], TODAY)
    assert found[0].line is None and found[2].line == 3


def test_outcomes_in_order() -> None:
    clean = typed_po(without_errors(po_report()))
    waive_all = [
        _w(1, vendor=ACME),
        _w(2, vendor="Hangzhou Hikvision Digital Technology Co., Ltd."),
    ]
    assert OUTCOMES == ("unreadable", "lists", "fail", "pass")
    assert build_gate([("po.csv", clean)], "high", waive_all, TODAY).outcome == "pass"
    assert build_gate([("po.csv", clean)], "high", [], TODAY).outcome == "fail"
    # A stale list outranks failing findings, and also a clean, fully waived file.
    assert build_gate([("po.csv", clean)], "high", [], TODAY, lists_ok=False).outcome == "lists"
    waived = build_gate([("po.csv", clean)], "high", waive_all, TODAY, lists_ok=False)
    assert waived.outcome == "lists"
    # An unreadable row in any file outranks everything, whatever the order of the files.
    both = [("a.csv", clean), ("b.csv", typed_po())]
    assert build_gate(both, "high", [], TODAY, lists_ok=False).outcome == "unreadable"
    assert build_gate(both[::-1], "high", waive_all, TODAY).outcome == "unreadable"
    gate = build_gate([("po.csv", clean)], "high", waive_all, TODAY)
    assert (
        gate_outcome(gate.files) == "pass" and gate_outcome(gate.files, lists_ok=False) == "lists"
    )
    failing = build_gate([("po.csv", clean)], "high", [], TODAY)
    assert gate_outcome(failing.files) == "fail"
    unreadable = build_gate(both, "high", [], TODAY).files
    assert gate_outcome([*failing.files, *unreadable], lists_ok=False) == "unreadable"
    assert not hasattr(gate, "exit_code")  # only the CLI maps an outcome to an exit code


def test_build_gate_collects_waived_and_all_expired() -> None:
    stale = _w(3, expires=date(2026, 1, 31), entity_id="us_un_sc:QDe.001")
    gate = build_gate([("po.csv", typed_po())], "high", [_w(1, file="po.csv", row=3), stale], TODAY)
    assert _keys(gate.waived) == [(3, "possible-relabel", "warning")]
    assert gate.expired_waivers == [stale]  # listed though it matched nothing
    assert len(gate.failing) == 6
    assert gate.failing_items() == 3
    info = gate.to_info(2)
    assert isinstance(info, GateInfo) and info.outcome == "unreadable"
    data = info.model_dump(mode="json")
    assert json.loads(json.dumps(data)) == data
    assert (data["fail_on"], data["exit_code"], data["failing"]) == ("high", 2, 6)
    assert list(data) == [
        "fail_on",
        "outcome",
        "exit_code",
        "failing",
        "waived",
        "expired_waivers",
        "findings",
    ]
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
    first = data["findings"][0]
    assert (first["file"], first["row"], first["line"], first["rule"]) == (
        "po.csv",
        1,
        2,
        "listed-maker",
    )
    assert first["entities"] == [NDAA, BIS] and first["waived"] is False
    assert first["level"] == "error" and first["tier"] == "prohibited"
