"""Hostile and oversized upload files (issue 19 defects 1, 3, 4 and 6, inventory side): each is
refused with an InputError naming the file and the limit hit, quickly, before the expensive
part runs. The hostile files are built here (no real file is an attack); the honest parts they
start from are the fixture inventories of tests/fixtures/inventories/ and workbooks saved by
openpyxl. Sizes are scaled down so each case runs in well under a second, with the limit
lowered through the module constant where the real one would need a large file."""

from __future__ import annotations

import io
import json
import random
import string
import zipfile
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from screening.errors import InputError
from screening.inventories import DeviceRow, RowError, limits, read_rows

from .conftest import Database

FIX = Path(__file__).parent / "fixtures" / "inventories"


def read(data: bytes | Path, name: str, **kw: Any) -> list[DeviceRow | RowError]:
    return list(read_rows(data, name, kind=kw.pop("kind", "inventory"), **kw))


# Rows per upload (defect 1) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("retail_inventory_utf8.csv", "inventory"),
        ("inventory_devices.json", "inventory"),
        ("purchase_order.yaml", "po"),
    ],
)
def test_rows_past_the_limit_refuse_the_file(name: str, kind: str) -> None:
    rows = read(FIX / name, name, kind=kind)
    n = max(r.row for r in rows)
    assert n >= 2
    assert read(FIX / name, name, kind=kind, max_rows=n) == rows  # at the limit: all of it
    with pytest.raises(InputError) as err:
        read(FIX / name, name, kind=kind, max_rows=n - 1)
    assert err.value.detail.startswith(f"{name}: more than {n - 1:,} rows")
    assert "SCREENING_MAX_UPLOAD_ROWS" in err.value.detail


def test_row_limit_holds_for_xlsx_too() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Make", "Model"])
    for model in ("DS-2CD2143G2-I", "DS-7608NI-K2/8P", "IPC-HDW2431T-AS-S2"):
        ws.append(["Hikvision", model])
    buf = io.BytesIO()
    wb.save(buf)
    assert len(read(buf.getvalue(), "w.xlsx", max_rows=3)) == 3
    with pytest.raises(InputError, match=r"w\.xlsx: more than 2 rows"):
        read(buf.getvalue(), "w.xlsx", max_rows=2)


# XLSX (defect 3) --------------------------------------------------------------------------


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="{_PKG}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>
</Types>""",
    "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""",
    "xl/workbook.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>
<sheet name="Cameras" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>""",
    # Header Make, Model and one row Axis, P3245-V: shared strings 0-3.
    "xl/worksheets/sheet1.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{_MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>
</sheetData></worksheet>""",
}


def _workbook_with(part: str, body: bytes) -> bytes:
    """A minimal workbook as the Office Open XML parts (header Make, Model and one row, all
    shared strings), with one part given as `body`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, text in _PARTS.items():
            zout.writestr(name, body if name == part else text.encode())
        if part not in _PARTS:
            zout.writestr(part, body)
    return out.getvalue()


def _shared_strings(items: list[str], declared: int | None = None) -> bytes:
    count = len(items) if declared is None else declared
    si = "".join(f"<si><t>{s}</t></si>" for s in items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}">{si}</sst>'
    ).encode()


SST = "xl/sharedStrings.xml"


def test_the_workbook_the_bombs_start_from_is_readable() -> None:
    rows = read(
        _workbook_with(SST, _shared_strings(["Make", "Model", "Axis", "P3245-V"])), "w.xlsx"
    )
    assert [(r.make, r.model) for r in rows if isinstance(r, DeviceRow)] == [("Axis", "P3245-V")]


def test_too_many_shared_strings_refused_before_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1000)
    base = ["Make", "Model", "Axis", "P3245-V"]
    ok = _workbook_with(SST, _shared_strings(base + [f"s{i}" for i in range(996)]))
    assert len(read(ok, "ok.xlsx")) == 1
    # Declared honestly...
    bomb = _workbook_with(SST, _shared_strings(base + [f"s{i}" for i in range(997)]))
    with pytest.raises(InputError, match=r"bomb\.xlsx: .*declares 1,001 strings, over 1,000"):
        read(bomb, "bomb.xlsx")
    # ...or under-declared: the strings are counted as the part streams past.
    liar = _workbook_with(SST, _shared_strings(base + [f"s{i}" for i in range(997)], 4))
    with pytest.raises(InputError, match=r"liar\.xlsx: .*more than 1,000 strings"):
        read(liar, "liar.xlsx")


def test_one_huge_shared_string_refused() -> None:
    rng = random.Random(19)  # incompressible text, so the ratio check does not fire first
    huge = "".join(rng.choices(string.ascii_letters, k=(1 << 20) + 10))
    data = _workbook_with(SST, _shared_strings(["Make", "Model", huge, "P3245-V"]))
    assert len(data) > 1 << 19
    with pytest.raises(InputError, match=r"h\.xlsx: .*shared-strings table holds a string over"):
        read(data, "h.xlsx")


def test_zip_bomb_sheet_refused_by_inflation_ratio() -> None:
    """A valid sheet padded with 64 MiB of whitespace inflates ~1000x; defect 3's 211 KB file
    with 5 million strings was of this kind."""
    sheet = _PARTS["xl/worksheets/sheet1.xml"].encode()
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
    data = _workbook_with("xl/worksheets/sheet1.xml", padded)
    assert len(data) < 1 << 20
    with pytest.raises(InputError, match=r"z\.xlsx: part 'xl/worksheets/sheet1\.xml' inflates"):
        read(data, "z.xlsx")


def test_declared_member_size_over_the_limit_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_TOTAL_BYTES", 1024)
    data = _workbook_with(SST, _shared_strings(["Make", "Model", "Axis", "P3245-V"]))
    with pytest.raises(InputError, match=r"t\.xlsx: the workbook inflates to more than"):
        read(data, "t.xlsx")


def test_damaged_zip_directory_is_an_input_error() -> None:
    data = _workbook_with(SST, _shared_strings(["Make", "Model", "Axis", "P3245-V"]))
    with pytest.raises(InputError, match=r"d\.xlsx: not a readable XLSX workbook"):
        read(data[: len(data) // 2], "d.xlsx")


# JSON (defect 4) --------------------------------------------------------------------------


def test_deep_json_is_an_input_error_not_a_recursion_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(InputError, match=r"deep\.json: JSON nested more than 64 levels"):
        read(deep, "deep.json")
    wrapped = b'{"devices": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(InputError, match="nested more than 64 levels"):
        read(wrapped, "deep.json", kind="po")
    # A row holding a deep value (the element parser recurses too).
    row = b'[{"make": "Axis", "notes": ' + b"[" * 5000 + b"]" * 5000 + b"}]"
    with pytest.raises(InputError, match="nested more than 64 levels"):
        read(row, "row.json")


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    rows = json.loads((FIX / "inventory_devices.json").read_text())
    first = rows if isinstance(rows, list) else next(iter(rows.values()))
    first[0]["Notes"] = "[" * 1000 + '\\"{' * 500
    data = json.dumps(rows).encode()
    before = read(FIX / "inventory_devices.json", "inventory_devices.json")
    after = read(data, "inventory_devices.json")
    assert len(after) == len(before)


def test_deep_json_check_exits_2(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`screening check deep.json` printed a traceback and exited 1 (the findings code). An
    unreadable file exits 2 before any list check (exit 3), so no list needs loading here."""
    from typer.testing import CliRunner

    from screening.cli import app
    from screening.settings import get_settings

    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    try:
        res = CliRunner().invoke(app, ["check", str(deep), "--profile", "us-federal"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 2, res.output
    assert "nested more than 64 levels" in res.stderr
    assert "Traceback" not in res.output


# YAML ---------------------------------------------------------------------------------------

LAUGHS = (
    b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + b"".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode()
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"devices:\n  - {make: *i, model: x}\n"
)


def test_yaml_alias_bomb_refused_before_expansion() -> None:
    assert len(LAUGHS) < 1000
    with pytest.raises(InputError, match=r"l\.yaml: YAML aliases .* over the limit"):
        read(LAUGHS, "l.yaml")


def test_yaml_merge_key_bomb_refused() -> None:
    """Merge keys (`<<: [*a, *a, ...]`) are flattened in place, so nested merges grow
    exponentially unless refused first."""
    lines = ["a0: &a0 {k: v}"]
    for i in range(1, 16):
        lines.append(f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 8)}]}}")
    lines.append("items:\n  - {<<: *a15, make: Axis, model: P3245-V}")
    with pytest.raises(InputError, match="YAML aliases"):
        read("\n".join(lines).encode(), "m.yaml", kind="po")


def test_yaml_deep_nesting_refused() -> None:
    with pytest.raises(InputError, match=r"d\.yaml: YAML nested more than 64 levels"):
        read(b"[" * 100 + b"]" * 100, "d.yaml")
    # Deeper still, libyaml (when PyYAML has it) stops first, at its own limit.
    with pytest.raises(InputError, match=r"d\.yaml: .*(nested more than 64|nesting depth)"):
        read(b"[" * 20_000 + b"]" * 20_000, "d.yaml")


def test_yaml_honest_anchor_and_merge_still_read() -> None:
    text = (
        b"defaults: &d {vendor: Example Security Distribution Ltd, manufacturer: Axis}\n"
        b"items:\n"
        b"  - {<<: *d, part number: P3245-V}\n"
        b"  - {<<: *d, part number: Q6075-E}\n"
    )
    rows = [r for r in read(text, "po.yaml", kind="po") if isinstance(r, DeviceRow)]
    assert [(r.make, r.part_number) for r in rows] == [("Axis", "P3245-V"), ("Axis", "Q6075-E")]


# Messages quote a bounded excerpt (defect 6, upload side) -----------------------------------


def test_row_error_quotes_only_an_excerpt_of_a_huge_value() -> None:
    text = (FIX / "retail_inventory_utf8.csv").read_text(encoding="utf-8").splitlines()
    header = text[0]
    assert "MAC" in header or "mac" in header.lower()
    cols = header.split(",")
    mac_col = next(i for i, c in enumerate(cols) if "mac" in c.lower())
    cells = text[1].split(",")
    cells[mac_col] = "Z" * 100_000
    data = "\n".join([header, ",".join(cells)]).encode()
    errs = [r for r in read(data, "big.csv") if isinstance(r, RowError)]
    assert len(errs) == 1 and "is not a MAC address" in errs[0].message
    assert len(errs[0].text("big.csv")) < 400


def test_excerpt_does_not_walk_a_shared_structure() -> None:
    x: list[Any] = ["lol"] * 9
    for _ in range(30):  # 9**30 leaves if walked
        x = [x] * 9
    assert len(limits.excerpt(x)) <= 80
    assert limits.excerpt("Atlantis") == "'Atlantis'"


def test_document_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 100)
    data = (FIX / "inventory_devices.json").read_bytes()
    assert len(data) > 100
    with pytest.raises(InputError, match=r"inventory_devices\.json: .* over the 100-byte limit"):
        read(FIX / "inventory_devices.json", "inventory_devices.json")
    with pytest.raises(InputError, match="over the 100-byte limit"):
        read(io.BytesIO(data), "inventory_devices.json")


# Generated hostile files: whatever the bytes, a reader yields rows or raises InputError with
# a bounded message -- never another exception, never an unbounded message. ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
MAX_MESSAGE = 2000


def read_or_refuse(data: bytes, name: str, kind: str = "inventory") -> None:
    try:
        for item in read_rows(data, name, kind=kind, max_rows=500):  # type: ignore[arg-type]
            if isinstance(item, RowError):
                assert len(item.text(name)) < MAX_MESSAGE
    except InputError as exc:
        assert exc.detail.startswith(name) and len(exc.detail) < MAX_MESSAGE, exc.detail[:300]


HEADER = "Make,Model,MAC Address,Face recognition,Qty\n"
CSV_PIECES = st.sampled_from(
    [
        '"',
        '""',
        ",",
        ";",
        "\t",
        "\n",
        "\r",
        "\r\n",
        "=cmd|' /C calc'!A0",
        "Axis",
        "P3245-V",
        "44:19:B6:12:34:56",
        "yes",
        "ß",
        "\u2028",
        "\x00",
        "\x1b",
        "\ufeff",
        "Z" * 300,
    ]
)


@FUZZ
@given(st.lists(CSV_PIECES, max_size=60), st.sampled_from(["inventory", "po"]))
def test_generated_csv(pieces: list[str], kind: str) -> None:
    read_or_refuse((HEADER + "".join(pieces)).encode("utf-8"), "g.csv", kind)


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["g.csv", "g.json", "g.yaml", "g.xlsx"]))
def test_generated_bytes(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
ROWS = st.lists(
    st.dictionaries(st.sampled_from(["make", "model", "mac", "qty", "vendor", "x"]), JSON_VALUES),
    max_size=6,
)


@FUZZ
@given(
    st.one_of(ROWS, JSON_VALUES, st.dictionaries(st.text(max_size=8), ROWS, max_size=2)),
    st.integers(min_value=0, max_value=200),
)
def test_generated_json(doc: object, nest: int) -> None:
    text = json.dumps(doc)
    read_or_refuse(text.encode(), "g.json")
    read_or_refuse(("[" * nest + text + "]" * nest).encode(), "g.json")


YAML_PIECES = st.sampled_from(
    [
        "- ",
        "make: ",
        "model: ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "\n",
        "\n  ",
        "? ",
        ": ",
        "!!str ",
        "!!binary ",
        "!!python/object ",
        "'",
        '"',
        "Axis",
        "12:34:56",
        "0012",
        "no",
        "~",
        "|",
        ">",
        "#",
    ]
)


@FUZZ
@given(st.lists(YAML_PIECES, max_size=50), st.sampled_from(["inventory", "po"]))
def test_generated_yaml(pieces: list[str], kind: str) -> None:
    read_or_refuse("".join(pieces).encode(), "g.yaml", kind)


XLSX_PARTS = st.sampled_from(
    [SST, "xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)


@FUZZ
@given(XLSX_PARTS, st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_generated_xlsx_part(part: str, body: bytes) -> None:
    read_or_refuse(_workbook_with(part, body), "g.xlsx")


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8))
def test_generated_damaged_xlsx(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_workbook_with(SST, _shared_strings(["Make", "Model", "Axis", "P3245-V"])))
    for at, value in flips:
        data[at % len(data)] = value
    read_or_refuse(bytes(data), "g.xlsx")


def _wide(name: str, width: int) -> bytes:
    header = ["Make", "Model"] + [f"c{i}" for i in range(width - 2)]
    row = ["Axis", "P3245-V"] + ["x"] * (width - 2)
    if name.endswith(".csv"):
        return (",".join(header) + "\n" + ",".join(row) + "\n").encode()
    if name.endswith(".json"):
        return json.dumps([dict(zip(header, row, strict=True))]).encode()
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["w.csv", "w.json", "w.xlsx"])
def test_header_wider_than_the_column_limit_is_refused(name: str) -> None:
    rows = read(_wide(name, limits.MAX_COLUMNS), name)
    assert len(rows) == 1 and isinstance(rows[0], DeviceRow)
    with pytest.raises(InputError, match=r"w\.\w+: .*501 columns, over the limit of 500"):
        read(_wide(name, limits.MAX_COLUMNS + 1), name)
