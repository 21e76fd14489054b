"""The main web pages (issue 16): overview, screen a name, vendors, one vendor, alerts. Driven
in-process (TestClient) with authentication off (the local administrator of `default`), on
SQLite and PostgreSQL, over two small real lists (NDAA §889 and the FCC Covered List).

The custom list and vendor names are the smallest honest fixture: a buyer's own suppliers and
in-house lists are by nature the user's own rows (no published file exists)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from screening.schemas.accounts import Principal
from screening.schemas.vendors import VendorIn
from screening.service import Screening, Settings, alertreads
from tests.conftest import FIXTURES, Database, make_app, make_settings

HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."
LOCAL = Principal(tenant="default", role="admin", key_name="local (authentication off)")
OTHER = Principal(tenant="other-co", role="admin", key_name="other-admin")
XSS = "<script>alert(1)</script>"
CSRF = {"csrf_token": "local"}  # the local administrator's token (session.py, auth off)


@pytest.fixture(scope="module")
def settings_of(module_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(module_db.url, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def env(module_db: Database, settings_of: Settings) -> Iterator[tuple[TestClient, Screening]]:
    settings = settings_of
    with module_db.session() as session:
        svc = Screening(session, settings)
        loaded = svc.refresh(["us_ndaa_889", "us_fcc_covered"], offline=True)
        assert [o.result for o in loaded] == ["created", "created"]
        with TestClient(make_app(settings)) as client:
            yield client, svc


class _Controls(HTMLParser):
    """The form controls of a page a person must fill in, and the ids labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.labelled.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)


def unlabelled(html: str) -> list[str]:
    """Controls without a label (`<label for>` or `aria-label`): what a screen reader could
    not name."""
    found = _Controls()
    found.feed(html)
    return [
        str(c.get("name"))
        for c in found.controls
        if not c.get("aria-label") and (c.get("id") or "") not in found.labelled
    ]


def _add(client: TestClient, name: str, **fields: str) -> str:
    r = client.post("/vendors", data={"name": name, **fields, **CSRF}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    m = re.fullmatch(r"/vendors/([0-9a-f-]{36})\?saved=added", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def test_every_page_renders_with_the_navigation(env: tuple[TestClient, Screening]) -> None:
    client, _ = env
    for path, heading in [
        ("/", "Overview"),
        ("/screen", "Screen a name"),
        ("/vendors", "Vendors"),
        ("/alerts", "Alerts"),
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert f"<h1>{heading}</h1>" in r.text, path
        assert f'<a href="{path}" aria-current="page">' in r.text, path
        assert 'action="/logout"' in r.text and 'name="csrf_token"' in r.text
        assert '<a href="/admin"' in r.text  # the local administrator
        assert unlabelled(r.text) == [], path
    # The key-based page still works, at its new address.
    key_page = client.get("/screen/key").text
    assert '<form id="f">' in key_page and "body.parties" in key_page


def test_overview_shows_list_freshness_with_a_warning_past_the_age(
    env: tuple[TestClient, Screening],
) -> None:
    client, _ = env
    page = client.get("/").text
    row = page.split("/lists/us_fcc_covered", 1)[1].split("</tr>", 1)[0]
    fcc = next(s for s in env[1].sources() if s.source == "us_fcc_covered")
    assert fcc.published_at and fcc.published_at[:10] in row
    # The bundled FCC list is dated by its publisher well over 30 days before this run.
    assert "Old: over 30 days" in row


def test_screen_shows_parties_listings_and_the_family_relation(
    env: tuple[TestClient, Screening],
) -> None:
    client, _ = env
    r = client.get("/screen", params={"name": "Hangzhou Ezviz Software Co., Ltd."})
    assert r.status_code == 200
    assert HIK in r.text and "subsidiary of" in r.text
    assert "us_ndaa_889" in r.text and "<details>" in r.text and "Why this score" in r.text
    r = client.get("/screen", params={"name": "Hikvision", "kind": "spaceship"})
    assert r.status_code == 400 and "Kind: choose one of" in r.text and HIK not in r.text
    none = client.get("/screen", params={"name": "Quiet Meadow Bakery"}).text
    assert "No match" in none and HIK not in none


def test_add_a_vendor_then_dismiss_its_hit_with_a_reason(
    env: tuple[TestClient, Screening],
) -> None:
    client, svc = env
    vid = _add(client, "Hikivision", country="CN")
    page = client.get(f"/vendors/{vid}?saved=added").text
    assert unlabelled(page) == [] and page.count('name="reason"') >= 1
    assert "Vendor added and screened." in page and HIK in page and "Open</span>" in page
    entity = re.search(r'name="entity_id" value="([^"]+)"', page)
    assert entity
    # No reason: the page again with the message, nothing recorded.
    r = client.post(
        f"/vendors/{vid}/reviews",
        data={"entity_id": entity.group(1), "decision": "dismissed", "reason": " ", **CSRF},
    )
    assert r.status_code == 400 and "Give a reason" in r.text
    assert svc.reviews(vid) == []
    r = client.post(
        f"/vendors/{vid}/reviews",
        data={
            "entity_id": entity.group(1),
            "decision": "dismissed",
            "reason": "same name, a bakery in Leeds",
            **CSRF,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Decision recorded." in page and "same name, a bakery in Leeds" in page
    assert [x.decision for x in svc.reviews(vid)] == ["dismissed"]
    assert "review.dismissed" in page  # the history
    # A listing the vendor does not hit: the service's refusal, shown on the page.
    r = client.post(
        f"/vendors/{vid}/reviews",
        data={"entity_id": "us_ofac_sdn:0", "decision": "confirmed", "reason": "x", **CSRF},
    )
    assert r.status_code == 400 and "is not a current hit" in r.text


def test_vendor_filters(env: tuple[TestClient, Screening]) -> None:
    client, _ = env
    _add(client, "Zhejiang Dahua Technology Co., Ltd.")
    _add(client, "Fenwick Paper Supplies")

    def names(**params: str) -> set[str]:
        page = client.get("/vendors", params=params).text
        return set(re.findall(r'<a href="/vendors/[0-9a-f-]{36}">([^<]+)</a>', page))

    assert "Fenwick Paper Supplies" in names(hits="no")
    assert "Fenwick Paper Supplies" not in names(hits="yes")
    assert "Zhejiang Dahua Technology Co., Ltd." in names(hits="yes", tier="high")
    assert names(q="fenwick") == {"Fenwick Paper Supplies"}
    assert "Zhejiang Dahua Technology Co., Ltd." in names(reviewed="no")
    assert "Fenwick Paper Supplies" not in names(reviewed="no")
    assert "No vendor matches these filters." in client.get("/vendors?q=zzzz-none").text
    # A value the form does not offer is ignored rather than answered with a JSON 422.
    assert names(tier="bogus", hits="maybe") == names()


def test_import_shows_errors_against_the_rows_and_stores_nothing(
    env: tuple[TestClient, Screening],
) -> None:
    client, svc = env
    before = len(svc.vendors())
    bad = b"name,country\nGood Row Ltd,GB\n,GB\nAnother Ltd,FR\n" + b"Long Co," + b"X" * 70 + b"\n"
    r = client.post("/vendors/import", data=CSRF, files={"file": ("v.csv", bad, "text/csv")})
    assert r.status_code == 400 and "Nothing was imported" in r.text
    rows = dict(re.findall(r'<tr id="import-row-(\d+)"( class="error")?', r.text))
    assert rows == {"1": "", "2": ' class="error"', "3": "", "4": ' class="error"'}
    assert len(svc.vendors()) == before
    good = b"name,country,identifiers\nHikvision,CN,\nOakridge Joinery,GB,GB123;LEI9\n"
    r = client.post("/vendors/import", data=CSRF, files={"file": ("ok.csv", good, "text/csv")})
    assert r.status_code == 200 and "Imported 2 vendors; 1 with hits." in r.text
    assert len(svc.vendors()) == before + 2
    r = client.post("/vendors/import", data=CSRF, files={"file": ("h.csv", b"nom\nx\n")})
    assert r.status_code == 400 and "no &#39;name&#39; column" in r.text


def test_another_tenants_vendor_is_not_found(env: tuple[TestClient, Screening]) -> None:
    client, svc = env
    theirs = svc.add_vendor(VendorIn(name="Secret Supplier Gmbh"), OTHER.tenant, who=OTHER)
    r = client.get(f"/vendors/{theirs.id}")
    assert r.status_code == 404 and "Secret Supplier" not in r.text
    r = client.post(
        f"/vendors/{theirs.id}/reviews",
        data={"entity_id": "x", "decision": "dismissed", "reason": "x", **CSRF},
    )
    assert r.status_code == 404 and svc.reviews(theirs.id, OTHER.tenant) == []
    assert "Secret Supplier" not in client.get("/vendors").text


def test_user_strings_are_escaped(env: tuple[TestClient, Screening]) -> None:
    client, _ = env
    vid = _add(client, XSS, external_id='"><img src=x onerror=alert(2)>')
    for page in (client.get("/vendors").text, client.get(f"/vendors/{vid}").text):
        assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page
    screened = client.get("/screen", params={"name": XSS}).text
    assert XSS not in screened and "&lt;script&gt;" in screened
    r = client.post(
        "/vendors/import",
        data=CSRF,
        files={"file": ("<b>x.csv", b"name\n" + XSS.encode() + b"\n,\n")},
    )
    assert r.status_code == 400 and XSS not in r.text and "<b>x.csv" not in r.text


def test_every_form_needs_the_csrf_token(env: tuple[TestClient, Screening]) -> None:
    client, svc = env
    vid = svc.add_vendor(VendorIn(name="Token Test Ltd"), who=LOCAL).id
    forms = [
        ("/vendors", {"name": "No Token Ltd"}, None),
        ("/vendors/import", {}, {"file": ("v.csv", b"name\nNo Token Ltd\n", "text/csv")}),
        (
            f"/vendors/{vid}/reviews",
            {"entity_id": "x", "decision": "dismissed", "reason": "r"},
            None,
        ),
        ("/alerts/read", {"all": "1"}, None),
    ]
    before = len(svc.vendors())
    for path, data, files in forms:
        for token in ({}, {"csrf_token": "forged"}):
            r = client.post(path, data={**data, **token}, files=files)
            assert r.status_code == 403, (path, token)
    assert len(svc.vendors()) == before


def test_alerts_link_to_the_vendor_and_are_marked_read(env: tuple[TestClient, Screening]) -> None:
    client, svc = env
    name = "Larkspur Survey Instruments Ltd"
    second = "Fernhollow Gauge Makers Ltd"
    vid = _add(client, name, country="GB")
    vid2 = _add(client, second, country="GB")
    row = f"name,country,reason\r\n{name},GB,in-house watch\r\n{second},GB,watch\r\n".encode()
    svc.add_custom_list("watch", row, "test", who=LOCAL)
    svc.rescreen()
    mine = [a for a in svc.alerts() if a.data.get("vendor", {}).get("id") == vid]
    assert [a.type for a in mine] == ["vendor.hit.added"]
    aid = mine[0].id
    aid2 = next(a.id for a in svc.alerts() if a.data.get("vendor", {}).get("id") == vid2)
    page = client.get("/alerts?unread=yes").text
    assert f'id="alert-{aid}" class="unread"' in page and f'href="/vendors/{vid}"' in page
    assert "New hit" in page and name in page
    assert unlabelled(page) == [] and 'type="checkbox" name="ids"' in page
    unread = alertreads.unread_count(svc.session, "default", "local")
    r = client.post(
        "/alerts/read",
        # a row's own "Mark read" button, in the form where another row is ticked
        data={"ids": [str(aid2)], "only": str(aid), "next": "/alerts?unread=yes", **CSRF},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/alerts?unread=yes&saved=read"
    assert alertreads.unread_count(svc.session, "default", "local") == unread - 1
    assert f'id="alert-{aid2}" class="unread"' in client.get("/alerts?unread=yes").text
    assert f'id="alert-{aid}"' not in client.get("/alerts?unread=yes").text
    assert f'id="alert-{aid}">' in client.get("/alerts").text  # still listed, as read
    # Read state is per person, and another tenant's ids are ignored.
    assert alertreads.unread_count(svc.session, "default", "someone-else") >= 1
    assert alertreads.mark_read(svc.session, OTHER.tenant, "local", [aid]) == 0
    # The vendor page's history carries the alert.
    assert "New hit" in client.get(f"/vendors/{vid}").text
    # A redirect target outside the alerts is refused (no open redirect).
    r = client.post(
        "/alerts/read",
        data={"all": "1", "next": "https://evil.example/", **CSRF},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/alerts?saved=read"
    assert alertreads.unread_count(svc.session, "default", "local") == 0


def test_overview_charts_the_latest_inventory_by_tier_and_site(
    env: tuple[TestClient, Screening],
) -> None:
    client, svc = env
    data = (FIXTURES / "devices" / "inventory.csv").read_bytes()
    report = svc.score_upload(data, "estate.csv", "inventory", "default", store=True, who=LOCAL)
    page = client.get("/").text
    assert f'href="/inventories/{report.id}"' in page and "estate.csv" in page
    by_site = report.summary.by_site  # type: ignore[union-attr]
    site, tiers = next(iter(sorted(by_site.items())))
    assert site in page
    label = ", ".join(f"{n} {t}" for t, n in tiers.items() if n)
    bar = re.search(rf'aria-label="{re.escape(site)}: ([^"]+)"', page)
    assert bar and sorted(bar.group(1).split(", ")) == sorted(label.split(", "))
    # The table alternative carries the same total.
    row = page.split(f'<th scope="row">{site}</th>', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{sum(tiers.values())}</td>' in row


def test_signed_in_people_see_their_tenant_only_and_what_their_role_allows(
    env: tuple[TestClient, Screening], settings_of: Settings
) -> None:
    """With sessions (authentication on): a person of another tenant sees none of `default`'s
    vendors or alerts; a `ci` person sees the pages but no form that changes anything."""
    from screening.api.web.session import SESSION_COOKIE

    local, svc = env
    mine = _add(local, "Hikvision Digital Technology")
    watched = "Brackenridge Telemetry Ltd"
    _add(local, watched)
    svc.add_custom_list("watch-b", f"name,country,reason\r\n{watched},GB,r\r\n".encode(), "t")
    svc.rescreen()
    assert any(a.data["vendor"]["name"] == watched for a in svc.alerts())  # `default` has one
    theirs = svc.add_vendor(VendorIn(name="Oakhurst Ceramics Ltd"), OTHER.tenant, who=OTHER)
    svc.create_user(OTHER.tenant, "viewer@other.example", "ci", "a long enough password")
    opened = svc.sign_in("viewer@other.example", "a long enough password", "test")
    keyed = settings_of.model_copy(update={"auth": "keys"})
    with TestClient(make_app(keyed)) as client:
        r = client.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        client.cookies.set(SESSION_COOKIE, opened.token)
        for path in ("/", "/vendors", "/alerts"):
            page = client.get(path).text
            assert "Hikvision Digital Technology" not in page and watched not in page, path
            assert '<a href="/admin"' not in page and "viewer@other.example" in page
        assert "Oakhurst Ceramics Ltd" in client.get("/vendors").text
        assert "No alerts yet" in client.get("/alerts").text
        assert "No inventory stored yet" in client.get("/").text  # empty states
        assert client.get(f"/vendors/{mine}").status_code == 404
        page = client.get(f"/vendors/{theirs.id}").text
        assert "Oakhurst Ceramics Ltd" in page and 'action="/vendors/' not in page
        assert 'method="post" action="/vendors"' not in client.get("/vendors").text  # ci: no form
        r = client.post("/vendors", data={"name": "Nope Ltd", "csrf_token": opened.csrf})
        assert r.status_code == 403
        assert [v.name for v in svc.vendors(OTHER.tenant, name="Nope")] == []


def test_an_error_page_for_browsers_only_with_the_reason_escaped() -> None:
    from starlette.requests import Request

    from screening.api.web.render import error_page, wants_page

    def request(path: str, accept: str) -> Request:
        headers = [(b"accept", accept.encode())]
        return Request({"type": "http", "method": "POST", "path": path, "headers": headers})

    browser = request("/vendors", "text/html,application/xhtml+xml")
    assert wants_page(browser)
    assert not wants_page(request("/v1/vendors", "text/html"))
    assert not wants_page(request("/vendors", "application/json"))
    r = error_page(browser, 403, f"refused: {XSS}")
    assert r.status_code == 403 and b"Not allowed" in r.body
    assert XSS.encode() not in r.body and b"&lt;script&gt;" in r.body
