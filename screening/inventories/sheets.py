"""XLSX uploads, streamed with openpyxl's read-only mode (rows are parsed as they are asked
for, so a sheet of a million rows is never held whole). One limit of the format: openpyxl
loads the workbook's shared-strings table (each distinct text once) when it opens the file,
so memory grows with the number of distinct texts, not with the number of rows.

The sheet read is the first one whose first non-blank row is a recognisable header. Cached
formula results are read (`data_only`), never the formulas; a cell holding a spreadsheet error
(`#REF!`, `#N/A`...) in a column we use is a RowError. The worksheet's declared dimensions are
ignored (`reset_dimensions`): some writers declare `A1:A1` and read-only mode would otherwise
stop after the first row. openpyxl parses the XML with defusedxml when it is installed, which
it is here. Before openpyxl opens a workbook, `limits.check_xlsx_archive` refuses ZIP bombs and
shared-strings tables too large to load (issue 19).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import warnings
import xml.etree.ElementTree as ET  # only for its ParseError class
import zipfile
import zlib
from collections.abc import Generator, Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any, BinaryIO

from ..errors import InputError
from .headers import Kind
from .limits import check_xlsx_archive
from .rows import Bad, Cell, DeviceRow, Layout, NoColumns, RowError, is_blank

_SPOOL = 32 << 20  # a non-seekable stream is copied to a temporary file past this size


@cache
def _broken() -> tuple[type[BaseException], ...]:
    """What a damaged workbook raises. openpyxl (and lxml under it) is imported on first use,
    not with the package: most commands never read a spreadsheet."""
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    return (
        zipfile.BadZipFile,
        zlib.error,
        ET.ParseError,
        InvalidFileException,
        KeyError,
        ValueError,
        TypeError,
        EOFError,
        OSError,
        SyntaxError,  # lxml's XMLSyntaxError, when openpyxl parses with lxml
        RuntimeError,  # zipfile: encrypted member, unsupported method or version
    )


def _why(exc: BaseException) -> str:
    """The library's reason, cut short: zipfile quotes raw header bytes in its messages."""
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."


def _cell(cell: Any) -> Cell:
    value = cell.value
    if getattr(cell, "data_type", None) == "e":
        return Bad(str(value), f"the cell holds the spreadsheet error {value}")
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _check_signature(stream: IO[bytes], filename: str) -> None:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{filename}: an old Excel .xls or a password-protected workbook; "
            "save it as .xlsx (without a password) or as CSV"
        )
    if not head.startswith(b"PK"):
        raise InputError(f"{filename}: not an XLSX workbook (an .xlsx file is a ZIP archive)")


def _open(source: bytes | BinaryIO | Path, filename: str) -> tuple[Any, IO[bytes] | None]:
    """The workbook, and a temporary file to close afterwards (for a non-seekable stream)."""
    spool: IO[bytes] | None = None
    start = 0
    if isinstance(source, Path):
        if source.stat().st_size == 0:
            raise InputError(f"{filename}: the file is empty")
        with source.open("rb") as fh:
            _check_signature(fh, filename)
        target: Any = str(source)
    else:
        if isinstance(source, bytes | bytearray):
            stream: IO[bytes] = io.BytesIO(source)
        elif source.seekable():
            stream = source
        else:
            spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
            shutil.copyfileobj(source, spool)
            spool.seek(0)
            stream = spool
        start = stream.tell()
        if not stream.read(1):
            raise InputError(f"{filename}: the file is empty")
        stream.seek(start)
        _check_signature(stream, filename)
        target = stream
    try:
        # The limits first: openpyxl reads the whole shared-strings table on opening.
        with zipfile.ZipFile(target) as zf:
            check_xlsx_archive(zf, filename)
        if not isinstance(target, str):
            target.seek(start)
        import openpyxl  # type: ignore[import-untyped]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and similar noise
            return openpyxl.load_workbook(target, read_only=True, data_only=True), spool
    except _broken() as exc:
        if spool is not None:
            spool.close()
        raise InputError(f"{filename}: not a readable XLSX workbook ({_why(exc)})") from None
    except InputError:
        if spool is not None:
            spool.close()
        raise


def _rows(ws: Any, filename: str) -> Generator[tuple[int, list[Cell]], None, None]:
    """(sheet row number, cells) of every row, blank rows included."""
    ws.reset_dimensions()
    it = ws.iter_rows()
    number = 0
    while True:
        try:
            cells = next(it)
        except StopIteration:
            return
        except _broken() as exc:
            raise InputError(
                f"{filename}: sheet {ws.title!r}, after row {number}: the workbook is damaged "
                f"({_why(exc)})"
            ) from None
        number += 1
        yield number, [_cell(c) for c in cells]


def read_xlsx(
    source: bytes | BinaryIO | Path, filename: str, kind: Kind
) -> Iterator[DeviceRow | RowError]:
    wb, spool = _open(source, filename)
    try:
        rejected: list[str] = []
        for ws in wb.worksheets:
            rows = _rows(ws, filename)
            first = next(((n, c) for n, c in rows if not is_blank(c)), None)
            if first is None:
                continue
            number, cells = first
            header = [_header_text(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            where = f"sheet {ws.title!r}, row {number}"
            try:
                layout = Layout(header, kind, filename, where)
            except NoColumns as exc:
                rejected.append(exc.detail)
                rows.close()
                continue
            yield from _data(layout, rows, len(header))
            return
        if not rejected:
            raise InputError(f"{filename}: the workbook has no rows")
        raise InputError("; ".join(rejected))
    finally:
        wb.close()
        if spool is not None:
            spool.close()


def _header_text(cell: Cell) -> str:
    if isinstance(cell, Bad):
        return cell.text
    if isinstance(cell, bool):
        return str(cell)
    return cell or ""


def _data(
    layout: Layout, rows: Iterator[tuple[int, list[Cell]]], width: int
) -> Iterator[DeviceRow | RowError]:
    row = 0
    for number, cells in rows:
        if is_blank(cells[:width]):
            continue
        row += 1
        yield from layout.build(row, number, cells)
