"""Request-level protection of the API (issue 19): allowed hosts, cross-site writes, body size
counted while received, security headers, and the one error shape for validation errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from screening.api.app import create_app
from screening.api.deps import settings_dep
from screening.settings import Settings

from .conftest import Database, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(f"sqlite:///{tmp_path / 's.db'}", tmp_path, max_upload_bytes=4096)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[settings_dep] = lambda: settings
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    r = client.get("/health", headers={"host": "attacker.example"})
    assert r.status_code == 400
    assert "attacker.example" in r.json()["detail"]
    assert client.get("/health").status_code == 200
    assert client.get("/health", headers={"host": "localhost:8000"}).status_code == 200


def test_allowed_hosts_come_from_the_settings(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": ["screening.example.org"]}))
    with TestClient(app, base_url="http://screening.example.org") as c:
        assert c.get("/health").status_code == 200
        assert c.get("/health", headers={"host": "127.0.0.1"}).status_code == 400


def test_a_cross_origin_write_is_refused_before_it_reaches_a_route(client: TestClient) -> None:
    """The probe's attack: a text/plain POST from another origin that created custom:csrf."""
    r = client.post(
        "/v1/custom-lists/csrf",
        content="name\nACME\n",
        headers={"origin": "http://evil.example", "content-type": "text/csv"},
    )
    assert r.status_code == 403
    r = client.post(
        "/v1/custom-lists/csrf",
        content="name\nACME\n",
        headers={"sec-fetch-site": "cross-site", "content-type": "text/csv"},
    )
    assert r.status_code == 403
    r = client.post(
        "/v1/custom-lists/csrf", content="name\nACME\n", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 415
    assert client.get("/v1/sources").json() and not any(
        s["source"] == "custom:csrf" for s in client.get("/v1/sources").json()
    )
    # The same write from this origin goes through.
    r = client.post(
        "/v1/custom-lists/mine",
        content="name\nACME\n",
        headers={"origin": "http://127.0.0.1:8000", "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text


def test_a_chunked_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    sent = {"bytes": 0}

    def body() -> Iterator[bytes]:
        for _ in range(1000):  # 1 MB offered against a 4 KiB limit
            sent["bytes"] += 1024
            yield b"x" * 1024

    r = client.post("/v1/custom-lists/big", content=body(), headers={"content-type": "text/csv"})
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]


def test_a_declared_length_over_the_limit_is_refused_at_once(client: TestClient) -> None:
    r = client.post(
        "/v1/screen",
        content=b'{"name": "' + b"a" * 5000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413


def test_multipart_upload_over_the_limit_is_413_not_400(client: TestClient) -> None:
    files = {"file": ("inv.csv", b"make,model\n" + b"Hikvision,DS-2CD2043G0-I\n" * 400, "text/csv")}
    r = client.post("/v1/inventories", files=files, data={"profile": "default"})
    assert r.status_code == 413


def test_a_screening_job_takes_a_file_over_the_request_limit(client: TestClient) -> None:
    """The job API exists for files too big for a request: its upload has its own limit
    (max_job_upload_bytes); the same file anywhere else is over the request limit."""
    names = b"name\n" + b"Hangzhou Hikvision Digital Technology Co., Ltd.\n" * 200  # ~9.6 KB
    files = {"file": ("names.csv", names, "text/csv")}
    assert client.post("/v1/inventories", files=files, data={"profile": "default"}).status_code == (
        413
    )
    r = client.post("/v1/jobs/screen", files=files)
    assert r.status_code == 202, r.text
    assert r.json()["id"]


def test_pages_carry_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in client.get("/health").headers


def test_a_validation_error_is_one_sentence_naming_the_field(client: TestClient) -> None:
    r = client.post("/v1/screen", json={"name": "x", "threshold": 7})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str)
    assert "body.threshold" in detail
    # JSON false is not a threshold of 0.0 (it was accepted as one), nor is the string "0.8".
    for bad in (False, "0.8"):
        r = client.post("/v1/screen", json={"name": "x", "threshold": bad})
        assert r.status_code == 422, bad
        assert "body.threshold" in r.json()["detail"]


def test_docs_are_served_without_a_cdn(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
        assets = [part.split('"')[0] for part in html.split('src="')[1:]]
        assets += [part.split('"')[0] for part in html.split('href="')[1:]]
        local = [a for a in assets if a.startswith("/")]
        assert local, html[:500]
        for asset in local:
            assert client.get(asset).status_code == 200, asset


def test_a_stored_report_can_be_deleted(loaded: tuple[Database, Settings]) -> None:
    from .conftest import FIXTURES, make_app

    _, settings = loaded
    inventory = (FIXTURES / "devices" / "inventory.csv").read_bytes()
    with TestClient(make_app(settings)) as c:
        up = c.post(
            "/v1/inventories",
            files={"file": ("inv.csv", inventory, "text/csv")},
            data={"profile": "uk-retail"},
        )
        assert up.status_code == 200, up.text
        rid = up.json()["id"]
        assert up.json()["created_at"]
        assert c.get(f"/v1/inventories/{rid}").json()["devices"] == up.json()["devices"]
        assert c.delete(f"/v1/inventories/{rid}").status_code == 204
        assert c.get(f"/v1/inventories/{rid}").status_code == 404
        assert c.delete(f"/v1/inventories/{rid}").status_code == 404


def test_a_custom_list_upload_is_bounded_in_rows(settings: Settings) -> None:
    """The API passes SCREENING_MAX_UPLOAD_ROWS to custom-list uploads (the CLI does not)."""
    from .conftest import make_app

    limited = settings.model_copy(update={"max_upload_rows": 2})
    with TestClient(make_app(limited)) as c:
        r = c.post("/v1/custom-lists/big", content="name\nA\nB\nC\n")
        assert r.status_code in (400, 413), r.text
        assert "SCREENING_MAX_UPLOAD_ROWS" in r.json()["detail"] or "rows" in r.json()["detail"]
        assert c.post("/v1/custom-lists/small", content="name\nA\nB\n").status_code == 200
