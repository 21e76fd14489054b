"""Running one screening job in a job worker (never in an API process): the upload is copied
from the database to a private temporary folder, screened by the bulk engine into a file there,
and the file stored as the job's result. A heartbeat thread records progress every
`HEARTBEAT_SECONDS` (so that a long window of work does not look like a dead worker) and stops
the work when the job is no longer this worker's (deleted, or taken over).
"""

from __future__ import annotations

import codecs
import csv
import importlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, ScreeningError
from ..schemas.jobs import JobOptions
from . import screenfile, screenjobs, tenancy

if TYPE_CHECKING:
    from .core import Screening

log = logging.getLogger("screening.jobs")


def _arrow(module: str) -> Any:
    """pyarrow, imported when a Parquet file is met (it has no type information)."""
    return importlib.import_module(module)


class JobLost(Exception):
    """The job was deleted or taken over by another worker: stop, write nothing."""


@dataclass
class _Beat:
    """Progress shared between the engine's callback and the heartbeat thread."""

    rows: int = 0
    total: int | None = None
    lost: bool = False
    stop: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int | None) -> None:
        if self.lost:
            raise JobLost
        self.rows, self.total = done, total if total is not None else self.total


def _safe_name(filename: str, fmt: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name)[:100].strip("._") or "upload"
    return base if base.lower().endswith(f".{fmt}") else f"{base}.{fmt}"


def run_job(svc: Screening, job: screenjobs.Claimed) -> str:
    """Run a claimed job to its end: "done", "failed", or "lost" (another worker has it now,
    or it was deleted). Input errors fail the job with their sentence."""
    engine = svc.session.get_bind()
    beat = _Beat(total=job.rows_total)
    heart = threading.Thread(target=_heartbeat, args=(engine, job, beat), daemon=True)
    heart.start()
    options = JobOptions.model_validate(job.options)
    with tempfile.TemporaryDirectory(prefix="screen-job-") as tmp:
        folder = Path(tmp)
        try:
            src = folder / _safe_name(job.filename, job.input_format)
            check = _TextCheck(job.filename[:200]) if job.input_format == "csv" else None
            with src.open("wb") as out:
                for chunk in screenjobs.read_parts(engine, job.id, "input"):  # type: ignore[arg-type]
                    if check is not None:
                        check.feed(chunk)
                    out.write(chunk)
            if check is not None:
                check.feed(b"", final=True)
            dst = folder / f"result.{options.output}"
            rows = screen_file(svc, src, dst, options, job.tenant_id, beat)
            dst = _one_file(dst)
            if beat.lost:
                raise JobLost
            hidden = tenancy.hidden_sources(svc.session, job.tenant_id)
            used = {k: v for k, v in svc.active().versions.items() if k not in hidden}
            with dst.open("rb") as result:
                kept = screenjobs.finish(
                    svc.session,
                    svc.settings,
                    job,
                    result,
                    rows=rows,
                    result_format=options.output,
                    snapshots=used,
                )
            return "done" if kept else "lost"
        except JobLost:
            svc.session.rollback()
            return "lost"
        except ScreeningError as exc:
            svc.session.rollback()
            # Errors name the file as the user sent it, never this worker's temporary folder.
            error = exc.detail.replace(str(folder) + os.sep, "")
            return "failed" if screenjobs.fail(svc.session, job, error) else "lost"
        except Exception:
            svc.session.rollback()
            log.exception("screening job %s failed", job.id)
            sentence = "the job stopped on an internal error (logged by the job worker)"
            return "failed" if screenjobs.fail(svc.session, job, sentence) else "lost"
        finally:
            beat.stop.set()
            heart.join()


class _TextCheck:
    """UTF-8 checked as the upload is copied to the worker, part by part, so that a byte that
    is not UTF-8 fails the job with its line (the CSV reader, decoding ahead of the rows it
    parses, cannot say which line it was on)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.consumed = self.newlines = 0
        self.skip: bool | None = None  # UTF-16 (a byte-order mark): read by the CSV reader

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.skip is None:
            self.skip = chunk[:2] in (b"\xff\xfe", b"\xfe\xff")
        if self.skip:
            return
        pending = len(self.decoder.getstate()[0])  # an unfinished character from the last part
        try:
            self.decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            at = max(0, exc.start - pending)  # partial characters hold no line break
            offset = self.consumed + at
            line = self.newlines + chunk.count(b"\n", 0, at) + 1
            raise InputError(
                f"{self.name}: line {line}: not UTF-8 text (byte {offset}); save it as UTF-8 CSV"
            ) from None
        self.consumed += len(chunk)
        self.newlines += chunk.count(b"\n")


def _one_file(dst: Path) -> Path:
    """The result as one file: Parquet parts (if the engine wrote a folder) joined in order,
    one row group at a time."""
    if not dst.is_dir():
        return dst
    pq = _arrow("pyarrow.parquet")

    merged = dst.with_name("result-joined.parquet")
    writer: Any = None
    try:
        for part in sorted(dst.glob("*.parquet")):
            source = pq.ParquetFile(part)
            for group in range(source.num_row_groups):
                table = source.read_row_group(group)
                writer = writer or pq.ParquetWriter(merged, table.schema)
                writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        merged.write_bytes(b"")  # no rows: no Parquet part was written
    return merged


def _heartbeat(engine: Any, job: screenjobs.Claimed, beat: _Beat) -> None:
    while not beat.stop.wait(screenjobs.HEARTBEAT_SECONDS):
        try:
            if not screenjobs.beat(engine, job, beat.rows, beat.total):
                beat.lost = True
                return
        except Exception:  # the database away for a moment: the next beat tries again
            log.warning("screening job %s: heartbeat not recorded", job.id, exc_info=True)


def screen_file(
    svc: Screening, src: Path, dst: Path, options: JobOptions, tenant: str, beat: _Beat
) -> int:
    """Screen `src` into `dst` with the bulk engine (`service/bulk.py`, the one path of
    `screen --file` too); the rows written."""
    from . import bulk

    summary = bulk.screen_table(
        svc,
        src,
        dst,  # its suffix (.csv, .parquet) says the format: one file
        engine=options.engine or svc.settings.job_engine,
        scheduler=svc.settings.job_dask_scheduler or None,
        kind=options.kind,
        threshold=options.threshold,
        sources=options.sources,
        tenant=tenant,
        progress=beat.progress,
    )
    return summary.rows


def csv_guarded(rows: Iterator[dict[str, str]], name: str) -> Iterator[dict[str, str]]:
    """The rows of a CSV reader; one it cannot take is an input error naming its row."""
    n = 0
    try:
        for row in rows:
            n += 1
            yield row
    except csv.Error as exc:
        raise InputError(f"{name}: row {n + 1}: {str(exc)[:200]}") from None


def parquet_schema(path_or_file: Any, name: str) -> tuple[list[str], int]:
    """The columns and row count of a Parquet file (its footer only), checked as a
    `screen --file` input: a `name` column, and none the results would overwrite."""
    pq = _arrow("pyarrow.parquet")

    try:
        meta = pq.ParquetFile(path_or_file)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"{name}: not a readable Parquet file ({str(exc)[:150]})") from None
    header = list(meta.schema_arrow.names)
    if "name" not in header:
        raise InputError(f"{name}: no 'name' column (columns: {', '.join(header)[:200] or 'none'})")
    clash = [h for h in header if h in screenfile.OUT_COLUMNS]
    if clash:
        raise InputError(
            f"{name}: column(s) {', '.join(clash)[:200]} would be overwritten by the results"
        )
    return header, int(meta.metadata.num_rows)
