"""Device risk through the service: the reference inventory (tests/fixtures/devices, our own
inventory built from real model numbers and OUIs) scored against list memberships computed from
the database, under every profile, through the CLI's JSON report — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.cli import EXIT_INPUT, EXIT_OK, app
from screening.inventories import read_rows
from screening.service import devices
from screening.settings import Settings

from .conftest import FIXTURES, Database

INVENTORY = FIXTURES / "devices" / "inventory.csv"
EXPECTED = list(csv.DictReader(INVENTORY.open(encoding="utf-8")))
PROFILES = {
    "us-federal": "expected_us_federal",
    "uk-public-sector": "expected_uk_public_sector",
    "uk-retail": "expected_uk_retail",
    "default": "expected_default",
}
runner = CliRunner()


@pytest.mark.parametrize("profile", list(PROFILES))
def test_reference_inventory_scores_as_expected(cli: None, profile: str) -> None:
    res = runner.invoke(app, ["inventory", "score", str(INVENTORY), "--profile", profile])
    assert res.exit_code == EXIT_OK, res.output
    report = json.loads(res.stdout)
    assert report["profile"] == profile and report["errors"] == []
    devices = report["devices"]
    assert len(devices) == len(EXPECTED)
    got = [
        (
            d["asset_id"],
            d["family"] or "",
            d["family_confidence"] or "",
            str(d["relabel_suspected"]).lower(),
            d["tier"],
        )
        for d in devices
    ]
    want = [
        (
            r["asset_id"],
            r["expected_family"],
            r["expected_confidence"],
            r["expected_relabel"],
            r[PROFILES[profile]],
        )
        for r in EXPECTED
    ]
    assert got == want
    # The report names the list versions it used, for every source the profile needs.
    for source in report["required_sources"]:
        assert report["snapshots"].get(source), source
    assert sum(report["summary"]["by_tier"].values()) == len(devices)
    assert sum(s["devices"] for s in report["sites"]) == len(devices)


def test_us_federal_covered_families_are_prohibited_or_high(cli: None) -> None:
    report = json.loads(
        runner.invoke(app, ["inventory", "score", str(INVENTORY), "--profile", "us-federal"]).stdout
    )
    for d in report["devices"]:
        if d["family"] in {"hikvision", "dahua", "hytera"} and d["family_confidence"] in {
            "high",
            "medium",
        }:
            assert d["tier"] in {"prohibited", "high"}, d["asset_id"]
        if d["declared_make"] in {"Axis", "Bosch", "Hanwha Vision", "Avigilon"}:
            assert d["tier"] in {"low", "none"}, d["asset_id"]
    hik = next(d for d in report["devices"] if d["asset_id"] == "CAM-001")
    sources = {e["source"] for e in hik["evidence"]}
    assert {"us_ndaa_889", "us_fcc_covered"} <= sources


def test_uk_retail_facial_recognition_is_high_with_biometric_evidence(cli: None) -> None:
    report = json.loads(
        runner.invoke(app, ["inventory", "score", str(INVENTORY), "--profile", "uk-retail"]).stdout
    )
    cam = next(d for d in report["devices"] if d["asset_id"] == "CAM-004")
    assert cam["family"] == "hikvision" and cam["tier"] == "high"
    assert "biometric-processing" in cam["rules_fired"]
    assert any(
        e["signal"] == "biometric-processing" or "biometric" in e["finding"].lower()
        for e in cam["evidence"]
    )


def test_bad_rows_are_reported_and_left_out(cli: None, tmp_path: Path) -> None:
    f = tmp_path / "inv.csv"
    f.write_text(
        "Asset Tag,Make,Model,MAC Address,Store\n"
        "A-1,Hikvision,DS-2CD2143G2-I,44:19:B6:3A:10:01,Southampton\n"
        "A-2,Axis,P3245-V,00:40:8C:ZZ:00:01,Southampton\n"
        "A-3,,,,Portsmouth\n"
    )
    res = runner.invoke(app, ["inventory", "score", str(f), "--profile", "uk-retail"])
    assert res.exit_code == EXIT_OK
    report = json.loads(res.stdout)
    assert [d["asset_id"] for d in report["devices"]] == ["A-1", "A-3"]
    assert report["devices"][1]["tier"] == "unknown"
    [err] = report["errors"]
    assert (err["row"], err["line"], err["field"]) == (2, 3, "MAC Address")
    assert "row 2 (line 3), field MAC Address" in res.stderr
    assert report["summary"]["devices"] == 2
    assert {s["site"]: s["devices"] for s in report["sites"]} == {"Southampton": 1, "Portsmouth": 1}


def test_whole_file_rejections_exit_2(cli: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    nothing = tmp_path / "cols.csv"
    nothing.write_text("colour,weight\nred,3\n")
    for f in (empty, nothing, tmp_path / "missing.csv"):
        res = runner.invoke(app, ["inventory", "score", str(f), "--profile", "default"])
        assert res.exit_code == EXIT_INPUT, f
    res = runner.invoke(app, ["inventory", "score", str(INVENTORY), "--profile", "nato"])
    assert res.exit_code == EXIT_INPUT and "us-federal" in res.stderr


def test_context_is_reused_and_matches_the_database(loaded: tuple[Database, Settings]) -> None:
    db, settings = loaded
    with db.session() as s:
        first = devices.risk_context(s, settings)
        assert devices.risk_context(s, settings) is first
    hik = {h.source for h in first.list_hits["hikvision"]}
    assert hik == {
        "us_ndaa_889",
        "us_fcc_covered",
        "us_bis_entity_list",
        "us_dod_1260h",
        "us_ofac_cons",
    }
    rows = list(read_rows(INVENTORY, INVENTORY.name, kind="inventory"))
    assert len(rows) == len(EXPECTED)
