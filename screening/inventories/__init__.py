"""Reading the device inventories (retailers: cameras, recorders) and purchase orders or quotes
(procurement) that users upload, as CSV, XLSX, JSON or YAML.

`read_rows` yields one `DeviceRow` per data row, or one `RowError` per unreadable value in a row
(that row then yields no DeviceRow). Row and line numbers follow interfaces.md "Rows and lines
in files users upload". Whole-file problems raise `InputError` naming the file: empty file, no
header, no recognisable column, two columns giving the same field, a file type we do not read,
text in no encoding we can tell.

Streaming: CSV and XLSX are read row by row, so memory does not grow with the file; JSON and
YAML are loaded whole (bound them with `check_size`). Because rows are yielded as they are
read, whole-file errors surface when iteration starts, and a few (a CSV that switches
encoding half-way, a quote never closed, a damaged workbook part) only when reading reaches
them, after earlier rows were yielded: a caller that gates on a file must treat an InputError
at any point as the whole file failing.

Header synonyms are compared case-, space- and punctuation-insensitively (see headers.py for the
full tables). `kind` matters for three words: in an inventory `vendor` is the make (unless a
make/manufacturer/brand column also exists, when it is the seller); in a purchase order
`vendor` is the seller, `manufacturer` the make (it fills `make` when that is blank) and `part
number`/`SKU` its own field (it fills `model` when that is blank).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import BinaryIO

from ..errors import InputError
from .documents import read_json, read_yaml
from .headers import KINDS, Kind
from .limits import MAX_DOCUMENT_BYTES, check_document_size, too_many_rows
from .rows import DeviceRow, RowError, normalise_mac
from .sheets import read_xlsx
from .text import read_csv

__all__ = ["KINDS", "DeviceRow", "Kind", "RowError", "check_size", "normalise_mac", "read_rows"]

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_HINTS = {
    ".xls": "an old Excel .xls workbook; save it as .xlsx or CSV",
    ".ods": "an OpenDocument spreadsheet; save it as .xlsx or CSV",
    ".numbers": "a Numbers spreadsheet; export it as .xlsx or CSV",
}


def check_size(n_bytes: int, limit: int, filename: str | None = None) -> None:
    """Raise InputError when an upload of `n_bytes` is over `limit` bytes."""
    if n_bytes > limit:
        who = f"{filename}: " if filename else "the upload: "
        raise InputError(
            f"{who}{n_bytes:,} bytes is over the upload size limit of {limit:,} bytes "
            f"({limit / 1_048_576:.1f} MiB)"
        )


def read_rows(
    source: bytes | BinaryIO | Path,
    filename: str,
    *,
    kind: Kind,
    max_rows: int | None = None,
) -> Iterator[DeviceRow | RowError]:
    """The rows of one uploaded file, as they are read. `filename` names the file in messages
    and its extension picks the format (.csv/.tsv/.txt, .xlsx/.xlsm, .json, .yaml/.yml). A
    stream is read from its current position and not closed; a Path is opened and closed.

    `max_rows` bounds the work one file may cause (the API passes SCREENING_MAX_UPLOAD_ROWS;
    the command line reads local files unbounded): reading a data row past it raises
    InputError naming the file and the limit. Resource limits of each format (nesting depth,
    alias expansion, ZIP inflation, shared strings) hold whatever `max_rows` is: see limits.py.
    """
    rows = _read(source, filename, kind)
    if max_rows is None:
        yield from rows
        return
    try:
        for item in rows:
            if item.row > max_rows:
                raise too_many_rows(filename, max_rows)
            yield item
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _read(
    source: bytes | BinaryIO | Path, filename: str, kind: Kind
) -> Iterator[DeviceRow | RowError]:
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; expected 'inventory' or 'po'")
    if isinstance(source, Path) and not source.is_file():
        raise InputError(f"{filename}: no such file")
    suffix = PurePath(filename).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        why = _HINTS.get(suffix, "not a CSV, XLSX, JSON or YAML file (by its name)")
        raise InputError(f"{filename}: {why}")
    if fmt == "xlsx":
        yield from read_xlsx(source, filename, kind)
    elif fmt == "csv":
        if isinstance(source, Path):
            with source.open("rb") as fh:
                yield from read_csv(fh, filename, kind)
        elif isinstance(source, bytes | bytearray):
            yield from read_csv(io.BytesIO(source), filename, kind)
        else:
            yield from read_csv(source, filename, kind)
    else:
        what = fmt.upper()
        if isinstance(source, Path):
            check_document_size(source.stat().st_size, filename, what)
            data = source.read_bytes()
        elif isinstance(source, bytes | bytearray):
            data = bytes(source)
        else:
            data = source.read(MAX_DOCUMENT_BYTES + 1)
        check_document_size(len(data), filename, what)
        reader = read_json if fmt == "json" else read_yaml
        yield from reader(data, filename, kind)
