"""`screening check`: the purchase-order gate for CI pipelines (service side).

Every file is read and scored (nothing stops at the first problem: a gate must report every row
it could not check), the lists the profile needs are checked for presence and age, and the
findings are gated against `fail_on` and the waivers. Offline: it uses the active snapshots and
the cached match index, never the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from ..errors import InputError, ScreeningError
from ..gate.findings import GateResult, build_gate
from ..gate.waivers import Waiver, load_waivers
from ..inventories import read_rows
from ..schemas.reports import OrderReport, OrderSummary, RowError
from ..scoring.profiles import PROFILES
from ..scoring.tiers import check_tier
from ..settings import Settings
from . import catalog, devices

WARN_AGE = timedelta(days=30)


@dataclass
class CheckRun:
    gate: GateResult
    reports: list[tuple[str, OrderReport]]
    list_problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def list_status(
    session: Session,
    profile: str,
    max_age: timedelta | None,
    now: datetime,
    data_dir: Path | None = None,
) -> tuple[list[str], list[str]]:
    """(problems that exit 3, warnings) for the lists `profile` needs. A list's age runs from
    the day its bundled copy was last verified (statutes and other bundled-only sources), else
    its publisher's date, else when it was fetched; a sample (not the whole list) warns."""
    summaries = {s.source: s for s in catalog.list_sources(session, data_dir)}
    problems, warnings = [], []
    for source in PROFILES[profile].required_sources:
        s = summaries.get(source)
        if s is None or s.status == "no_data" or not s.version:
            problems.append(f"{source}: no data (run `screening refresh --source {source}`)")
            continue
        dated = s.verified_at or s.published_at
        when = (
            datetime.fromisoformat(dated).replace(tzinfo=UTC)
            if dated
            else datetime.fromisoformat(s.fetched_at or now.isoformat())
        )
        age = now - when
        basis = "verified" if s.verified_at else "published" if s.published_at else "fetched"
        if s.completeness == "sample":
            warnings.append(f"{source}: only a sample of the list is loaded ({s.version})")
        if max_age is not None and age > max_age:
            problems.append(
                f"{source}: {basis} {when.date()} is {age.days} days old, over --max-list-age"
            )
        elif max_age is None and age > WARN_AGE:
            warnings.append(f"{source}: {basis} {when.date()}, {age.days} days ago")
        if s.status == "refresh_failed":
            warnings.append(
                f"{source}: the last refresh failed ({s.last_error}); using {s.version}"
            )
    return problems, warnings


def _report_for(ctx: devices.RiskContext, path: str, profile: str) -> OrderReport:
    file = Path(path)
    try:
        if not file.is_file():
            raise InputError(f"{path}: no such file")
        report = devices.build_report(ctx, read_rows(file, file.name, kind="po"), profile, "po")
        assert isinstance(report, OrderReport)
    except ScreeningError as exc:
        # The whole file could not be read: one error, no items, so the gate fails closed.
        report = OrderReport(
            profile=profile,
            snapshots=ctx.snapshots,
            items=[],
            vendors=[],
            errors=[RowError(row=None, line=None, field="", message=exc.detail)],
            summary=OrderSummary(items=0, by_tier={}, by_family={}),
        )
    report.file = path
    return report


def run_check(
    session: Session,
    settings: Settings,
    paths: Sequence[str],
    *,
    profile: str,
    fail_on: str = "high",
    waivers_path: Path | None = None,
    max_age: timedelta | None = None,
    today: date | None = None,
) -> CheckRun:
    """Gate every file; raises InputError only for usage errors (profile, tier, waiver file)."""
    devices.check_profile(profile)
    try:
        check_tier(fail_on, "--fail-on")
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if not paths:
        raise InputError("give at least one FILE to check")
    waivers: list[Waiver] = load_waivers(waivers_path) if waivers_path else []
    now = datetime.now(UTC)
    problems, warnings = list_status(session, profile, max_age, now, settings.data_dir)
    ctx = devices.risk_context(session, settings)
    reports = [(p, _report_for(ctx, p, profile)) for p in paths]
    gate = build_gate(reports, fail_on, waivers, today or now.date(), lists_ok=not problems)
    return CheckRun(gate, reports, problems, warnings)
