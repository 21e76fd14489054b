"""Plain text for `screening check` on a terminal (the default format).

Per file: a line of tier counts, then each failing item (`FAIL`) with its recommended action
(`action <code>: <what to do>`) and one line per finding,
waived findings (`waived`, with reason, approver and expiry), and the rows that could not be
read (`ERROR`); warnings below the threshold are counted, and listed with `verbose`. A
failing finding shows each of its sentences (one per evidence entry or vendor match) on its own
line, cut at `max_text` characters: the full text is in the JSON, SARIF and JUnit outputs. Then the
expired waivers and a last line with the outcome and exit code. Counts name what they count:
items (order lines, devices) as items, their (item, rule) findings as findings.

Colour (ANSI SGR) only when `color` is true; the CLI passes `isatty()`. Whatever the setting,
control characters in user values (an escape sequence hidden in a spreadsheet cell) are shown
as `\\x1b`, never sent to the terminal.
"""

from __future__ import annotations

import re

from ..gate.findings import FileResult, Finding, GateResult
from ..schemas.gate import Outcome
from ..scoring.tiers import TIERS
from .common import cell, counted, item_label, items_and_findings, one_line, tier_counts

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_COLOURS = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2"}


def safe(value: object) -> str:
    """One line, with control characters written as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", one_line(cell(value)))


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, colour: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"


def _where(row: object, line: object) -> str:
    return f"row {safe(row)}" + (f" (line {safe(line)})" if line is not None else "")


def _waiver_note(f: Finding) -> str:
    w = f.waived_by
    assert w is not None
    return f"{safe(f.reason)} (approved by {safe(w.approver)}, until {w.expires.isoformat()})"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _failing(f: Finding, paint: _Paint, max_text: int) -> list[str]:
    """A failing finding: its rule, then each sentence (cut at `max_text`)."""
    details = [_cut(safe(d), max_text) for d in f.details or (f.message,)]
    if len(details) == 1:
        out = [f"      {safe(f.rule_id)}: {details[0]}"]
    else:
        out = [f"      {safe(f.rule_id)}:", *(f"        - {d}" for d in details)]
    out += [
        paint(f"        ({safe(w.label)} expired {w.expires.isoformat()})", "dim")
        for w in f.expired_waivers
    ]
    return out


def _file(fr: FileResult, paint: _Paint, verbose: bool, max_text: int) -> list[str]:
    counts = tier_counts(fr.items)
    shown = ", ".join(f"{t} {counts[t]}" for t in TIERS if counts[t])
    what = counted(len(fr.items), "item" if fr.kind == "po" else "device")
    out = [
        paint(f"{safe(fr.path)}: {what}", "bold")
        + (f" ({shown})" if shown else "")
        + (f", {counted(len(fr.errors), 'row')} not read" if fr.errors else "")
    ]
    warnings = warned = 0
    for item in fr.items:
        found = fr.findings_of(item)
        where = _where(item.row, item.line)
        label = safe(item_label(item))
        tier = safe(item.tier)
        failing = [f for f in found if f.fails]
        if failing:
            out.append(f"  {paint('FAIL', 'red')} {where} {label} [{paint(tier, 'red')}]")
            if item.action is not None:
                act = item.action
                out.append(f"      action {safe(act.code)}: {safe(act.text)}")
            for f in failing:
                out += _failing(f, paint, max_text)
        for f in found:
            if f.waived:
                rule, note = safe(f.rule_id), _waiver_note(f)
                out.append(f"  {paint('waived', 'green')} {where} {label} [{tier}] {rule}: {note}")
        warns = [f for f in found if not f.fails and not f.waived]
        warnings += len(warns)
        warned += bool(warns)
        if verbose:
            out += [
                f"  {paint('warn', 'yellow')} {where} {label} [{tier}] {safe(f.rule_id)}: "
                + _cut(safe(f.message), max_text)
                for f in warns
            ]
    for e in fr.errors:
        out.append(
            f"  {paint('ERROR', 'red')} {_where(e.row, e.line)} field "
            f"{safe(e.field)}: {safe(e.message)}"
        )
    if warnings and not verbose:
        below = items_and_findings(warned, warnings)
        out.append(paint(f"  {below} below the threshold (warnings)", "dim"))
    return out


def render(
    gate: GateResult,
    exit_code: int,
    color: bool = False,
    verbose: bool = False,
    max_text: int = 300,
) -> str:
    """The report as text; ANSI colours only with `color`; each sentence cut at `max_text`;
    `exit_code` is the CLI's code for the gate's outcome."""
    paint = _Paint(color)
    out: list[str] = []
    for fr in gate.files:
        out += _file(fr, paint, verbose, max_text)
    for w in gate.expired_waivers:
        out.append(
            paint("expired", "yellow")
            + f" {safe(w.label)} of {safe(w.file_name)} ended {w.expires.isoformat()} "
            f"and no longer applies: {safe(w.reason)}"
        )
    failing = items_and_findings(gate.failing_items(), len(gate.failing), "failing")
    verdict = paint("PASS", "green") if gate.outcome == "pass" else paint("FAIL", "red")
    reasons: dict[Outcome, str] = {
        "pass": "nothing at or above the threshold that no waiver covers",
        "fail": f"{failing} at or above {gate.fail_on} not waived",
        "unreadable": "rows could not be read, so the file was not fully checked",
        "lists": "a list the profile needs is missing or too old",
    }
    waived = counted(len(gate.waived), "finding")
    out.append(
        f"{verdict}: {reasons[gate.outcome]} (fail on {gate.fail_on}; {waived} waived; "
        f"exit {exit_code})"
    )
    return "\n".join(out) + "\n"
