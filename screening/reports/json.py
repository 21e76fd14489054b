"""JSON for device reports and for `screening check --format json`: the typed models as
`model_dump(mode="json")` (the same data the API returns), indented, non-ASCII kept, ending in
a newline.

The gate's document is the checked report with a `"gate"` object beside its fields (one file),
or `{"files": [report, ...], "gate": {...}}` (several files).
"""

from __future__ import annotations

import json
from typing import Any

from ..gate.findings import GateResult
from ..schemas.reports import Report


def _text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: Report) -> str:
    """The report as JSON text."""
    return _text(report.model_dump(mode="json"))


def gate_document(gate: GateResult, exit_code: int) -> dict[str, Any]:
    """The `check --format json` document; `exit_code` is the CLI's code for the outcome."""
    info = gate.to_info(exit_code).model_dump(mode="json")
    reports = [fr.report.model_dump(mode="json") for fr in gate.files]
    if len(reports) == 1:
        return {**reports[0], "gate": info}
    return {"files": reports, "gate": info}


def render_gate(gate: GateResult, exit_code: int) -> str:
    """The `check --format json` document as text."""
    return _text(gate_document(gate, exit_code))
