"""Bulk screening of a table of names (`screen --file`, asynchronous API jobs): CSV or Parquet
in, CSV or Parquet out, streamed in input order with bounded memory, on this machine's cores
(`engine="local"`) or on a Dask cluster (`engine="dask"`).

Both engines run the same per-query screening (`screenfile.screen_query`, through
`screenfile.screen_rows`): they differ only in where a window's new queries are screened.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import InputError
from . import names, tables, tenancy
from .screenfile import OUT_COLUMNS, PoolFactory, Row, screen_rows

if TYPE_CHECKING:
    from .core import Screening

ENGINES = ("local", "dask")
Progress = Callable[[int, int | None], None]  # (rows done, rows in all when known)


@dataclass(frozen=True)
class BulkSummary:
    """What a bulk screening did: rows written, how many matched or could not be screened,
    where the results are (one file, or the part files of a Parquet folder)."""

    rows: int
    matched: int
    errors: int
    engine: str
    input_format: str  # "csv" or "parquet"
    output_format: str  # "csv" or "parquet"
    output: Path
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def screen_table(
    svc: Screening,
    source: Path,
    output: Path,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    kind: str | None = None,
    threshold: float | None = None,
    sources: list[str] | None = None,
    output_format: str | None = None,
    workers: int | None = None,
    tenant: str = "default",
    progress: Progress | None = None,
) -> BulkSummary:
    """Screen every row of `source` (CSV or Parquet, any size) and write the results to
    `output` in input order: CSV (the `screen --file` contract), one Parquet file (a `.parquet`
    name) or a folder of Parquet parts (an existing folder, or `output_format="parquet"`
    without the suffix). `engine` is "local" (this machine's cores) or "dask" (`scheduler`: a
    Dask scheduler address; without it a local cluster of `workers` processes; for "local",
    the forked workers, default every core for files over 2,000 rows). `progress`
    is called with (rows done, rows in all or None) as windows complete. Only the lists
    `tenant` may see are searched. Raises InputError for unusable input or options and
    ConfigError when the Dask scheduler cannot be reached."""
    fmt = tables.output_format(output, output_format)
    opts = _Options(engine, scheduler, kind, threshold, sources, workers, tenant, progress)
    if fmt == "parquet" and not _single_file(output):
        return _run(svc, source, opts, fmt, output, lambda rows, cols: _parquet(rows, cols, output))
    # One file: written under a temporary name and renamed when complete, so a reader (or a
    # job's download) never sees half of it.
    # (The temporary name keeps the suffix: the Parquet writer tells a file from a folder by it.)
    tmp = output.with_name(f".{output.stem}.{os.getpid()}.part{output.suffix}")
    if output.is_dir():
        raise InputError(f"{output}: a folder; CSV results go to a file")
    if not output.parent.is_dir():
        raise InputError(f"{output}: no such folder {str(output.parent)[:200]}")
    try:
        if fmt == "parquet":
            summary = _run(svc, source, opts, fmt, output, lambda r, c: _parquet(r, c, tmp))
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                summary = _run(svc, source, opts, fmt, output, lambda r, c: _csv(r, c, fh))
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return replace(summary, files=[output])


def screen_table_to(
    svc: Screening,
    source: Path,
    stream: IO[str],
    *,
    engine: str = "local",
    scheduler: str | None = None,
    kind: str | None = None,
    threshold: float | None = None,
    sources: list[str] | None = None,
    workers: int | None = None,
    tenant: str = "default",
    progress: Progress | None = None,
) -> BulkSummary:
    """`screen_table` writing the CSV contract to an open text stream (stdout)."""
    opts = _Options(engine, scheduler, kind, threshold, sources, workers, tenant, progress)
    return _run(svc, source, opts, "csv", Path("-"), lambda r, c: _csv(r, c, stream))


Sink = Callable[[Iterable[Row], list[str]], list[Path]]


@dataclass(frozen=True)
class _Options:
    engine: str
    scheduler: str | None
    kind: str | None
    threshold: float | None
    sources: list[str] | None
    workers: int | None
    tenant: str
    progress: Progress | None


def _single_file(output: Path) -> bool:
    return output.suffix.lower() in (".parquet", ".pq") and not output.is_dir()


def _csv(rows: Iterable[Row], columns: list[str], stream: IO[str]) -> list[Path]:
    tables.write_csv(rows, columns, stream)
    return []


def _parquet(rows: Iterable[Row], columns: list[str], output: Path) -> list[Path]:
    return tables.write_parquet(rows, columns, output)


class _Tally:
    """Counts the rows on their way to the writer (nothing is kept)."""

    def __init__(self) -> None:
        self.rows = self.matched = self.errors = 0

    def count(self, rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            self.rows += 1
            self.matched += r.get("match") is True
            self.errors += bool(r.get("error"))
            yield r


def _run(
    svc: Screening, source: Path, o: _Options, fmt: str, output: Path, sink: Sink
) -> BulkSummary:
    if o.engine not in ENGINES:
        raise InputError(f"--engine: {o.engine[:40]!r} is not one of {', '.join(ENGINES)}")
    if o.scheduler is not None and o.engine != "dask":
        raise InputError("--scheduler: only with --engine dask")
    if o.workers is not None and o.workers < 1:
        raise InputError(f"workers: {o.workers} is not a positive number")
    if o.threshold is not None and not 0.0 <= o.threshold <= 1.0:
        raise InputError(f"threshold: {o.threshold} is not in [0, 1]")
    names.check_kind(o.kind, "--kind")
    started = time.perf_counter()
    with tables.open_names(source) as table:
        hidden = tenancy.hidden_sources(svc.session, o.tenant)
        visible = tenancy.visible_sources(svc.active(), hidden, o.sources)
        ctx = names.screen_context(svc.session, svc.settings)
        unknown = sorted(set(visible or ()) - set(ctx.versions))
        if unknown:
            raise InputError(f"sources: no data for {', '.join(unknown)[:200]}")
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if o.progress is not None:
                o.progress(done, table.total)

        tally = _Tally()
        with _engine(o, table.total) as (pool, local_workers, ahead):
            rows = screen_rows(
                ctx,
                table.rows,
                kind=o.kind,
                threshold=o.threshold,
                sources=visible,
                workers=local_workers,
                progress=advance,
                pool=pool,
                ahead=ahead,
            )
            files = sink(tally.count(rows), table.header + list(OUT_COLUMNS))
    return BulkSummary(
        rows=tally.rows,
        matched=tally.matched,
        errors=tally.errors,
        engine=o.engine,
        input_format=table.format,
        output_format=fmt,
        output=output,
        files=files,
        seconds=time.perf_counter() - started,
    )


Engine = tuple[PoolFactory | None, int, int]  # (pool, forked workers, windows ahead)


def _engine(o: _Options, total: int | None) -> AbstractContextManager[Engine]:
    if o.engine == "dask":
        return _dask(o)
    # The local engine as before: large files use every core (forked workers sharing the
    # index), small ones are screened in this process.
    cores = o.workers or os.cpu_count() or 1
    workers = cores if total is None or total > 2000 else 1
    return nullcontext((None, workers, 1))


@contextmanager
def _dask(o: _Options) -> Iterator[Engine]:
    from .bulk_dask import AHEAD, dask_pools

    with dask_pools(o.scheduler, o.workers) as pool:
        yield pool, 1, AHEAD
