"""The `screening check` gate's findings and outcome, shared by every gate renderer (SARIF,
JUnit, Markdown, text, JSON).

A finding is one (item, rule) pair: each rule in the item's `rules_fired` (or, when a report
was given without it, each evidence signal that is a rule id), plus `listed-vendor` for an
item with `vendor_matches`. Its level is `error` when the item's tier is at or above `fail_on`,
else `warning`; an item whose tier reaches `fail_on` with no rule to name gets one `risk-tier`
finding, so the gate never passes it silently. A finding fails the gate when its level is
`error` and no valid waiver covers it (see `screening.gate.waivers` for what a waiver covers).

Outcome (interfaces.md, first that applies): `unreadable` a row or file could not be read,
`lists` a list the profile needs is missing or stale (the caller knows: `lists_ok`), `fail` a
failing finding, else `pass`. The gate sets no exit code: the CLI maps the outcome to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ..reports.common import at_or_above, cell, items_of, one_line
from ..schemas.gate import FindingInfo, GateInfo, Outcome, WaiverInfo
from ..schemas.reports import DeviceItem, OrderItem, Report, ReportKind, RowError
from ..scoring.tiers import check_tier
from .rules import LISTED_VENDOR, RISK_TIER, RULE_IDS

if TYPE_CHECKING:  # waivers imports gate.rules; the gate only calls a waiver's methods
    from .waivers import Waiver

Level = Literal["error", "warning"]
OUTCOMES: tuple[Outcome, ...] = ("unreadable", "lists", "fail", "pass")
_BRACKETED_ID = re.compile(r"\[([^\[\]\s:]+:[^\[\]\s]+)\]\s*$")
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*(?::[A-Za-z0-9_.-]+)?$")


def waiver_info(w: Waiver) -> WaiverInfo:
    return WaiverInfo.model_validate(w.to_json())


@dataclass(frozen=True)
class Finding:
    """One (item, rule) pair of one file. `entities`: the listed entities it rests on;
    `waivers`: the valid waivers that together cover it (empty: not waived);
    `expired_waivers`: waivers that would cover it but have expired; `message` is `details`
    (one sentence per evidence entry or vendor match) in one line."""

    path: str
    item_row: int | None
    line: int | None
    rule_id: str
    tier: str
    level: Level
    message: str
    entities: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    expired_waivers: tuple[Waiver, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def waived_by(self) -> Waiver | None:
        """The (first) waiver that covers this finding, or None."""
        return self.waivers[0] if self.waivers else None

    @property
    def waived(self) -> bool:
        return bool(self.waivers)

    @property
    def fails(self) -> bool:
        """At or above `fail_on` and not waived."""
        return self.level == "error" and not self.waivers

    @property
    def reason(self) -> str:
        """The covering waivers' reasons (`; `-joined), empty when not waived."""
        return "; ".join(dict.fromkeys(w.reason for w in self.waivers))

    def to_info(self) -> FindingInfo:
        """The finding as `check --format json` shows it."""
        return FindingInfo(
            file=self.path,
            row=self.item_row,
            line=self.line,
            rule=self.rule_id,
            tier=self.tier,
            level=self.level,
            message=self.message,
            details=list(self.details),
            entities=list(self.entities),
            waived=self.waived,
            waivers=[waiver_info(w) for w in self.waivers],
            expired_waivers=[w.index for w in self.expired_waivers],
        )


@dataclass(frozen=True)
class FileResult:
    """One checked file: `path` as given on the command line, its report, its findings."""

    path: str
    report: Report
    findings: list[Finding] = field(default_factory=list)

    @property
    def kind(self) -> ReportKind:
        return self.report.kind

    @property
    def items(self) -> Sequence[DeviceItem]:
        return items_of(self.report)

    @property
    def errors(self) -> list[RowError]:
        return self.report.errors

    @cached_property
    def _by_row(self) -> dict[int | None, list[Finding]]:
        # One pass, so that renderers asking per item stay linear in the file's size.
        out: dict[int | None, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.item_row, []).append(f)
        return out

    def findings_of(self, item: DeviceItem) -> list[Finding]:
        return list(self._by_row.get(item.row, ()))

    def failing_items(self) -> list[tuple[DeviceItem, list[Finding]]]:
        """Items with at least one failing finding, with all their findings, in file order."""
        out = []
        for item in self.items:
            found = self.findings_of(item)
            if any(f.fails for f in found):
                out.append((item, found))
        return out


@dataclass(frozen=True)
class GateResult:
    """Every checked file and the outcome; `waived` the findings waivers covered;
    `expired_waivers` every expired waiver of the waiver file (whether or not it matched
    anything)."""

    files: list[FileResult]
    fail_on: str
    outcome: Outcome
    waived: list[Finding] = field(default_factory=list)
    expired_waivers: list[Waiver] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]

    def failing_items(self) -> int:
        """How many items have at least one failing finding, over every file."""
        return sum(len(fr.failing_items()) for fr in self.files)

    def to_info(self, exit_code: int) -> GateInfo:
        """The `"gate"` object of `check --format json`; `exit_code` is the CLI's code for
        the outcome."""
        return GateInfo(
            fail_on=self.fail_on,
            outcome=self.outcome,
            exit_code=exit_code,
            failing=len(self.failing),
            waived=[f.to_info() for f in self.waived],
            expired_waivers=[waiver_info(w) for w in self.expired_waivers],
            findings=[f.to_info() for f in self.findings],
        )


def rules_of(item: DeviceItem) -> list[str]:
    """The rules an item fired: `rules_fired` (else, when the report did not give it, its
    evidence signals that are rule ids), plus `listed-vendor` when it has vendor matches.
    Unique, in order."""
    if "rules_fired" in item.model_fields_set:
        rules = list(item.rules_fired)
    else:
        rules = [ev.signal for ev in item.evidence if ev.signal in RULE_IDS]
    if isinstance(item, OrderItem) and item.vendor_matches:
        rules.append(LISTED_VENDOR)
    return list(dict.fromkeys(rules))


def entities_of(item: DeviceItem, rule: str) -> tuple[str, ...]:
    """The listed entities finding `rule` of `item` rests on."""
    if rule == LISTED_VENDOR:
        matches = item.vendor_matches if isinstance(item, OrderItem) else []
        return tuple(dict.fromkeys(m.entity_id for m in matches if m.entity_id))
    out: list[str] = []
    for ev in item.evidence:
        if ev.signal != rule:
            continue
        value, source = cell(ev.value), cell(ev.source)
        bracketed = _BRACKETED_ID.search(value)
        if bracketed:
            out.append(bracketed.group(1))
        elif _CVE.match(value) and _SOURCE_ID.match(source):
            out.append(f"{source}:{value}")
    return tuple(dict.fromkeys(out))


def _vendor_sentences(item: DeviceItem) -> tuple[str, list[str]]:
    if not isinstance(item, OrderItem):
        return "", []
    matches = [f"{m.matched_name} ({m.entity_id}, score {m.score})" for m in item.vendor_matches]
    return f"vendor {cell(item.vendor)!r} matches", matches


def message_of(item: DeviceItem, rule: str) -> str:
    """The finding's sentence(s): its evidence findings, or the vendor's matches."""
    if rule == LISTED_VENDOR:
        head, matches = _vendor_sentences(item)
        return one_line(f"{head} " + "; ".join(matches))
    if rule == RISK_TIER:
        why = [ev.finding for ev in item.evidence if ev.signal == "tier"]
        head = f"tier {item.tier} (score {item.score})"
        return one_line(f"{head}: {'; '.join(why)}" if why else head)
    texts = [ev.finding for ev in item.evidence if ev.signal == rule]
    return one_line("; ".join(t for t in texts if t) or f"rule {rule} fired")


def details_of(item: DeviceItem, rule: str) -> tuple[str, ...]:
    """The finding's sentences one by one (one per evidence entry or vendor match)."""
    if rule == LISTED_VENDOR:
        head, matches = _vendor_sentences(item)
        return tuple(one_line(f"{head} {m}") for m in matches)
    if rule == RISK_TIER:
        return (message_of(item, rule),)
    texts = [one_line(ev.finding) for ev in item.evidence if ev.signal == rule]
    return tuple(t for t in texts if t) or (message_of(item, rule),)


def _covering(
    waivers: Sequence[Waiver],
    path: str,
    item: dict[str, Any],
    rule: str,
    entities: tuple[str, ...],
) -> tuple[Waiver, ...]:
    """The waivers that together cover the finding (empty when they do not): any one naming
    the item whole, else entity waivers covering every entity the finding rests on."""
    hits = [w for w in waivers if w.covers(path=path, item=item, rule=rule, entities=entities)]
    if any(w.entity_id is None for w in hits):
        return tuple(hits)
    named = {w.entity_id for w in hits}
    return tuple(hits) if entities and named >= set(entities) else ()


def _waiver_view(item: DeviceItem) -> dict[str, Any]:
    """What a waiver looks at, as the mapping `Waiver.covers` reads."""
    order = item if isinstance(item, OrderItem) else None
    return {
        "row": item.row,
        "model": item.model,
        "vendor": order.vendor if order else None,
        "part_number": order.part_number if order else None,
    }


def findings_for(
    report: Report,
    path: str,
    fail_on: str,
    waivers: Sequence[Waiver],
    today: date,
) -> tuple[list[Finding], list[Finding], list[Waiver]]:
    """The findings of one report, the waived ones among them, and the expired waivers that
    would have covered one of them (each once, in waiver-file order)."""
    check_tier(fail_on, "fail_on")
    valid = [w for w in waivers if not w.expired(today)]
    stale = [w for w in waivers if w.expired(today)]
    findings: list[Finding] = []
    for item in items_of(report):
        level: Level = "error" if at_or_above(item.tier, fail_on) else "warning"
        rules = rules_of(item)
        if not rules and level == "error":
            rules = [RISK_TIER]
        seen = _waiver_view(item) if rules and waivers else {}
        line = item.line if item.line is not None and item.line >= 1 else None
        for rule in rules:
            entities = entities_of(item, rule)
            findings.append(
                Finding(
                    path=path,
                    item_row=item.row,
                    line=line,
                    rule_id=rule,
                    tier=item.tier,
                    level=level,
                    message=message_of(item, rule),
                    details=details_of(item, rule),
                    entities=entities,
                    waivers=_covering(valid, path, seen, rule, entities),
                    expired_waivers=tuple(
                        w
                        for w in stale
                        if w.covers(path=path, item=seen, rule=rule, entities=entities)
                    ),
                )
            )
    waived = [f for f in findings if f.waived]
    expired_ids = {id(w) for f in findings for w in f.expired_waivers}
    return findings, waived, [w for w in stale if id(w) in expired_ids]


def gate_outcome(files: Iterable[FileResult], lists_ok: bool = True) -> Outcome:
    """The first that applies: `unreadable` (any row or file not read), `lists` (not
    `lists_ok`), `fail` (any failing finding), else `pass`."""
    files = list(files)
    if any(fr.errors for fr in files):
        return "unreadable"
    if not lists_ok:
        return "lists"
    return "fail" if any(f.fails for fr in files for f in fr.findings) else "pass"


def build_gate(
    reports: Iterable[tuple[str, Report]],
    fail_on: str,
    waivers: Sequence[Waiver],
    today: date,
    lists_ok: bool = True,
) -> GateResult:
    """The gate over `(path as given, report)` pairs, in the order given."""
    files: list[FileResult] = []
    waived: list[Finding] = []
    for path, report in reports:
        found, w, _ = findings_for(report, path, fail_on, waivers, today)
        files.append(FileResult(path, report, found))
        waived += w
    return GateResult(
        files=files,
        fail_on=fail_on,
        outcome=gate_outcome(files, lists_ok),
        waived=waived,
        expired_waivers=[w for w in waivers if w.expired(today)],
    )
