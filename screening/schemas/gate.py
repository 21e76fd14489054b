"""The `screening check` gate's result, as `check --format json` prints it under `"gate"`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["unreadable", "lists", "fail", "pass"]


class WaiverInfo(BaseModel):
    """A reviewed exception from the waivers file (`index`: its 1-based position there)."""

    index: int
    line: int | None = None
    match: dict[str, Any]
    reason: str
    approver: str
    expires: str


class FindingInfo(BaseModel):
    """One (item, rule) pair of one file."""

    file: str
    row: int | None
    line: int | None
    rule: str
    tier: str
    level: Literal["error", "warning"]
    message: str
    details: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    waived: bool
    waivers: list[WaiverInfo] = Field(default_factory=list)
    expired_waivers: list[int] = Field(default_factory=list)


class GateInfo(BaseModel):
    """`outcome`, first that applies: `unreadable` (a row or file could not be read),
    `lists` (a list the profile needs is missing or too old), `fail` (a finding at or above
    `fail_on` that no valid waiver covers), `pass`. `exit_code` is the CLI's code for it."""

    fail_on: str
    outcome: Outcome
    exit_code: int
    failing: int
    waived: list[FindingInfo]
    expired_waivers: list[WaiverInfo]
    findings: list[FindingInfo]
