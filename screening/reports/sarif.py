"""SARIF 2.1.0 for `screening check --format sarif` (OASIS SARIF 2.1.0, errata 01).

One run for all files. `tool.driver.rules` describes every rule a finding can carry (id,
short and full description from the rule's explanation); each finding is one result: `ruleId`
and `ruleIndex`, `level` `error` at or above `fail_on` else `warning`, one location whose
`artifactLocation.uri` is the path as given on the command line (percent-encoded only where a
URI cannot hold the character, e.g. a space), `region.startLine` the item's line (no region when
the line is unknown). A waived finding carries `suppressions: [{"kind": "external",
"status": "accepted", "justification": <reason>}]` with the approver and expiry as properties.

Rows that could not be read and expired waivers are `toolExecutionNotifications` of the run's
one invocation (`executionSuccessful` is false when a row could not be read: the gate did not
check everything). `partialFingerprints` identify a finding across runs by file, row and rule.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..gate.findings import Finding, GateResult
from ..gate.rules import RULE_IDS, rule_summary, rule_text
from ..schemas.reports import DeviceItem
from .common import cell, item_label, one_line

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "screening"
_URI_SAFE = "/:@!$&'()*+,;=-._~"


def artifact_uri(path: str) -> str:
    """The path as given, percent-encoding only what a URI reference cannot contain."""
    return quote(path, safe=_URI_SAFE)


def _location(path: str, line: int | None, text: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if text:
        location["message"] = {"text": text}
    return location


def _rules(extra: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": rule,
            "name": "".join(part.capitalize() for part in rule.split("-")),
            "shortDescription": {"text": rule_summary(rule)},
            "fullDescription": {"text": " ".join(rule_text(rule).split())},
            "help": {"text": " ".join(rule_text(rule).split())},
            "defaultConfiguration": {"level": "warning"},
        }
        for rule in (*RULE_IDS, *extra)
    ]


def _result(f: Finding, index: int, item: DeviceItem | None) -> dict[str, Any]:
    label = item_label(item) if item else ""
    row = f"row {f.item_row}" if f.item_row is not None else "item"
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": f.level,
        "message": {"text": one_line(f"{row} {label} [{f.tier}]: {f.message}")},
        "locations": [_location(f.path, f.line)],
        "partialFingerprints": {"screeningItem/v1": f"{f.path}:{f.item_row}:{f.rule_id}"},
        "properties": {
            "tier": f.tier,
            "row": f.item_row,
            "entities": list(f.entities),
            "score": item.score if item else None,
            "family": item.family if item else None,
        },
    }
    if f.waivers:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": w.reason,
                "properties": {
                    "approver": w.approver,
                    "expires": w.expires.isoformat(),
                    "waiver": w.index,
                    "waiverLine": w.line,
                },
            }
            for w in f.waivers
        ]
    return result


def sarif_log(gate: GateResult, exit_code: int) -> dict[str, Any]:
    """The SARIF log as a JSON-compatible dict; `exit_code` is the CLI's code for the gate's
    outcome (the invocation's `exitCode`)."""
    known = list(RULE_IDS)
    extra = sorted({f.rule_id for f in gate.findings} - set(known))
    index = {rule: i for i, rule in enumerate([*known, *extra])}
    results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for fr in gate.files:
        by_row: dict[int | None, DeviceItem] = {it.row: it for it in fr.items}
        for f in fr.findings:
            results.append(_result(f, index[f.rule_id], by_row.get(f.item_row)))
        for e in fr.errors:
            text = one_line(
                f"{fr.path}: row {cell(e.row)}, field {cell(e.field)}: "
                f"{cell(e.message)} (the row was not checked)"
            )
            notes.append(
                {
                    "level": "error",
                    "message": {"text": text},
                    "locations": [_location(fr.path, e.line)],
                }
            )
    for w in gate.expired_waivers:
        text = one_line(
            f"{w.file_name}: {w.label} expired on {w.expires.isoformat()} and no longer applies "
            f"(reason: {w.reason}; approver: {w.approver})"
        )
        notes.append({"level": "warning", "message": {"text": text}})
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(fr.errors for fr in gate.files),
        "exitCode": exit_code,
    }
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": _rules(extra),
            }
        },
        "invocations": [invocation],
        "results": results,
        "properties": {
            "failOn": gate.fail_on,
            "files": [
                {
                    "path": fr.path,
                    "profile": fr.report.profile,
                    "snapshots": dict(fr.report.snapshots),
                }
                for fr in gate.files
            ],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(gate: GateResult, exit_code: int) -> str:
    """The SARIF log as JSON text (UTF-8, non-ASCII kept, ending in a newline)."""
    return json.dumps(sarif_log(gate, exit_code), indent=2, ensure_ascii=False) + "\n"
