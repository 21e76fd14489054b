"""The refresh never loses a good list: proven on the real OFAC SDN files, against a local HTTP
server (real sockets: timeouts, truncated bodies) and httpx.MockTransport, on SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from screening.models import EntityName, ListedEntity, Snapshot, SourceRow
from screening.service import catalog
from screening.snapshots import refresh_source
from screening.sources.fetch import make_client
from screening.sources.ofac import SDN_SPEC

from .conftest import FIXTURES, Database, make_settings, read_dir

SDN_2021 = read_dir(FIXTURES / "ofac-sdn" / "2021-07")
BUNDLED_COUNT = 15402  # the bundled 2024-06 SDN file


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose behaviour per path the test sets."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                handler = outer.routes.get(self.path)
                if handler is None:
                    self.send_error(404)
                    return
                handler(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(
    body: bytes, status: int = 200, ctype: str = "text/csv", length: int | None = None
) -> Handler:
    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(body) if length is None else length))
        req.end_headers()
        req.wfile.write(body)
        req.wfile.flush()
        if length is not None and length > len(body):
            req.close_connection = True

    return handler


def slow(seconds: float) -> Handler:
    def handler(req: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(SDN_2021["sdn.csv"])(req)

    return handler


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    yield srv
    srv.close()


def local_spec(server: LocalServer) -> object:
    files = tuple(dataclasses.replace(f, url=server.base + f.name) for f in SDN_SPEC.files)
    # No XML alternatives: a failed CSV download must not go on to the real OFAC host.
    return dataclasses.replace(SDN_SPEC, files=files, alternatives=())


def serve_real_set(server: LocalServer, **override: Handler) -> None:
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        server.routes["/" + name] = override.get(name.replace(".", "_"), send(SDN_2021[name]))


@pytest.fixture(scope="module")
def loaded(module_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The bundled SDN snapshot loaded once per backend; fault tests never change it."""
    settings = make_settings(module_db.url, tmp_path_factory.mktemp("state"))
    with module_db.session() as s:
        out = refresh_source(s, SDN_SPEC, settings, offline=True)
    assert out.result == "created", out
    assert out.entity_count == BUNDLED_COUNT
    return module_db


SDN_LINES = SDN_2021["sdn.csv"].rstrip(b"\x1a").split(b"\r\n")
TENTH = len(SDN_LINES) // 10


def tenth_of_sdn() -> bytes:
    """The real file's first tenth of rows, well-formed: a list that shrank, not a broken one."""
    return b"\r\n".join(SDN_LINES[:TENTH]) + b"\r\n\x1a"


FAULTS: dict[str, tuple[Callable[[], dict[str, Handler]], str]] = {
    "timeout": (lambda: {"sdn_csv": slow(5)}, "timed out"),
    "http-500": (lambda: {"sdn_csv": send(b"oops", status=500, ctype="text/plain")}, "HTTP 500"),
    "http-403": (lambda: {"sdn_csv": send(b"denied", status=403, ctype="text/plain")}, "HTTP 403"),
    "truncated": (
        lambda: {"sdn_csv": send(SDN_2021["sdn.csv"][:50_000], length=len(SDN_2021["sdn.csv"]))},
        "RemoteProtocolError",
    ),
    "empty": (lambda: {"sdn_csv": send(b"")}, "empty body"),
    "html-error-page": (
        lambda: {
            "sdn_csv": send(
                b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>",
                ctype="text/html",
            )
        },
        "HTML page where CSV was expected",
    ),
    "shrunk-to-a-tenth": (
        lambda: {"sdn_csv": send(tenth_of_sdn())},
        "under 50% of the active snapshot",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_keeps_previous_snapshot(
    fault: str, loaded: Database, server: LocalServer, tmp_path: Path
) -> None:
    overrides, reason = FAULTS[fault]
    serve_real_set(server, **overrides())
    settings = make_settings(loaded.url, tmp_path, http_timeout=1.0)
    with loaded.session() as s:
        before = s.get(SourceRow, "us_ofac_sdn")
        assert before is not None
        active_before = before.active_snapshot_id
        with make_client(settings) as client:
            out = refresh_source(s, local_spec(server), settings, client=client)  # type: ignore[arg-type]
    assert out.result == "failed"
    assert out.detail and reason in out.detail, out.detail
    with loaded.session() as s:
        row = s.get(SourceRow, "us_ofac_sdn")
        assert row is not None
        assert row.active_snapshot_id == active_before
        assert row.status == "refresh_failed"
        assert row.last_error and reason in row.last_error
        snap = s.get(Snapshot, active_before)
        assert snap is not None and snap.status == "active" and snap.entity_count == BUNDLED_COUNT
        failed = s.exec(
            select(Snapshot).where(Snapshot.status == "failed").order_by(Snapshot.id.desc())
        ).first()  # type: ignore[union-attr]
        assert failed is not None and failed.error and reason in failed.error
        # Nothing half-written: only the bundled snapshot has entities.
        ids = {e.snapshot_id for e in s.exec(select(ListedEntity))}
        assert ids == {active_before}
        summary = {x.source: x for x in catalog.list_sources(s)}["us_ofac_sdn"]
    assert summary.status == "refresh_failed"
    assert summary.entity_count == BUNDLED_COUNT
    assert summary.last_error and reason in summary.last_error


def mock_transport(
    files: dict[str, bytes],
    etag: str = '"v1"',
    last_modified: str = "Wed, 07 Jul 2021 12:00:00 GMT",
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Serves the real files at the publisher's URLs, honouring If-None-Match."""
    seen: list[httpx.Request] = []
    by_url = {f.url: files[f.name] for f in SDN_SPEC.files if f.name in files}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = by_url.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304)
        return httpx.Response(
            200, content=body, headers={"ETag": etag, "Last-Modified": last_modified}
        )

    return httpx.MockTransport(handler), seen


def test_live_refresh_new_version_then_unchanged_then_not_modified(
    db: Database, tmp_path: Path
) -> None:
    settings = make_settings(db.url, tmp_path)
    with db.session() as s:
        first = catalog.refresh(s, settings, ["us_ofac_sdn"], offline=True)[0]
        assert (
            first.result == "created" and first.version and first.version.startswith("2024-06-27-")
        )
        transport, seen = mock_transport(SDN_2021)
        second = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
        assert second.result == "created", second.detail
        assert second.entity_count == 8976
        # Version: the publisher's date (Last-Modified) and the records' hash.
        assert second.version and second.version.startswith("2021-07-07-")
        assert second.previous_version == first.version
        # The same bytes again with no validators stored -> parsed, same hash, no new snapshot.
        row = s.get(SourceRow, "us_ofac_sdn")
        assert row is not None
        row.http_cache = {}
        s.commit()
        third = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
        assert third.result == "unchanged" and third.version == second.version
        # With validators stored -> conditional GET, 304 for every file, nothing parsed.
        n = len(seen)
        fourth = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
        assert fourth.result == "unchanged" and "304" in (fourth.detail or "")
        assert all(r.headers.get("if-none-match") == '"v1"' for r in seen[n:])
        snaps = list(
            s.exec(
                select(Snapshot).where(Snapshot.source_id == "us_ofac_sdn").order_by(Snapshot.id)  # type: ignore[arg-type]
            )
        )
        assert [x.status for x in snaps] == ["superseded", "active"]
        # The alt.csv aliases of the 2021 set are stored as names.
        ent = s.exec(
            select(ListedEntity).where(
                ListedEntity.snapshot_id == snaps[1].id, ListedEntity.entity_id == "us_ofac_sdn:306"
            )
        ).one()
        names = {
            n.name: n.name_type
            for n in s.exec(select(EntityName).where(EntityName.entity_pk == ent.id))
        }
        assert names == {
            "BANCO NACIONAL DE CUBA": "primary",
            "NATIONAL BANK OF CUBA": "aka",
            "BNC": "weak",
        }
        summary = catalog.get_source(s, "us_ofac_sdn")
        assert (
            summary.status == "ok" and summary.last_error is None and summary.entity_count == 8976
        )


def test_force_accepts_a_deliberate_shrink(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    small = dict(SDN_2021, **{"sdn.csv": tenth_of_sdn()})
    with db.session() as s:
        catalog.refresh(s, settings, ["us_ofac_sdn"], offline=True)
        transport, _ = mock_transport(small)
        refused = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
        assert refused.result == "failed"
        forced = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport, force=True)[0]
        assert forced.result == "created"
        assert forced.entity_count == TENTH
        assert catalog.get_source(s, "us_ofac_sdn").status == "ok"


def test_min_ratio_is_a_per_source_setting(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path, min_ratio_overrides={"us_ofac_sdn": 0.9})
    with db.session() as s:
        catalog.refresh(s, settings, ["us_ofac_sdn"], offline=True)
        transport, _ = mock_transport(SDN_2021)  # 8,976 of 15,402 = 58%: fine at 50%, not at 90%
        out = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
    assert out.result == "failed" and "under 90%" in (out.detail or "")


def test_failure_without_previous_snapshot_is_no_data(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    transport = httpx.MockTransport(lambda r: httpx.Response(503))
    with db.session() as s:
        out = catalog.refresh(s, settings, ["us_ofac_sdn"], transport=transport)[0]
        summary = catalog.get_source(s, "us_ofac_sdn")
    assert out.result == "failed" and "HTTP 503" in (out.detail or "")
    assert summary.status == "no_data" and summary.version is None and summary.entity_count == 0
    assert summary.last_error and "HTTP 503" in summary.last_error
