"""Freshness that tells the truth (issue 17, point 3): a statute is dated by the day its bundled
copy was last verified, not by its enactment; the UK profiles need the UK list; every source
says whose measure it is and what it is worth to a UK buyer."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from screening.cli import EXIT_DATA, EXIT_OK, app

from .conftest import FIXTURES

runner = CliRunner()
CLEAN = str(FIXTURES / "orders" / "po_clean.csv")


def test_lists_show_verification_dates_and_standing(cli: None) -> None:
    res = runner.invoke(app, ["lists", "--json"])
    assert res.exit_code == EXIT_OK
    by_id = {s["source"]: s for s in json.loads(res.stdout)}
    ndaa = by_id["us_ndaa_889"]
    assert ndaa["published_at"] == "2018-08-13"
    assert ndaa["verified_at"] and ndaa["verified_at"] > "2026-01-01"
    assert by_id["us_ofac_sdn"]["verified_at"] is None  # a live list is dated by its publisher
    assert (by_id["gb_fcdo_sanctions"]["jurisdiction"], by_id["gb_fcdo_sanctions"]["uk_force"]) == (
        "UK",
        "binding",
    )
    assert by_id["us_fcc_covered"]["uk_force"] == "context"


def test_the_age_gate_reads_the_statute_by_its_verification(cli: None) -> None:
    """Before: any --max-list-age under us-federal failed on NDAA §889's 2018 date alone."""
    res = runner.invoke(
        app, ["check", CLEAN, "--profile", "us-federal", "--max-list-age", "36500d"]
    )
    assert res.exit_code == EXIT_OK, res.stderr
    res = runner.invoke(app, ["check", CLEAN, "--profile", "us-federal", "--max-list-age", "30d"])
    assert "us_ndaa_889" not in res.stderr  # verified within days, not 2018
    # ...and a list that is really stale still fails the gate (the bundled SDN is of 2024).
    assert res.exit_code == EXIT_DATA and "us_ofac_sdn: published 2024-06-27" in res.stderr


def test_uk_profiles_need_the_uk_list_and_warn_on_a_sample(cli: None) -> None:
    res = runner.invoke(app, ["check", CLEAN, "--profile", "uk-retail", "--format", "json"])
    assert res.exit_code == EXIT_OK, res.stderr
    assert "gb_fcdo_sanctions" in json.loads(res.stdout)["required_sources"]
    assert "gb_fcdo_sanctions: only a sample" in res.stderr
