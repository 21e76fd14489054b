"""MAC -> IEEE registrant through netaddr's bundled IEEE table, and registrant -> family.

The upstream OUI extract (tests/fixtures/devices/camera-domain/oui_chinese_surveillance_vendors.csv,
2,534 assignments whose registrant belongs to a covered family, annotated by family) is used only
to check our path: every assignment netaddr 1.3.0 carries must come back from netaddr with the
same registrant, and that registrant must resolve through data/reference/families.csv to the
family the extract names."""

from __future__ import annotations

import csv

import pytest

from screening.devices import InvalidFact, lookup_oui, normalize_mac
from screening.devices.oui import TABLE
from tests.devices.support import ROOT, reference

EXTRACT = ROOT / "tests/fixtures/devices/camera-domain/oui_chinese_surveillance_vendors.csv"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("44:19:b6:3a:10:01", "44:19:B6:3A:10:01"),
        ("44-19-B6-3A-10-01", "44:19:B6:3A:10:01"),
        ("4419.b63a.1001", "44:19:B6:3A:10:01"),
        ("4419B63A1001", "44:19:B6:3A:10:01"),
        (" 44:19:B6 ", "44:19:B6"),
    ],
)
def test_normalize_mac(raw: str, normal: str) -> None:
    assert normalize_mac(raw) == normal


@pytest.mark.parametrize(
    "raw", ["", "44:19:B6:3A:10", "44:19:B6:3A:10:0G", "not a mac", "4419B63A10011"]
)
def test_malformed_mac_raises_invalid_fact(raw: str) -> None:
    with pytest.raises(InvalidFact) as info:
        normalize_mac(raw)
    assert info.value.field == "mac" and repr(raw) in info.value.message


def test_lookup_statuses() -> None:
    hik = lookup_oui("44:19:B6:3A:10:01")
    assert (hik.oui, hik.status, hik.country) == ("44:19:B6", "registered", "CN")
    assert hik.org == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    lorex = lookup_oui("00:1F:54:12:34:23")
    assert (lorex.org, lorex.country) == ("Lorex Technology Inc.", "CA")
    assert lookup_oui("02:00:00:00:00:01").status == "local"
    assert lookup_oui("01:00:5E:00:00:01").status == "multicast"
    assert lookup_oui("00:1B:C5:00:10:00").status == "sub-assigned"  # IEEE RA MA-M/MA-S block
    assert TABLE.startswith("IEEE MA-L registry as bundled in netaddr ")


def test_extract_registrants_resolve_to_the_extracts_family() -> None:
    ref = reference()
    rows = list(csv.DictReader(EXTRACT.open(encoding="utf-8", newline="")))
    assert len(rows) == 2534
    in_netaddr = [r for r in rows if r["netaddr_1_3_0"] == "y" and r["block"] == "MA-L/24"]
    assert len(in_netaddr) == 2105
    for row in in_netaddr:
        reg = lookup_oui(row["oui"])
        assert reg.status == "registered" and reg.org == row["ieee_organization"], row["oui"]
        members = ref.lookup(row["ieee_organization"])
        assert members, reg.org
        assert {m.family for m in members} == {row["family"]}, reg.org
    registrants = {r["ieee_organization"] for r in in_netaddr}
    assert len(registrants) == 22


def test_registrants_of_clean_makers_resolve_to_nothing() -> None:
    ref = reference()
    for mac in ("00:40:8C:00:00:01", "00:04:63:00:00:01", "E4:30:22:00:00:01", "00:09:18:00:00:01"):
        reg = lookup_oui(mac)
        assert reg.status == "registered"
        assert reg.org is not None and ref.lookup(reg.org) == ()
