"""Markdown (pull-request comment) and plain-text gate output. Reports are hand-built
(tests/reports/support.py)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from screening.gate.findings import GateResult, build_gate
from screening.gate.waivers import Waiver
from screening.reports import markdown, text
from tests.reports.support import ACME, EXIT_CODES, po_report, typed, without_errors

TODAY = date(2026, 9, 1)
WAIVER = Waiver(1, "Licence D123456", "J. Smith", date(2027, 3, 31), file="po.csv", row=5, line=2)
STALE = Waiver(2, "old exception", "K. Jones", date(2026, 1, 31), vendor="Nobody Ltd", line=7)


def _gate(report: dict[str, Any] | None = None, fail_on: str = "high") -> GateResult:
    given = typed(report or po_report())
    return build_gate([("po.csv", given)], fail_on, [WAIVER, STALE], TODAY)


def _md(gate: GateResult, **kw: Any) -> str:
    return markdown.render(gate, EXIT_CODES[gate.outcome], **kw)


def _text(gate: GateResult, **kw: Any) -> str:
    return text.render(gate, EXIT_CODES[gate.outcome], **kw)


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells, splitting on unescaped pipes only."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_summary_table() -> None:
    md = _md(_gate())
    lines = md.splitlines()
    assert lines[0] == "## Screening check: FAILED: input error (rows not read) (exit 2)"
    header = lines.index(next(x for x in lines if x.startswith("| File | Profile")))
    assert _cells(lines[header]) == [
        "File",
        "Profile",
        "Items",
        "Prohibited",
        "High",
        "Medium",
        "Low",
        "None",
        "Unknown",
        "Not read",
        "Failing",
    ]
    assert _cells(lines[header + 2]) == [
        "po.csv",
        "us-federal",
        "5",
        "3",
        "0",
        "0",
        "1",
        "1",
        "0",
        "1",
        "2",
    ]
    # Items counted as items, their findings as findings (issue 14: it said "4 failing
    # finding(s)" beside a table counting 2 failing items).
    assert (
        "Fail on **high** or above · 1 file · 2 failing items (4 findings) · "
        "2 findings waived · 1 row not read"
    ) in md


def test_markdown_failing_waived_expired_and_errors() -> None:
    md = _md(_gate(), max_text=100)
    failing = md.split("### Failing items")[1].split("###")[0]
    rows = [_cells(x) for x in failing.splitlines() if x.startswith("| po.csv")]
    assert [r[1] for r in rows] == ["1", "2"]
    assert rows[0][3] == f"Hikvision DS-7608NI-K2/8P from {ACME}"
    assert rows[0][4] == "**prohibited**"
    assert rows[0][5] == "**remove-now**: Remove and replace it now"
    assert rows[1][5] == "**do-not-buy**: Do not buy this line"
    reasons = rows[0][6].split("<br>")
    assert [r.split("**")[1] for r in reasons] == ["listed-maker", "known-exploited"]
    assert all(len(r) < 140 for r in reasons) and reasons[0].endswith("…")
    waived = md.split("### Waived findings")[1].split("###")[0]
    wrows = [_cells(x) for x in waived.splitlines() if x.startswith("| po.csv")]
    assert [(r[1], r[2]) for r in wrows] == [("5", "listed-maker"), ("5", "known-exploited")]
    assert wrows[0][4:] == ["Licence D123456", "J. Smith", "2027-03-31"]
    assert "- waiver 2 (line 7) of waivers: expired 2026-01-31: old exception (K. Jones)" in md
    errors = md.split("### Rows not read")[1]
    assert _cells(errors.splitlines()[-1]) == [
        "po.csv",
        "6",
        "7",
        "Quantity",
        "not a number: 'four'",
    ]


def test_markdown_escapes_user_values() -> None:
    report = without_errors(po_report())
    report["items"][0]["vendor"] = "@security-team | <b>Evil</b> *co* [x](y)"
    md = _md(_gate(report))
    row = next(x for x in md.splitlines() if x.startswith("| po.csv | 1 |"))
    cells = _cells(row)
    assert len(cells) == 7  # the vendor's pipe did not add a column
    assert "@\u200bsecurity" in cells[3] and "@security" not in cells[3]
    assert "&lt;b&gt;Evil&lt;/b&gt;" in cells[3] and "<b>" not in md
    assert "\\*co\\*" in cells[3] and "\\[x\\](y)" in cells[3]
    assert (
        md.splitlines()[0]
        == "## Screening check: FAILED: findings at or above the threshold (exit 1)"
    )


def test_markdown_lists_at_most_max_items() -> None:
    md = _md(_gate(), max_items=1)
    failing = md.split("### Failing items")[1].split("###")[0]
    assert len([x for x in failing.splitlines() if x.startswith("| po.csv")]) == 1
    assert "… and 1 more." in failing


def test_markdown_passes() -> None:
    report = without_errors(po_report())
    report["items"] = report["items"][2:4]
    md = _md(_gate(report))
    assert md.startswith("## Screening check: passed (exit 0)")
    assert "### Failing items" not in md and "### Rows not read" not in md


def test_text_without_colour() -> None:
    out = _text(_gate(), max_text=100)
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "po.csv: 5 items (prohibited 3, low 1, none 1), 1 row not read"
    assert lines[1] == f"  FAIL row 1 (line 2) Hikvision DS-7608NI-K2/8P from {ACME} [prohibited]"
    assert lines[2] == "      action remove-now: Remove and replace it now"
    assert lines[3] == "      listed-maker:"
    assert lines[4].startswith("        - Hangzhou Hikvision Digital Technology Company (parent")
    assert len(lines[4]) == 10 + 100 and lines[4].endswith("…")  # cut at max_text
    assert lines[5] == (  # cut at max_text as well
        "        - Hangzhou Hikvision Digital Technology Co., Ltd. (parent of hikvision) is "
        "listed: BIS Entity List si…"
    )
    assert lines[6].startswith("      known-exploited: CVE-2021-36260")
    assert sum(x.startswith("  FAIL ") for x in lines) == 2
    waived = [x for x in lines if x.startswith("  waived ")]
    assert len(waived) == 2 and waived[0].endswith(
        "listed-maker: Licence D123456 (approved by J. Smith, until 2027-03-31)"
    )
    assert "  ERROR row 6 (line 7) field Quantity: not a number: 'four'" in lines
    assert "  1 item (1 finding) below the threshold (warnings)" in lines
    assert lines[-2].startswith("expired waiver 2 (line 7) of waivers ended 2026-01-31")
    assert lines[-1] == (
        "FAIL: rows could not be read, so the file was not fully checked "
        "(fail on high; 2 findings waived; exit 2)"
    )


def test_text_verbose_lists_warnings() -> None:
    lines = _text(_gate(), verbose=True).splitlines()
    assert any(
        x.startswith(f"  warn row 3 (line 4) Annke N48PAW from {ACME} [low] possible-relabel")
        for x in lines
    )
    assert "  1 item (1 finding) below the threshold (warnings)" not in lines


def test_text_colour_only_when_asked_and_controls_never_reach_the_terminal() -> None:
    report = without_errors(po_report())
    report["items"][0]["vendor"] = "Evil\x1b[2J Ltd"
    plain = _text(_gate(report), color=False)
    assert "\x1b" not in plain and "Evil\\x1b[2J Ltd" in plain
    coloured = _text(_gate(report), color=True)
    assert "\x1b[31mFAIL\x1b[0m" in coloured
    assert "\x1b[2J" not in coloured
    assert coloured.splitlines()[-1] == (
        "\x1b[31mFAIL\x1b[0m: 2 failing items (4 findings) at or above high not waived "
        "(fail on high; 2 findings waived; exit 1)"
    )


def test_failing_items_and_findings_are_counted_apart() -> None:
    """Issue 14: the summary said "N finding(s)" while the FAIL lines above it are items. Two
    items fail with two findings each; one item is below the threshold with one finding."""
    report = without_errors(po_report())
    report["items"] = report["items"][:3]  # rows 1 and 2 fail (2 rules each); row 3 warns
    gate = build_gate([("po.csv", typed(report))], "high", [], TODAY)
    assert (gate.failing_items(), len(gate.failing)) == (2, 4)
    lines = _text(gate).splitlines()
    assert sum(x.startswith("  FAIL ") for x in lines) == 2
    assert lines[-1] == (
        "FAIL: 2 failing items (4 findings) at or above high not waived "
        "(fail on high; 0 findings waived; exit 1)"
    )
    assert "  1 item (1 finding) below the threshold (warnings)" in lines
    md = _md(gate)
    assert "· 2 failing items (4 findings) ·" in md
    one = without_errors(po_report())
    one["items"] = one["items"][1:2]
    one["items"][0]["rules_fired"] = ["listed-maker"]
    one["items"][0]["vendor_matches"] = []
    single = build_gate([("po.csv", typed(one))], "high", [], TODAY)
    assert _text(single).splitlines()[-1].startswith("FAIL: 1 failing item (1 finding) at")


def test_expired_waivers_are_named_once() -> None:
    """Issue 14: "expired waiver waiver 3". Every gate text names an expired waiver as
    `waiver N (line L)`, never with the word twice."""
    gate = _gate()
    for rendered in (_text(gate), _md(gate)):
        assert "waiver 2 (line 7)" in rendered
        assert "waiver waiver" not in rendered
