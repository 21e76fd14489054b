"""The device data gaps of issue 17 (point 6) through the commands a user runs, on the bundled
lists: `po check` with a part number alone, and `inventory score` with a legal-name fragment, the
Indian affiliate's OUI, the makers' cloud apps, makers on no list (through the service's own
resolver, the matching engine included) and unknown context words as row warnings.

The files are written here: single lines with real part numbers, makes, OUIs (serial bytes
invented) and host/app names, one per case under test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from screening.cli import EXIT_OK, app

runner = CliRunner()


def _score(path: Path, *command: str) -> dict[str, Any]:
    res = runner.invoke(app, [*command, str(path), "--profile", "uk-retail", "--format", "json"])
    assert res.exit_code == EXIT_OK, res.output
    report: dict[str, Any] = json.loads(res.stdout)
    return report


def test_a_part_number_alone_sets_the_family_in_po_check(cli: None, tmp_path: Path) -> None:
    order = tmp_path / "quote.csv"
    order.write_text("Part No,Qty,Unit Price\nCMIP7442W-28M,4,£89.00\nIP5M-1190EW,2,£75.00\n")
    items = _score(order, "po", "check")["items"]
    assert [(i["part_number"], i["family"], i["relabel_suspected"]) for i in items] == [
        ("CMIP7442W-28M", "hikvision", True),
        ("IP5M-1190EW", "dahua", True),
    ]
    assert all(i["tier"] not in ("none", "unknown") for i in items)


def test_the_gaps_in_an_inventory(cli: None, tmp_path: Path) -> None:
    inventory = tmp_path / "estate.csv"
    inventory.write_text(
        "Asset Tag,Make,Model,MAC Address,Cloud,Site Type\n"
        "A1,Hangzhou Hikvision,,,no,\n"
        "A2,Zhejiang Dahua,,,,\n"
        "A3,,,24:B1:05:12:34:56,,\n"
        "A4,,CMIP7442W-28M,,,\n"
        "A5,Generic,,,Hik-Connect,\n"
        "A6,Generic,,,DMSS,\n"
        "A7,Samsung,,,,\n"
        "A8,Hanwha Vision,,,,\n"
        "A9,Axis Communications,,,,\n"
        "A10,Bosch Security Systems,,,,\n"
        "A11,Hikvision,DS-2CD2143G2-I,,,very secret\n"
    )
    items = {i["asset_id"]: i for i in _score(inventory, "inventory", "score")["devices"]}
    assert items["A1"]["family"] == "hikvision"
    assert items["A2"]["family"] == "dahua"
    assert (items["A3"]["family"], items["A3"]["family_confidence"]) == ("hikvision", "medium")
    assert (items["A4"]["family"], items["A4"]["relabel_suspected"]) == ("hikvision", True)
    for asset, entity in (("A5", "(Hikvision, hikvision)"), ("A6", "(Dahua, dahua)")):
        cloud = [e for e in items[asset]["evidence"] if e["signal"] == "cloud-endpoint"]
        assert cloud and entity in cloud[0]["finding"], items[asset]["evidence"]
    for asset in ("A7", "A8", "A9", "A10"):
        assert items[asset]["family"] is None, items[asset]
        assert not items[asset]["relabel_suspected"]
    (warning,) = items["A11"]["warnings"]
    assert warning.startswith(
        "site_sensitivity ('Site Type'): unrecognised value 'very secret' (expected one of: "
    )
    assert "read as not given" in warning
    assert all(items[a]["warnings"] == [] for a in items if a != "A11")
