"""`Screening`: the use cases, one method each. The CLI and the API call only this object (and
read the typed results of `screening.schemas`); nothing here knows about HTTP status codes or
exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from .. import userlists
from ..db import engine_for
from ..errors import InputError
from ..inventories import Kind, check_size, read_rows
from ..inventories.limits import check_json_depth
from ..schemas.accounts import Principal
from ..schemas.reports import DeviceItem, Report, RowError
from ..schemas.screening import CompareResult, ScreenResult
from ..schemas.sources import Diff, Entity, RefreshOutcome, SnapshotInfo, SourceSummary
from ..schemas.stored import StoredReportInfo
from ..settings import Settings, get_settings
from ..sources.base import SourceSpec
from ..store import Progress
from . import catalog, checks, devices, names, reportstore, screenfile, tenancy
from .active import ActiveView, active_view
from .audit import CLI
from .jobops import JobOps
from .tenantops import TenantOps
from .userops import UserOps


@dataclass
class NameTable:
    """The names to screen: the input's columns and its rows (read lazily)."""

    header: list[str]
    rows: Iterator[dict[str, str]]


class Screening(TenantOps, UserOps, JobOps):
    """The service for one unit of work (a request or a command): a database session and the
    settings. Cheap to create; the expensive derived state (name index, list memberships) lives
    in the process-wide cache keyed by the active snapshot versions (`active.CACHE`)."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    # -- the lists -------------------------------------------------------------------------
    def active(self) -> ActiveView:
        """The active snapshot of every source (one query)."""
        return active_view(self.session)

    def sources(self, tenant: str = "default") -> list[SourceSummary]:
        """Every public list and the tenant's own custom lists (never another tenant's)."""
        hidden = tenancy.hidden_sources(self.session, tenant)
        listed = catalog.list_sources(self.session, self.settings.data_dir)
        return [s for s in listed if s.source not in hidden]

    def source(self, source_id: str, tenant: str = "default") -> SourceSummary:
        tenancy.check_visible(self.session, tenant, source_id)
        return catalog.get_source(self.session, source_id, self.settings.data_dir)

    def snapshots(self, source_id: str, tenant: str = "default") -> list[SnapshotInfo]:
        tenancy.check_visible(self.session, tenant, source_id)
        return catalog.list_snapshots(self.session, source_id)

    def entity(self, entity_id: str, tenant: str = "default") -> Entity:
        tenancy.check_visible(self.session, tenant, entity_id.rsplit(":", 1)[0])
        return catalog.get_entity(self.session, entity_id)

    def refresh(
        self,
        source_ids: Sequence[str] | None = None,
        *,
        offline: bool = False,
        force: bool = False,
        transport: httpx.BaseTransport | None = None,
        progress: Progress | None = None,
        on_source: Callable[[SourceSpec], None] | None = None,
    ) -> list[RefreshOutcome]:
        outcomes = catalog.refresh(
            self.session,
            self.settings,
            source_ids,
            offline=offline,
            force=force,
            transport=transport,
            progress=progress,
            on_source=on_source,
        )
        self.lists_changed("refresh", outcomes)
        return outcomes

    def load_bundled_if_empty(self) -> list[RefreshOutcome]:
        return catalog.load_bundled_if_empty(self.session, self.settings)

    def diff(
        self,
        source_id: str,
        from_version: str | None,
        to_version: str | None,
        tenant: str = "default",
    ) -> Diff:
        tenancy.check_visible(self.session, tenant, source_id)
        return Diff.model_validate(
            userlists.diff(self.session, source_id, from_version, to_version)
        )

    def import_opensanctions(
        self, dataset: str, file_or_url: str, *, force: bool = False
    ) -> RefreshOutcome:
        out = userlists.import_opensanctions(
            self.session, self.settings, dataset, file_or_url, force=force
        )
        typed = catalog.typed_outcome(out)
        self.lists_changed("import", [typed])
        return typed

    def add_custom_list(
        self,
        name: str,
        data: bytes,
        origin: str,
        *,
        force: bool = False,
        max_rows: int | None = None,
        who: Principal = CLI,
    ) -> RefreshOutcome:
        """A new version of the caller's tenant's custom list `name` (`custom:<name>` for
        tenant `default`). Uploads pass `max_rows`."""
        out = userlists.add_custom(
            self.session,
            self.settings,
            name,
            data,
            origin,
            force=force,
            max_rows=max_rows,
            tenant=who.tenant,
        )
        typed = catalog.typed_outcome(out)
        self.audit(who, "custom-list.upload", typed.source_id, detail=typed.model_dump())
        self.lists_changed("custom-list", [typed])
        return typed

    # -- names -----------------------------------------------------------------------------
    def screen_name(
        self,
        name: str,
        *,
        kind: str | None = None,
        country: str | None = None,
        identifiers: list[str] | None = None,
        sources: list[str] | None = None,
        threshold: float | None = None,
        limit: int = 10,
        tenant: str = "default",
    ) -> ScreenResult:
        """Every listed party matching `name`: parties with their listings, and the matches.
        Only the lists `tenant` may see are searched (and named in `snapshots`)."""
        hidden = tenancy.hidden_sources(self.session, tenant)
        result = names.screen_name(
            self.session,
            self.settings,
            name,
            kind=kind,
            country=country,
            identifiers=identifiers,
            sources=tenancy.visible_sources(self.active(), hidden, sources),
            threshold=threshold,
            limit=limit,
        )
        if hidden:
            result.snapshots = {k: v for k, v in result.snapshots.items() if k not in hidden}
        return result

    def ready(self, *, stale_ok: bool = False) -> bool:
        """Whether this process can screen without building an index first (`stale_ok`: the
        server answers from the previous index while the new one is built)."""
        return names.index_ready(self.session, stale_ok=stale_ok)

    def compare(self, name1: str, name2: str, kind: str | None = None) -> CompareResult:
        return names.compare_names(name1, name2, kind)

    def compare_pairs_csv(self, data: bytes, filename: str) -> Iterator[str]:
        """`compare --pairs`: the scored pairs as CSV text (formula-like cells neutralised)."""
        rows = names.compare_pairs(data, filename)
        return screenfile.csv_lines(rows, ["name1", "name2", "kind", "score", "match"])

    def read_names(self, data: bytes, filename: str, *, as_csv: bool) -> NameTable:
        """The names of a `screen --file` CSV or a batch JSON array (checked before any work)."""
        if as_csv:
            header, rows = screenfile.read_name_csv(data, filename)
            return NameTable(header, rows)
        text = data.decode("utf-8-sig", errors="replace")
        check_json_depth(text, filename)
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise InputError(
                f"{filename}: not JSON ({exc}); send a JSON array or text/csv"
            ) from exc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError(f"{filename}: expected a JSON array of objects with a 'name'")
        header = ["name", "kind", "country"]
        return NameTable(
            header,
            iter([{k: "" if i.get(k) is None else str(i.get(k)) for k in header} for i in items]),
        )

    def screen_names(
        self,
        table: NameTable,
        *,
        kind: str | None = None,
        threshold: float | None = None,
        sources: list[str] | None = None,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        tenant: str = "default",
    ) -> Iterator[dict[str, Any]]:
        """Each row of `table` in order with the result columns (typed values) appended; only
        the lists `tenant` may see are searched."""
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold: {threshold} is not in [0, 1]")
        hidden = tenancy.hidden_sources(self.session, tenant)
        sources = tenancy.visible_sources(self.active(), hidden, sources)
        ctx = names.screen_context(self.session, self.settings)
        if sources:
            unknown = sorted(set(sources) - set(ctx.versions))
            if unknown:
                raise InputError(f"sources: no data for {', '.join(unknown)[:200]}")
        return screenfile.screen_rows(
            ctx,
            table.rows,
            kind=kind,
            threshold=threshold,
            sources=sources,
            workers=workers,
            progress=progress,
        )

    @staticmethod
    def names_csv(table: NameTable, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        """Screened rows as CSV text: the input columns then the result columns."""
        return screenfile.csv_lines(rows, table.header + list(screenfile.OUT_COLUMNS))

    # -- devices: inventories and purchase orders -------------------------------------------
    def check_profile(self, profile: str) -> str:
        return devices.check_profile(profile)

    def _rows(self, source: Path | bytes, filename: str, kind: Kind) -> Any:
        if isinstance(source, Path):
            if not source.is_file():
                raise InputError(f"{source}: no such file")
            return read_rows(source, filename, kind=kind)
        if not source.strip():
            raise InputError(f"{filename}: the upload is empty")
        return read_rows(io.BytesIO(source), filename, kind=kind)

    def score_file(self, source: Path | bytes, filename: str, kind: Kind, profile: str) -> Report:
        """Score a whole inventory (`kind` inventory) or order (`po`) into its report. `source`
        is a local file (any size) or an upload's bytes."""
        devices.check_profile(profile)
        ctx = devices.risk_context(self.session, self.settings)
        report = devices.build_report(ctx, self._rows(source, filename, kind), profile, kind)
        report.file = str(source) if isinstance(source, Path) else filename
        return report

    def stream_file(
        self, source: Path | bytes, filename: str, kind: Kind, profile: str
    ) -> Iterator[DeviceItem | RowError]:
        """Score row by row, in file order (a million-row inventory streams in bounded memory)."""
        devices.check_profile(profile)
        ctx = devices.risk_context(self.session, self.settings)
        return devices.score_rows(ctx, self._rows(source, filename, kind), profile, kind)

    def score_upload(
        self,
        data: bytes,
        filename: str,
        kind: Kind,
        profile: str,
        *,
        store: bool,
        who: Principal = CLI,
    ) -> Report:
        """An uploaded file scored; stored with the list versions used when `store`. The whole
        file is read and scored before anything is stored."""
        devices.check_profile(profile)
        check_size(len(data), self.settings.max_upload_bytes, filename)
        if not data.strip():
            raise InputError(f"{filename}: the upload is empty")
        # A request is bounded in rows as well as bytes (a local file through the CLI is not).
        rows = read_rows(
            io.BytesIO(data), filename, kind=kind, max_rows=self.settings.max_upload_rows
        )
        ctx = devices.risk_context(self.session, self.settings)
        report = devices.build_report(ctx, rows, profile, kind)
        report.file = filename
        if store:
            rid, when = reportstore.store_report(
                self.session,
                self.settings,
                report,
                who.tenant,
                upload=data,
                key=self.active().key(),
            )
            report.id, report.created_at = rid, when.isoformat()
            # The screening decisions the stored report relies on, with the versions used.
            self.audit(
                who,
                f"{kind}.store",
                rid,
                snapshots=dict(report.snapshots),
                detail={"file": filename[:200], "by_tier": report.summary.by_tier},
            )
        return report

    def report(self, report_id: str, tenant: str = "default") -> Report:
        """A stored report of `tenant` (404 for an unknown id or another tenant's)."""
        return reportstore.get_report(self.session, report_id, tenant)

    def delete_report(self, report_id: str, tenant: str = "default", who: Principal = CLI) -> None:
        reportstore.delete_report(self.session, report_id, tenant)
        self.audit(who, "inventory.delete", report_id, tenant=tenant)

    def reports(
        self, tenant: str = "default", kind: str | None = None, limit: int = 100
    ) -> list[StoredReportInfo]:
        """The tenant's stored reports, newest first."""
        return reportstore.list_reports(self.session, tenant, kind, limit)

    # -- the CI gate -------------------------------------------------------------------------
    def check(
        self,
        paths: Sequence[str],
        *,
        profile: str,
        fail_on: str = "high",
        waivers_path: Path | None = None,
        max_age: timedelta | None = None,
    ) -> checks.CheckRun:
        return checks.run_check(
            self.session,
            self.settings,
            paths,
            profile=profile,
            fail_on=fail_on,
            waivers_path=waivers_path,
            max_age=max_age,
        )


@contextmanager
def open_screening(settings: Settings | None = None) -> Iterator[Screening]:
    """A `Screening` on its own session (the CLI's unit of work)."""
    chosen = settings or get_settings()
    engine = engine_for(chosen.resolved_database_url())
    with Session(engine, expire_on_commit=False) as session:
        yield Screening(session, chosen)
