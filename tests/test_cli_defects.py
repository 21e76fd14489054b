"""The small defects a new user met (issue 14, point 5), each through the face they met it in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from screening.cli import EXIT_INPUT, EXIT_OK, app
from screening.settings import Settings

from .conftest import Database, make_app

runner = CliRunner()
HIK_EL = "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"


def test_entity_prints_values_not_python_reprs(cli: None) -> None:
    res = runner.invoke(app, ["entity", HIK_EL])
    assert res.exit_code == EXIT_OK, res.output
    assert "84 FR 54004" in res.stdout  # the citation is there, as text
    for repr_marker in ("[{", "{'", "'citation'", ": None", " None\n"):
        assert repr_marker not in res.stdout, (repr_marker, res.stdout)


def test_lists_table_is_readable_in_80_columns(cli: None) -> None:
    res = runner.invoke(app, ["lists"], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == EXIT_OK, res.output
    lines = res.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    ids = json.loads(runner.invoke(app, ["lists", "--json"]).stdout)
    for s in ids:
        # every source id whole on one line: not folded mid-word into a ragged column
        assert any(
            re.search(rf"(^|[\s│┃]){re.escape(s['source'])}([\s│┃]|$)", line) for line in lines
        ), s["source"]


def test_import_errors_name_the_users_file(cli: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "x", "schema": "Company", "properties": {}}\nnot json\n')
    res = runner.invoke(app, ["import", "opensanctions", "test", str(bad)])
    assert f"{bad}: line 2" in res.stderr
    assert "entities.ftm.json" not in res.stderr


def test_custom_lists_say_they_are_denied_party_lists() -> None:
    """An approved-vendor list loaded here would raise risk: the help must not invite it."""
    res = runner.invoke(app, ["lists", "add-custom", "--help"], terminal_width=200)
    assert res.exit_code == EXIT_OK
    text = " ".join(res.stdout.split())
    assert "denied-party list" in text and "approved" not in text


def test_the_api_says_how_to_force_in_the_api(loaded: tuple[Database, Settings]) -> None:
    _, settings = loaded
    with TestClient(make_app(settings)) as c:
        names = "".join(f"Vendor {i}\n" for i in range(10))
        first = c.post("/v1/custom-lists/shrink", content="name\n" + names)
        assert first.status_code == 200, first.text
        refused = c.post("/v1/custom-lists/shrink", content="name\nVendor 1\n")
        assert refused.status_code == 409
        assert "force=true" in refused.json()["detail"]


def test_a_bad_profile_names_every_profile_with_its_purpose(cli: None, tmp_path: Path) -> None:
    f = tmp_path / "inv.csv"
    f.write_text("make,model\nAxis,P3245-V\n")
    res = runner.invoke(app, ["inventory", "score", str(f), "--profile", "nato"])
    assert res.exit_code == EXIT_INPUT
    for profile in ("us-federal", "uk-public-sector", "uk-retail", "default"):
        assert profile in res.stderr
