"""The CLI and the API over the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from screening.cli import EXIT_INPUT, EXIT_OK, EXIT_REFRESH_FAILED, app
from screening.service import catalog
from screening.settings import Settings, get_settings
from screening.sources.registry import FIXED_SOURCES

from .conftest import Database, make_app, make_settings


@pytest.fixture
def env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI reads its settings from the environment, as a user's shell would set them."""
    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "300")  # rich wraps table cells to the terminal width
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


runner = CliRunner()


def test_cli_refresh_offline_lists_and_entity(env: Settings) -> None:
    res = runner.invoke(app, ["refresh", "--offline", "--source", "us_ofac_sdn"])
    assert res.exit_code == EXIT_OK, res.output
    res = runner.invoke(app, ["lists", "--json"])
    assert res.exit_code == EXIT_OK, res.output
    listing = json.loads(res.stdout)
    assert [x["source"] for x in listing][: len(FIXED_SOURCES)] == [s.id for s in FIXED_SOURCES]
    sdn = next(x for x in listing if x["source"] == "us_ofac_sdn")
    assert sdn["status"] == "ok" and sdn["entity_count"] == 15402
    assert sdn["published_at"] == "2024-06-27" and sdn["completeness"] == "full"
    assert (
        sdn["version"].startswith("2024-06-27-") and len(sdn["version"]) == len("2024-06-27-") + 8
    )
    for other in listing:
        if other["entity_count"] == 0:
            assert other["status"] == "no_data"
            assert (
                other["version"],
                other["published_at"],
                other["fetched_at"],
                other["completeness"],
            ) == (None, None, None, None)
    res = runner.invoke(app, ["entity", "us_ofac_sdn:306", "--json"])
    assert res.exit_code == EXIT_OK, res.output
    ent = json.loads(res.stdout)
    assert ent["name"] == "BANCO NACIONAL DE CUBA" and ent["programs"] == ["CUBA"]
    prov = ent["provenance"]
    assert prov["source"] == "us_ofac_sdn" and prov["snapshot_version"] == sdn["version"]
    assert prov["publisher_url"].startswith("https://sanctionslist.ofac.treas.gov")
    res = runner.invoke(app, ["entity", "us_ofac_sdn:306"])
    assert res.exit_code == EXIT_OK and "BANCO NACIONAL DE CUBA" in res.stdout
    assert sdn["version"] in res.stdout and "sanctionslist.ofac.treas.gov" in res.stdout


def test_cli_errors_map_to_exit_codes(env: Settings) -> None:
    res = runner.invoke(app, ["entity", "us_ofac_sdn:306"])
    assert res.exit_code == EXIT_INPUT and "no data loaded" in res.stderr
    res = runner.invoke(app, ["entity", "nonsense"])
    assert res.exit_code == EXIT_INPUT and "not an entity id" in res.stderr
    res = runner.invoke(app, ["refresh", "--source", "no_such_list"])
    assert res.exit_code == EXIT_INPUT and "source 'no_such_list'" in res.stderr


def test_cli_lists_shows_refresh_failed(env: Settings, db: Database) -> None:
    with db.session() as s:
        catalog.refresh(s, env, ["us_ofac_sdn"], offline=True)
        out = catalog.refresh(
            s, env, ["us_ofac_sdn"], transport=httpx.MockTransport(lambda r: httpx.Response(403))
        )
    assert out[0].result == "failed"
    res = runner.invoke(app, ["lists", "--json"])
    sdn = next(x for x in json.loads(res.stdout) if x["source"] == "us_ofac_sdn")
    assert sdn["status"] == "refresh_failed" and "HTTP 403" in sdn["last_error"]
    assert sdn["entity_count"] == 15402
    res = runner.invoke(app, ["lists"])
    assert res.exit_code == EXIT_OK
    assert "refresh_failed" in res.stdout and "HTTP 403" in res.stdout


def test_cli_refresh_failure_exits_4(
    env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundled snapshot that cannot be parsed: the refresh fails cleanly, exit 4."""
    data = tmp_path / "data" / "us_ofac_sdn"
    data.mkdir(parents=True)
    (data / "sdn.csv").write_bytes(b"<html><body>Service unavailable</body></html>")
    (data / "manifest.json").write_text(
        json.dumps({"published_at": None, "completeness": "full", "files": ["sdn.csv"]})
    )
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    res = runner.invoke(app, ["refresh", "--offline", "--source", "us_ofac_sdn"])
    assert res.exit_code == EXIT_REFRESH_FAILED
    assert "refresh failed" in res.stderr and "not an OFAC CSV file" in res.stderr


@pytest.fixture
def client(db: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = make_settings(db.url, tmp_path)
    api = make_app(settings)
    with TestClient(api) as c:
        yield c, settings


def test_api_health_sources_snapshots_entity(
    client: tuple[TestClient, Settings], db: Database
) -> None:
    c, settings = client
    assert c.get("/health").json()["status"] == "ok"
    sources = c.get("/v1/sources").json()
    assert {s["source"] for s in sources} >= {"us_ofac_sdn", "eu_fsf"}
    assert all(s["status"] == "no_data" for s in sources)
    with db.session() as s:
        catalog.refresh(s, settings, ["us_ofac_sdn"], offline=True)
    sdn = next(s for s in c.get("/v1/sources").json() if s["source"] == "us_ofac_sdn")
    assert sdn["status"] == "ok" and sdn["entity_count"] == 15402
    snaps = c.get("/v1/sources/us_ofac_sdn/snapshots").json()
    assert (
        len(snaps) == 1 and snaps[0]["status"] == "active" and snaps[0]["version"] == sdn["version"]
    )
    assert snaps[0]["counts"] == {
        "organization": 7252,
        "person": 6915,
        "vessel": 861,
        "aircraft": 374,
    }
    ent = c.get("/v1/entities/us_ofac_sdn:306").json()
    assert ent["name"] == "BANCO NACIONAL DE CUBA"
    assert ent["provenance"]["snapshot_version"] == sdn["version"]


def test_api_errors_have_one_shape(client: tuple[TestClient, Settings]) -> None:
    c, _ = client
    r = c.get("/v1/entities/us_ofac_sdn:306")
    assert r.status_code == 404 and "no data loaded" in r.json()["detail"]
    r = c.get("/v1/entities/nonsense")
    assert r.status_code == 400 and set(r.json()) == {"detail"}
    r = c.get("/v1/sources/nope/snapshots")
    assert r.status_code == 404 and "unknown source" in r.json()["detail"]


def test_openapi_docs_served(client: tuple[TestClient, Settings]) -> None:
    c, _ = client
    paths = c.get("/openapi.json").json()["paths"]
    assert {"/health", "/v1/sources", "/v1/sources/{source_id}/snapshots"} <= set(paths)
    assert c.get("/docs").status_code == 200
