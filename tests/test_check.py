"""`screening check`, the CI gate: exit codes and their precedence, SARIF validated against the
SARIF 2.1.0 schema, JUnit that parses, waivers that suppress exactly what they name, and the
ready-to-copy CI configurations checked offline."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.settings import Settings, get_settings

from .conftest import FIXTURES, Database

ORDERS = FIXTURES / "orders"
PO, CLEAN = str(ORDERS / "po_cameras.csv"), str(ORDERS / "po_clean.csv")
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())
REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only: the gate's outcomes, exit codes and reports are checked above the
    storage (see `loaded_sqlite`)."""
    return loaded_sqlite


def check(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["check", *args])
    return res.exit_code, res.stdout, res.stderr


def test_restricted_order_fails_and_clean_order_passes(cli: None) -> None:
    code, text, _ = check(PO, "--profile", "us-federal")
    assert code == 1 and "FAIL" in text
    code, out, _ = check(CLEAN, "--profile", "us-federal")
    assert code == 0 and out.splitlines()[-1].startswith("PASS: nothing at or above")
    code, out, _ = check(PO, "--profile", "us-federal", "--format", "json")
    body = json.loads(out)
    assert body["gate"]["exit_code"] == 1 and body["gate"]["fail_on"] == "high"
    assert body["gate"]["outcome"] == "fail" and body["kind"] == "po"
    assert {i["row"] for i in body["items"] if i["tier"] in ("prohibited", "high")} == {1, 2, 3, 4}
    # The text summary counts failing items as items and their findings as findings (issue
    # 14: it said "N finding(s)" under one FAIL line per item).
    failing = [f for f in body["gate"]["findings"] if f["level"] == "error" and not f["waived"]]
    rows = {f["row"] for f in failing}
    assert rows == {1, 2, 3, 4} and len(failing) == body["gate"]["failing"] > len(rows)
    assert sum(line.startswith("  FAIL ") for line in text.splitlines()) == len(rows)
    assert text.splitlines()[-1].startswith(
        f"FAIL: {len(rows)} failing items ({len(failing)} findings) at or above high not waived"
    )
    # --fail-on prohibited still fails (four prohibited lines); a bad tier is a usage error.
    assert check(PO, "--profile", "us-federal", "--fail-on", "prohibited")[0] == 1
    assert check(PO, "--profile", "us-federal", "--fail-on", "severe")[0] == 2


def test_unreadable_rows_exit_2_after_reporting_every_one(cli: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Line,Vendor,Manufacturer,Part Number,Qty\n"
        "1,Northgate Security Supply Ltd,Axis,P3245-V,8\n"
        "2,Northgate Security Supply Ltd,Bosch,NDE-5503-AL,ten\n"
        "3,Northgate Security Supply Ltd,Axis,Q6075-E,2.5\n"
    )
    code, _, err = check(str(bad), "--profile", "us-federal")
    assert code == 2
    assert "row 2 (line 3), field Qty" in err and "row 3 (line 4), field Qty" in err
    code, out, _ = check(str(bad), "--profile", "us-federal", "--format", "json")
    gate = json.loads(out)["gate"]
    assert code == 2 and (gate["outcome"], gate["exit_code"]) == ("unreadable", 2)
    # Precedence over several files: 2 before 1.
    assert check(PO, str(bad), "--profile", "us-federal")[0] == 2
    code, _, err = check(str(tmp_path / "missing.csv"), "--profile", "us-federal")
    assert code == 2 and "no such file" in err


def test_list_age_and_missing_lists_exit_3(
    cli: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = check(CLEAN, "--profile", "us-federal", "--max-list-age", "1d")
    assert code == 3 and "over --max-list-age" in err
    code, out, _ = check(PO, "--profile", "us-federal", "--max-list-age", "1d", "--format", "json")
    gate = json.loads(out)["gate"]
    assert code == 3 and (gate["outcome"], gate["exit_code"]) == ("lists", 3)
    assert check(PO, "--profile", "us-federal", "--max-list-age", "1d")[0] == 3  # 3 before 1
    code, _, err = check(CLEAN, "--profile", "us-federal")
    assert code == 0 and "warning: list us_ofac_sdn" in err  # no age gate, only a warning
    assert "list us_ndaa_889" not in err  # a statute is as old as its last verification
    assert check(CLEAN, "--profile", "us-federal", "--max-list-age", "soon")[0] == 2
    # A database with no lists at all.
    monkeypatch.setenv("SCREENING_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    code, _, err = check(CLEAN, "--profile", "us-federal")
    assert code == 3 and "us_ndaa_889: no data" in err


def test_sarif_validates_and_points_at_the_lines(cli: None) -> None:
    code, out, _ = check(PO, "--profile", "us-federal", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"listed-maker", "listed-vendor", "possible-relabel"}
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in results
        if r["level"] == "error"
    }
    assert lines == {2, 3, 4, 5}  # data rows 1-4 are physical lines 2-5
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("po_cameras.csv")
        for r in results
    )


def test_junit_parses(cli: None, tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    code, _, _ = check(PO, "--profile", "us-federal", "--format", "junit", "--output", str(out))
    assert code == 1
    root = ET.parse(out).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 8
    assert sum(1 for c in cases if c.find("failure") is not None) == 4
    code, md, _ = check(PO, "--profile", "us-federal", "--format", "markdown")
    assert "|" in md and "DS-7608NI-K2/8P" in md


def _row_waivers(expires: str) -> str:
    """One waiver per flagged line of po_cameras.csv, by file and row."""
    entry = "  - match: {{file: po_cameras.csv, row: {}}}\n    reason: accepted risk\n"
    entry += "    approver: ciso\n    expires: " + expires + "\n"
    return "waivers:\n" + "".join(entry.format(r) for r in (1, 2, 3, 4))


def _waivers(tmp_path: Path, text: str) -> str:
    f = tmp_path / "waivers.yaml"
    f.write_text(text)
    return str(f)


def test_waivers_suppress_exactly_what_they_name(cli: None, tmp_path: Path) -> None:
    one = _waivers(
        tmp_path,
        """
waivers:
  - match: {part_number: "DS-7608NI-K2/8P"}
    reason: existing NVR replaced under contract C-17; this line is its like-for-like spare
    approver: j.smith@example.org
    expires: 2099-12-31
""",
    )
    code, out, _ = check(PO, "--profile", "us-federal", "--waivers", one, "--format", "json")
    body = json.loads(out)
    assert code == 1  # lines 2-4 still fail
    waived_rows = {w["row"] for w in body["gate"]["waived"]}
    assert waived_rows == {1}
    sarif = json.loads(
        check(PO, "--profile", "us-federal", "--waivers", one, "--format", "sarif")[1]
    )
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed and all(r["suppressions"][0]["kind"] == "external" for r in suppressed)
    assert all("contract C-17" in r["suppressions"][0]["justification"] for r in suppressed)
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in suppressed} == {2}
    every = _waivers(
        tmp_path,
        _row_waivers("2099-12-31"),
    )
    assert check(PO, "--profile", "us-federal", "--waivers", every)[0] == 0
    assert (
        check(str(ORDERS / "po_clean.csv"), "--profile", "us-federal", "--waivers", every)[0] == 0
    )
    expired = _waivers(
        tmp_path,
        _row_waivers("2020-01-01"),
    )
    code, _, err = check(PO, "--profile", "us-federal", "--waivers", expired)
    assert code == 1 and "expired waiver" in err
    # Each expired waiver named once as "waiver N (line L)" (issue 14: "expired waiver waiver 1").
    assert "expired waiver 1 (line 2)" in err and "expired waiver 4 (line 14)" in err
    assert "waiver waiver" not in err
    broken = _waivers(tmp_path, "waivers:\n  - match: {vendor: Acme}\n    approver: x\n")
    code, _, err = check(PO, "--profile", "us-federal", "--waivers", broken)
    assert code == 2 and "reason" in err


@pytest.mark.parametrize(
    ("config", "schema"),
    [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_ci_configurations_are_valid(config: str, schema: str) -> None:
    exe = Path(sys.executable).parent / "check-jsonschema"
    res = subprocess.run(
        [str(exe), "--builtin-schema", schema, str(REPO / "scripts" / "ci" / config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout + res.stderr
