"""The `screening check` gate's findings, shared by every gate renderer (SARIF, JUnit, Markdown,
text, JSON).

A finding is one (item, rule) pair: each rule in the item's `rules_fired` (or, when a report has
none, each evidence signal that is a rule id), plus `listed-vendor` for an item with
`vendor_matches`. Its level is `error` when the item's tier is at or above `fail_on`, else
`warning`; an item whose tier reaches `fail_on` with no rule to name gets one `risk-tier`
finding, so the gate never passes it silently. A finding fails the gate when its level is
`error` and no valid waiver covers it (see `screening.waivers` for what a waiver covers).

Exit code (interfaces.md, first that applies): 2 a row could not be read, 3 a list the profile
needs is missing or stale (the caller knows: `lists_ok`), 1 a failing finding, else 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ..waivers import Waiver
from .common import Kind, at_or_above, cell, check_tier, items_of, kind_of, one_line
from .rules import LISTED_VENDOR, RISK_TIER, RULE_IDS

Level = Literal["error", "warning"]
_BRACKETED_ID = re.compile(r"\[([^\[\]\s:]+:[^\[\]\s]+)\]\s*$")
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*(?::[A-Za-z0-9_.-]+)?$")


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

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "row": self.item_row,
            "line": self.line,
            "rule": self.rule_id,
            "tier": self.tier,
            "level": self.level,
            "message": self.message,
            "details": list(self.details),
            "entities": list(self.entities),
            "waived": self.waived,
            "waivers": [w.to_json() for w in self.waivers],
            "expired_waivers": [w.index for w in self.expired_waivers],
        }


@dataclass(frozen=True)
class FileResult:
    """One checked file: `path` as given on the command line, its report, its findings."""

    path: str
    report: Mapping[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def kind(self) -> Kind:
        return kind_of(self.report)

    @property
    def items(self) -> list[Mapping[str, Any]]:
        return items_of(self.report)

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        return list(self.report.get("errors") or [])

    def findings_of(self, item: Mapping[str, Any]) -> list[Finding]:
        return [f for f in self.findings if f.item_row == item.get("row")]

    def failing_items(self) -> list[tuple[Mapping[str, Any], list[Finding]]]:
        """Items with at least one failing finding, with all their findings, in file order."""
        out = []
        for item in self.items:
            found = self.findings_of(item)
            if any(f.fails for f in found):
                out.append((item, found))
        return out


@dataclass(frozen=True)
class GateResult:
    """Every checked file; `waived` the findings waivers covered; `expired_waivers` every
    expired waiver of the waiver file (whether or not it matched anything)."""

    files: list[FileResult]
    fail_on: str
    exit_code: int
    waived: list[Finding] = field(default_factory=list)
    expired_waivers: list[Waiver] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]


def rules_of(item: Mapping[str, Any]) -> list[str]:
    """The rules an item fired: `rules_fired` (else its evidence signals that are rule ids),
    plus `listed-vendor` when it has vendor matches. Unique, in order."""
    fired = item.get("rules_fired")
    if fired is None:
        fired = [ev.get("signal") for ev in item.get("evidence") or () if ev.get("signal")]
        fired = [r for r in fired if r in RULE_IDS]
    rules = [str(r) for r in fired]
    if item.get("vendor_matches"):
        rules.append(LISTED_VENDOR)
    return list(dict.fromkeys(rules))


def entities_of(item: Mapping[str, Any], rule: str) -> tuple[str, ...]:
    """The listed entities finding `rule` of `item` rests on."""
    if rule == LISTED_VENDOR:
        found = [cell(m.get("entity_id")) for m in item.get("vendor_matches") or ()]
        return tuple(dict.fromkeys(e for e in found if e))
    out: list[str] = []
    for ev in item.get("evidence") or ():
        if ev.get("signal") != rule:
            continue
        value, source = cell(ev.get("value")), cell(ev.get("source"))
        bracketed = _BRACKETED_ID.search(value)
        if bracketed:
            out.append(bracketed.group(1))
        elif _CVE.match(value) and _SOURCE_ID.match(source):
            out.append(f"{source}:{value}")
    return tuple(dict.fromkeys(out))


def message_of(item: Mapping[str, Any], rule: str) -> str:
    """The finding's sentence(s): its evidence findings, or the vendor's matches."""
    if rule == LISTED_VENDOR:
        matches = [
            f"{cell(m.get('matched_name'))} ({cell(m.get('entity_id'))}, score {m.get('score')})"
            for m in item.get("vendor_matches") or ()
        ]
        return one_line(f"vendor {cell(item.get('vendor'))!r} matches " + "; ".join(matches))
    if rule == RISK_TIER:
        why = [
            cell(ev.get("finding"))
            for ev in item.get("evidence") or ()
            if ev.get("signal") == "tier"
        ]
        head = f"tier {cell(item.get('tier'))} (score {cell(item.get('score'))})"
        return one_line(f"{head}: {'; '.join(why)}" if why else head)
    texts = [
        cell(ev.get("finding")) for ev in item.get("evidence") or () if ev.get("signal") == rule
    ]
    return one_line("; ".join(t for t in texts if t) or f"rule {rule} fired")


def details_of(item: Mapping[str, Any], rule: str) -> tuple[str, ...]:
    """The finding's sentences one by one (one per evidence entry or vendor match)."""
    if rule == LISTED_VENDOR:
        return tuple(
            one_line(
                f"vendor {cell(item.get('vendor'))!r} matches {cell(m.get('matched_name'))} "
                f"({cell(m.get('entity_id'))}, score {m.get('score')})"
            )
            for m in item.get("vendor_matches") or ()
        )
    if rule == RISK_TIER:
        return (message_of(item, rule),)
    texts = [
        one_line(cell(ev.get("finding")))
        for ev in item.get("evidence") or ()
        if ev.get("signal") == rule
    ]
    return tuple(t for t in texts if t) or (message_of(item, rule),)


def _covering(
    waivers: Sequence[Waiver],
    path: str,
    item: Mapping[str, Any],
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


def findings_for(
    report: Mapping[str, Any],
    path: str,
    fail_on: str,
    waivers: Sequence[Waiver],
    today: date,
) -> tuple[list[Finding], list[Finding], list[Waiver]]:
    """The findings of one report, the waived ones among them, and the expired waivers that
    would have covered one of them (each once, in waiver-file order)."""
    check_tier(fail_on)
    valid = [w for w in waivers if not w.expired(today)]
    stale = [w for w in waivers if w.expired(today)]
    findings: list[Finding] = []
    for item in items_of(report):
        tier = cell(item.get("tier"))
        level: Level = "error" if at_or_above(tier, fail_on) else "warning"
        rules = rules_of(item)
        if not rules and level == "error":
            rules = [RISK_TIER]
        row, line = item.get("row"), item.get("line")
        for rule in rules:
            entities = entities_of(item, rule)
            findings.append(
                Finding(
                    path=path,
                    item_row=row if isinstance(row, int) else None,
                    line=line if isinstance(line, int) and line >= 1 else None,
                    rule_id=rule,
                    tier=tier,
                    level=level,
                    message=message_of(item, rule),
                    details=details_of(item, rule),
                    entities=entities,
                    waivers=_covering(valid, path, item, rule, entities),
                    expired_waivers=tuple(
                        w
                        for w in stale
                        if w.covers(path=path, item=item, rule=rule, entities=entities)
                    ),
                )
            )
    waived = [f for f in findings if f.waived]
    expired_ids = {id(w) for f in findings for w in f.expired_waivers}
    return findings, waived, [w for w in stale if id(w) in expired_ids]


def gate_exit_code(files: Iterable[FileResult], lists_ok: bool = True) -> int:
    """2 any unreadable row; 3 when not `lists_ok`; 1 any failing finding; else 0."""
    files = list(files)
    if any(fr.errors for fr in files):
        return 2
    if not lists_ok:
        return 3
    return 1 if any(f.fails for fr in files for f in fr.findings) else 0


def build_gate(
    reports: Iterable[tuple[str, Mapping[str, Any]]],
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
        exit_code=gate_exit_code(files, lists_ok),
        waived=waived,
        expired_waivers=[w for w in waivers if w.expired(today)],
    )


def gate_json(gate: GateResult) -> dict[str, Any]:
    """The `"gate"` object of `check --format json`."""
    return {
        "fail_on": gate.fail_on,
        "exit_code": gate.exit_code,
        "failing": len(gate.failing),
        "waived": [f.to_json() for f in gate.waived],
        "expired_waivers": [w.to_json() for w in gate.expired_waivers],
        "findings": [f.to_json() for f in gate.findings],
    }
