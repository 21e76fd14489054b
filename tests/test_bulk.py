"""Bulk screening (`screen --file` at scale, issue 18): CSV and Parquet in and out, the Dask
engine giving exactly the rows of the local engine, input order, bounded buffering, errors.

The input is built from real names: listed names read from the loaded bundled lists (every
fifth with a letter dropped or two swapped, as typos), real camera and electronics makers on
no list, and real companies of other trades, with repeats as in vendor files. The Dask
cluster is a local one of 2 worker processes, started once for the module."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from screening.cli import app
from screening.errors import ConfigError, InputError
from screening.service import Screening, bulk_dask, screenfile, tables
from screening.service import names as namescreen
from screening.service.bulk import screen_table
from screening.settings import Settings
from screening.store import NAME_TABLE
from tests.conftest import Database

# Real makers and companies (camera/electronics makers as in scripts/bench_screen_file.py,
# and well-known firms of other trades); none is expected on a sanctions list.
CLEAN = [
    "Axis Communications",
    "Bosch Security Systems",
    "Hanwha Vision",
    "Avigilon",
    "Milestone Systems",
    "Mobotix",
    "Vivotek",
    "Siemens Healthineers",
    "Schneider Electric",
    "A.P. Moller - Maersk",
    "Nestle",
    "Ericsson",
]
ROWS = 3000


def _names(session: Session, n: int) -> list[tuple[str, str]]:
    """`n` rows drawn from about 350 distinct names: listed names, some of them with a typo
    (a letter dropped or two swapped), and the clean makers; the kind left blank (the
    default) except on the makers' rows."""
    listed = [r for (r,) in session.execute(select(NAME_TABLE.c.name).limit(4000))]
    rng = random.Random(18)
    pool = rng.sample(listed, 200)
    typos = []
    for i, name in enumerate(rng.sample([p for p in pool if len(p) > 6], 120)):
        k = rng.randrange(1, len(name) - 2)
        swapped = name[:k] + name[k + 1] + name[k] + name[k + 2 :]
        typos.append(name[:k] + name[k + 1 :] if i % 2 else swapped)
    out = []
    for i in range(n):
        if i % 7 == 0:
            out.append((rng.choice(CLEAN), "organization"))
        else:
            out.append((rng.choice(typos if i % 5 == 0 else pool), ""))
    return out


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only (see `loaded_sqlite`): the engines read the loaded index once, whatever the
    database, so one backend is enough here (test_screen_faces screens files on both)."""
    return loaded_sqlite


@pytest.fixture(scope="module")
def svc(loaded: tuple[Database, Settings]) -> Iterator[Screening]:
    db, settings = loaded
    with db.session() as session:
        yield Screening(session, settings)


@pytest.fixture(scope="module")
def inputs(svc: Screening, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    rows = _names(svc.session, ROWS)
    src = folder / "names.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "kind", "ref"])
        w.writerows((name, kind, f"r{i}") for i, (name, kind) in enumerate(rows))
    # The same rows as Parquet, in several row groups, under a name without the suffix:
    # the reader tells it by its magic bytes.
    par = folder / "names.dat"
    table = pa.table(
        {
            "name": [r[0] for r in rows],
            "kind": [r[1] or None for r in rows],  # a null reads as an empty cell
            "ref": [f"r{i}" for i in range(ROWS)],
        }
    )
    pq.write_table(table, par, row_group_size=700)
    return {"csv": src, "parquet": par, "folder": folder}


@pytest.fixture(scope="module")
def local(svc: Screening, inputs: dict[str, Path]) -> dict[str, Path]:
    """The local engine's results (forked workers: over 2,000 rows), made before the Dask
    cluster starts its threads in this process."""
    out = {"csv": inputs["folder"] / "local.csv", "parquet": inputs["folder"] / "local.parquet"}
    s1 = screen_table(svc, inputs["csv"], out["csv"], engine="local", workers=2)
    s2 = screen_table(svc, inputs["parquet"], out["parquet"], engine="local", workers=2)
    assert (s1.rows, s2.rows) == (ROWS, ROWS)
    assert (s1.input_format, s2.input_format) == ("csv", "parquet")
    # a `.parquet` name is one file (not a folder of parts), and nothing temporary is left
    assert out["parquet"].is_file() and s2.files == [out["parquet"]]
    assert not [p for p in inputs["folder"].iterdir() if p.name.endswith(".part")]
    return out


@pytest.fixture(scope="module")
def scheduler(local: dict[str, Path]) -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
    ) as cluster:
        yield cluster.scheduler_address


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_local_rows_are_the_same_from_csv_and_parquet(local: dict[str, Path]) -> None:
    """The input's format changes nothing: Parquet's typed values against the CSV's text,
    row by row, in input order; and both kinds of rows are there to compare."""
    text = _csv_rows(local["csv"])
    typed = pq.read_table(local["parquet"]).to_pylist()
    assert [r["ref"] for r in text] == [f"r{i}" for i in range(ROWS)]
    assert [
        ("true" if r["match"] else "false", f"{r['score']:.4f}", r["entity_id"], str(r["hits"]))
        for r in typed
    ] == [(r["match"], r["score"], r["entity_id"], r["hits"]) for r in text]
    matched = sum(r["match"] for r in typed)
    assert 0 < matched < ROWS
    assert not any(r["match"] for r in typed if r["name"] in CLEAN[:7])


def test_dask_parquet_input_gives_the_local_engines_csv(
    svc: Screening, inputs: dict[str, Path], local: dict[str, Path], scheduler: str
) -> None:
    out = inputs["folder"] / "dask.csv"
    seen: list[tuple[int, int | None]] = []
    summary = screen_table(
        svc,
        inputs["parquet"],
        out,
        engine="dask",
        scheduler=scheduler,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert out.read_bytes() == local["csv"].read_bytes()
    assert (summary.rows, summary.input_format, summary.output_format) == (
        ROWS,
        "parquet",
        "csv",
    )
    assert summary.matched == sum(r["match"] == "true" for r in _csv_rows(out))
    assert seen[-1] == (ROWS, ROWS) and [d for d, _ in seen] == sorted({d for d, _ in seen})


def test_dask_csv_input_gives_the_local_engines_parquet_in_parts(
    svc: Screening,
    inputs: dict[str, Path],
    local: dict[str, Path],
    scheduler: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tables, "PART_ROWS", 1000)
    folder = inputs["folder"] / "parts"
    folder.mkdir()
    (folder / "part-00007.parquet").write_bytes(b"stale part of an earlier run")
    summary = screen_table(svc, inputs["csv"], folder, engine="dask", scheduler=scheduler)
    assert [p.name for p in summary.files] == [f"part-{i:05d}.parquet" for i in range(3)]
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in summary.files]
    parts = [pq.read_table(p) for p in summary.files]
    assert parts[0].schema.field("match").type == pa.bool_()
    assert parts[0].schema.field("score").type == pa.float64()
    assert parts[0].schema.field("hits").type == pa.int64()
    rows = [r for t in parts for r in t.to_pylist()]
    assert rows == pq.read_table(local["parquet"]).to_pylist()


def test_rows_in_flight_are_bounded_by_the_windows(svc: Screening) -> None:
    """Neither the reader nor the engine holds the input: rows taken from the input but not
    yet written never exceed the windows in flight, however long the input."""
    ctx = namescreen.screen_context(svc.session, svc.settings)
    names = [n for n, _ in _names(svc.session, 200)]
    total = 40_000
    taken = 0

    def source() -> Iterator[dict[str, str]]:
        nonlocal taken
        for i in range(total):
            taken += 1
            yield {"name": names[i % len(names)]}

    most = written = 0
    for _ in screenfile.screen_rows(ctx, source(), ahead=2):
        written += 1
        most = max(most, taken - written)
    assert written == total
    assert most <= 3 * screenfile._WINDOW  # the window being written and 2 ahead


def test_parquet_is_written_a_batch_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    rows = ({"name": f"n{i}", "match": i % 2 == 0, "score": i / 10, "hits": i} for i in range(2500))
    tables.write_parquet(rows, ["name", *screenfile.OUT_COLUMNS], out, batch_rows=1000)
    meta = pq.ParquetFile(out).metadata
    assert (meta.num_rows, meta.num_row_groups) == (2500, 3)


def test_csv_input_is_streamed_in_utf8_or_utf16_and_bad_bytes_are_named(tmp_path: Path) -> None:
    src = tmp_path / "vendors.csv"
    src.write_text("name,country\nHikvision,CN\nDahua Technology,\n", encoding="utf-16")
    with tables.open_names(src) as table:
        assert (table.header, table.format, table.total) == (["name", "country"], "csv", None)
        assert list(table.rows) == [
            {"name": "Hikvision", "country": "CN"},
            {"name": "Dahua Technology", "country": ""},
        ]
    src.write_bytes(b"name\nHikvision\nDahua \xff Technology\n")
    with (
        pytest.raises(InputError, match=r"vendors\.csv: not UTF-8 text"),
        tables.open_names(src) as table,
    ):
        list(table.rows)


def test_parquet_without_a_name_column_is_an_input_error(svc: Screening, tmp_path: Path) -> None:
    src = tmp_path / "vendors.parquet"
    pq.write_table(pa.table({"vendor": ["Hikvision"]}), src)
    with pytest.raises(InputError, match=r"vendors\.parquet: schema: no 'name' column"):
        screen_table(svc, src, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(InputError, match="a folder; CSV results go to a file"):
        screen_table(svc, src, tmp_path, output_format="csv")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"broken\.parquet: not a readable Parquet file"):
        screen_table(svc, broken, tmp_path / "out.csv")


def test_bad_or_unreachable_scheduler_is_named(
    svc: Screening, inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match="--scheduler: 'no address here'"):
        screen_table(svc, inputs["csv"], out, engine="dask", scheduler="no address here")
    monkeypatch.setattr(bulk_dask, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ConfigError, match=r"--scheduler tcp://127\.0\.0\.1:9: no Dask scheduler"):
        screen_table(svc, inputs["csv"], out, engine="dask", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(InputError, match="--scheduler: only with --engine dask"):
        screen_table(svc, inputs["csv"], out, scheduler="tcp://127.0.0.1:9")
    assert not out.exists()


def test_cli_dask_on_its_own_local_cluster_and_its_errors(
    cli: None, inputs: dict[str, Path], local: dict[str, Path], tmp_path: Path
) -> None:
    """`screen --file names.parquet --engine dask`, the cluster started by the command (2
    worker processes on the loopback interface), gives the local engine's rows."""
    runner = CliRunner()
    out = tmp_path / "cli.parquet"
    args = ["screen", "--file", str(inputs["parquet"]), "--output", str(out), "--engine", "dask"]
    res = runner.invoke(app, [*args, "--dask-workers", "2"])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    assert pq.read_table(out).to_pylist() == pq.read_table(local["parquet"]).to_pylist()
    src = tmp_path / "vendors.parquet"
    pq.write_table(pa.table({"vendor": ["Hikvision"]}), src)
    res = runner.invoke(app, ["screen", "--file", str(src)])
    assert res.exit_code == 2
    assert "no 'name' column" in res.output
    res = runner.invoke(app, ["screen", "Hikvision", "--engine", "dask"])
    assert res.exit_code == 2
