"""Name screening through the service, CLI and API against every bundled list (SQLite and
PostgreSQL): the issue's names, the file and pairs contracts, and the batch endpoint."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from screening.cli import EXIT_INPUT, EXIT_OK, app
from screening.service import names as namescreen
from screening.service import screenfile
from screening.settings import Settings

from .conftest import Database, make_app

runner = CliRunner()
HIK_EL = "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"
HIK_SOURCES = {
    "us_bis_entity_list",
    "us_ofac_cons",
    "us_fcc_covered",
    "us_ndaa_889",
    "us_dod_1260h",
}


def _screen(name: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, ["screen", name, "--json"])
    assert res.exit_code == EXIT_OK, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "name",
    [
        "Hikivision",
        "Hikvison",
        "HIKVISION",
        "HIK VISION",
        "Hik-Vision",
        "Hangzhou Hikvision Digital Technology Co Ltd",
        "Hikvision Digital Technology",
    ],
)
def test_finds_hikvision_on_the_entity_list(cli: None, name: str) -> None:
    result = _screen(name)
    hit = [m for m in result["matches"] if m["entity_id"] == HIK_EL]
    assert hit and hit[0]["match"] and hit[0]["score"] >= hit[0]["threshold"]
    assert hit[0]["snapshot_version"] == result["snapshots"]["us_bis_entity_list"]
    assert hit[0]["features"] and all("explanation" in f for f in hit[0]["features"])


@pytest.mark.parametrize("name", ["Dahau", "Zhejiang Dahua Technology Co., Ltd."])
def test_finds_dahua_on_the_entity_list(cli: None, name: str) -> None:
    matches = _screen(name)["matches"]
    assert any(
        m["source"] == "us_bis_entity_list" and "dahua" in m["matched_name"].lower()
        for m in matches
    )


@pytest.mark.parametrize(
    "name",
    ["Axis Communications", "Bosch Security Systems", "Hanwha Vision", "Hyster", "Hikari Optics"],
)
def test_clean_makers_find_nothing(cli: None, name: str) -> None:
    assert _screen(name)["matches"] == []


def test_one_name_finds_the_party_on_every_list(cli: None) -> None:
    matches = _screen("Hikvision")["matches"]
    hik = {m["source"] for m in matches if "hikvision" in m["matched_name"].lower()}
    assert hik >= HIK_SOURCES


def test_identifier_match_scores_one(cli: None, loaded: tuple[Database, Settings]) -> None:
    db, settings = loaded
    with db.session() as s:
        result = namescreen.screen_name(
            s, settings, "Some Holding Company", identifiers=["CNE100000PM8"]
        )
    top = result.matches[0]
    assert top.entity_id == "us_ofac_cons:30946" and top.score == 1.0
    assert "CNE100000PM8" in top.model_dump_json()
    # ... and the party it belongs to is Hikvision, with every listing the name found.
    assert result.parties[0].name == "Hangzhou Hikvision Digital Technology Co., Ltd."


def test_screen_file_contract(cli: None, tmp_path: Path) -> None:
    src = tmp_path / "vendors.csv"
    src.write_text(
        "name,kind,country,po_ref\n"
        "Hikivision,,,=1+1\n"
        "Axis Communications,organization,SE,PO-2\n"
        ",,,PO-3\n"
        "Dahau,robot,,PO-4\n"
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["screen", "--file", str(src), "--output", str(out)])
    assert res.exit_code == EXIT_OK, res.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [
        "name",
        "kind",
        "country",
        "po_ref",
        "match",
        "score",
        "entity_id",
        "source",
        "matched_name",
        "hits",
        "hit_sources",
        "error",
        "party",
        "relation",
    ]
    # In order; a formula-like input cell gets a leading quote (issue 19, item 5).
    assert [r["po_ref"] for r in rows] == ["'=1+1", "PO-2", "PO-3", "PO-4"]
    hik, axis, empty, robot = rows
    assert hik["match"] == "true" and int(hik["hits"]) >= 5
    assert set(hik["hit_sources"].split(";")) >= HIK_SOURCES
    assert hik["party"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert hik["relation"] == "listed"
    assert len(hik["score"].split(".")[1]) == 4
    assert axis["match"] == "false" and axis["hits"] == "0" and axis["error"] == ""
    assert (
        empty["error"] == "empty name"
        and empty["score"] == "0.0000"
        and empty["matched_name"] == ""
    )
    assert robot["error"] == "unknown kind 'robot'"
    bad = tmp_path / "bad.csv"
    bad.write_text("vendor\nHikvision\n")
    res = runner.invoke(app, ["screen", "--file", str(bad)])
    assert res.exit_code == EXIT_INPUT and "no 'name' column" in res.stderr


def test_compare_pairs_contract(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,kind\n"
        "Hikivision,Hangzhou Hikvision Digital Technology Co. Ltd.,\n"
        "Axis Communications,Z AXIS LLC,organization\n"
        "Hikvision,Hikvision,\n"
    )
    res = runner.invoke(app, ["compare", "--pairs", str(pairs)])
    assert res.exit_code == EXIT_OK, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["kind"] for r in rows] == ["organization"] * 3
    assert rows[0]["match"] == "true" and rows[1]["match"] == "false"
    assert rows[2]["score"] == "1.0000"
    for r in rows:
        assert 0.0 <= float(r["score"]) <= 1.0 and len(r["score"].split(".")[1]) == 4
    pairs.write_text("name1,name2,kind\na,b,\nc,d,company\ne,f,thing\n")
    res = runner.invoke(app, ["compare", "--pairs", str(pairs)])
    assert res.exit_code == EXIT_INPUT
    assert "row 2 (line 3), field kind" in res.stderr and "row 3 (line 4)" in res.stderr
    res = runner.invoke(app, ["compare", "Hikivision", "Hikvision", "--json"])
    data = json.loads(res.stdout)
    assert data["match"] is True and data["features"]


@pytest.fixture
def api(loaded: tuple[Database, Settings]) -> Iterator[TestClient]:
    _db, settings = loaded
    small = settings.model_copy(update={"max_upload_bytes": 5000})
    application = make_app(small)
    with TestClient(application) as c:
        yield c


def test_api_screen_and_batch(api: TestClient) -> None:
    r = api.post("/v1/screen", json={"name": "Hik-Vision"})
    assert r.status_code == 200
    assert HIK_EL in {m["entity_id"] for m in r.json()["matches"]}
    assert api.post("/v1/screen", json={"name": ""}).status_code == 422
    r = api.post("/v1/screen", json={"name": "x", "kind": "robot"})
    assert r.status_code == 400 and "unknown kind" in r.json()["detail"]
    body = [{"name": "Dahau"}, {"name": "Axis Communications"}, {"name": ""}]
    rows = api.post("/v1/screen/batch", json=body).json()
    # Real booleans and numbers in JSON (they were the strings "true"/"0.9000").
    assert [r["match"] for r in rows] == [True, False, False]
    assert rows[2]["error"] == "empty name" and rows[2]["score"] == 0 and rows[2]["hits"] == 0
    assert isinstance(rows[0]["score"], float) and isinstance(rows[0]["hits"], int)
    assert rows[0]["hits"] >= 1 and "dahua" in rows[0]["party"].lower()
    r = api.post(
        "/v1/screen/batch?format=csv",
        content="name,ref\nHikivision,A\nHanwha Vision,B\n",
        headers={"Content-Type": "text/csv"},
    )
    out = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["ref"], x["match"]) for x in out] == [("A", "true"), ("B", "false")]
    r = api.post("/v1/screen/batch?format=ndjson", json=body)
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [x["name"] for x in lines] == ["Dahau", "Axis Communications", ""]
    assert [x["match"] for x in lines] == [True, False, False]
    r = api.post(
        "/v1/screen/batch",
        content="name\n" + "Hikvision\n" * 1000,
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    r = api.post(
        "/v1/screen/batch", content="{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400


def test_parallel_batch_equals_serial_and_keeps_order(
    cli: None, loaded: tuple[Database, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screenfile, "_MIN_PARALLEL", 0)  # a small file through the workers
    db, settings = loaded
    names = [
        "Hikivision",
        "Axis Communications",
        "",
        "Dahau",
        "Huawei Technologies",
        "Hanwha Vision",
    ] * 40
    rows = [{"name": n, "ref": str(i)} for i, n in enumerate(names)]
    with db.session() as s:
        ctx = namescreen.screen_context(s, settings)
    serial = list(screenfile.screen_rows(ctx, rows))
    parallel = list(screenfile.screen_rows(ctx, iter(rows), workers=2))
    assert parallel == serial
    assert [r["ref"] for r in parallel] == [str(i) for i in range(len(names))]
    # Each distinct query is screened once: repeats get the very same result values.
    assert serial[0] == {**serial[6], "ref": "0"} and serial[0]["match"] is True
    # Small windows screened ahead of the rows written, with the memo cleared as it goes.
    monkeypatch.setattr(screenfile, "_WINDOW", 7)
    monkeypatch.setattr(screenfile, "_MEMO_MAX", 2)
    assert list(screenfile.screen_rows(ctx, iter(rows), workers=2)) == serial
    assert list(screenfile.screen_rows(ctx, iter(rows))) == serial
