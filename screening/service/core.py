"""`Screening`: the use cases, one method each. The CLI and the API call only this object (and
read the typed results of `screening.schemas`); nothing here knows about HTTP status codes or
exit codes."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from .. import reportstore, userlists
from ..db import engine_for
from ..errors import InputError
from ..inventories import Kind, read_rows
from ..schemas.reports import DeviceItem, Report, RowError
from ..schemas.sources import Diff, Entity, RefreshOutcome, SnapshotInfo, SourceSummary
from ..settings import Settings, get_settings
from ..sources.base import SourceSpec
from ..store import Progress
from . import catalog, checks, devices
from .active import ActiveView, active_view


class Screening:
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

    def sources(self) -> list[SourceSummary]:
        return catalog.list_sources(self.session)

    def source(self, source_id: str) -> SourceSummary:
        return catalog.get_source(self.session, source_id)

    def snapshots(self, source_id: str) -> list[SnapshotInfo]:
        return catalog.list_snapshots(self.session, source_id)

    def entity(self, entity_id: str) -> Entity:
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
        return catalog.refresh(
            self.session,
            self.settings,
            source_ids,
            offline=offline,
            force=force,
            transport=transport,
            progress=progress,
            on_source=on_source,
        )

    def load_bundled_if_empty(self) -> list[RefreshOutcome]:
        return catalog.load_bundled_if_empty(self.session, self.settings)

    def diff(self, source_id: str, from_version: str | None, to_version: str | None) -> Diff:
        return Diff.model_validate(
            userlists.diff(self.session, source_id, from_version, to_version)
        )

    def import_opensanctions(
        self, dataset: str, file_or_url: str, *, force: bool = False
    ) -> RefreshOutcome:
        out = userlists.import_opensanctions(
            self.session, self.settings, dataset, file_or_url, force=force
        )
        return catalog.typed_outcome(out)

    def add_custom_list(
        self, name: str, data: bytes, origin: str, *, force: bool = False
    ) -> RefreshOutcome:
        out = userlists.add_custom(self.session, self.settings, name, data, origin, force=force)
        return catalog.typed_outcome(out)

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
        self, data: bytes, filename: str, kind: Kind, profile: str, *, store: bool
    ) -> Report:
        """An uploaded file scored; stored with the list versions used when `store`. The whole
        file is read and scored before anything is stored."""
        report = self.score_file(data, filename, kind, profile)
        if store:
            report.id = reportstore.store_report(self.session, report)
        return report

    def report(self, report_id: str) -> Report:
        return reportstore.load_report(self.session, report_id)

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
