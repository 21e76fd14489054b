"""The screen faces on every bundled list (SQLite and PostgreSQL): one result per party, the
corporate-family search with its relation stated, the `--file` party/relation columns, typed
batch values and formula-cell neutralisation, through the CLI and the API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from screening.cli import EXIT_OK, app
from screening.settings import Settings

from .conftest import Database, make_app

runner = CliRunner()
HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."
HIK_SOURCES = {
    "us_bis_entity_list",
    "us_ofac_cons",
    "us_fcc_covered",
    "us_ndaa_889",
    "us_dod_1260h",
}


def _screen(*args: str) -> dict[str, Any]:
    res = runner.invoke(app, ["screen", *args, "--json"])
    assert res.exit_code == EXIT_OK, res.output
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _party(result: dict[str, Any], name: str = HIK) -> dict[str, Any]:
    found = [p for p in result["parties"] if p["name"] == name]
    assert len(found) == 1, [p["name"] for p in result["parties"]]
    return found[0]


def test_hikvision_is_one_party_with_its_five_listings(cli: None) -> None:
    result = _screen("Hikvision")
    party = _party(result)
    assert result["parties"][0] is not None and result["parties"][0]["name"] == HIK
    assert party["match"] and party["relation"] == "listed" and party["family"] is None
    by_source = {li["source"]: li for li in party["listings"]}
    assert set(by_source) >= HIK_SOURCES
    assert by_source["us_bis_entity_list"]["listed_on"] == "2019-10-09"
    assert "CMIC-EO13959" in by_source["us_ofac_cons"]["programs"]
    # One party, not one per list; the per-listing view is still there (extend, never drop).
    assert sum(1 for p in result["parties"] if "hikvision" in p["name"].lower()) == 1
    assert {m["source"] for m in result["matches"]} >= HIK_SOURCES


@pytest.mark.parametrize(
    ("name", "relation", "row"),
    [
        ("Hangzhou Ezviz Software Co., Ltd.", f"subsidiary of {HIK}", "EZVIZ"),
        ("海康威视", "listed", "Hikvision"),
        ("Prama Hikvision India", f"affiliate of {HIK}", "Prama Hikvision India"),
    ],
)
def test_family_names_lead_to_the_listed_party_with_the_relation(
    cli: None, name: str, relation: str, row: str
) -> None:
    result = _screen(name)
    party = result["parties"][0]
    assert party["name"] == HIK and party["match"] and party["relation"] == relation
    assert party["family"]["row"] == row
    assert {li["source"] for li in party["listings"]} >= HIK_SOURCES
    assert party["summary"].startswith(f"{row} — {relation}, which is on") or relation == "listed"


def test_a_subsidiary_is_never_presented_as_listed_itself(cli: None) -> None:
    result = _screen("Hangzhou Ezviz Software Co., Ltd.")
    party = result["parties"][0]
    assert party["family"]["confidence"] == "high" and party["family"]["line"] == 3
    assert "EZVIZ IPO prospectus" in party["family"]["source"]
    # No listing matched EZVIZ by name: the per-listing view holds no Hikvision entry.
    assert not any("hikvision" in m["matched_name"].lower() for m in result["matches"])


def test_low_confidence_row_alone_is_only_a_weak_signal(cli: None) -> None:
    party = _party(_screen("Prama India"))
    assert party["weak"] and not party["match"] and party["score"] < 0.8
    assert "weak signal" in party["summary"] and party["family"]["confidence"] == "low"
    assert sum(f["contribution"] for f in party["features"]) == pytest.approx(
        party["score"], abs=2e-4
    )


def test_human_output_shows_the_party_once_with_listings(cli: None) -> None:
    res = runner.invoke(app, ["screen", "Hikvision"])
    assert res.exit_code == EXIT_OK
    assert res.stdout.count(f"{HIK} — on") == 1
    for source in HIK_SOURCES:
        assert f"{source}: " in res.stdout
    full = runner.invoke(app, ["screen", "Hikivision", "--explain"]).stdout
    compact = runner.invoke(app, ["screen", "Hikivision"]).stdout
    assert "token_similarity" in compact and len(full) > len(compact)
    ezviz = runner.invoke(app, ["screen", "Hangzhou Ezviz Software Co., Ltd."]).stdout
    assert f"EZVIZ — subsidiary of {HIK}, which is on" in " ".join(ezviz.split())


def test_file_party_and_relation_columns_name_the_listed_party(cli: None, tmp_path: Path) -> None:
    src = tmp_path / "vendors.csv"
    src.write_text(
        "name,ref\nHangzhou Ezviz Software Co., Ltd.,A\nHikvision,B\n@AL3XL7,C\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["screen", "--file", str(src), "--output", str(out)])
    assert res.exit_code == EXIT_OK, res.output
    ezviz, hik, handle = list(csv.DictReader(out.open(encoding="utf-8")))
    assert ezviz["match"] == "true" and ezviz["relation"] == f"subsidiary of {HIK}"
    assert ezviz["party"] == HIK and ezviz["source"] in HIK_SOURCES
    assert ezviz["entity_id"].startswith(ezviz["source"] + ":")
    assert "hikvision" in ezviz["matched_name"].lower()
    assert set(ezviz["hit_sources"].split(";")) >= HIK_SOURCES
    assert hik["relation"] == "listed" and hik["party"] == HIK
    # A real SDN name starting with '@': input and list name both neutralised.
    assert handle["name"] == "'@AL3XL7" and handle["matched_name"] == "'@AL3XL7"


def test_compare_pairs_neutralises_formula_cells(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2\n=HYPERLINK(1),+Hikvision\n")
    res = runner.invoke(app, ["compare", "--pairs", str(pairs)])
    assert res.exit_code == EXIT_OK, res.output
    row = next(csv.DictReader(io.StringIO(res.stdout)))
    assert row["name1"] == "'=HYPERLINK(1)" and row["name2"] == "'+Hikvision"


@pytest.fixture
def api(loaded: tuple[Database, Settings]) -> Iterator[TestClient]:
    _db, settings = loaded
    application = make_app(settings)
    with TestClient(application) as c:
        yield c


def test_api_screen_returns_parties_beside_matches(api: TestClient) -> None:
    body = api.post("/v1/screen", json={"name": "Hangzhou Ezviz Software Co., Ltd."}).json()
    party = body["parties"][0]
    assert party["name"] == HIK and party["relation"] == f"subsidiary of {HIK}"
    assert {li["source"] for li in party["listings"]} >= HIK_SOURCES
    assert "matches" in body
    body = api.post("/v1/screen", json={"name": "Hikvision"}).json()
    assert [p["name"] for p in body["parties"] if p["match"]][:1] == [HIK]
    schema = api.get("/openapi.json").json()
    ref = schema["paths"]["/v1/screen"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]["$ref"]
    assert ref.endswith("/ScreenResult")


def test_api_batch_json_is_typed_and_csv_neutralised(api: TestClient) -> None:
    rows = api.post(
        "/v1/screen/batch",
        json=[{"name": "Hangzhou Ezviz Software Co., Ltd."}, {"name": "Axis Communications"}],
    ).json()
    assert rows[0]["match"] is True and rows[0]["relation"] == f"subsidiary of {HIK}"
    assert isinstance(rows[0]["score"], float) and rows[0]["hits"] >= 5
    assert rows[1]["match"] is False
    r = api.post(
        "/v1/screen/batch?format=csv",
        content="name,ref\n@AL3XL7,-1\n",
        headers={"Content-Type": "text/csv"},
    )
    row = next(csv.DictReader(io.StringIO(r.text)))
    assert row["ref"] == "'-1" and row["name"] == "'@AL3XL7" and row["matched_name"] == "'@AL3XL7"
    assert row["match"] in {"true", "false"} and len(row["score"].split(".")[1]) == 4


def test_page_renders_parties(api: TestClient) -> None:
    # The key-based page moved to /screen/key when `/` became the web application's overview.
    page = api.get("/screen/key").text
    assert "body.parties" in page and "listings" in page


def test_threshold_applies_to_family_finds(cli: None) -> None:
    # A name near EZVIZ but well below the default threshold: the user's threshold decides.
    name = "Ezviz Intelligent Building Systems"

    def ezviz(threshold: float) -> list[dict[str, Any]]:
        parties = _screen(name, "--threshold", f"{threshold:.4f}")["parties"]
        return [p for p in parties if p["family"] and p["family"]["row"] == "EZVIZ"]

    score = ezviz(0.3)[0]["score"]
    assert score >= 0.3
    below = ezviz(score - 0.01)
    assert below and below[0]["match"] and below[0]["relation"] == f"subsidiary of {HIK}"
    assert not any(p["match"] for p in ezviz(min(score + 0.01, 1.0)))


def test_lists_own_non_latin_aliases_are_screened(cli: None) -> None:
    # The UN list's own Chinese name of KPe.016, compared in its own script.
    party = _screen("朝鲜联合机械贸易会社")["parties"][0]
    assert party["match"] and party["relation"] == "listed"
    assert party["name"] == "KOREA RYONHA MACHINERY JOINT VENTURE CORPORATION"
    assert [li["matched_name"] for li in party["listings"]][:1] == ["朝鲜联合机械贸易会社"]
