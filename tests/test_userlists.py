"""Lists users bring (OpenSanctions imports, custom lists), diffs between versions, and the
scheduled refresh — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from screening import userlists
from screening.cli import EXIT_INPUT, EXIT_OK, app
from screening.errors import InputError, NotFoundError, RefreshRejected
from screening.service import catalog
from screening.settings import get_settings
from screening.snapshots import Obtained, ingest
from screening.sources.fcc import FCC_SPEC

from .conftest import DATA, FIXTURES, Database, make_app, make_settings

FTM = Path(__file__).parent / "fixtures" / "opensanctions-ftm"
FCC = FIXTURES / "fcc-covered-list"
UAS = "us_fcc_covered:uncrewed-aircraft-systems-uas-and-uas-critical-components"


def test_opensanctions_samples_load_with_aliases_and_identifiers(
    db: Database, tmp_path: Path
) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        zala = userlists.import_opensanctions(
            s, settings, "zala", str(FTM / "zala_entities.ftm.json")
        )
        t1 = userlists.import_opensanctions(
            s, settings, "eu_fsf_t1", str(FTM / "t1_eu_fsf_entities.ftm.json")
        )
        assert (zala.result, zala.entity_count) == ("created", 17)  # 11 Company + 6 Person lines
        assert (t1.result, t1.entity_count) == ("created", 6)  # 2 Organization + 4 Person lines
        org = catalog.get_entity(
            s, "opensanctions:eu_fsf_t1:NK-2GdmHtZTeNXjNVrBGEXZNj"
        ).model_dump()
        assert org["name"] == "RAB „Inter Tobacco“" and org["kind"] == "organization"
        assert org["countries"] == ["BY"]
        assert {
            "type": "Registration Number",
            "value": "808000714",
            "country": None,
            "note": None,
        } in org["identifiers"]
        names = {n["name"] for n in org["names"]}
        assert "Общество с ограниченной ответственностью “Интер Тобако”" in names
        assert len(names) == 12  # the caption and its 11 other published names
        listing = {x.source: x for x in catalog.list_sources(s)}
        assert listing["opensanctions:zala"].entity_count == 17
        assert "CC BY-NC 4.0" in listing["opensanctions:zala"].publisher


def test_opensanctions_import_from_url_then_refresh(db: Database, tmp_path: Path) -> None:
    body = (FTM / "t1_eu_fsf_entities.ftm.json").read_bytes()
    url = "https://data.opensanctions.org/datasets/latest/eu_fsf/entities.ftm.json"
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=body) if str(r.url) == url else httpx.Response(404)
    )
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        out = userlists.import_opensanctions(s, settings, "eu_fsf", url, transport=transport)
        assert out.result == "created" and out.entity_count == 6
        again = catalog.refresh(s, settings, ["opensanctions:eu_fsf"], transport=transport)
        assert [o.result for o in again] == ["unchanged"]
        bad = userlists.import_opensanctions(
            s, settings, "eu_fsf", url, transport=httpx.MockTransport(lambda r: httpx.Response(500))
        )
        assert bad.result == "failed" and "HTTP 500" in (bad.detail or "")
        summary = catalog.get_source(s, "opensanctions:eu_fsf")
        assert summary.status == "refresh_failed" and summary.entity_count == 6


def _load_fcc(s: object, settings: object, page: str, published: str) -> str:
    from datetime import date

    got = Obtained(
        {"covered_list.html": (FCC / page).read_bytes()},
        "bundled",
        None,
        date.fromisoformat(published),
    )
    out = ingest(s, FCC_SPEC, got, settings)  # type: ignore[arg-type]
    assert out.result == "created"
    assert out.version is not None
    return out.version


def test_fcc_diff_between_the_two_real_tables(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        may = _load_fcc(s, settings, "covered_list_2026-05-21.html", "2026-05-21")
        aug = _load_fcc(s, settings, "covered_list_2026-08-20.html", "2026-08-20")
        d = userlists.diff(s, "us_fcc_covered")
        assert (d["from"], d["to"]) == (may, aug)
        assert sorted(e["name"] for e in d["added"]) == sorted(
            [
                "Digitalsystem Technology Inc.",
                *[e["name"] for e in d["added"] if e["kind"] == "category"],
            ]
        )
        assert len(d["added"]) == 3
        cats = sorted(e["entity_id"] for e in d["added"] if e["kind"] == "category")
        assert (
            len(cats) == 2
            and any("inverter" in c for c in cats)
            and any("robotic" in c for c in cats)
        )
        assert d["removed"] == []
        changed = {e["entity_id"]: set(e["fields"]) for e in d["changed"]}
        assert changed == {"us_fcc_covered:kaspersky-lab-inc": {"details"}, UAS: {"details"}}
        kas = next(e for e in d["changed"] if e["entity_id"] == "us_fcc_covered:kaspersky-lab-inc")
        old, new = kas["fields"]["details"]["old"], kas["fields"]["details"]["new"]
        assert {k for k in new if new[k] != old.get(k)} == {"scope"}
        uas = next(e for e in d["changed"] if e["entity_id"] == UAS)
        old, new = uas["fields"]["details"]["old"], uas["fields"]["details"]["new"]
        assert {k for k in new if new[k] != old.get(k)} == {"scope", "updated"}
        # The stored diff and one recomputed from the two stored snapshots agree.
        assert userlists.diff(s, "us_fcc_covered", may, aug) == d
        back = userlists.diff(s, "us_fcc_covered", aug, may)
        assert len(back["removed"]) == 3 and back["added"] == []


def test_diff_errors(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        catalog.sync_registry(s)
        with pytest.raises(NotFoundError, match="no data"):
            userlists.diff(s, "us_fcc_covered")
        _load_fcc(s, settings, "covered_list_2026-08-20.html", "2026-08-20")
        with pytest.raises(NotFoundError, match="no earlier version"):
            userlists.diff(s, "us_fcc_covered")
        with pytest.raises(NotFoundError, match="no version 'nope'"):
            userlists.diff(s, "us_fcc_covered", "nope")


# An in-house denied-party list, as a compliance team would write it (names of real listed makers).
V1 = """name,aliases,country,reason,id
Hangzhou Hikvision Digital Technology Co. Ltd.,Hikvision,CN,FCC Covered List,
Zhejiang Dahua Technology Co. Ltd.,Dahua,CN,FCC Covered List,
Hytera Communications Corporation Limited,,CN,NDAA 889,HYT-1
"""
V2 = V1.replace("Dahua,CN", "Dahua;Lorex,CN")  # an alias added
V3 = """name,aliases,country,reason,id
Hangzhou Hikvision Digital Technology Co. Ltd.,Hikvision,CN,FCC Covered List,
Zhejiang Dahua Technology Co. Ltd.,Dahua;Lorex,CN,FCC Covered List,
Zhejiang Uniview Technologies Co. Ltd.,Uniview;UNV,CN,in-house policy,
"""  # Hytera removed, Uniview added


def test_custom_list_versions_and_diffs(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        v1 = userlists.add_custom(s, settings, "vendors", V1.encode(), "v1.csv")
        assert (v1.result, v1.entity_count) == ("created", 3)
        ent = catalog.get_entity(
            s, "custom:vendors:hangzhou-hikvision-digital-technology-co-ltd-cn"
        ).model_dump()
        assert ent["remarks"] == "FCC Covered List" and ent["countries"] == ["CN"]
        assert (
            catalog.get_entity(s, "custom:vendors:HYT-1").model_dump()["name"]
            == "Hytera Communications Corporation Limited"
        )
        v2 = userlists.add_custom(s, settings, "vendors", V2.encode(), "v2.csv")
        d = userlists.diff(s, "custom:vendors")
        assert (d["from"], d["to"]) == (v1.version, v2.version)
        assert d["added"] == [] and d["removed"] == []
        assert [c["entity_id"] for c in d["changed"]] == [
            "custom:vendors:zhejiang-dahua-technology-co-ltd-cn"
        ]
        aliases = d["changed"][0]["fields"]["aliases"]
        assert [a["value"] for a in aliases["old"]] == ["Dahua"]
        assert [a["value"] for a in aliases["new"]] == ["Dahua", "Lorex"]
        assert set(d["changed"][0]["fields"]) == {"aliases"}
        v3 = userlists.add_custom(s, settings, "vendors", V3.encode(), "v3.csv")
        d = userlists.diff(s, "custom:vendors")
        assert (d["from"], d["to"]) == (v2.version, v3.version)
        assert [e["entity_id"] for e in d["added"]] == [
            "custom:vendors:zhejiang-uniview-technologies-co-ltd-cn"
        ]
        assert [e["entity_id"] for e in d["removed"]] == ["custom:vendors:HYT-1"]
        assert d["changed"] == []
        # The same file again is not a new version.
        same = userlists.add_custom(s, settings, "vendors", V3.encode(), "v3.csv")
        assert same.result == "unchanged" and same.version == v3.version
        # From v1 to v3 directly, computed from the stored snapshots.
        d13 = userlists.diff(s, "custom:vendors", v1.version, v3.version)
        assert len(d13["added"]) == 1 and len(d13["removed"]) == 1 and len(d13["changed"]) == 1


def test_custom_list_shrink_needs_force(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    one = "name\nHangzhou Hikvision Digital Technology Co. Ltd.\n"
    with db.session() as s:
        userlists.add_custom(s, settings, "vendors", V1.encode(), "v1.csv")
        with pytest.raises(RefreshRejected, match="under 50%"):
            userlists.add_custom(s, settings, "vendors", one.encode(), "one.csv")
        assert catalog.get_source(s, "custom:vendors").entity_count == 3
        forced = userlists.add_custom(s, settings, "vendors", one.encode(), "one.csv", force=True)
        assert forced.result == "created" and forced.entity_count == 1


def test_custom_list_bad_rows_named_and_nothing_stored(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    bad = "name,country,id\nHikvision,CN,\n,CN,\nDahua,Atlantis,\nUniview,CN,X\nHytera,CN,X\n"
    with db.session() as s, pytest.raises(InputError) as err:
        userlists.add_custom(s, settings, "vendors", bad.encode(), "bad.csv")
    msg = err.value.detail
    assert "bad.csv: row 2 (line 3), field name: empty" in msg
    assert "row 3 (line 4), field country: unknown country 'Atlantis'" in msg
    assert "row 5 (line 6), field id: 'X' repeats row 4" in msg
    with db.session() as s:
        assert catalog.get_source(s, "custom:vendors").entity_count == 0
    for text, expected in (
        ("", "empty"),
        ("vendor\nx\n", "no 'name' column"),
        ("name,name\na,b\n", "duplicate"),
    ):
        with db.session() as s, pytest.raises(InputError, match=expected):
            userlists.add_custom(s, settings, "vendors", text.encode(), "x.csv")
    with db.session() as s, pytest.raises(InputError, match="list name"):
        userlists.add_custom(s, settings, "Bad Name!", V1.encode(), "x.csv")


def test_cli_import_add_custom_and_diff(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        res = runner.invoke(
            app, ["import", "opensanctions", "zala", str(FTM / "zala_entities.ftm.json")]
        )
        assert res.exit_code == EXIT_OK, res.output
        for i, text in enumerate((V1, V2), 1):
            f = tmp_path / f"v{i}.csv"
            f.write_text(text)
            res = runner.invoke(app, ["lists", "add-custom", "vendors", str(f)])
            assert res.exit_code == EXIT_OK, res.output
        res = runner.invoke(app, ["diff", "custom:vendors", "--json"])
        assert res.exit_code == EXIT_OK
        d = json.loads(res.stdout)
        assert set(d) == {"source", "from", "to", "added", "removed", "changed"}
        assert len(d["changed"]) == 1
        res = runner.invoke(app, ["diff", "custom:vendors"])
        assert "0 added, 0 removed, 1 changed" in res.stdout
        bad = tmp_path / "bad.csv"
        bad.write_text("name\n\n,\n")
        bad.write_text("name,id\nA,1\nB,1\n")
        res = runner.invoke(app, ["lists", "add-custom", "vendors", str(bad)])
        assert res.exit_code == EXIT_INPUT and "row 2 (line 3), field id" in res.stderr
    finally:
        get_settings.cache_clear()


def test_api_diff_and_custom_upload(db: Database, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    settings = make_settings(db.url, tmp_path, max_upload_bytes=2000)
    api = make_app(settings)

    with TestClient(api) as c:
        assert c.post("/v1/custom-lists/vendors", content=V1).json()["result"] == "created"
        assert c.post("/v1/custom-lists/vendors", content=V3).json()["result"] == "created"
        d = c.get("/v1/sources/custom:vendors/diff").json()
        assert len(d["added"]) == 1 and len(d["removed"]) == 1 and len(d["changed"]) == 1
        r = c.post("/v1/custom-lists/vendors", content="name,id\nA,1\nB,1\n")
        assert r.status_code == 400 and "field id" in r.json()["detail"]
        r = c.post("/v1/custom-lists/vendors", content="name\n" + "x" * 3000 + "\n")
        assert r.status_code == 413 and "limit" in r.json()["detail"]
        r = c.post("/v1/custom-lists/vendors", content="name\nA\n")
        assert r.status_code == 409 and "force" in r.json()["detail"]
        r = c.get("/v1/sources/custom:vendors/diff", params={"from": "nope"})
        assert r.status_code == 404
        summary = next(x for x in c.get("/v1/sources").json() if x["source"] == "custom:vendors")
        assert summary["entity_count"] == 3 and summary["status"] == "ok"


def test_one_source_failing_never_blocks_the_others(db: Database, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "us_ndaa_889" / "section_889.csv").write_bytes(b"<html>moved</html>")
    settings = make_settings(db.url, tmp_path, data_dir=data)
    with db.session() as s:
        outcomes = {o.source_id: o for o in catalog.refresh(s, settings, offline=True)}
    assert outcomes["us_ndaa_889"].result == "failed"
    created = {k for k, o in outcomes.items() if o.result == "created"}
    assert {"us_ofac_sdn", "us_fcc_covered", "us_dod_1260h", "un_sc", "us_cisa_kev"} <= created


def test_refresh_every_runs_on_a_schedule(tmp_path: Path) -> None:
    """`screening refresh --every` repeats until stopped; a real process, two cycles."""
    env = {"SCREENING_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PATH": "/usr/bin:/bin"}
    exe = Path(sys.executable).parent / "screening"
    proc = subprocess.Popen(
        [str(exe), "refresh", "--offline", "--source", "us_ndaa_889", "--every", "1s"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while sum("next refresh" in x for x in lines) < 2 and time.monotonic() < deadline:
        lines.append(proc.stderr.readline())
    proc.terminate()
    proc.wait(timeout=30)
    text = "".join(lines)
    assert "us_ndaa_889" in text and "unchanged" in text  # the second cycle found nothing new
    assert text.count("next refresh") >= 2


def test_bad_duration_is_a_usage_error() -> None:
    res = CliRunner().invoke(app, ["refresh", "--every", "soon"])
    assert res.exit_code == EXIT_INPUT and "45s, 90m, 12h" in res.stderr


def test_custom_list_name_with_a_trailing_newline_is_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19 defect 10: `ok-list\\n` passed a pattern ending in `$` and made a second list
    that looks exactly like `ok-list`."""
    settings = make_settings(db.url, tmp_path)
    for name in ("ok-list\n", "ok-list\r\n", "\nok-list", "ok-list\n\n"):
        with db.session() as s, pytest.raises(InputError, match="list name"):
            userlists.add_custom(s, settings, name, V1.encode(), "v1.csv")
    with db.session() as s:
        assert not [x for x in catalog.list_sources(s) if x.source.startswith("custom:")]
        assert userlists.add_custom(s, settings, "ok-list", V1.encode(), "v1.csv").result == (
            "created"
        )
    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        f = tmp_path / "v1.csv"
        f.write_text(V1)
        res = CliRunner().invoke(app, ["lists", "add-custom", "ok-list\n", str(f)])
        assert res.exit_code == EXIT_INPUT and "list name" in res.stderr
    finally:
        get_settings.cache_clear()


def test_damaged_custom_list_files_are_input_errors_naming_the_file(
    db: Database, tmp_path: Path
) -> None:
    """Damaged text was a ParseError (HTTP 422, 'UnicodeDecodeError: ...') or a csv.Error."""
    settings = make_settings(db.url, tmp_path)
    cases = [
        (b"\xff\xfen\x00a\x00m\x00e\x00\n", "UTF-16 text is cut short"),  # odd byte count
        (b"name\n" + b"x" * 200_000 + b"\n", "line 2: unreadable CSV"),
        (b'name\n"' + b"x" * 200_000, "unreadable CSV"),
        (("x" * 100_000 + ",y\n").encode(), "no 'name' column"),
    ]
    for data, expected in cases:
        with db.session() as s, pytest.raises(InputError, match=expected) as err:
            userlists.add_custom(s, settings, "vendors", data, "bad.csv")
        assert err.value.detail.startswith("bad.csv: ") and len(err.value.detail) < 400
    with db.session() as s:
        assert catalog.get_source(s, "custom:vendors").entity_count == 0


def test_custom_list_rows_over_the_upload_limit_are_refused(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        with pytest.raises(InputError, match=r"v1\.csv: more than 2 rows, the limit"):
            userlists.add_custom(s, settings, "vendors", V1.encode(), "v1.csv", max_rows=2)
        assert catalog.get_source(s, "custom:vendors").entity_count == 0
        out = userlists.add_custom(s, settings, "vendors", V1.encode(), "v1.csv", max_rows=3)
        assert out.result == "created" and out.entity_count == 3
