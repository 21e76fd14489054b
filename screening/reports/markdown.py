"""Markdown for `screening check --format markdown`: a pull-request comment.

A heading with the outcome, a table of tier counts per file, then the failing items with their
recommended action and reasons, the waived findings (marked, with reason, approver and expiry),
expired waivers and the rows that could not be read. User values are escaped so that they cannot
break the table (`|`), become markup (`*`, `_`, `[`, `` ` ``, HTML) or notify people (`@name`
gets a zero-width space after the `@`); each finding's text is cut at `max_text` characters and
at most `max_items` items are listed per table (a PR comment is limited to 65,536 characters).
"""

from __future__ import annotations

import re

from ..gate.findings import Finding, GateResult
from ..schemas.gate import Outcome
from ..schemas.reports import DeviceItem
from ..scoring.tiers import TIERS
from .common import cell, counted, item_label, items_and_findings, one_line, tier_counts

_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|#!])")
OUTCOMES: dict[Outcome, str] = {
    "pass": "passed",
    "fail": "FAILED: findings at or above the threshold",
    "unreadable": "FAILED: input error (rows not read)",
    "lists": "FAILED: a list the profile needs is missing or too old",
}


def md(value: object, limit: int | None = None) -> str:
    """One table-safe line of escaped Markdown."""
    text = one_line(cell(value))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _more(shown: int, total: int) -> list[str]:
    return [f"\n… and {total - shown} more."] if total > shown else []


def _action(item: DeviceItem) -> str:
    """The recommended action: `**code**: what to do` (empty for a report without one)."""
    if item.action is None:
        return ""
    return f"**{md(item.action.code)}**: {md(item.action.text)}"


def _finding(f: Finding, limit: int) -> str:
    return f"**{md(f.rule_id)}**: {md(f.message, limit)}"


def render(gate: GateResult, exit_code: int, max_items: int = 50, max_text: int = 300) -> str:
    """The comment's Markdown text; `exit_code` is the CLI's code for the gate's outcome."""
    failing = items_and_findings(gate.failing_items(), len(gate.failing), "failing")
    errors = sum(len(fr.errors) for fr in gate.files)
    out = [
        f"## Screening check: {OUTCOMES[gate.outcome]} (exit {exit_code})",
        "",
        f"Fail on **{md(gate.fail_on)}** or above · {counted(len(gate.files), 'file')} · "
        f"{failing} · {counted(len(gate.waived), 'finding')} waived · "
        f"{counted(errors, 'row')} not read",
        "",
        _row("File", "Profile", "Items", *(t.capitalize() for t in TIERS), "Not read", "Failing"),
        _row("---", "---", *(["---:"] * (len(TIERS) + 3))),
    ]
    for fr in gate.files:
        counts = tier_counts(fr.items)
        out.append(
            _row(
                md(fr.path),
                md(fr.report.profile),
                len(fr.items),
                *(counts[t] for t in TIERS),
                len(fr.errors),
                len(fr.failing_items()),
            )
        )
    failing_items = [(fr, it, fs) for fr in gate.files for it, fs in fr.failing_items()]
    if failing_items:
        head = _row("File", "Row", "Line", "Item", "Tier", "Action", "Reasons")
        out += ["", "### Failing items", "", head]
        out.append(_row("---", "---:", "---:", "---", "---", "---", "---"))
        for fr, item, found in failing_items[:max_items]:
            reasons = "<br>".join(
                _finding(f, max_text) + (" (waived)" if f.waived else "") for f in found
            )
            out.append(
                _row(
                    md(fr.path),
                    md(item.row),
                    md(item.line),
                    md(item_label(item)),
                    f"**{md(item.tier)}**",
                    _action(item),
                    reasons,
                )
            )
        out += _more(max_items, len(failing_items))
    if gate.waived:
        out += ["", "### Waived findings", ""]
        out.append(_row("File", "Row", "Rule", "Tier", "Reason", "Approver", "Expires"))
        out.append(_row("---", "---:", "---", "---", "---", "---", "---"))
        for f in gate.waived[:max_items]:
            w = f.waived_by
            assert w is not None
            out.append(
                _row(
                    md(f.path),
                    md(f.item_row),
                    md(f.rule_id),
                    md(f.tier),
                    md(f.reason, max_text),
                    md(w.approver),
                    w.expires.isoformat(),
                )
            )
        out += _more(max_items, len(gate.waived))
    if gate.expired_waivers:
        out += ["", "### Expired waivers (no longer applied)", ""]
        for w in gate.expired_waivers:
            out.append(
                f"- {md(w.label)} of {md(w.file_name)}: expired {w.expires.isoformat()}: "
                f"{md(w.reason, max_text)} ({md(w.approver)})"
            )
    errored = [(fr, e) for fr in gate.files for e in fr.errors]
    if errored:
        out += ["", "### Rows not read (the gate cannot pass them)", ""]
        out += [
            _row("File", "Row", "Line", "Field", "Message"),
            _row("---", "---:", "---:", "---", "---"),
        ]
        for fr, e in errored[:max_items]:
            out.append(
                _row(
                    md(fr.path),
                    md(e.row),
                    md(e.line),
                    md(e.field),
                    md(e.message, max_text),
                )
            )
        out += _more(max_items, len(errored))
    return "\n".join(out) + "\n"
