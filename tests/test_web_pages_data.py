"""The data pages of the web application (issue 16): inventories and quotes, the lists and
their diffs, administration. In-process (TestClient) with authentication off, so the visitor
is the local administrator of `default`; roles and tenants are changed by overriding the
`current_user` dependency. Uploads are the example inventory the README names
(tests/fixtures/devices/inventory.csv) and the row-error fixture of the reader's tests; every
figure checked is read from the stored report, not written here."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from screening.api.web.session import WebUser, current_user
from screening.schemas.accounts import Principal
from screening.schemas.monitoring import WebhookIn
from screening.schemas.vendors import VendorIn
from screening.service import Screening, open_screening
from screening.settings import Settings

from .conftest import Database, make_app, make_settings

FIX = Path(__file__).parent / "fixtures"
EXAMPLE = FIX / "devices" / "inventory.csv"
BAD_ROWS = FIX / "inventories" / "inventory_bad_rows.csv"
NO_COLUMNS = FIX / "inventories" / "inventory_no_columns.csv"
CSRF = {"csrf_token": "local"}  # the local administrator's token (authentication off)


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only: the pages are checked above the storage (see `loaded_sqlite`)."""
    return loaded_sqlite


def as_user(app: FastAPI, tenant: str, role: str, csrf: str = "tok") -> None:
    """Every page request from now on is by a person of `tenant` with `role`."""
    who = WebUser(Principal(tenant=tenant, role=role, key_name="user:t@x"), "t@x", csrf)  # type: ignore[arg-type]
    app.dependency_overrides[current_user] = lambda: who


@pytest.fixture(scope="module")
def web(loaded: tuple[Database, Settings]) -> Iterator[tuple[FastAPI, TestClient, Settings]]:
    _, settings = loaded
    app = make_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        yield app, client, settings


@pytest.fixture
def client(web: tuple[FastAPI, TestClient, Settings]) -> Iterator[TestClient]:
    app, c, _ = web
    yield c
    app.dependency_overrides.pop(current_user, None)


def svc_of(settings: Settings) -> Any:
    return open_screening(settings)


def upload(client: TestClient, path: Path, name: str | None = None, **form: str) -> Any:
    data = {**CSRF, "profile": "uk-retail", "kind": "inventory", **form}
    files = {"file": (name or path.name, path.read_bytes(), "text/csv")}
    return client.post("/inventories", data=data, files=files)


@pytest.fixture(scope="module")
def stored(web: tuple[FastAPI, TestClient, Settings]) -> str:
    """The example inventory uploaded once through the page; the stored report's id."""
    _, client, _ = web
    r = upload(client, EXAMPLE)
    assert r.status_code == 303, r.text
    rid = r.headers["location"].rsplit("/", 1)[1]
    assert r.headers["location"] == f"/inventories/{rid}"
    return rid


def doc(html: str) -> Any:
    return lxml.html.fromstring(html)


def texts(node: Any) -> str:
    return " ".join(node.text_content().split())


# -- inventories ------------------------------------------------------------------------------


def test_uploaded_example_shows_the_per_site_chart_and_every_device(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient, stored: str
) -> None:
    _, _, settings = web
    with svc_of(settings) as svc:
        report = svc.report(stored, "default")
    page = client.get(f"/inventories/{stored}")
    assert page.status_code == 200
    html = doc(page.text)
    chart = {
        texts(tr.xpath("th")[0]): tr for tr in html.xpath('//table[@class="d-chart"]/tbody/tr')
    }
    assert set(chart) == {g.site for g in report.sites}
    for g in report.sites:
        cells = chart[g.site].xpath("td")
        assert texts(cells[1]) == str(g.devices)
        # the text alternative names every tier with its count; the bar has one segment each
        for tier, n in g.by_tier.items():
            if n:
                assert f"{n} {tier}" in texts(cells[2])
        assert len(cells[0].xpath("span")) == sum(1 for n in g.by_tier.values() if n)
    counts = [texts(li) for li in html.xpath('//ul[@class="d-counts"]/li')]
    assert sorted(counts) == sorted(f"{t} {n}" for t, n in report.summary.by_tier.items() if n)
    rows = html.xpath('//table[@id="devices"]/tbody/tr')
    assert len(rows) == len(report.devices)
    by_asset = {texts(tr.xpath("td")[1]): tr for tr in rows}
    for d in report.devices:
        tr = by_asset[d.asset_id or ""]
        tds = tr.xpath("td")
        assert texts(tds[5]).startswith(d.tier)  # the tier in words, not only a colour
        if d.family:
            assert d.family in texts(tds[4])
        if d.action:
            assert d.action.text in texts(tds[7])
        assert len(tds[6].xpath(".//li")) == len(d.evidence)
    # listed in the history, newest first
    listing = doc(client.get("/inventories").text)
    assert listing.xpath(f'//table[@id="reports"]//a[@href="/inventories/{stored}"]')


def test_a_quote_is_charted_per_vendor(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    r = upload(client, FIX / "inventories" / "purchase_order.csv", kind="po", profile="us-federal")
    assert r.status_code == 303, r.text
    rid = r.headers["location"].rsplit("/", 1)[1]
    _, _, settings = web
    with svc_of(settings) as svc:
        report = svc.report(rid, "default")
    assert report.kind == "po"
    html = doc(client.get(f"/inventories/{rid}").text)
    bars = [texts(tr.xpath("th")[0]) for tr in html.xpath('//table[@class="d-chart"]/tbody/tr')]
    assert sorted(bars) == sorted(g.vendor for g in report.vendors)
    assert len(html.xpath('//table[@id="devices"]/tbody/tr')) == len(report.items)


def test_the_chart_keeps_the_worst_sites_and_counts_the_rest(
    web: tuple[FastAPI, TestClient, Settings],
    client: TestClient,
    stored: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import screening.api.web.pages_inventories as pi

    _, _, settings = web
    with svc_of(settings) as svc:
        report = svc.report(stored, "default")
    monkeypatch.setattr(pi, "CHART_BARS", 5)
    html = doc(client.get(f"/inventories/{stored}").text)
    bars = [texts(tr.xpath("th")[0]) for tr in html.xpath('//table[@class="d-chart"]/tbody/tr')]
    assert len(bars) == 5 and len(report.sites) > 5
    # the worst sites are kept: none left out has more devices at a tier above, tier by tier
    order = ["prohibited", "high", "medium", "low", "none", "unknown"]

    def worse(a: dict[str, int], b: dict[str, int]) -> bool:
        return [a.get(t, 0) for t in order] > [b.get(t, 0) for t in order]

    kept = [g.by_tier for g in report.sites if g.site in bars]
    dropped = [g.by_tier for g in report.sites if g.site not in bars]
    assert not any(worse(d, k) for d in dropped for k in kept)
    assert f"{len(report.sites) - 5} more sites" in texts(html.xpath('//*[@id="site-chart"]')[0])


def test_a_json_inventory_uploads(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    path = FIX / "inventories" / "inventory_devices.json"
    r = upload(client, path)
    assert r.status_code == 303, r.text
    rows = doc(client.get(r.headers["location"]).text).xpath('//table[@id="devices"]/tbody/tr')
    with svc_of(web[2]) as svc:
        report = svc.report(r.headers["location"].rsplit("/", 1)[1], "default")
    assert report.file == path.name and len(rows) == len(report.devices) > 0


def test_report_filters_by_tier_site_family_and_text(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient, stored: str
) -> None:
    _, _, settings = web
    with svc_of(settings) as svc:
        report = svc.report(stored, "default")
    tier = report.devices[0].tier
    site = report.devices[-1].site or ""
    for params, want in [
        ({"tier": tier}, [d for d in report.devices if d.tier == tier]),
        ({"site": site}, [d for d in report.devices if d.site == site]),
        ({"family": "hikvision"}, [d for d in report.devices if d.family == "hikvision"]),
        ({"q": "cam-00"}, [d for d in report.devices if "CAM-00" in (d.asset_id or "")]),
        ({"family": "-"}, [d for d in report.devices if not d.family]),
    ]:
        html = doc(client.get(f"/inventories/{stored}", params=params).text)
        shown = [texts(tr.xpath("td")[1]) for tr in html.xpath('//table[@id="devices"]/tbody/tr')]
        assert shown == [d.asset_id for d in want], params
        assert 0 < len(want) < len(report.devices), params


def test_downloads_reuse_the_renderers(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient, stored: str
) -> None:
    _, _, settings = web
    with svc_of(settings) as svc:
        report = svc.report(stored, "default")
    got = client.get(f"/inventories/{stored}/download.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["asset_id"] for r in rows] == [d.asset_id for d in report.devices]
    as_json = client.get(f"/inventories/{stored}/download.json")
    assert json.loads(as_json.text)["id"] == stored
    as_html = client.get(f"/inventories/{stored}/download.html")
    assert as_html.headers["content-type"].startswith("text/html")
    assert 'id="tier-chart"' in as_html.text
    assert client.get(f"/inventories/{stored}/download.exe").status_code == 404


def test_row_errors_are_listed_against_their_rows(client: TestClient) -> None:
    r = upload(client, BAD_ROWS)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    with_errors = doc(page.text).xpath('//table[@id="row-errors"]/tbody/tr')
    data_rows = BAD_ROWS.read_text().splitlines()[1:]
    assert with_errors, "the fixture has unreadable rows"
    for tr in with_errors:
        row, line = (texts(td) for td in tr.xpath("td")[:2])
        # the row named is a real row of the file, its line the file's physical line
        assert 1 <= int(row) <= len(data_rows) and int(line) == int(row) + 1


def test_a_refused_file_reshows_the_form_with_the_reason(client: TestClient) -> None:
    r = upload(client, NO_COLUMNS)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    alert = doc(r.text).xpath('//*[@role="alert"]')
    assert alert and NO_COLUMNS.name in texts(alert[0])
    # the choices made are kept
    assert doc(r.text).xpath('//option[@value="uk-retail"][@selected]')
    empty = upload(client, NO_COLUMNS, profile="no-such-profile")
    assert empty.status_code == 400 and "--profile" in texts(
        doc(empty.text).xpath('//*[@role="alert"]')[0]
    )
    nofile = client.post("/inventories", data={**CSRF, "profile": "default"})
    assert nofile.status_code == 400 and "file:" in nofile.text


def test_inventory_cells_are_rendered_escaped(client: TestClient) -> None:
    evil = "<img src=x onerror=alert(1)>"
    body = f"asset_id,site,make,model\nA-1,{evil},Hikvision,{evil}\n".encode()
    r = client.post(
        "/inventories",
        data={**CSRF, "profile": "default", "kind": "inventory"},
        files={"file": ("evil<b>.csv", body, "text/csv")},
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert evil not in page and "<b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not doc(page).xpath("//img")
    history = client.get("/inventories").text
    assert "evil<b>" not in history and "evil&lt;b&gt;" in history


def test_another_tenants_report_is_not_found(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient, stored: str
) -> None:
    app, _, _ = web
    as_user(app, "other", "admin", csrf="tok")
    page = client.get(f"/inventories/{stored}")
    assert page.status_code == 404 and "Not found" in page.text
    assert client.get(f"/inventories/{stored}/download.csv").status_code == 404
    assert stored not in client.get("/inventories").text
    gone = client.post(f"/inventories/{stored}/delete", data={"csrf_token": "tok"})
    assert gone.status_code == 404
    app.dependency_overrides.pop(current_user)
    assert client.get(f"/inventories/{stored}").status_code == 200


def test_the_upload_script_is_served_by_the_app(client: TestClient) -> None:
    page = doc(client.get("/inventories").text)
    src = page.xpath("//script/@src")
    assert "/static/data.js" in src and all(s.startswith("/static/") for s in src)  # no CDN
    js = client.get("/static/data.js")
    assert js.status_code == 200 and "upload-progress" in js.text
    assert page.xpath('//progress[@id="upload-progress"]')


def test_the_upload_script_gets_the_reports_address(client: TestClient) -> None:
    r = client.post(
        "/inventories",
        data={**CSRF, "profile": "default", "kind": "inventory"},
        files={"file": ("bad.csv", BAD_ROWS.read_bytes(), "text/csv")},
        headers={"X-Upload-Progress": "1"},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    where = r.json()["location"]
    assert re.fullmatch(r"/inventories/[^/]+", where)
    assert client.get(where).status_code == 200
    refused = client.post(
        "/inventories",
        data={**CSRF, "profile": "default"},
        files={"file": ("x.csv", NO_COLUMNS.read_bytes(), "text/csv")},
        headers={"X-Upload-Progress": "1"},
    )
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("text/html")


def test_a_ci_principal_may_not_upload(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    app, _, _ = web
    as_user(app, "default", "ci", csrf="tok")
    assert 'id="upload-form"' not in client.get("/inventories").text
    r = upload(client, EXAMPLE, csrf_token="tok")
    assert r.status_code == 403


# -- lists ------------------------------------------------------------------------------------


def test_lists_page_shows_every_visible_source(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    _, _, settings = web
    with svc_of(settings) as svc:
        sources = svc.sources("default")
    html = doc(client.get("/lists").text)
    rows = html.xpath('//table[@id="sources"]/tbody/tr')
    assert len(rows) == len(sources)
    for s, tr in zip(sources, rows, strict=True):
        assert s.source in texts(tr.xpath("th")[0])
        assert (s.version or "no data") in texts(tr)
        assert f"{s.entity_count:,}" in texts(tr)


def test_a_list_with_two_versions_and_their_diff(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    """A custom list uploaded twice (a one-column CSV of names written for this test: no
    published file is a tenant's own list) gives two versions and a diff of one name."""
    _, _, settings = web
    with svc_of(settings) as svc:
        assert isinstance(svc, Screening)
        svc.add_custom_list("webdiff", b"name\nAcme Widgets Ltd\nBeta <b>Trading</b>\n", "a.csv")
        svc.add_custom_list("webdiff", b"name\nAcme Widgets Ltd\nGamma Holdings\n", "b.csv")
        snaps = sorted(svc.snapshots("custom:webdiff", "default"), key=lambda v: v.id)
        versions = [v.version for v in snaps if v.version]
    page = client.get("/lists/custom:webdiff")
    assert page.status_code == 200
    html = doc(page.text)
    assert len(html.xpath('//table[@id="versions"]/tbody/tr')) == len(versions) == 2
    diff = client.get("/lists/custom:webdiff/diff", params={"from": versions[0], "to": versions[1]})
    assert diff.status_code == 200
    d = doc(diff.text)
    assert "Gamma Holdings" in texts(d.xpath('//ul[@id="added"]')[0])
    assert "Beta <b>Trading</b>" in texts(d.xpath('//ul[@id="removed"]')[0])
    assert "<b>Trading" not in diff.text  # escaped
    same = client.get("/lists/custom:webdiff/diff", params={"from": versions[0], "to": versions[0]})
    assert same.status_code == 400 and doc(same.text).xpath('//*[@role="alert"]')
    # another tenant does not see the custom list at all
    app, _, _ = web
    as_user(app, "other", "admin")
    assert client.get("/lists/custom:webdiff").status_code == 404
    assert "custom:webdiff" not in client.get("/lists").text


# -- administration ---------------------------------------------------------------------------


def test_admin_creates_and_revokes_a_key(client: TestClient) -> None:
    made = client.post("/admin/keys", data={**CSRF, "role": "ci", "name": "pipeline <x>"})
    assert made.status_code == 200
    secret = texts(doc(made.text).xpath('//*[@id="new-key"]//code')[0])
    assert secret.startswith("scr_")
    prefix = secret[:12]
    keys = doc(client.get("/admin").text)
    row = [tr for tr in keys.xpath('//table[@id="key-table"]/tbody/tr') if prefix in texts(tr)]
    assert row and "pipeline <x>" in texts(row[0]) and secret not in client.get("/admin").text
    assert (
        client.get("/v1/sources", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    gone = client.post(f"/admin/keys/{prefix}/revoke", data=CSRF)
    assert gone.status_code == 303
    after = doc(client.get(gone.headers["location"]).text)
    row = [tr for tr in after.xpath('//table[@id="key-table"]/tbody/tr') if prefix in texts(tr)]
    assert "revoked" in texts(row[0])
    bad = client.post("/admin/keys", data={**CSRF, "role": "root"})
    assert bad.status_code == 400 and "role" in texts(doc(bad.text).xpath('//*[@role="alert"]')[0])


def test_admin_webhooks_their_log_and_the_audit_trail(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    refused = client.post("/admin/webhooks", data={**CSRF, "url": "http://127.0.0.1:9/hook"})
    assert refused.status_code == 400
    assert doc(refused.text).xpath('//*[@role="alert"]')
    assert doc(refused.text).xpath('//input[@id="hook-url"][@value="http://127.0.0.1:9/hook"]')
    _, _, settings = web
    private = settings.model_copy(update={"webhook_allow_private": True})
    with svc_of(private) as svc:
        hook = svc.add_webhook(WebhookIn(url="http://127.0.0.1:9/hook"))
    admin = doc(client.get("/admin").text)
    assert any(
        "127.0.0.1:9/hook" in texts(tr) for tr in admin.xpath('//table[@id="hook-table"]/tbody/tr')
    )
    log = client.get(f"/admin/webhooks/{hook.id}")
    assert log.status_code == 200 and "Nothing sent yet" in log.text
    trail = client.get("/admin/audit", params={"action": "webhook."})
    actions = [
        texts(tr.xpath("td")[3]) for tr in doc(trail.text).xpath('//table[@id="audit"]/tbody/tr')
    ]
    assert actions and all(a.startswith("webhook.") for a in actions)
    deleted = client.post(f"/admin/webhooks/{hook.id}/delete", data=CSRF)
    assert deleted.status_code == 303
    assert "127.0.0.1:9/hook" not in client.get("/admin").text


def test_admin_adds_and_disables_a_person(client: TestClient) -> None:
    short = client.post(
        "/admin/users",
        data={**CSRF, "email": "ana@example.org", "role": "analyst", "password": "x"},
    )
    assert short.status_code == 400
    assert "password" in texts(doc(short.text).xpath('//*[@role="alert"]')[0]).lower()
    assert doc(short.text).xpath('//input[@id="user-email"][@value="ana@example.org"]')
    made = client.post(
        "/admin/users",
        data={
            **CSRF,
            "email": "ana@example.org",
            "role": "analyst",
            "password": "a long passphrase",
        },
    )
    assert made.status_code == 303

    def state() -> str:
        html = doc(client.get("/admin").text)
        rows = [
            tr for tr in html.xpath('//table[@id="user-table"]/tbody/tr') if "ana@" in texts(tr)
        ]
        assert len(rows) == 1
        return texts(rows[0])

    assert "analyst" in state() and "active" in state()
    off = client.post("/admin/users/disable", data={**CSRF, "email": "ana@example.org"})
    assert off.status_code == 303 and "disabled" in state()


def test_the_audit_trail_pages(client: TestClient, stored: str) -> None:
    stores = doc(client.get("/admin/audit", params={"action": "inventory.store"}).text)
    assert stores.xpath(f'//table[@id="audit"]//a[@href="/inventories/{stored}"]')
    for i in range(3):
        client.post("/admin/keys", data={**CSRF, "role": "ci", "name": f"k{i}"})
    import screening.api.web.pages_admin as pa

    size, pa.AUDIT_PAGE = pa.AUDIT_PAGE, 2
    try:
        first = doc(client.get("/admin/audit", params={"action": "key.create"}).text)
        ids = [int(texts(tr.xpath("td")[0])) for tr in first.xpath('//table[@id="audit"]/tbody/tr')]
        nxt = first.xpath('//a[@rel="next"]/@href')[0]
        second = doc(client.get("/admin/audit" + nxt).text)
        more = [
            int(texts(tr.xpath("td")[0])) for tr in second.xpath('//table[@id="audit"]/tbody/tr')
        ]
    finally:
        pa.AUDIT_PAGE = size
    # newest first, and the next page goes on to older entries
    assert len(ids) == 2 and ids == sorted(ids, reverse=True)
    assert more and max(more) < min(ids)


# -- roles and CSRF ---------------------------------------------------------------------------

FORMS = [
    "/inventories",
    "/inventories/x/delete",
    "/admin/keys",
    "/admin/keys/scr_x/revoke",
    "/admin/users",
    "/admin/users/disable",
    "/admin/webhooks",
    "/admin/webhooks/x/delete",
    "/admin/webhooks/x/deliveries/1/redeliver",
]
ADMIN_FORMS = [f for f in FORMS if f.startswith("/admin")]


@pytest.mark.parametrize("path", FORMS)
def test_every_form_needs_the_csrf_token(client: TestClient, path: str) -> None:
    assert client.post(path, data={"role": "ci"}).status_code == 403
    assert client.post(path, data={"role": "ci", "csrf_token": "wrong"}).status_code == 403


def test_an_analyst_may_not_administer(
    web: tuple[FastAPI, TestClient, Settings], client: TestClient
) -> None:
    app, _, _ = web
    as_user(app, "default", "analyst", csrf="tok")
    for path in ("/admin", "/admin/audit", "/admin/webhooks/x"):
        refused = client.get(path)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith(
            "text/html"
        )
        assert "Only an administrator" in refused.text
    for path in ADMIN_FORMS:
        r = client.post(path, data={"csrf_token": "tok", "role": "admin", "url": "https://x.test"})
        assert r.status_code == 403, path
    assert 'href="/admin"' not in client.get("/lists").text


def test_pages_escape_and_do_not_leak_secrets_in_addresses(client: TestClient) -> None:
    made = client.post("/admin/keys", data={**CSRF, "role": "ci", "name": "x"})
    assert made.status_code == 200 and "location" not in made.headers
    assert re.search(r"scr_[A-Za-z0-9_-]{20,}", made.text)


def test_the_delivery_log_shows_a_real_delivery(db: Database, tmp_path: Path) -> None:
    """A delivery made the way production makes one: a custom-list change names a vendor of
    the tenant, the re-screen raises an alert, the alert is queued for the webhook, and the
    attempt to a closed local port fails (nothing leaves the machine). A database of its own
    with one small real list: over every bundled list the index rebuild costs many seconds."""
    settings = make_settings(db.url, tmp_path, webhook_allow_private=True)
    with db.session() as session:
        svc = Screening(session, settings)
        svc.refresh(["us_ndaa_889"], offline=True)
        hook = svc.add_webhook(WebhookIn(url="http://127.0.0.1:9/hook"))
        svc.add_vendor(VendorIn(name="Harbourline Imaging <i>Ltd</i>"))
        svc.add_custom_list("webwatch", b"name\nHarbourline Imaging <i>Ltd</i>\n", "w.csv")
        assert svc.rescreen(max_vendors=10).alerts >= 1
        assert svc.deliver_due() >= 1
        sent = svc.deliveries(hook.id)
    with TestClient(make_app(settings), follow_redirects=False) as client:
        log = client.get(f"/admin/webhooks/{hook.id}")
        rows = doc(log.text).xpath('//table[@id="deliveries"]/tbody/tr')
        assert log.status_code == 200 and len(rows) == len(sent) == 1  # one alert, one hook
        first = rows[0]
        assert texts(first.xpath("td")[1]) == sent[0].status
        assert texts(first.xpath("td")[2]) == str(sent[0].attempts) == "1"
        assert "Connection refused" in texts(first.xpath("td")[3])
        again = first.xpath('.//form[contains(@action, "/redeliver")]/@action')
        assert again == [f"/admin/webhooks/{hook.id}/deliveries/{sent[0].id}/redeliver"]
        assert client.post(again[0], data=CSRF).status_code == 303
        requeued = doc(client.get(f"/admin/webhooks/{hook.id}").text)
        assert texts(requeued.xpath('//table[@id="deliveries"]/tbody/tr/td')[2]) == "0"
