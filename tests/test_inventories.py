"""Reading uploaded device inventories and purchase orders (screening.inventories).

The fixture files in tests/fixtures/inventories/ are illustrative inventories built for these
tests from real model numbers and real IEEE OUIs (see the README there); XLSX workbooks, empty
and binary files and the 200,000-row CSV are built here."""

from __future__ import annotations

import io
import random
import re
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from screening.errors import InputError
from screening.inventories import DeviceRow, RowError, check_size, normalise_mac, read_rows

FIX = Path(__file__).parent / "fixtures" / "inventories"


def read(name: str, kind: str = "inventory") -> list[DeviceRow | RowError]:
    return list(read_rows(FIX / name, name, kind=kind))  # type: ignore[arg-type]


def read_bytes(data: bytes, name: str, kind: str = "inventory") -> list[DeviceRow | RowError]:
    return list(read_rows(data, name, kind=kind))  # type: ignore[arg-type]


def devices(rows: list[DeviceRow | RowError]) -> list[DeviceRow]:
    return [r for r in rows if isinstance(r, DeviceRow)]


def errors(rows: list[DeviceRow | RowError]) -> list[RowError]:
    return [r for r in rows if isinstance(r, RowError)]


def one_bytes(data: bytes, name: str, kind: str = "inventory") -> DeviceRow | RowError:
    rows = read_bytes(data, name, kind)
    assert len(rows) == 1, rows
    return rows[0]


def one(data: str, name: str = "x.csv", kind: str = "inventory") -> DeviceRow | RowError:
    return one_bytes(data.encode(), name, kind)


# --- CSV in its encodings and delimiters ---------------------------------------------------


def test_utf8_csv_reads_every_field_and_echoes_every_column() -> None:
    rows = read("retail_inventory_utf8.csv")
    assert errors(rows) == []
    devs = devices(rows)
    assert [(d.row, d.line) for d in devs] == [(i, i + 1) for i in range(1, 7)]
    first = devs[0]
    assert first.asset_id == "CAM-LDS-001"
    assert first.site == "Leeds Briggate"
    assert first.make == "Hikvision"
    assert first.model == "DS-2CD2143G2-I"
    assert first.mac == "44:19:B6:3A:10:01"
    assert first.firmware is None
    assert first.face_recognition is False
    assert first.internet_exposed is False
    assert first.cloud is False
    assert first.site_sensitivity == "retail"
    assert first.vendor is None and first.quantity is None and first.unit_price is None
    assert first.columns == {
        "Asset Tag": "CAM-LDS-001",
        "Store": "Leeds Briggate",
        "Make": "Hikvision",
        "Model": "DS-2CD2143G2-I",
        "MAC Address": "44:19:B6:3A:10:01",
        "Firmware": "",
        "Face Recognition": "no",
        "Internet Facing": "no",
        "Cloud/P2P": "no",
        "Site Type": "retail",
        "Notes": "Entrance dome",
    }
    assert first.fields == {
        "asset_id": "Asset Tag",
        "site": "Store",
        "make": "Make",
        "model": "Model",
        "mac": "MAC Address",
        "firmware": "Firmware",
        "face_recognition": "Face Recognition",
        "internet_exposed": "Internet Facing",
        "cloud": "Cloud/P2P",
        "site_sensitivity": "Site Type",
    }
    nvr = devs[1]
    assert (nvr.model, nvr.internet_exposed, nvr.cloud) == (
        "DS-7608NI-K2/8P",
        True,
        "EZVIZ (ezviz.com)",
    )
    assert devs[2].face_recognition is True
    hiwatch = devs[3]
    assert hiwatch.site == "York St Mary’s Walk"
    assert hiwatch.firmware == "V5.5.101 build 200408"
    assert devs[4].mac == "00:40:8C:2F:50:02"
    # Nothing to identify the device by: still a DeviceRow (the scorer marks it `unknown`).
    blank = devs[5]
    assert (blank.asset_id, blank.make, blank.model, blank.mac) == ("CAM-YRK-003", None, None, None)
    assert blank.columns["Notes"] == "Replaced 2024, label unreadable"


def test_utf8_bom_semicolon_csv_with_other_header_synonyms() -> None:
    rows = read("retail_inventory_bom_semicolon.csv")
    assert errors(rows) == []
    a, b, c = devices(rows)
    assert next(iter(a.columns)) == "Device ID"  # the BOM is not part of the first header
    assert (a.asset_id, a.site, a.make, a.model) == (
        "LYO-CAM-01",
        "Lyon Part-Dieu",
        "Hikvision",
        "DS-2CD2143G2-I",
    )
    assert [d.mac for d in (a, b, c)] == [
        "44:19:B6:3A:10:11",
        "E0:50:8B:12:34:02",
        "4C:BD:8F:5E:20:11",
    ]
    # A comma inside a cell does not fool the delimiter sniffing.
    assert b.firmware == "2.420.Dahua 00.14.R, build: 2016-06-18"
    assert [d.face_recognition for d in (a, b, c)] == [False, True, False]
    # Public IP: a global address means exposed, a private one not, "no" is no.
    assert [d.internet_exposed for d in (a, b, c)] == [True, False, False]
    assert [d.cloud for d in (a, b, c)] == ["Hik-Connect", "Imou (easy4ip.com)", False]
    assert [d.site_sensitivity for d in (a, b, c)] == ["no", "no", "yes"]
    assert c.fields["mac"] == "Hardware address"
    assert c.line == 4


def test_utf16_tab_delimited_text_from_excel() -> None:
    rows = read("retail_inventory_utf16.txt")
    assert errors(rows) == []
    devs = devices(rows)
    assert [(d.asset_id, d.site, d.make, d.model, d.mac) for d in devs] == [
        ("Till 1 dome", "Manchester Arndale", "Hikvision", "DS-2CD2143G2-I", "44:19:B6:3A:10:21"),
        ("Loading bay", "Manchester Arndale", "Dahua", "IPC-T5442TM-AS", "14:A7:8B:11:22:21"),
        ("Pharmacy", "Manchester Arndale", "Axis", "AXIS P3245-V", "00:40:8C:2F:50:21"),
    ]
    assert [d.face_recognition for d in devs] == [False, False, True]
    assert devs[2].site_sensitivity == "pharmacy"
    assert devs[0].fields["model"] == "Part No"
    assert [d.line for d in devs] == [2, 3, 4]


def test_windows_1252_csv_with_a_cafe_site_name_and_pound_prices() -> None:
    rows = read("retail_inventory_cp1252.csv")
    assert errors(rows) == []
    a, b = devices(rows)
    assert a.site == "Bath Café Kiosk"
    assert a.asset_id == "SN-BATH-0001"
    assert (a.make, b.make) == ("Hikvision", "Dahua")  # `Vendor` is the make in an inventory
    assert a.fields["make"] == "Vendor"
    assert (a.unit_price, b.unit_price) == (Decimal("89.50"), Decimal("1024.00"))
    assert a.columns["Unit price"] == "£89.50"


def test_windows_1252_decided_by_a_byte_past_the_first_chunk() -> None:
    head = "Make,Model,Site\r\n" + "Hikvision,DS-2CD2143G2-I,Leeds\r\n" * 3000
    data = head.encode("ascii") + "Axis,AXIS P3245-V,Café\r\n".encode("cp1252")
    assert len(head) > 65536
    rows = read_bytes(data, "late.csv")
    assert len(rows) == 3001
    last = rows[-1]
    assert isinstance(last, DeviceRow)
    assert (last.row, last.line, last.site) == (3001, 3002, "Café")


def test_a_file_mixing_utf8_and_windows_1252_is_rejected_naming_the_line() -> None:
    data = "Make,Site\r\nHikvision,Café\r\n".encode() + "Axis,Café\r\n".encode("cp1252")
    with pytest.raises(InputError, match=r"mixed\.csv: line 3: byte 0xE9 is not valid UTF-8"):
        read_bytes(data, "mixed.csv")


def test_utf16_without_a_bom_is_recognised() -> None:
    data = "Make\tModel\r\nDahua\tIPC-HDW2431T-AS-S2\r\n".encode("utf-16-le")
    dev = one_bytes(data, "nobom.txt")
    assert isinstance(dev, DeviceRow)
    assert (dev.make, dev.model) == ("Dahua", "IPC-HDW2431T-AS-S2")


def test_random_binary_is_rejected() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(InputError, match=r"^noise\.csv: line \d+: "):
        read_bytes(data, "noise.csv")


def test_nul_bytes_are_rejected_as_not_text() -> None:
    with pytest.raises(InputError, match=r"nul\.csv: line 2: control character 0x00"):
        read_bytes(b"Make,Model\r\nHik\x00vision,DS\r\n", "nul.csv")


# --- row and line numbering ------------------------------------------------------------------


def test_row_and_line_numbers_with_a_multiline_cell_and_blank_lines() -> None:
    rows = read("inventory_multiline.csv")
    devs = devices(rows)
    assert len(rows) == len(devs) == 3
    assert [(d.row, d.line, d.asset_id) for d in devs] == [
        (1, 2, "CAM-001"),
        (2, 6, "CAM-002"),
        (3, 9, "CAM-003"),
    ]
    assert devs[0].columns["Notes"] == (
        "Mounted above entrance.\r\nRe-aimed 2024-03-02\r\nafter complaint"
    )


def test_excel_sep_line_sets_the_delimiter_and_counts_as_a_line() -> None:
    rows = read_bytes(b"sep=;\r\nMake;Model\r\nHikvision;DS-2CD2143G2-I\r\n", "sep.csv")
    (dev,) = devices(rows)
    assert (dev.row, dev.line, dev.make, dev.model) == (1, 3, "Hikvision", "DS-2CD2143G2-I")


def test_bad_values_are_row_errors_naming_the_users_header() -> None:
    rows = read("inventory_bad_rows.csv")
    errs = errors(rows)
    assert [(e.row, e.line, e.field) for e in errs] == [
        (1, 2, "MAC Address"),
        (3, 4, "Qty"),
        (4, 5, ""),
    ]
    assert "'44:19:B6:3A:10' is not a MAC address" in errs[0].message
    assert "'two' is not a whole number" in errs[1].message
    assert "9 values but the header has 7 columns" in errs[2].message
    assert (
        errs[0]
        .text("inventory_bad_rows.csv")
        .startswith("inventory_bad_rows.csv: row 1 (line 2), field 'MAC Address': '44:19:B6:3A:10'")
    )
    # A context column's unknown word does not make the device unreadable: it is scored
    # without that fact, and the row says so.
    sometimes, good = devices(rows)
    assert (sometimes.row, sometimes.face_recognition) == (2, None)
    assert sometimes.warnings == (
        "face_recognition: unrecognised value 'sometimes' (expected "
        "yes/no, y/n, true/false, 1/0, on/off, enabled/disabled, or n/a/unknown); read as not "
        "given",
    )
    assert (good.row, good.line, good.mac, good.quantity) == (5, 6, "C0:56:E3:0B:40:51", 1)
    assert good.warnings == ()


def test_a_stray_quote_is_a_row_error_and_reading_goes_on() -> None:
    data = b'Make,Model\r\nHikvision,"DS-2CD2143G2-I"x\r\nAxis,AXIS P3245-V\r\n'
    rows = read_bytes(data, "q.csv")
    assert isinstance(rows[0], RowError)
    assert (rows[0].row, rows[0].line, rows[0].field) == (1, 2, "")
    assert "malformed CSV" in rows[0].message
    assert isinstance(rows[1], DeviceRow)
    assert (rows[1].row, rows[1].line, rows[1].make) == (2, 3, "Axis")


def test_a_quote_never_closed_rejects_the_file() -> None:
    data = b'Make,Model,Notes\r\nHikvision,DS-2CD2143G2-I,"lobby\r\nAxis,AXIS P3245-V,x\r\n'
    with pytest.raises(InputError, match=r"open\.csv: line 2: a quote .* never closed"):
        read_bytes(data, "open.csv")


# --- whole-file rejection ---------------------------------------------------------------------


def test_duplicate_headers_for_one_field_are_named() -> None:
    with pytest.raises(InputError) as exc:
        read("inventory_duplicate_headers.csv")
    assert exc.value.detail == (
        "inventory_duplicate_headers.csv: line 1: duplicate columns 'MAC' and 'MAC Address' "
        "give the same field; keep one of each"
    )


def test_a_file_without_recognisable_columns_is_rejected() -> None:
    with pytest.raises(InputError) as exc:
        read("inventory_no_columns.csv")
    assert exc.value.detail.startswith(
        "inventory_no_columns.csv: line 1: no recognisable columns (found 'Date', 'Engineer', "
        "'Store', 'Hours')"
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [(n, b"") for n in ("e.csv", "e.xlsx", "e.json", "e.yaml")]
    + [(n, b" \r\n\r\n") for n in ("e.csv", "e.json", "e.yaml")],
)
def test_empty_files_are_rejected(name: str, data: bytes) -> None:
    with pytest.raises(InputError, match=rf"^{re.escape(name)}: the file is empty"):
        read_bytes(data, name)


def test_blank_lines_only_before_any_header_is_empty() -> None:
    with pytest.raises(InputError, match=r"e\.csv: the file is empty \(no header line\)"):
        read_bytes(b",,,\r\n;;\r\n\r\n", "e.csv")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("devices.pdf", "devices.pdf: not a CSV, XLSX, JSON or YAML file"),
        ("devices.xls", "devices.xls: an old Excel .xls workbook; save it as .xlsx or CSV"),
        ("devices", "devices: not a CSV, XLSX, JSON or YAML file"),
    ],
)
def test_files_of_other_types_are_rejected(name: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        read_bytes(b"Make,Model\r\nAxis,AXIS P3245-V\r\n", name)


def test_a_csv_renamed_xlsx_is_rejected() -> None:
    with pytest.raises(InputError, match=r"fake\.xlsx: not an XLSX workbook"):
        read_bytes(b"Make,Model\r\nAxis,AXIS P3245-V\r\n", "fake.xlsx")


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.csv: no such file"):
        list(read_rows(tmp_path / "gone.csv", "gone.csv", kind="inventory"))


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(InputError, match="unknown kind 'asset'"):
        read_bytes(b"Make\r\nAxis\r\n", "x.csv", kind="asset")


def test_check_size_names_the_limit() -> None:
    check_size(10 * 1_048_576, 10 * 1_048_576)
    with pytest.raises(InputError) as exc:
        check_size(10 * 1_048_576 + 1, 10 * 1_048_576, "big.xlsx")
    assert exc.value.detail == (
        "big.xlsx: 10,485,761 bytes is over the upload size limit of 10,485,760 bytes (10.0 MiB)"
    )
    with pytest.raises(InputError, match=r"^the upload: 2 bytes is over .* limit of 1 bytes"):
        check_size(2, 1)


# --- header synonyms and cell values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "field", "expected"),
    [
        ("MAC address", "44:19:B6:3A:10:01", "mac", "44:19:B6:3A:10:01"),
        ("mac_address", "44:19:B6:3A:10:01", "mac", "44:19:B6:3A:10:01"),
        ("ETHERNET ADDRESS", "44:19:B6:3A:10:01", "mac", "44:19:B6:3A:10:01"),
        ("Hardware Address", "44:19:B6:3A:10:01", "mac", "44:19:B6:3A:10:01"),
        ("FW Version", "V5.5.101", "firmware", "V5.5.101"),
        ("Firmware version", "V5.5.101", "firmware", "V5.5.101"),
        ("Store", "Leeds", "site", "Leeds"),
        ("Branch", "Leeds", "site", "Leeds"),
        ("Location", "Leeds", "site", "Leeds"),
        ("Asset tag", "A-1", "asset_id", "A-1"),
        ("Device-ID", "A-1", "asset_id", "A-1"),
        ("Serial No.", "A-1", "asset_id", "A-1"),
        ("LFR", "yes", "face_recognition", True),
        ("Biometric", "enabled", "face_recognition", True),
        ("Analytics", "off", "face_recognition", False),
        ("Facial Recognition", "Y", "face_recognition", True),
        ("Internet-exposed", "TRUE", "internet_exposed", True),
        ("Public IP", "", "internet_exposed", None),
        ("Cloud service", "disabled", "cloud", False),
        ("P2P", "EZVIZ", "cloud", "EZVIZ"),
        ("Sensitive site", "school", "site_sensitivity", "school"),
        ("Site type", "hospital", "site_sensitivity", "hospital"),
        ("Qty", "1,200", "quantity", 1200),
        ("Quantity", "12 pcs", "quantity", 12),
        ("Unit price", "1.299,00 €", "unit_price", Decimal("1299.00")),
        ("Price (USD)", "USD 129.99", "unit_price", Decimal("129.99")),
        ("Model Number", "DS-2CD2143G2-I", "model", "DS-2CD2143G2-I"),
        ("Part #", "DS-2CD2143G2-I", "model", "DS-2CD2143G2-I"),
        ("SKU", "DS-2CD2143G2-I", "model", "DS-2CD2143G2-I"),
        ("Item Description", "dome camera", "description", "dome camera"),
    ],
)
def test_header_synonyms(header: str, value: str, field: str, expected: Any) -> None:
    dev = one(f'Make,"{header}"\r\nHikvision,"{value}"\r\n')
    assert isinstance(dev, DeviceRow), dev
    assert getattr(dev, field) == expected
    assert dev.fields[field] == header


@pytest.mark.parametrize(
    "text",
    ["44:19:B6:3A:10:01", "44-19-b6-3a-10-01", "4419.b63a.1001", "4419B63A1001", " 4419b63a1001 "],
)
def test_mac_forms(text: str) -> None:
    assert normalise_mac(text) == "44:19:B6:3A:10:01"


@pytest.mark.parametrize(
    "text",
    [
        "44:19:B6:3A:10",
        "44:19-B6:3A:10:01",
        "4419.B63A.1001.00",
        "GG:19:B6:3A:10:01",
        "4:19:B6:3A:10:1",
        "44 19 B6 3A 10 01",
        "44:19:B6:3A:10:01:02",
    ],
)
def test_malformed_macs_are_row_errors(text: str) -> None:
    err = one(f"Make,MAC Address\r\nHikvision,{text}\r\n")
    assert isinstance(err, RowError)
    assert (err.row, err.line, err.field) == (1, 2, "MAC Address")
    assert repr(text.strip()) in err.message


def test_placeholders_for_no_value_are_blank_not_errors() -> None:
    data = "Make,Model,MAC,LFR,Qty,Unit price\r\nHikvision,DS-2CD2143G2-I,N/A,unknown,-,POA\r\n"
    dev = one(data)
    assert isinstance(dev, DeviceRow)
    assert (dev.mac, dev.face_recognition, dev.quantity, dev.unit_price) == (None, None, None, None)
    assert dev.columns["MAC"] == "N/A"


def test_asset_id_prefers_asset_tag_then_name_then_serial_per_row() -> None:
    data = "Serial,Name,Asset Tag,Make\r\nS1,N1,T1,Axis\r\nS2,N2,,Axis\r\nS3,,,Axis\r\n,,,Axis\r\n"
    devs = devices(read_bytes(data.encode(), "a.csv"))
    assert [(d.asset_id, d.fields["asset_id"]) for d in devs] == [
        ("T1", "Asset Tag"),
        ("N2", "Name"),
        ("S3", "Serial"),
        (None, "Asset Tag"),
    ]


def test_vendor_is_the_make_in_an_inventory_unless_a_make_column_exists() -> None:
    alone = one("Vendor,Model\r\nHikvision,DS-2CD2143G2-I\r\n")
    assert isinstance(alone, DeviceRow)
    assert (alone.make, alone.vendor) == ("Hikvision", None)
    both = one("Vendor,Manufacturer,Model\r\nExample CCTV Wholesale Ltd,Hikvision,DS\r\n")
    assert isinstance(both, DeviceRow)
    assert (both.make, both.vendor) == ("Hikvision", "Example CCTV Wholesale Ltd")


# --- XLSX ------------------------------------------------------------------------------------


def workbook(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CAMERAS: list[list[Any]] = [
    ["Asset Tag", "Store", "Make", "Model", "MAC Address", "Face recognition", "Qty", "Notes"],
    ["CAM-001", "Leeds", "Hikvision", "DS-2CD2143G2-I", "44:19:B6:3A:10:81", False, 1, "#N/A"],
    [],
    ["CAM-002", "Leeds", "Dahua", "IPC-HDW2431T-AS-S2", "3C:EF:8C:71:30:81", True, 2.0, None],
    ["CAM-003", "York", "Axis", "AXIS P3245-V", "#REF!", False, 1, None],
    ["CAM-004", "York", "Hikvision", "DS-7608NI-K2/8P", 4419863, "no", 1, None],
]


def test_xlsx_reads_the_first_sheet_with_a_recognisable_header() -> None:
    data = workbook(("Read me", [["Exported from the asset register"]]), ("Cameras", CAMERAS))
    rows = read_bytes(data, "estate.xlsx")
    devs = devices(rows)
    assert [(d.row, d.line, d.asset_id) for d in devs] == [(1, 2, "CAM-001"), (2, 4, "CAM-002")]
    a, b = devs
    assert (a.make, a.model, a.mac, a.face_recognition, a.quantity) == (
        "Hikvision",
        "DS-2CD2143G2-I",
        "44:19:B6:3A:10:81",
        False,
        1,
    )
    assert (b.face_recognition, b.quantity, b.columns["Qty"]) == (True, 2, "2")
    # An error cell in a column we do not use is echoed, not an error.
    assert a.columns["Notes"] == "#N/A"
    errs = errors(rows)
    assert [(e.row, e.line, e.field) for e in errs] == [
        (3, 5, "MAC Address"),
        (4, 6, "MAC Address"),
    ]
    assert errs[0].message == "the cell holds the spreadsheet error #REF!"
    assert "leading zeros lost" in errs[1].message


def test_xlsx_with_a_wrong_declared_dimension_still_reads_every_row() -> None:
    data = workbook(("Cameras", CAMERAS[:2] + CAMERAS[3:4]))
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                body, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', body)
                assert n == 1
            dst.writestr(item, body)
    rows = read_bytes(out.getvalue(), "dims.xlsx")
    assert [(r.row, r.line) for r in devices(rows)] == [(1, 2), (2, 3)]
    assert devices(rows)[1].mac == "3C:EF:8C:71:30:81"


class OneWayStream(io.RawIOBase):
    """A binary stream that cannot seek, like a network upload."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        chunk = self._buf.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


def test_xlsx_from_a_stream_that_cannot_seek() -> None:
    stream = io.BufferedReader(OneWayStream(workbook(("Cameras", CAMERAS[:2]))))
    assert not stream.seekable()
    (dev,) = list(read_rows(stream, "upload.xlsx", kind="inventory"))
    assert isinstance(dev, DeviceRow)
    assert dev.asset_id == "CAM-001"


def test_xlsx_without_a_recognisable_sheet_is_rejected_naming_each_sheet() -> None:
    data = workbook(("Hours", [["Date", "Engineer"], ["2024-05-02", "J. Smith"]]))
    with pytest.raises(InputError) as exc:
        read_bytes(data, "hours.xlsx")
    assert exc.value.detail.startswith(
        "hours.xlsx: sheet 'Hours', row 1: no recognisable columns (found 'Date', 'Engineer')"
    )


def test_xlsx_duplicate_headers_are_rejected() -> None:
    data = workbook(("Cameras", [["Model", "Part number"], ["DS-2CD2143G2-I", "x"]]))
    with pytest.raises(InputError, match=r"dup\.xlsx: sheet 'Cameras', row 1: duplicate columns"):
        read_bytes(data, "dup.xlsx")


def test_damaged_xlsx_is_rejected() -> None:
    data = workbook(("Cameras", CAMERAS[:2]))
    with pytest.raises(InputError, match=r"cut\.xlsx: not a readable XLSX workbook"):
        read_bytes(data[: len(data) // 2], "cut.xlsx")


# --- JSON and YAML ---------------------------------------------------------------------------


def test_json_array_with_element_lines() -> None:
    rows = read("inventory_devices.json")
    assert errors(rows) == []
    a, b, c = devices(rows)
    assert [(d.row, d.line) for d in (a, b, c)] == [(1, 2), (2, 12), (3, 22)]
    assert (a.asset_id, a.site, a.make, a.model, a.mac) == (
        "CAM-GLA-001",
        "Glasgow Buchanan St",
        "Hikvision",
        "DS-2CD2143G2-I",
        "44:19:B6:3A:10:71",
    )
    assert (a.face_recognition, a.internet_exposed, a.cloud) == (False, True, "hik-cloud.com")
    assert (b.mac, b.face_recognition, b.internet_exposed, b.cloud) == (
        "3C:EF:8C:71:30:71",
        None,
        False,
        False,
    )
    assert c.columns["cloud"] == "" and c.cloud is None
    assert b.columns["face_recognition"] == ""
    assert a.columns["internet_exposed"] == "true"
    assert a.fields["make"] == "vendor"


def test_json_keeps_numbers_as_written_and_rejects_non_objects() -> None:
    data = b'{"devices": [{"make": "Axis", "model": 1.10, "qty": 3}, ["Axis"]]}'
    rows = read_bytes(data, "d.json")
    dev, err = rows
    assert isinstance(dev, DeviceRow) and isinstance(err, RowError)
    assert (dev.row, dev.line, dev.model, dev.quantity) == (1, None, "1.10", 3)
    assert (err.row, err.field) == (2, "")


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(InputError, match=r"bad\.json: line 3: not valid JSON"):
        read_bytes(b'[\n  {"make": "Axis"},\n  {"make": }\n]', "bad.json")
    with pytest.raises(InputError, match=r"n\.json: expected a JSON array of objects"):
        read_bytes(b"42", "n.json")


def test_yaml_purchase_order() -> None:
    rows = read("purchase_order.yaml", kind="po")
    assert errors(rows) == []
    items = devices(rows)
    assert [(i.row, i.line) for i in items] == [(1, 4), (2, 10), (3, 16), (4, 22)]
    cam = items[0]
    assert cam.vendor == "Example Security Distribution Ltd"
    assert (cam.manufacturer, cam.make) == ("Hikvision", "Hikvision")
    assert (cam.part_number, cam.model) == ("DS-2CD2143G2-I", "DS-2CD2143G2-I")
    assert cam.description == "4 MP fixed dome network camera"
    assert (cam.quantity, cam.unit_price) == (24, Decimal("89.50"))
    assert (cam.fields["make"], cam.fields["model"]) == ("manufacturer", "part number")
    assert items[2].unit_price == Decimal("449.00")  # the text as written, not a float
    labour = items[3]
    assert (labour.make, labour.model, labour.mac) == (None, None, None)
    assert (labour.description, labour.quantity) == ("Installation labour (days)", 4)


def test_yaml_never_reads_a_mac_or_model_as_a_number() -> None:
    data = b"- make: Axis\n  mac: 10:20:30:40:50:59\n  model: 0012\n  lfr: no\n"
    (dev,) = read_bytes(data, "d.yml")
    assert isinstance(dev, DeviceRow)
    assert (dev.mac, dev.model, dev.face_recognition, dev.line) == (
        "10:20:30:40:50:59",
        "0012",
        False,
        1,
    )


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(InputError, match=r"bad\.yaml: line 3: not valid YAML"):
        read_bytes(b"- make: Axis\n  model: x\n - make: [\n", "bad.yaml")


def test_csv_purchase_order() -> None:
    rows = read("purchase_order.csv", kind="po")
    assert errors(rows) == []
    a, b, c = devices(rows)
    assert (a.vendor, a.make, a.manufacturer, a.part_number, a.model) == (
        "Example CCTV Wholesale Ltd",
        "Dahua",
        "Dahua",
        "IPC-HDW2431T-AS-S2",
        "IPC-HDW2431T-AS-S2",
    )
    assert (a.description, a.quantity, a.unit_price) == (
        "4MP IR eyeball WizSense camera",
        12,
        Decimal("74.00"),
    )
    assert a.fields["unit_price"] == "Unit Price (GBP)"
    assert b.model == "HWI-B120-D/W"
    assert (c.make, c.model, c.description, c.quantity) == (None, None, "Cat6 patch lead 2m", 40)
    assert c.columns["PO Number"] == "PO-2024-0122"


# --- streaming ---------------------------------------------------------------------------------


def test_a_200000_row_csv_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "estate.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Asset Tag,Store,Make,Model,MAC Address,Face Recognition,Notes\r\n")
        for i in range(200_000):
            mac = f"44:19:B6:{i >> 16 & 255:02X}:{i >> 8 & 255:02X}:{i & 255:02X}"
            fh.write(f'CAM-{i:06d},Store {i % 500},Hikvision,DS-2CD2143G2-I,{mac},no,"a, b"\r\n')
    size = path.stat().st_size
    assert size > 14_000_000
    count = 0
    last: DeviceRow | RowError | None = None
    tracemalloc.start()
    try:
        for item in read_rows(path, "estate.csv", kind="inventory"):
            count += 1
            last = item
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert isinstance(last, DeviceRow)
    assert (last.row, last.line, last.mac) == (200_000, 200_001, "44:19:B6:03:0D:3F")
    assert peak < size / 20, (peak, size)
