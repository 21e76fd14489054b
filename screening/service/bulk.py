"""Bulk screening of a table of names (`screen --file`, asynchronous API jobs): CSV or Parquet
in, CSV or Parquet out, streamed in input order with bounded memory, on this machine's cores
(`engine="local"`) or on a Dask cluster (`engine="dask"`).

Both engines run the same per-query screening (`screenfile.screen_query`, through
`screenfile.screen_rows`): they differ only in where a window's new queries are screened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
    Dask scheduler address; without it a local cluster of `workers` processes). `progress`
    is called with (rows done, rows in all or None) as windows complete. Only the lists
    `tenant` may see are searched. Raises InputError for unusable input or options and
    ConfigError when the Dask scheduler cannot be reached."""
    raise NotImplementedError
