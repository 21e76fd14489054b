"""Transition shim: the gate moved to `screening.gate.findings`, and it takes typed reports.
Only tests/test_waivers.py still imports this path with report dicts; remove it once that test
imports `screening.gate.findings` and validates its report (`OrderReport.model_validate`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..gate.findings import Finding
from ..gate.findings import findings_for as _findings_for
from ..schemas.reports import OrderReport
from ..waivers import Waiver

__all__ = ["Finding", "findings_for"]


def findings_for(
    report: Mapping[str, Any], path: str, fail_on: str, waivers: Sequence[Waiver], today: date
) -> tuple[list[Finding], list[Finding], list[Waiver]]:
    """`screening.gate.findings.findings_for` on a purchase-order report dict."""
    return _findings_for(OrderReport.model_validate(report), path, fail_on, waivers, today)
