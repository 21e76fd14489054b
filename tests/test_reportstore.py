"""Stored inventory reports (issue 19 defect 1): compact (gzip-compressed, never one JSON value),
bounded per upload (rows), per report and in total, with retention and delete — on SQLite and
PostgreSQL. The upload is the fixture inventory tests/fixtures/inventories/
retail_inventory_utf8.csv scored against the real bundled NDAA §889 list."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from screening.errors import InputError, NotFoundError
from screening.models import StoredReport
from screening.service import Screening, catalog, reportstore
from screening.settings import Settings
from screening.snapshots import now_utc

from .conftest import Database, make_settings

UPLOAD = Path(__file__).parent / "fixtures" / "inventories" / "retail_inventory_utf8.csv"
DATA = UPLOAD.read_bytes()


@pytest.fixture
def store(db: Database, tmp_path: Path) -> Iterator[tuple[Database, Settings]]:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        catalog.refresh(s, settings, ["us_ndaa_889"], offline=True)
    yield db, settings


def upload(s: Session, settings: Settings, **kw: Any) -> dict[str, Any]:
    report = Screening(s, settings).score_upload(
        DATA, "estate.csv", "inventory", kw.pop("profile", "uk-retail"), **kw
    )
    return report.model_dump(mode="json")


def count(s: Session) -> int:
    return int(s.execute(text("SELECT count(*) FROM stored_report")).scalar_one())


def test_report_is_stored_compressed_and_read_back_whole(store: tuple[Database, Settings]) -> None:
    db, settings = store
    with db.session() as s:
        out = upload(s, settings, store=True)
        assert out["devices"] and any(i["tier"] != "none" for i in out["devices"])
        rid = out.pop("id")
        assert out.pop("created_at")
        raw = s.execute(
            text("SELECT report, body, size_bytes, upload FROM stored_report WHERE id = :i"),
            {"i": rid},
        ).one()
        report_col = raw[0] if isinstance(raw[0], dict) else json.loads(raw[0])
        assert report_col == {}  # no JSON copy of the report
        body = bytes(raw[1])
        # The stored size counts the report and the upload kept to score it again (issue 15).
        assert raw[3] is not None and raw[2] == len(body) + len(bytes(raw[3]))
        whole = json.dumps(out, default=str).encode()
        assert len(body) < len(whole)
        assert json.loads(gzip.decompress(body)) == json.loads(whole)  # plain gzip
    with db.session() as s:
        row = reportstore.get_report(s, rid)
        assert row.model_dump(mode="json", exclude={"id", "created_at"}) == json.loads(whole)
        assert row.kind == "inventory" and row.file == "estate.csv" and row.id == rid


def test_rows_over_the_upload_limit_are_refused_and_nothing_stored(
    store: tuple[Database, Settings],
) -> None:
    db, settings = store
    limited = settings.model_copy(update={"max_upload_rows": 2})
    with db.session() as s:
        with pytest.raises(InputError, match=r"estate\.csv: more than 2 rows"):
            upload(s, limited, store=True)
        with pytest.raises(InputError, match="more than 2 rows"):
            upload(s, limited, store=False)
        assert count(s) == 0


def test_report_over_the_size_limit_is_refused(store: tuple[Database, Settings]) -> None:
    db, settings = store
    small = settings.model_copy(update={"max_report_bytes": 200})
    with db.session() as s:
        with pytest.raises(InputError, match="over 200 bytes compressed"):
            upload(s, small, store=True)
        assert count(s) == 0
        # Not stored, not limited: a purchase-order style check still answers.
        assert upload(s, small, store=False)["devices"]


def test_total_limit_then_delete_frees_room(store: tuple[Database, Settings]) -> None:
    db, settings = store
    with db.session() as s:
        first = upload(s, settings, store=True)["id"]
        size = int(s.execute(text("SELECT size_bytes FROM stored_report")).scalar_one())
        tight = settings.model_copy(update={"max_reports_total_bytes": size + size // 2})
        with pytest.raises(InputError, match=r"would pass the .*-byte limit"):
            upload(s, tight, store=True)
        assert count(s) == 1
        reportstore.delete_report(s, first)
        assert count(s) == 0
        with pytest.raises(NotFoundError):
            reportstore.get_report(s, first)
        with pytest.raises(NotFoundError):
            reportstore.delete_report(s, first)
        assert upload(s, tight, store=True)["id"] != first


def test_retention_deletes_old_reports_when_storing(store: tuple[Database, Settings]) -> None:
    db, settings = store
    with db.session() as s:
        old = upload(s, settings, store=True)["id"]
        row = s.get(StoredReport, old)
        assert row is not None
        row.created_at = now_utc() - timedelta(days=91)
        s.commit()
        keep = settings.model_copy(update={"report_retention_days": 0})
        upload(s, keep, store=True)
        assert count(s) == 2  # 0 keeps everything
        new = upload(s, settings, store=True)["id"]  # default: 90 days
        ids = {r[0] for r in s.execute(text("SELECT id FROM stored_report"))}
        assert old not in ids and new in ids and len(ids) == 2


def test_reports_stored_before_compression_still_read(store: tuple[Database, Settings]) -> None:
    db, settings = store
    with db.session() as s:
        report = upload(s, settings, store=False)
        s.add(
            StoredReport(
                id="00000000-0000-0000-0000-000000000001",
                kind="inventory",
                filename="estate.csv",
                profile="uk-retail",
                created_at=now_utc(),
                snapshots=report["snapshots"],
                # The first round's stored shape: no `kind` in the report itself.
                report={k: v for k, v in report.items() if k not in ("kind", "id")},
            )
        )
        s.commit()
    with db.session() as s:
        row = reportstore.get_report(s, "00000000-0000-0000-0000-000000000001")
        assert row.model_dump(mode="json")["devices"] == report["devices"]


def test_compressed_json_is_exact_for_every_list_shape() -> None:
    report = {"a": [], "b": [1], "c": [1, "x,y", {"k": ["]", "é"]}], "d": {"e": None}, "f": 2.5}
    body = reportstore.compress_report(report, 10_000, "r.csv")
    assert json.loads(gzip.decompress(body)) == report
    with pytest.raises(InputError, match=r"r\.csv: the report is over 10 bytes compressed"):
        reportstore.compress_report(report, 10, "r.csv")
