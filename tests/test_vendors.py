"""The vendor master (issue 15, point 2): vendors stored per tenant with their screening, listed
with filters, imported whole or not at all; on SQLite and PostgreSQL, through the service and
the CLI. Vendor names are real suppliers (listed makers and makers on no list)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.errors import InputError, NotFoundError
from screening.schemas.vendors import VendorIn
from screening.service import Screening, Settings
from tests.conftest import Database


def _svc(loaded: tuple[Database, Settings]) -> Screening:
    db, settings = loaded
    return Screening(db.session(), settings)


def test_a_vendor_is_stored_with_its_screening(loaded: tuple[Database, Settings]) -> None:
    svc = _svc(loaded)
    made = svc.add_vendor(VendorIn(name="Hikivision Digital Technology", country="CN"), "acme")
    assert made.has_hits
    top = made.screening.hits[0]
    assert "Hikvision" in top.party and top.relation == "listed"
    assert {li.source for li in top.listings} >= {"us_fcc_covered", "us_ndaa_889"}
    assert made.screening.snapshots and made.screening.screened_at
    again = svc.vendor(made.id, "acme")
    assert again == made


def test_a_maker_on_no_list_has_no_hit(loaded: tuple[Database, Settings]) -> None:
    svc = _svc(loaded)
    for name in ("Axis Communications AB", "Scan Computers International Ltd"):
        assert not svc.add_vendor(VendorIn(name=name), "acme").has_hits, name


def test_another_tenants_vendor_does_not_exist(loaded: tuple[Database, Settings]) -> None:
    svc = _svc(loaded)
    mine = svc.add_vendor(VendorIn(name="Dahua Technology"), "acme")
    with pytest.raises(NotFoundError):
        svc.vendor(mine.id, "globex")
    with pytest.raises(NotFoundError):
        svc.delete_vendor(mine.id, "globex")
    assert mine.id not in {v.id for v in svc.vendors("globex")}
    svc.delete_vendor(mine.id, "acme")
    with pytest.raises(NotFoundError):
        svc.vendor(mine.id, "acme")


def test_vendors_are_filtered_by_hits_and_name(loaded: tuple[Database, Settings]) -> None:
    svc = _svc(loaded)
    tenant = "filters"
    svc.add_vendor(VendorIn(name="Zhejiang Dahua Technology Co., Ltd."), tenant)
    svc.add_vendor(VendorIn(name="Axis Communications AB"), tenant)
    all_ = svc.vendors(tenant)
    assert [v.name for v in all_] == sorted(v.name for v in all_)
    assert {v.name for v in svc.vendors(tenant, has_hits=True)} == {
        "Zhejiang Dahua Technology Co., Ltd."
    }
    assert {v.name for v in svc.vendors(tenant, has_hits=False)} == {"Axis Communications AB"}
    assert [v.name for v in svc.vendors(tenant, name="axis")] == ["Axis Communications AB"]
    assert [v.name for v in svc.vendors(tenant, tier="high")] == [
        "Zhejiang Dahua Technology Co., Ltd."
    ]
    assert [v.name for v in svc.vendors(tenant, tier="none")] == ["Axis Communications AB"]
    assert svc.vendors(tenant, tier="medium") == []
    ezviz = svc.add_vendor(VendorIn(name="Hangzhou Ezviz Software Co., Ltd."), tenant)
    assert ezviz.tier == "medium"  # reaches Hikvision through the family table only
    assert [v.id for v in svc.vendors(tenant, tier="medium")] == [ezviz.id]


def test_import_stores_every_row_or_none(loaded: tuple[Database, Settings]) -> None:
    svc = _svc(loaded)
    good = (
        b"name,country,identifiers,external_id\r\n"
        b"Hangzhou Hikvision Digital Technology Co.,CN,,ERP-1\r\n"
        b"Axis Communications AB,SE,,ERP-2\r\n"
    )
    done = svc.import_vendors(good, "vendors.csv", "importer")
    assert (done.imported, done.with_hits) == (2, 1)
    assert {v.external_id for v in done.vendors} == {"ERP-1", "ERP-2"}
    bad = (
        (
            "name,country\r\nDahua Technology,CN\r\n,CN\r\nHanwha Vision,KR\r\n"
            + "x" * 10
            + ",\r\n"
        ).encode()
        + b"Bosch,"
        + b"C" * 70
        + b"\r\n"
    )
    with pytest.raises(InputError) as caught:
        svc.import_vendors(bad, "bad.csv", "importer")
    message = caught.value.detail
    assert "row 2" in message and "row 5" in message and "nothing imported" in message
    assert len(svc.vendors("importer")) == 2  # nothing of the bad file was stored


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"vendor,country\r\nAcme,US\r\n", "no 'name' column"),
        (b"name,colour\r\nAcme,red\r\n", "unknown column"),
        (b"name\r\n", "no vendors"),
    ],
)
def test_import_refuses_unusable_files(
    loaded: tuple[Database, Settings], data: bytes, words: str
) -> None:
    with pytest.raises(InputError, match=words):
        _svc(loaded).import_vendors(data, "v.csv", "refused")


def test_cli_vendors_add_import_list_show(cli: None, tmp_path: object) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["vendors", "add", "Hikivision", "--json"])
    assert added.exit_code == 0, added.output
    vendor = json.loads(added.stdout)
    assert vendor["has_hits"]
    shown = runner.invoke(app, ["vendors", "show", vendor["id"]])
    assert json.loads(shown.stdout)["id"] == vendor["id"]
    listed = runner.invoke(app, ["vendors", "list", "--hits", "--json"])
    assert vendor["id"] in {v["id"] for v in json.loads(listed.stdout)}
    assert runner.invoke(app, ["vendors", "show", "nope"]).exit_code == 2
    assert runner.invoke(app, ["vendors", "show", vendor["id"], "--tenant", "other"]).exit_code == 2
