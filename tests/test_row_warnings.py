"""Unknown values in a recognised context column (facial recognition, internet exposure, cloud,
site sensitivity/type) are row warnings: the device is still read, the value is read as stated in
the warning, and the warning names the column and quotes a bounded excerpt of the value.

Rows are single hand-written CSV lines (real model numbers and host names; the values under test
are the point of each row)."""

from __future__ import annotations

import pytest

from screening.inventories import DeviceRow, read_rows
from screening.inventories.values import cloud_apps
from screening.scoring.rules import ORDINARY_WORDS, SENSITIVE_WORDS


def _row(header: str, value: str, kind: str = "inventory") -> DeviceRow:
    data = f"Make,Model,{header}\nHikvision,DS-2CD2143G2-I,{value}\n".encode()
    (row,) = list(read_rows(data, "w.csv", kind=kind))  # type: ignore[arg-type]
    assert isinstance(row, DeviceRow), row
    return row


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("secret", "secret"),
        ("Official Sensitive", "Official Sensitive"),
        ("normal", "normal"),
        ("n/a", "n/a"),
    ],
)
def test_known_sensitivity_words_carry_no_warning(value: str, read: str) -> None:
    row = _row("Site Sensitivity", value)
    assert (row.site_sensitivity, row.warnings) == (read, ())


@pytest.mark.parametrize(
    ("header", "value", "prefix"),
    [
        ("Site Sensitivity", "very secret", "site_sensitivity: unrecognised value 'very secret'"),
        ("Site Type", "retail", "site_sensitivity ('Site Type'): unrecognised value 'retail'"),
        ("Sensitive site", "pharmacy", "site_sensitivity ('Sensitive site'): unrecognised"),
    ],
)
def test_unknown_site_words_are_warned_not_ignored(header: str, value: str, prefix: str) -> None:
    row = _row(header, value)
    assert row.site_sensitivity == value  # kept as written; scoring reads it as not given
    (warning,) = row.warnings
    assert warning.startswith(prefix)
    assert "read as not given" in warning
    # The expected words are the scoring rules' own.
    assert all(w in warning for w in SENSITIVE_WORDS | ORDINARY_WORDS)


@pytest.mark.parametrize(
    ("value", "exposed"),
    [
        ("yes", True),
        ("LAN only", False),
        ("internal", False),
        ("Internet-facing", True),
        ("8.8.8.8", True),
        ("192.168.1.20", False),
        ("unknown", None),
    ],
)
def test_exposure_words_and_addresses(value: str, exposed: bool | None) -> None:
    row = _row("Internet Exposed", value)
    assert (row.internet_exposed, row.warnings) == (exposed, ())


def test_unknown_exposure_is_warned_and_read_as_not_given() -> None:
    row = _row("Internet Facing", "behind the firewall")
    assert row.internet_exposed is None
    (warning,) = row.warnings
    assert warning.startswith(
        "internet_exposed ('Internet Facing'): unrecognised value 'behind the firewall'"
    )
    assert "lan-only" in warning and "read as not given" in warning


@pytest.mark.parametrize(
    ("value", "cloud"),
    [
        ("no", False),
        ("enabled", True),
        ("Hik-Connect", "Hik-Connect"),
        ("hik-connect.com; ys7.com", "hik-connect.com; ys7.com"),
        ("https://www.ezviz.com/", "https://www.ezviz.com/"),
        ("Yes (DMSS)", "Yes (DMSS)"),
        ("Genetec (genetec.cloud)", "Genetec (genetec.cloud)"),
    ],
)
def test_cloud_values_that_name_a_service_carry_no_warning(value: str, cloud: object) -> None:
    row = _row("Cloud/P2P", value)
    assert (row.cloud, row.warnings) == (cloud, ())


@pytest.mark.parametrize("value", ["maybe", "Hik Connect", "Genetec Stratocast"])
def test_unknown_cloud_text_is_warned_and_kept(value: str) -> None:
    row = _row("Cloud/P2P", value)
    assert row.cloud == value  # scored as a cloud service that is on, of no listed maker
    (warning,) = row.warnings
    assert warning.startswith(f"cloud ('Cloud/P2P'): unrecognised value {value!r}")
    assert "hik-connect.com" in warning
    assert all(app in warning for app in ("Hik-Connect", "DMSS", "EZVIZ"))
    assert set(cloud_apps()) >= {"Hik-Connect", "DMSS", "EZVIZ"}


def test_every_context_column_warns_in_column_order_and_the_row_is_still_read() -> None:
    data = (
        b"Make,Model,Face Recognition,Internet Exposed,Cloud,Site Type\n"
        b"Dahua,IPC-HDW1025C,sometimes,perhaps,maybe,retail\n"
    )
    (row,) = list(read_rows(data, "w.csv", kind="po"))
    assert isinstance(row, DeviceRow)
    assert [w.split(":")[0] for w in row.warnings] == [
        "face_recognition",
        "internet_exposed",
        "cloud",
        "site_sensitivity ('Site Type')",
    ]
    assert (row.make, row.model) == ("Dahua", "IPC-HDW1025C")


def test_a_long_value_is_quoted_as_a_bounded_excerpt() -> None:
    value = "x" * 5000
    row = _row("Site Sensitivity", value)
    (warning,) = row.warnings
    assert "'xxxx" in warning and "..." in warning
    assert len(warning) < 600


def test_typed_cells_carry_no_warning() -> None:
    data = (
        b'[{"make": "Hikvision", "model": "DS-2CD2143G2-I", "face_recognition": true,'
        b' "internet_exposed": false, "cloud": true, "site_sensitivity": "critical"}]'
    )
    (row,) = list(read_rows(data, "w.json", kind="inventory"))
    assert isinstance(row, DeviceRow)
    assert (row.face_recognition, row.internet_exposed, row.cloud) == (True, False, True)
    assert row.warnings == ()


def test_a_currency_column_is_read_as_written() -> None:
    data = b"Vendor,Part No,Qty,Unit Cost,Ccy\nExample Ltd,CMIP7442W-28M,4,89.00, GBP \n"
    (row,) = list(read_rows(data, "q.csv", kind="po"))
    assert isinstance(row, DeviceRow)
    assert (row.currency, row.fields["currency"], row.warnings) == ("GBP", "Ccy", ())
