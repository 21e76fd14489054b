"""Markdown (pull-request comment) and plain-text gate output. Reports are hand-built
(tests/reports/support.py)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from screening.reports import markdown, text
from screening.reports.gate import GateResult, build_gate
from screening.waivers import Waiver
from tests.reports.support import ACME, po_report, without_errors

TODAY = date(2026, 9, 1)
WAIVER = Waiver(1, "Licence D123456", "J. Smith", date(2027, 3, 31), file="po.csv", row=5, line=2)
STALE = Waiver(2, "old exception", "K. Jones", date(2026, 1, 31), vendor="Nobody Ltd", line=7)


def _gate(report: dict[str, Any] | None = None, fail_on: str = "high") -> GateResult:
    return build_gate([("po.csv", report or po_report())], fail_on, [WAIVER, STALE], TODAY)


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells, splitting on unescaped pipes only."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_summary_table() -> None:
    md = markdown.render(_gate())
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
    assert "Fail on **high** or above · 1 file(s) · 4 failing finding(s) · 2 waived" in md


def test_markdown_failing_waived_expired_and_errors() -> None:
    md = markdown.render(_gate())
    failing = md.split("### Failing items")[1].split("###")[0]
    rows = [_cells(x) for x in failing.splitlines() if x.startswith("| po.csv")]
    assert [r[1] for r in rows] == ["1", "2"]
    assert rows[0][3] == f"Hikvision DS-7608NI-K2/8P from {ACME}"
    assert rows[0][4] == "**prohibited**"
    reasons = rows[0][5].split("<br>")
    assert [r.split("**")[1] for r in reasons] == ["listed-maker", "known-exploited"]
    assert all(len(r) < 340 for r in reasons) and reasons[0].endswith("…")
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
    md = markdown.render(_gate(report))
    row = next(x for x in md.splitlines() if x.startswith("| po.csv | 1 |"))
    cells = _cells(row)
    assert len(cells) == 6  # the vendor's pipe did not add a column
    assert "@\u200bsecurity" in cells[3] and "@security" not in cells[3]
    assert "&lt;b&gt;Evil&lt;/b&gt;" in cells[3] and "<b>" not in md
    assert "\\*co\\*" in cells[3] and "\\[x\\](y)" in cells[3]
    assert (
        md.splitlines()[0]
        == "## Screening check: FAILED: findings at or above the threshold (exit 1)"
    )


def test_markdown_lists_at_most_max_items() -> None:
    md = markdown.render(_gate(), max_items=1)
    failing = md.split("### Failing items")[1].split("###")[0]
    assert len([x for x in failing.splitlines() if x.startswith("| po.csv")]) == 1
    assert "… and 1 more." in failing


def test_markdown_passes() -> None:
    report = without_errors(po_report())
    report["items"] = report["items"][2:4]
    md = markdown.render(_gate(report))
    assert md.startswith("## Screening check: passed (exit 0)")
    assert "### Failing items" not in md and "### Rows not read" not in md


def test_text_without_colour() -> None:
    out = text.render(_gate())
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "po.csv: 5 items (prohibited 3, low 1, none 1), 1 row(s) not read"
    assert lines[1] == f"  FAIL row 1 (line 2) Hikvision DS-7608NI-K2/8P from {ACME} [prohibited]"
    assert lines[2] == "      listed-maker:"
    assert lines[3].startswith("        - Hangzhou Hikvision Digital Technology Company (parent")
    assert len(lines[3]) == 10 + 300 and lines[3].endswith("…")  # cut at max_text
    assert lines[4] == (
        "        - Hangzhou Hikvision Digital Technology Co., Ltd. (parent of hikvision) is "
        "listed: BIS Entity List since 2019-10-09; scope: For all items subject to the EAR."
    )
    assert lines[5].startswith("      known-exploited: CVE-2021-36260")
    assert sum(x.startswith("  FAIL ") for x in lines) == 2
    waived = [x for x in lines if x.startswith("  waived ")]
    assert len(waived) == 2 and waived[0].endswith(
        "listed-maker: Licence D123456 (approved by J. Smith, until 2027-03-31)"
    )
    assert "  ERROR row 6 (line 7) field Quantity: not a number: 'four'" in lines
    assert "  1 finding(s) below the threshold (warnings)" in lines
    assert lines[-2].startswith("expired waiver 2 (line 7) of waivers ended 2026-01-31")
    assert lines[-1] == (
        "FAIL: rows could not be read, so the file was not fully checked "
        "(fail on high; 2 waived; exit 2)"
    )


def test_text_verbose_lists_warnings() -> None:
    lines = text.render(_gate(), verbose=True).splitlines()
    assert any(
        x.startswith(f"  warn row 3 (line 4) Annke N48PAW from {ACME} [low] possible-relabel")
        for x in lines
    )
    assert "  1 finding(s) below the threshold (warnings)" not in lines


def test_text_colour_only_when_asked_and_controls_never_reach_the_terminal() -> None:
    report = without_errors(po_report())
    report["items"][0]["vendor"] = "Evil\x1b[2J Ltd"
    plain = text.render(_gate(report), color=False)
    assert "\x1b" not in plain and "Evil\\x1b[2J Ltd" in plain
    coloured = text.render(_gate(report), color=True)
    assert "\x1b[31mFAIL\x1b[0m" in coloured
    assert "\x1b[2J" not in coloured
    assert coloured.splitlines()[-1].startswith(
        "\x1b[31mFAIL\x1b[0m: 4 finding(s) at or above high"
    )
