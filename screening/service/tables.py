"""Reading and writing tables of names for bulk screening, a batch at a time: a file larger
than memory streams through, and neither side ever holds more than one batch of rows.

Input is CSV (UTF-8 or UTF-16 with its BOM, read as a stream) or Parquet (read a row batch at
a time), told apart by the name's suffix or, failing that, by Parquet's magic bytes. Every
input cell becomes text, as a CSV cell would be (a null is empty): the screening sees the same
rows whichever format they came in.

Output is the `screen --file` CSV contract (`screenfile.csv_lines`) or Parquet with typed
result columns (match bool, score double, hits int64...; input columns as strings), one file
or a folder of part files (part-00000.parquet, ...), in input order either way. Parquet cells
are the values themselves: the formula neutralising of CSV cells is for spreadsheets.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .screenfile import OUT_COLUMNS, Row, check_header, csv_lines

BATCH_ROWS = 10_000  # rows per Parquet read batch and per Parquet write batch
PART_ROWS = 1_000_000  # rows per part file of a Parquet folder
PART_NAME = re.compile(r"part-\d{5}\.parquet")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_BLOCK = 1 << 20


@dataclass
class NamesInput:
    """An open names table: its columns, its rows (read lazily, in order), how many rows it
    has when known without reading it through, and its format."""

    header: list[str]
    rows: Iterator[dict[str, str]]
    total: int | None
    format: str


def input_format(path: Path) -> str:
    """ "parquet" for a .parquet/.pq name or a file starting with Parquet's magic bytes, else
    "csv"."""
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        return "parquet"
    with path.open("rb") as fh:
        return "parquet" if fh.read(4) == b"PAR1" else "csv"


@contextmanager
def open_names(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[NamesInput]:
    """The names table in `path` (CSV or Parquet), its header checked before any row is read
    (a `name` column, no duplicates, none a result column would overwrite)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = input_format(path)
    if fmt == "parquet":
        yield _open_parquet(path, batch_rows)
        return
    with _open_csv(path) as table:
        yield table


@contextmanager
def _open_csv(path: Path) -> Iterator[NamesInput]:
    with path.open("rb") as raw:
        bom = raw.read(2)
    encoding = "utf-16" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    total = _count_lines(path) if encoding != "utf-16" else None
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            header = list(reader.fieldnames or [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _csv_error(path, reader, exc) from exc
        check_header(header, str(path))
        yield NamesInput(header, _csv_rows(path, reader), total, "csv")


def _csv_rows(path: Path, reader: csv.DictReader[str]) -> Iterator[dict[str, str]]:
    try:
        for r in reader:
            yield {k: v or "" for k, v in r.items() if k is not None}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _csv_error(path, reader, exc) from exc


def _csv_error(path: Path, reader: csv.DictReader[str], exc: Exception) -> InputError:
    line = max(reader.line_num, 1)
    if isinstance(exc, UnicodeDecodeError):
        # Text is decoded a block ahead of the rows: the bad byte is at or after this line.
        return InputError(f"{path}: not UTF-8 text (after line {line}); save it as UTF-8 CSV")
    return InputError(f"{path}: line {line}: not readable as CSV ({str(exc)[:120]})")


def _count_lines(path: Path) -> int:
    """Data rows for the progress bar (lines after the header; a quoted line break counts
    too, so this is an estimate), read in blocks: the file is never held whole."""
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1  # no newline after the last row
    return max(0, lines - 1)


def _open_parquet(path: Path, batch_rows: int) -> NamesInput:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({str(exc)[:160]})") from exc
    header = list(pf.schema_arrow.names)
    check_header(header, str(path), "schema")
    return NamesInput(header, _parquet_rows(path, pf, batch_rows), pf.metadata.num_rows, "parquet")


def _parquet_rows(path: Path, pf: Any, batch_rows: int) -> Iterator[dict[str, str]]:
    import pyarrow as pa

    try:
        for batch in pf.iter_batches(batch_size=batch_rows):
            for r in batch.to_pylist():
                yield {k: _cell(v) for k, v in r.items()}
    except pa.ArrowException as exc:
        raise InputError(f"{path}: a row group cannot be read ({str(exc)[:160]})") from exc


def _cell(value: object) -> str:
    """A Parquet value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# -- output ---------------------------------------------------------------------------------


def output_format(output: Path, wanted: str | None) -> str:
    """ "parquet" for a .parquet/.pq name, an existing folder or `wanted="parquet"`; else "csv"
    (any other name: the CSV contract as before)."""
    if wanted not in (None, "csv", "parquet"):
        raise InputError(f"--format: {str(wanted)[:40]!r} is not csv or parquet")
    if wanted is not None:
        return wanted
    if output.suffix.lower() in _PARQUET_SUFFIXES or output.is_dir():
        return "parquet"
    return "csv"


def write_csv(rows: Iterable[Row], columns: list[str], stream: IO[str]) -> None:
    """The CSV contract, written as the rows come."""
    for text in csv_lines(rows, columns):
        stream.write(text)


def write_parquet(
    rows: Iterable[Row],
    columns: list[str],
    output: Path,
    *,
    batch_rows: int = BATCH_ROWS,
    part_rows: int | None = None,
) -> list[Path]:
    """Parquet, one batch at a time: one file at `output` (a .parquet/.pq name), else part
    files in the folder `output` (made if missing; part files of an earlier run there are
    removed first, so the folder holds this run alone). Returns the files written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    part_rows = part_rows or PART_ROWS
    types = _types()
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    single = output.suffix.lower() in _PARQUET_SUFFIXES and not output.is_dir()
    if not single:
        if output.exists() and not output.is_dir():
            raise InputError(f"{output}: exists and is not a folder for Parquet parts")
        output.mkdir(parents=True, exist_ok=True)
        for old in output.iterdir():
            if PART_NAME.fullmatch(old.name):
                old.unlink()
    files: list[Path] = []
    writer: Any = None
    in_part = 0
    it = iter(rows)
    try:
        step = batch_rows if single else min(batch_rows, part_rows)
        while batch := list(islice(it, step)):
            if writer is None or (not single and in_part >= part_rows):
                if writer is not None:
                    writer.close()
                path = output if single else output / f"part-{len(files):05d}.parquet"
                writer = pq.ParquetWriter(path, schema)
                files.append(path)
                in_part = 0
            writer.write_batch(
                pa.RecordBatch.from_pylist([_typed(r, columns) for r in batch], schema)
            )
            in_part += len(batch)
        if writer is None:  # no rows: still a file with the columns
            path = output if single else output / "part-00000.parquet"
            writer = pq.ParquetWriter(path, schema)
            files.append(path)
    finally:
        if writer is not None:
            writer.close()
    return files


def _typed(row: Row, columns: list[str]) -> dict[str, object]:
    return {c: row.get(c, "") for c in columns}


def _types() -> dict[str, Any]:
    import pyarrow as pa

    types: dict[str, Any] = {c: pa.string() for c in OUT_COLUMNS}
    types.update(match=pa.bool_(), score=pa.float64(), hits=pa.int64())
    return types
