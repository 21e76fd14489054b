"""Generated hostile files, end to end (issue 19, "one error path for hostile input").

Hypothesis builds structured files for every format users upload -- CSV, XLSX, JSON and YAML
inventories and purchase orders, YAML waiver files -- and for the XML the list parsers read
from publishers: duplicate and wide headers, formula cells, NUL and control bytes, BOMs in odd
places, mixed newlines, UTF-16 and cp1252 text, cells up to thousands of characters, hundreds
of rows, deep nesting, YAML anchors and aliases, DTDs and entity declarations. Whatever the file:

- the API answers 200 with a report of the documented shape, or 400/413/415 with one
  `{"detail": ...}` sentence of bounded length -- never a 5xx;
- `screening check` exits 0, 1 or 2 (2 naming the file) -- never a traceback or another code;
- a waiver file parses or raises InputError naming it, with a bounded message;
- a list parser yields records or raises ParseError with a bounded message.

The honest parts the generators start from are the fixture inventories and orders
(tests/fixtures/inventories, tests/fixtures/orders) and the real published list files in
tests/fixtures; the hostile parts are built here (no real file is an attack). The readers'
own generated tests (bytes and pieces into `read_rows`) are in tests/test_hostile_inputs.py;
these go through the whole path a user's file takes. Example counts are bounded (`FAST`,
`SLOW`) so the file runs in well under a minute."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import yaml
from fastapi import FastAPI
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from screening.errors import InputError, ParseError
from screening.gate.waivers import parse_waivers
from screening.schemas.reports import InventoryReport, OrderReport
from screening.settings import Settings

from .conftest import Database, make_app

FIX = Path(__file__).parent / "fixtures"
# A message may list several problems (a custom list shows up to 50 bad rows, one a line) but
# never grows with the file: each line quotes at most an excerpt of a value.
MAX_MESSAGE = 20_000
MAX_LINE = 600


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only: what is checked is how hostile input is read and refused, above the
    storage (see `loaded_sqlite`)."""
    return loaded_sqlite


def bounded(message: str) -> bool:
    return 0 < len(message) < MAX_MESSAGE and all(len(x) < MAX_LINE for x in message.split("\n"))


FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
SLOW = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


# Defects these generators found whose fix is outside this suite's files: reported, each with
# an xfail(strict) regression test at the end of this file. Until fixed, a generated file that
# meets one is counted (an `event`, see --hypothesis-show-statistics) rather than failing the
# run, so the generators keep looking for others; any other exception fails. When a fix lands,
# its regression test XPASSes (strict: a failure) and its entry here is to be deleted.
KNOWN_DEFECTS: dict[str, Callable[[BaseException], bool]] = {
    # Both found here were fixed (a UTF-16 BOM with broken text in decode_csv, a quantity of
    # thousands of digits in rows._quantity); their regression tests are at the end of the file.
}


def known_defect(exc: BaseException | None) -> bool:
    for label, matches in KNOWN_DEFECTS.items():
        if exc is not None and matches(exc):
            event(f"known defect: {label}")
            return True
    return False


# Cells and headers ---------------------------------------------------------------------------


Table = list[list[str]]  # a header row, then data rows


def _fixture_tables() -> dict[str, Table]:
    """The fixture inventory and purchase order as tables, and a custom denied-party list made
    of the order's (made-up) seller names."""
    tables: dict[str, Table] = {}
    for kind, path in (
        ("inventory", FIX / "inventories" / "retail_inventory_utf8.csv"),
        ("po", FIX / "orders" / "po_cameras.csv"),
    ):
        tables[kind] = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    sellers = sorted({row[1] for row in tables["po"][1:] if row[1]})
    tables["custom"] = [["name", "country"], *([seller, "GB"] for seller in sellers)]
    return tables


TABLES = _fixture_tables()
CELLS = sorted({c for table in TABLES.values() for row in table[1:] for c in row if c})
HOSTILE_CELLS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\x00",
    "Hik\x00vision",
    "\ufeffHikvision",
    "\u202eHikvision",
    "\u2028",
    "Ｈｉｋｖｉｓｉｏｎ",
    "海康威视",
    "\x1b[31m",
    '"',
    '""',
    "'",
    ",",
    ";",
    "\r",
    "\n",
    "\r\n",
    "[" * 300,
    "{" * 300,
    "&a *a",
    "1e400",
    "9" * 5000,
    "NaN",
    "",
]
# Control characters make a CSV "not a text file" (refused whole, by design): they come from
# the hostile list now and then, not from every arbitrary string.
CELL = st.one_of(
    st.sampled_from(CELLS),
    st.sampled_from(HOSTILE_CELLS),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.text(alphabet="ZΩ海,\"'\n", min_size=500, max_size=3000),
)


@st.composite
def tables(draw: st.DrawFn, kinds: tuple[str, ...] = ("inventory", "po")) -> Table:
    """A real table, mutated: its header with columns duplicated, dropped, added or made
    hostile; up to 30 of its rows with up to three cells replaced or appended; then the first
    row repeated up to 400 times (a long file without a long generation)."""
    table = TABLES[draw(st.sampled_from(kinds))]
    header = list(table[0])
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(header) - 1))
        op = draw(st.sampled_from(["duplicate", "hostile", "drop", "extra"]))
        if op == "duplicate":
            header.append(header[i])
        elif op == "hostile":
            header[i] = draw(st.sampled_from(HOSTILE_CELLS))
        elif op == "drop" and len(header) > 1:
            del header[i]
        else:
            header.append(draw(st.text(max_size=12)))
    body = []
    for _ in range(draw(st.integers(0, 30))):
        row = list(draw(st.sampled_from(table[1:])))
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
            j = draw(st.integers(0, len(row)))
            if j < len(row):
                row[j] = draw(CELL)
            else:
                row.append(draw(CELL))
        body.append(row)
    repeat = draw(st.integers(0, 400)) if body else 0
    return [header, *body, *[body[0]] * repeat] if body else [header]


# CSV -----------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]


@st.composite
def csv_files(
    draw: st.DrawFn,
    kinds: tuple[str, ...] = ("inventory", "po"),
    encodings: tuple[str, ...] = tuple(ENCODINGS),
    delimiters: str = ",;\t|",
) -> bytes:
    table = draw(tables(kinds))
    delimiter = draw(st.sampled_from(delimiters))
    encoding = draw(st.sampled_from(encodings))
    out = []
    for row in table:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(row)
        out.append(buf.getvalue() + draw(st.sampled_from(["\n", "\r\n", "\r"])))
    data = "".join(out).encode(encoding, errors="replace")
    if draw(st.integers(0, 3)) == 0:  # a stray byte sequence no encoding decodes the same way
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at]
            + draw(st.sampled_from([b"\xff\xfe", b"\xef\xbb\xbf", b"\x00", b"\xc3"]))
            + data[at:]
        )
    return data


# XLSX ----------------------------------------------------------------------------------------

_ILLEGAL_IN_XML = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def _xlsx_value(value: str, formula: bool) -> object:
    """openpyxl writes a string starting with `=` as a formula; XML cannot hold control bytes
    (openpyxl refuses them, so no workbook can carry them either)."""
    text = "".join(ch for ch in value if ch not in _ILLEGAL_IN_XML)[:32_000]
    if formula:
        return text if text.startswith("=") else "=" + text
    if text.isdigit() and len(text) < 16:
        return int(text)
    return text


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    table = draw(tables())
    wb = openpyxl.Workbook()
    sheets = [wb.active]
    if draw(st.booleans()):
        sheets.insert(0, wb.create_sheet("Cover", 0))  # a first sheet with no table
        sheets[0].append(["Quote", "=TODAY()"])
    ws = sheets[-1]
    formulas = draw(st.booleans())
    for row in table[:200]:
        ws.append([_xlsx_value(v, formulas and draw(st.booleans())) for v in row])
    if draw(st.booleans()):
        ws.merge_cells("A2:B3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# JSON and YAML documents --------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(CELLS),
    st.sampled_from(HOSTILE_CELLS),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def row_objects(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A mutated table as JSON-style rows (header -> cell), some values made non-text."""
    header, *body = draw(tables())
    rows: list[dict[str, Any]] = []
    for cells in body[:60]:
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        if row and draw(st.integers(0, 3)) == 0:
            row[draw(st.sampled_from(sorted(row)))] = draw(VALUES)
        rows.append(row)
    return rows


DOCUMENT = st.one_of(
    row_objects(),
    row_objects().map(lambda rows: {"devices": rows}),
    row_objects().map(lambda rows: {"po_number": "PO-1", "items": rows}),
    VALUES,
)


@st.composite
def json_files(draw: st.DrawFn) -> bytes:
    doc = draw(DOCUMENT)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    trick = draw(
        st.sampled_from(["none"] * 3 + ["nest", "duplicate", "bigint", "nan", "bom", "utf16"])
    )
    if trick == "nest":
        depth = draw(st.sampled_from([10, 63, 65, 2000, 50_000]))
        text = "[" * depth + text + "]" * depth
    elif trick == "duplicate":  # the same key twice in one row
        text = '[{"Make": "Axis", "Make": "Hikvision", "Model": "DS-2CD2143G2-I"}, ' + text + "]"
    elif trick == "bigint":  # past Python's int-from-text digit limit
        text = '[{"Make": "Axis", "Qty": ' + "9" * 5000 + "}]"
    elif trick == "nan":
        text = '[{"Make": "Axis", "Qty": NaN, "Unit Price": Infinity}]'
    data = text.encode("utf-16" if trick == "utf16" else "utf-8")
    return b"\xef\xbb\xbf" + data if trick == "bom" else data


@st.composite
def yaml_files(draw: st.DrawFn) -> bytes:
    doc = draw(DOCUMENT)
    if isinstance(doc, list) and doc and draw(st.booleans()):
        # One row object shared many times: yaml.dump writes an anchor and aliases.
        doc = doc + [doc[0]] * draw(st.integers(1, 200))
    text = yaml.safe_dump(doc, allow_unicode=draw(st.booleans()))
    trick = draw(st.sampled_from(["none"] * 3 + ["tag", "laughs", "nest", "tabs", "multi"]))
    if trick == "tag":
        text = "!!python/object:os.system\n" + text
    elif trick == "laughs":
        text = (
            "a: &a [x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 8)}]\n"
                for p, c in zip("abcdef", "bcdefg", strict=True)
            )
            + "items:\n  - {make: *g}\n"
        )
    elif trick == "nest":
        text = "items: " + "[" * draw(st.sampled_from([63, 65, 5000]))  # deep, and unclosed
    elif trick == "tabs":
        text = text.replace("  ", "\t")
    elif trick == "multi":
        text = text + "\n---\n" + text
    return text.encode("utf-8", errors="surrogatepass")


FILES: dict[str, Callable[[], st.SearchStrategy[bytes]]] = {
    "csv": csv_files,
    "xlsx": xlsx_files,
    "json": json_files,
    "yaml": yaml_files,
}
ANY_FILE = st.sampled_from(sorted(FILES)).flatmap(lambda ext: st.tuples(st.just(ext), FILES[ext]()))


# Through the API -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(loaded: tuple[Database, Settings]) -> Iterator[TestClient]:
    app: FastAPI = make_app(loaded[1])
    with TestClient(app) as c:
        yield c


def _refused_clearly(r: Any, name: str | None = None) -> None:
    assert r.status_code in (400, 413, 415), (r.status_code, r.text[:500])
    detail = r.json()["detail"]
    assert isinstance(detail, str) and bounded(detail), detail[:300]
    if name is not None and r.status_code == 400:
        assert name in detail, detail[:300]


@SLOW
@given(ANY_FILE, st.sampled_from(["inventories", "purchase-orders/check"]))
def test_api_upload_answers_a_report_or_a_clear_refusal(
    client: TestClient, generated: tuple[str, bytes], route: str
) -> None:
    ext, data = generated
    name = f"hostile.{ext}"
    try:
        r = client.post(f"/v1/{route}", files={"file": (name, data)}, data={"profile": "uk-retail"})
    except Exception as exc:  # the test client raises what the app did not handle (a 500)
        if known_defect(exc):
            return
        raise
    event(f"{ext} -> {r.status_code}")  # --hypothesis-show-statistics: what was reached
    if r.status_code == 200:
        model = InventoryReport if route == "inventories" else OrderReport
        report = model.model_validate(r.json())
        for err in report.errors:
            assert bounded(err.message), err.message[:300]
    else:
        _refused_clearly(r, name)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@FAST
@given(
    csv_files(("custom",), ("utf-8", "utf-8-sig", "utf-16")) | json_files(),
    st.sampled_from(["json", "csv", "ndjson"]),
)
def test_api_batch_answers_rows_or_a_clear_refusal(
    client: TestClient, data: bytes, out: str
) -> None:
    as_csv = not data.lstrip(b"\xef\xbb\xbf").startswith((b"[", b"{"))
    headers = {"content-type": "text/csv" if as_csv else "application/json"}
    try:
        r = client.post(f"/v1/screen/batch?format={out}", content=data, headers=headers)
    except Exception as exc:
        if known_defect(exc):
            return
        raise
    event(f"{'csv' if as_csv else 'json'} -> {r.status_code}")
    if r.status_code != 200:
        _refused_clearly(r, "body")
        return
    if out == "json":
        assert isinstance(r.json(), list)
    elif out == "ndjson":
        assert all(isinstance(json.loads(line), dict) for line in r.text.splitlines() if line)
    else:  # every cell a spreadsheet would run as a formula is neutralised (defect 5)
        for row in csv.reader(io.StringIO(r.text)):
            for value in row:
                if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert _is_number(value), value[:80]


@FAST
# Custom lists are documented as UTF-8 CSV: other encodings and separators are refused whole
# (covered by the generators above), so these explore what lies past the decoding.
@given(csv_files(("custom",), ("utf-8", "utf-8-sig"), ","))
@example(b"\n".join(",".join(row).encode() for row in TABLES["custom"]))  # the unmutated list
def test_api_custom_list_answers_an_outcome_or_a_clear_refusal(
    client: TestClient, data: bytes
) -> None:
    try:
        r = client.post(
            "/v1/custom-lists/generated?force=true",
            content=data,
            headers={"content-type": "text/csv"},
        )
    except Exception as exc:
        if known_defect(exc):
            return
        raise
    event(f"custom list -> {r.status_code}")
    if r.status_code == 200:
        assert r.json()["source_id"] == "custom:generated"
    elif r.status_code == 409:  # rows were read but none is a party: the list is kept
        assert "no entries" in r.json()["detail"], r.text[:300]
    else:
        _refused_clearly(r)


# Through the CLI gate --------------------------------------------------------------------------


@SLOW
@given(ANY_FILE)
def test_check_exits_0_1_or_2_never_a_traceback(
    cli: None, tmp_path: Path, generated: tuple[str, bytes]
) -> None:
    from typer.testing import CliRunner

    from screening.cli import app

    ext, data = generated
    path = tmp_path / f"order.{ext}"
    path.write_bytes(data)
    res = CliRunner().invoke(
        app, ["check", str(path), "--profile", "uk-public-sector", "--format", "json"]
    )
    if known_defect(res.exception):
        return
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    event(f"{ext} -> exit {res.exit_code}")
    assert res.exit_code in (0, 1, 2), (res.exit_code, res.output[-500:])
    assert "Traceback" not in res.output
    if res.exit_code == 2:
        assert path.name in res.stderr, res.stderr[-500:]


# Waiver files ----------------------------------------------------------------------------------

WAIVER_VALUE = st.one_of(
    SCALARS,
    st.dates().map(str),
    st.sampled_from(
        ["2027-02-30", "2027-03-31", "tomorrow", "us_bis_entity_list:x", "listed-vendor"]
    ),
    st.lists(SCALARS, max_size=3),
)
# The waivers of the documented example (screening/gate/waivers.py), to mutate.
GOOD_WAIVERS: list[dict[str, Any]] = [
    {
        "match": {
            "entity_id": "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"
        },
        "reason": "Licence 123 granted for this programme",
        "approver": "J. Smith (export control)",
        "expires": "2027-03-31",
    },
    {
        "match": {
            "vendor": "Acme Distribution Ltd",
            "part_number": "DS-7608NI-K2/8P",
            "rule": "listed-vendor",
        },
        "reason": "Reviewed",
        "approver": "J. Smith (export control)",
        "expires": "2027-03-31",
    },
    {
        "match": {"file": "orders/po.csv", "row": 3},
        "reason": "Reviewed",
        "approver": "J. Smith (export control)",
        "expires": "2027-03-31",
    },
]
WAIVER_KEYS = ["match", "reason", "approver", "expires", "extra"]
MATCH_KEYS = ["entity_id", "vendor", "part_number", "file", "row", "rule", "other"]


@st.composite
def waiver_entries(draw: st.DrawFn) -> dict[str, Any]:
    """A documented waiver with up to three of its fields or match criteria changed, dropped
    or added."""
    waiver = json.loads(json.dumps(draw(st.sampled_from(GOOD_WAIVERS))))
    for _ in range(draw(st.integers(0, 3))):
        match = waiver.get("match")
        where = match if isinstance(match, dict) and draw(st.booleans()) else waiver
        key = draw(st.sampled_from(MATCH_KEYS if where is not waiver else WAIVER_KEYS))
        if draw(st.integers(0, 3)) == 0:
            where.pop(key, None)
        else:
            where[key] = draw(WAIVER_VALUE)
    return waiver


@st.composite
def waiver_files(draw: st.DrawFn) -> bytes:
    doc: object = {"waivers": draw(st.lists(waiver_entries(), max_size=6))}
    if draw(st.integers(0, 5)) == 0:
        doc = draw(VALUES)
    text = yaml.safe_dump(doc, allow_unicode=True)
    trick = draw(st.sampled_from(["none"] * 4 + ["laughs", "repeat", "tag", "nest", "bom", "nul"]))
    if trick == "laughs":  # defect 6: an alias bomb whose value an error message would quote
        text = (
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "waivers:\n  - {match: {vendor: *i}, reason: r, approver: a, expires: 2027-01-01}\n"
        )
    elif trick == "repeat":
        text = "waivers: []\nwaivers: []\n"
    elif trick == "tag":
        text = "waivers: !!python/object/apply:os.system [echo]\n"
    elif trick == "nest":
        text = "waivers: " + "[" * draw(st.sampled_from([63, 65, 3000]))  # deep, and unclosed
    elif trick == "bom":
        text = "\ufeff" + text
    elif trick == "nul":
        text = text.replace(":", ":\x00", 1)
    return text.encode("utf-8", errors="surrogatepass")


@FAST
@given(waiver_files())
def test_waiver_file_parses_or_raises_a_bounded_input_error(data: bytes) -> None:
    try:
        event(f"{len(parse_waivers(data, 'w.yaml'))} waivers")
    except InputError as exc:
        event("InputError")
        assert exc.detail.startswith("w.yaml") and bounded(exc.detail), exc.detail[:300]


# XML from publishers ---------------------------------------------------------------------------


def _trimmed(path: Path, keep: int) -> bytes:
    """A real list file cut down to the first `keep` children of every container (the
    records), with everything else as published: small enough to parse hundreds of times."""
    tree = ET.parse(path)
    for parent in tree.iter():
        children = list(parent)
        if len(children) > keep and all(len(c) for c in children):
            for extra in children[keep:]:
                parent.remove(extra)
    # OFAC's files declare their entry count (a cut file is refused): it now counts the kept.
    entries = [e for e in tree.iter() if str(e.tag).endswith("sdnEntry")]
    for count in tree.iter():
        if str(count.tag).endswith("Record_Count"):
            count.text = str(len(entries))
    buf = io.BytesIO()
    tree.write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue()


def _xml_parsers() -> dict[str, tuple[bytes, Callable[[bytes], list[Any]]]]:
    from screening.sources import eu, ofac_xml, uk, un

    un_data = _trimmed(FIX / "un-sc-consolidated" / "consolidated_2026-02-27.xml", 2)
    ofac_data = _trimmed(FIX / "ofac-non-sdn" / "2018-04" / "consolidated.xml", 3)
    uk_path = FIX / "uk-sanctions-list" / "UK-Sanctions-List_2026-03-26_head_AFG0001-AFG0007.xml"
    eu_path = FIX / "eu-fsf" / "xmlFullSanctionsList_1_1.xml"
    return {
        "un": (un_data, lambda d: list(un.parse({un.FILE: d}))),
        "uk": (uk_path.read_bytes(), lambda d: list(uk.parse({uk.FILE: d}))),
        "eu": (eu_path.read_bytes(), lambda d: list(eu.parse({eu.FILE: d}))),
        "ofac": (ofac_data, lambda d: list(ofac_xml.parse_legacy("consolidated.xml", d))),
    }


PARSERS = _xml_parsers()
DTDS = [
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
    b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
    b'<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd">\n',
    b"<!DOCTYPE r>\n",
]


@st.composite
def xml_mutations(draw: st.DrawFn, real: bytes) -> bytes:
    trick = draw(
        st.sampled_from(["dtd", "truncate", "insert", "nest", "encoding", "bom", "huge", "html"])
    )
    body = real.split(b"?>", 1)[1] if real.startswith(b"<?xml") else real
    if trick == "dtd":
        return b'<?xml version="1.0"?>\n' + draw(st.sampled_from(DTDS)) + body.lstrip()
    if trick == "truncate":
        return real[: draw(st.integers(0, len(real)))]
    if trick == "insert":
        at = draw(st.integers(0, len(real)))
        piece = draw(
            st.sampled_from(
                [b"\x00", b"&xx;", b"<![CDATA[<x>]]>", b"</", b"\xff\xfe", b"&#0;", b"]]>"]
            )
        )
        return real[:at] + piece + real[at:]
    if trick == "nest":  # deep unknown elements inside the first record
        depth = draw(st.sampled_from([50, 5000]))
        at = real.find(b">", real.find(b">", real.find(b"?>") + 2) + 1) + 1
        return real[:at] + b"<x>" * depth + b"</x>" * depth + real[at:]
    if trick == "encoding":
        text = body.decode("utf-8")
        enc = draw(st.sampled_from(["utf-16", "latin-1", "utf-8"]))
        declared = draw(st.sampled_from(["utf-16", "latin-1", "utf-8", "ebcdic-cp-us"]))
        return f'<?xml version="1.0" encoding="{declared}"?>'.encode(enc, "replace") + text.encode(
            enc, "replace"
        )
    if trick == "bom":
        return b"\xef\xbb\xbf" + real
    if trick == "huge":  # a 200,000-character text in the first text node
        at = real.find(b"</", real.find(b">", real.find(b"?>") + 2))
        return real[:at] + b"Z" * 200_000 + real[at:]
    return b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_the_real_files_the_xml_generators_start_from_parse(source: str) -> None:
    real, parse = PARSERS[source]
    assert len(parse(real)) >= 1


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_xml_parser_yields_records_or_a_bounded_parse_error(source: str) -> None:
    real, parse = PARSERS[source]

    @FAST
    @given(xml_mutations(real))
    def run(data: bytes) -> None:
        try:
            event(f"{len(parse(data))} records")
        except ParseError as exc:
            event("ParseError")
            assert bounded(exc.detail), exc.detail[:300]

    run()


# The defects these generators found, at their smallest (fixed; kept as regression tests). -----


def test_batch_csv_with_a_utf16_bom_and_broken_text_is_a_400(client: TestClient) -> None:
    r = client.post(
        "/v1/screen/batch", content=b"\xff\xfename\n", headers={"content-type": "text/csv"}
    )
    assert r.status_code == 400 and r.json()["detail"].startswith("body")


def test_a_quantity_of_5000_digits_is_a_row_error_not_a_500(client: TestClient) -> None:
    data = b"Make,Model,Qty\nAxis,P3245-V," + b"9" * 5000 + b"\n"
    r = client.post("/v1/inventories", files={"file": ("q.csv", data)})
    assert r.status_code == 200, r.text[:300]
    (err,) = r.json()["errors"]
    assert len(err["message"]) < 400
