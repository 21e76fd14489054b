"""Every bundled snapshot loads, and Hikvision is found with its provenance on each list that
names it: the CLI contract (`screening lists --json`, `screening entity ID --json`) on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.cli import EXIT_OK, app
from screening.errors import ParseError
from screening.service import catalog
from screening.settings import get_settings
from screening.sources.bundled import has_bundle, load_bundle, verified_at
from screening.sources.registry import FIXED_SOURCES

from .conftest import Database, make_settings

runner = CliRunner()

HIKVISION = {
    # entity id: (listing date, what the provenance's publisher URL starts with, a program or scope)
    "us_ofac_cons:30946": ("2021-06-03", "https://sanctionslist.ofac.treas.gov"),
    "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn": (
        "2019-10-09",
        "https://www.ecfr.gov",
    ),
    "us_fcc_covered:hangzhou-hikvision-digital-technology-company": (
        "2021-03-12",
        "https://www.fcc.gov",
    ),
    "us_ndaa_889:hangzhou-hikvision-digital-technology-company": (
        "2018-08-13",
        "https://www.congress.gov",
    ),
    "us_dod_1260h:hangzhou-hikvision-digital-technology-co-ltd": (
        "2021-06-03",
        "https://www.defense.gov",
    ),
}


@pytest.fixture(scope="module")
def everything(module_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    settings = make_settings(module_db.url, tmp_path_factory.mktemp("state"))
    with module_db.session() as s:
        outcomes = catalog.load_bundled_if_empty(s, settings)
    assert not [o for o in outcomes if o.result == "failed"]
    assert {o.source_id for o in outcomes if o.result == "skipped"} == {"eu_fsf"}
    yield module_db


@pytest.fixture
def cli_env(
    everything: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setenv("SCREENING_DATABASE_URL", everything.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_lists_json_shows_every_bundled_source(cli_env: None) -> None:
    res = runner.invoke(app, ["lists", "--json"])
    assert res.exit_code == EXIT_OK
    listing = {x["source"]: x for x in json.loads(res.stdout)}
    with_entities = [k for k, v in listing.items() if v["entity_count"] > 0]
    assert len(with_entities) >= 10, with_entities
    eu = listing["eu_fsf"]
    assert eu["status"] == "no_data" and eu["entity_count"] == 0
    assert eu["version"] is None and eu["published_at"] is None and eu["fetched_at"] is None
    assert eu["completeness"] is None
    uk = listing["gb_fcdo_sanctions"]
    assert (uk["status"], uk["completeness"], uk["published_at"]) == ("ok", "sample", "2026-03-26")
    csl = listing["us_trade_csl"]
    assert (csl["completeness"], csl["published_at"]) == ("full", "2022-05-06")
    expected = {
        "us_ofac_sdn": 15402,
        "us_ofac_cons": 442,
        "us_trade_csl": 1553,
        "us_bis_entity_list": 3409,
        "us_bis_meu": 70,
        "us_fcc_covered": 16,
        "us_ndaa_889": 5,
        "un_sc": 1003,
        "us_cisa_kev": 1404,
        "gb_fcdo_sanctions": 17,
    }
    assert {k: listing[k]["entity_count"] for k in expected} == expected
    for x in listing.values():
        if x["version"]:
            date_part = x["published_at"] or x["fetched_at"][:10]
            assert x["version"].startswith(date_part + "-")


@pytest.mark.parametrize("entity_id", list(HIKVISION))
def test_hikvision_on_each_list_with_provenance(cli_env: None, entity_id: str) -> None:
    listed_on, publisher = HIKVISION[entity_id]
    res = runner.invoke(app, ["entity", entity_id, "--json"])
    assert res.exit_code == EXIT_OK, res.output
    ent = json.loads(res.stdout)
    assert "hikvision" in ent["name"].lower()
    prov = ent["provenance"]
    assert prov["source"] == entity_id.split(":")[0]
    assert prov["listed_on"] == listed_on == ent["listed_on"]
    assert prov["publisher_url"].startswith(publisher)
    assert (
        prov["snapshot_version"]
        and prov["snapshot_version"][:10] == (prov["published_at"] or "")[:10]
    )
    text = runner.invoke(app, ["entity", entity_id])
    assert text.exit_code == EXIT_OK
    assert prov["snapshot_version"] in text.stdout and listed_on in text.stdout


def test_hikvision_ns_cmic_is_an_investment_ban_not_a_blocking_program(cli_env: None) -> None:
    ent = json.loads(runner.invoke(app, ["entity", "us_ofac_cons:30946", "--json"]).stdout)
    assert ent["programs"] == ["CMIC-EO13959"]
    ids = {(i["type"], i["value"]) for i in ent["identifiers"]}
    assert {("ISIN", "CNE100000PM8"), ("USCC", "91330000733796106P")} <= ids
    assert "HIKVISION" in {n["name"] for n in ent["names"]}


def test_uk_sanctions_list_entity_by_the_fcdo_unique_id(cli_env: None) -> None:
    res = runner.invoke(app, ["entity", "gb_fcdo_sanctions:CYB0003", "--json"])
    assert res.exit_code == EXIT_OK, res.output
    ent = json.loads(res.stdout)
    assert ent["name"] == "Tianjin Huaying Haitai Science and Technology Development Co. Ltd"
    assert ent["listed_on"] == "2020-12-31"
    assert ent["programs"] == ["The Cyber (Sanctions) (EU Exit) Regulations 2020"]
    assert {"type": "UK Sanctions List ID", "value": "CYB0003"}.items() <= next(
        i for i in ent["identifiers"] if i["type"] == "UK Sanctions List ID"
    ).items()
    assert ent["provenance"]["publisher_url"].startswith("https://www.gov.uk/")


BUNDLED_ONLY = ("us_ndaa_889", "us_dod_1260h", "us_bis_entity_list", "us_bis_meu")


@pytest.mark.parametrize("source_id", BUNDLED_ONLY)
def test_bundled_only_sources_carry_the_day_they_were_last_verified(source_id: str) -> None:
    data_dir = get_settings().data_dir
    bundle = load_bundle(data_dir, source_id)
    assert bundle.verified_at is not None and bundle.verified_by
    assert bundle.published_at is not None and bundle.verified_at >= bundle.published_at
    assert verified_at(data_dir, source_id) == bundle.verified_at


def test_statute_is_verified_long_after_it_was_enacted() -> None:
    bundle = load_bundle(get_settings().data_dir, "us_ndaa_889")
    assert bundle.published_at == date(2018, 8, 13)  # the statute's date stays its date
    assert bundle.verified_at == date(2026, 11, 26)


def test_live_sources_have_no_verified_date() -> None:
    data_dir = get_settings().data_dir
    for spec in FIXED_SOURCES:
        if spec.files and has_bundle(data_dir, spec.id):
            assert load_bundle(data_dir, spec.id).verified_at is None, spec.id
    assert verified_at(data_dir, "eu_fsf") is None  # no bundle at all


def test_a_malformed_verified_date_names_the_manifest_field(tmp_path: Path) -> None:
    folder = tmp_path / "us_ndaa_889"
    folder.mkdir()
    (folder / "section_889.csv").write_text("x\n")
    (folder / "manifest.json").write_text(
        json.dumps({"files": ["section_889.csv"], "verified_at": "26/11/2026"})
    )
    with pytest.raises(ParseError, match=r"manifest\.json: field 'verified_at': '26/11/2026'"):
        load_bundle(tmp_path, "us_ndaa_889")
    with pytest.raises(ParseError, match="verified_at"):
        verified_at(tmp_path, "us_ndaa_889")
