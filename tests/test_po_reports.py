"""Purchase orders before deployment: the realistic order flags exactly its restricted lines,
reports people read render in headless Chromium, and the upload API refuses bad files without
storing anything — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from screening.cli import EXIT_OK, app
from screening.models import StoredReport
from screening.settings import Settings

from .conftest import FIXTURES, Database, make_app

ORDERS = FIXTURES / "orders"
INVENTORY = FIXTURES / "devices" / "inventory.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only: the purchase-order reports are checked above the storage (see
    `loaded_sqlite`)."""
    return loaded_sqlite


def test_order_flags_exactly_the_restricted_lines(cli: None) -> None:
    res = runner.invoke(
        app, ["po", "check", str(ORDERS / "po_cameras.csv"), "--profile", "us-federal"]
    )
    assert res.exit_code == EXIT_OK, res.output
    report = json.loads(res.stdout)
    flagged = {i["row"] for i in report["items"] if i["tier"] in ("prohibited", "high")}
    assert flagged == {1, 2, 3, 4}
    nvr = report["items"][0]
    assert (
        nvr["declared_make"] is None
        and nvr["model"] == "DS-7608NI-K2/8P"
        and nvr["family"] == "hikvision"
    )
    assert (
        report["items"][2]["family"] == "dahua" and report["items"][2]["relabel_suspected"]
    )  # Amcrest
    hilook = report["items"][3]
    assert hilook["vendor"] == "Hikvision UK Ltd" and hilook["vendor_matches"]
    assert all(0 <= m["score"] <= 1 for m in hilook["vendor_matches"])
    assert "hikvision" in hilook["vendor_matches"][0]["matched_name"].lower()
    assert all(
        not i["vendor_matches"] for i in report["items"] if i["vendor"] != "Hikvision UK Ltd"
    )
    assert {v["vendor"] for v in report["vendors"]} == {
        "Northgate Security Supply Ltd",
        "Hikvision UK Ltd",
    }
    clean = json.loads(
        runner.invoke(
            app, ["po", "check", str(ORDERS / "po_clean.csv"), "--profile", "us-federal"]
        ).stdout
    )
    assert {i["tier"] for i in clean["items"]} <= {"low", "none"}


def test_csv_report_neutralises_formulas(cli: None, tmp_path: Path) -> None:
    inv = tmp_path / "inv.csv"
    inv.write_text(
        "asset tag,make,model,site\n=cmd|' /C calc'!A0,Hikvision,DS-2CD2143G2-I,+Store 1\n"
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(
        app,
        [
            "inventory",
            "score",
            str(inv),
            "--profile",
            "uk-retail",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
    )
    assert res.exit_code == EXIT_OK, res.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["asset_id"].startswith("'=") and row["site"].startswith("'+")
    assert row["family"] == "hikvision"
    # JSON is a machine format: not altered.
    data = json.loads(
        runner.invoke(app, ["inventory", "score", str(inv), "--profile", "uk-retail"]).stdout
    )
    assert data["devices"][0]["asset_id"].startswith("=cmd")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_or_skip() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but Chromium is missing: scripts/test installs Debian's chromium")
    pytest.skip("headless Chromium not installed (scripts/test installs it)")


def test_html_report_renders_in_headless_chromium(cli: None, tmp_path: Path) -> None:
    browser = _chromium_or_skip()
    page = tmp_path / "po.html"
    res = runner.invoke(
        app,
        [
            "po",
            "check",
            str(ORDERS / "po_cameras.csv"),
            "--profile",
            "us-federal",
            "--format",
            "html",
            "--output",
            str(page),
        ],
    )
    assert res.exit_code == EXIT_OK, res.output
    html = page.read_text(encoding="utf-8")
    # Self-contained: nothing is fetched when it is viewed.
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html) and "@import" not in html
    profile = tmp_path / "chrome-profile"
    common = [browser, *_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1600"]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="tier-chart"' in dom.stdout
    assert len(re.findall(r'<tr class="item tier-prohibited', dom.stdout)) == 4
    assert "DS-7608NI-K2/8P" in dom.stdout and "Hikvision UK Ltd" in dom.stdout
    for source, version in json.loads(
        runner.invoke(
            app, ["po", "check", str(ORDERS / "po_cameras.csv"), "--profile", "us-federal"]
        ).stdout
    )["snapshots"].items():
        if source in ("us_ndaa_889", "us_fcc_covered"):
            assert version in dom.stdout
    shot = tmp_path / "po.png"
    run = subprocess.run(
        [*common, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert (
        data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    )  # a rendered page, not a blank one


@pytest.fixture
def api(loaded: tuple[Database, Settings]) -> Iterator[tuple[TestClient, Database]]:
    db, settings = loaded
    # A small upload limit, so the too-large case needs no big body.
    settings = settings.model_copy(update={"max_upload_bytes": 20_000})
    application = make_app(settings)
    with TestClient(application) as c:
        yield c, db


def _stored(db: Database) -> int:
    with db.session() as s:
        return len(s.exec(select(StoredReport)).all())


def test_api_inventory_upload_and_reports(api: tuple[TestClient, Database]) -> None:
    c, db = api
    before = _stored(db)
    r = c.post(
        "/v1/inventories",
        files={"file": ("inventory.csv", INVENTORY.read_bytes(), "text/csv")},
        data={"profile": "us-federal"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    rid = body["id"]
    assert body["summary"]["devices"] == 50 and body["snapshots"]["us_ndaa_889"]
    assert _stored(db) == before + 1
    got = c.get(f"/v1/inventories/{rid}").json()
    assert got["snapshots"] == body["snapshots"] and len(got["devices"]) == 50
    as_json = c.get(f"/v1/inventories/{rid}/report", params={"format": "json"}).json()
    assert as_json["devices"] == body["devices"]
    as_csv = c.get(f"/v1/inventories/{rid}/report", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == 50
    as_html = c.get(f"/v1/inventories/{rid}/report", params={"format": "html"})
    assert (
        as_html.headers["content-type"].startswith("text/html")
        and 'id="tier-chart"' in as_html.text
    )
    assert c.get(f"/v1/inventories/{rid}/report", params={"format": "pdf"}).status_code == 422
    assert c.get("/v1/inventories/nope").status_code == 404


def test_api_bad_uploads_store_nothing(api: tuple[TestClient, Database]) -> None:
    c, db = api
    before = _stored(db)
    cases = [
        (("notes.pdf", b"%PDF-1.4 not an inventory", "application/pdf"), 400, "pdf"),
        (
            ("big.csv", b"make,model\n" + b"Hikvision,DS-2CD2143G2-I\n" * 2000, "text/csv"),
            413,
            "limit",
        ),
        (("colours.csv", b"colour,weight\nred,3\n", "text/csv"), 400, "column"),
        (("empty.csv", b"", "text/csv"), 400, "empty"),
    ]
    for upload, status, words in cases:
        r = c.post("/v1/inventories", files={"file": upload}, data={"profile": "default"})
        assert r.status_code == status, (upload[0], r.text)
        assert set(r.json()) == {"detail"} and words in r.json()["detail"].lower(), r.json()
    r = c.post(
        "/v1/inventories",
        files={"file": ("inventory.csv", INVENTORY.read_bytes(), "text/csv")},
        data={"profile": "nato"},
    )
    assert r.status_code == 400 and "us-federal" in r.json()["detail"]
    assert _stored(db) == before


def test_api_purchase_order_check(api: tuple[TestClient, Database]) -> None:
    c, db = api
    before = _stored(db)
    r = c.post(
        "/v1/purchase-orders/check",
        files={"file": ("po.csv", (ORDERS / "po_cameras.csv").read_bytes(), "text/csv")},
        data={"profile": "us-federal"},
    )
    assert r.status_code == 200, r.text
    assert {i["row"] for i in r.json()["items"] if i["tier"] in ("prohibited", "high")} == {
        1,
        2,
        3,
        4,
    }
    assert _stored(db) == before
