"""`custom:<name>`: an in-house list of denied or approved parties, from CSV.

Header `name` and optional `aliases` (`;`-separated), `country`, `reason`, `id` (interfaces.md).
Entity ids come from `id` when given, else the slug rule. Every bad row is reported (file, row,
line, field) and nothing is loaded from a file that has any: a denied-party list that silently
lost a row would be worse than none.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import partial

from ..errors import InputError
from .base import Files, Name, Record, SourceSpec
from .countries import country_or_text
from .ids import SlugAllocator

COLUMNS = ("name", "aliases", "country", "reason", "id")
# fullmatch, not `$`: `$` also matches before a trailing newline, and `ok-list\n` would be a
# second list that looks exactly like `ok-list`.
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_ERRORS_SHOWN = 50


def check_list_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise InputError(
            f"custom list name {name[:80]!r}: use 1-63 lower-case letters, digits, '-' or '_'"
        )
    return name


def _decode(data: bytes, filename: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{filename}: the UTF-16 text is cut short or damaged (byte {exc.start}); "
                "save the CSV as UTF-8"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{filename}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        ) from exc


def parse_custom(files: Files, max_rows: int | None = None) -> Iterator[Record]:
    """Parse a custom list CSV (the one file given, keyed by the user's file name); raises
    InputError listing every bad row, or naming the limit when there are over `max_rows`."""
    if len(files) != 1:
        raise InputError(f"a custom list is one CSV file; got {len(files)}")
    filename, data = next(iter(files.items()))
    text = _decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = _records(reader, filename)
    try:
        header = next(lines)
    except StopIteration:
        raise InputError(f"{filename}: the file is empty; expected a header with 'name'") from None
    cols = [h.strip().lower() for h in header]
    if "name" not in cols:
        found = ", ".join(h[:40] for h in header[:20])
        raise InputError(f"{filename}: line 1: no 'name' column (header: {found})")
    dupes = sorted({c for c in cols if c and cols.count(c) > 1})
    if dupes:
        raise InputError(
            f"{filename}: line 1: duplicate column(s) {', '.join(d[:40] for d in dupes[:10])}"
        )
    idx = {c: cols.index(c) for c in COLUMNS if c in cols}
    slugs = SlugAllocator()
    errors: list[str] = []
    records: list[Record] = []
    seen_ids: dict[str, int] = {}
    row = 0
    for cells in lines:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row += 1
        if max_rows is not None and row > max_rows:
            raise InputError(
                f"{filename}: more than {max_rows:,} rows, the limit for one upload "
                "(SCREENING_MAX_UPLOAD_ROWS); load larger lists with the command line"
            )

        def cell(col: str, cells: list[str] = cells) -> str:
            i = idx.get(col)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        if len(cells) > len(header):
            errors.append(
                f"{filename}: row {row} (line {line}): {len(cells)} fields, "
                f"the header has {len(header)}"
            )
            continue
        name = cell("name")
        if not name:
            errors.append(f"{filename}: row {row} (line {line}), field name: empty")
            continue
        country = country_or_text(cell("country")) if cell("country") else None
        if cell("country") and country and len(country) != 2:
            errors.append(
                f"{filename}: row {row} (line {line}), field country: "
                f"unknown country {cell('country')[:80]!r}"
            )
            continue
        countries = (country,) if country else ()
        local = cell("id") or slugs(name, countries)
        if local in seen_ids:
            errors.append(
                f"{filename}: row {row} (line {line}), field id: "
                f"{local[:80]!r} repeats row {seen_ids[local]}"
            )
            continue
        seen_ids[local] = row
        aliases = tuple(Name(a.strip(), "aka") for a in cell("aliases").split(";") if a.strip())
        reason = cell("reason") or None
        records.append(
            Record(
                local_id=local,
                kind="organization",
                name=name,
                aliases=aliases,
                countries=countries,
                remarks=reason,
                details={"reason": reason} if reason else {},
            )
        )
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n… and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise InputError("; ".join(shown) + more if len(shown) == 1 else "\n".join(shown) + more)
    yield from records


def _records(reader: Iterator[list[str]], filename: str) -> Iterator[list[str]]:
    """The csv reader's records; its errors (a cell past the field size limit, a NUL) are
    InputErrors naming the file and line."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0)
            raise InputError(
                f"{filename}: line {line}: unreadable CSV ({str(exc)[:120]}); probably a "
                'quote (") that is never closed'
            ) from None
        yield cells


def custom_source_id(name: str, tenant: str | None = None) -> str:
    """`custom:<name>` for tenant `default` (the ids of the first round), and
    `custom:<tenant>:<name>` for any other tenant, so two tenants' lists never share an id."""
    check_list_name(name)
    return f"custom:{name}" if tenant in (None, "default") else f"custom:{tenant}:{name}"


def custom_spec(name: str, max_rows: int | None = None, tenant: str | None = None) -> SourceSpec:
    return SourceSpec(
        id=custom_source_id(name, tenant),
        name=f"Custom list {name}",
        publisher="in-house",
        publisher_url="",
        parse=parse_custom if max_rows is None else partial(parse_custom, max_rows=max_rows),
    )
