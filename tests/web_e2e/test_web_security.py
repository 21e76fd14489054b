"""The web application's security, against a real running server (SQLite: what is checked here
sits above the storage, which test_web_narrative.py runs on both databases):

- every state-changing form (found by crawling the signed-in pages for `<form method=post>`)
  answers 403 without its CSRF token and with a wrong one, and changes nothing;
- the session cookie is HttpOnly, SameSite=Lax, Path=/, Secure when served over https (behind
  a proxy on loopback that says so), and never readable by the page's scripts;
- failed sign-ins are throttled per email (the right password is refused while locked; someone
  else still signs in);
- another tenant's stored inventory, its report and downloads, its vendors and custom lists
  are 404 by URL, as if they did not exist;
- every user-supplied string (a vendor name, an inventory cell, a custom list entry, an
  imported row shown against its error) is rendered as text: the page has no element made of
  it and runs none of it.

The hostile strings are the smallest honest fixture: a payload only a test would send, in a
copy of the bundled example inventory's first row and in a one-row in-house list.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from ..conftest import FIXTURES
from .conftest import Person, Site, screenshot, sign_in

pytestmark = pytest.mark.slow

PAYLOAD = "Acme <script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
INVENTORY = FIXTURES / "devices" / "inventory.csv"
SESSION_COOKIE = "screening_session"
LOGIN_COOKIE = "screening_login_csrf"  # the sign-in form's own (pre-session) CSRF cookie


# -- a signed-in HTTP client ---------------------------------------------------------------------
_HIDDEN = re.compile(r'name="csrf_token"\s+value="([^"]*)"')


def csrf_of(html: str) -> str:
    found = _HIDDEN.search(html)
    assert found, f"no csrf_token field in the page: {html[:1500]}"
    return found.group(1)


def login(site: Site, person: Person, https: bool = False) -> tuple[httpx.Client, httpx.Response]:
    """Sign in through the form as a browser without scripts would; the client and the reply.
    `https`: as if through a TLS-terminating proxy on loopback (which uvicorn trusts): the
    pre-session cookie then comes back Secure, so it is returned by hand over plain http."""
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    client = httpx.Client(base_url=site.base, timeout=60, headers=headers)
    token = csrf_of(client.get("/login").text)
    if https:
        headers["Cookie"] = f"{LOGIN_COOKIE}={token}"
    done = client.post(
        "/login",
        data={"email": person.email, "password": person.password, "csrf_token": token},
        headers=headers,
    )
    return client, done


def signed_in(site: Site, person: Person) -> httpx.Client:
    client, done = login(site, person)
    assert done.status_code == 303, done.text[:2000]
    assert SESSION_COOKIE in client.cookies
    return client


# -- forms ---------------------------------------------------------------------------------------
class _Forms(HTMLParser):
    """The page's POST forms (action, fields with their values) and its same-site links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "multipart": "multipart" in a.get("enctype", ""),
                "fields": {},
                "files": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            name = a.get("name")
            if not name:
                return
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(name, a.get("value", "on"))
            else:
                self._form["fields"][name] = a.get("value") or "x"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def crawl(client: httpx.Client, start: list[str], limit: int = 60) -> dict[str, dict[str, Any]]:
    """Every POST form reachable from `start` within two links, by action (the first seen)."""
    seen: set[str] = set()
    forms: dict[str, dict[str, Any]] = {}
    frontier = [(p, 0) for p in start]
    while frontier and len(seen) < limit:
        path, depth = frontier.pop(0)
        if path in seen:
            continue
        seen.add(path)
        reply = client.get(path)
        if "text/html" not in reply.headers.get("content-type", ""):
            continue
        parsed = _Forms()
        parsed.feed(reply.text)
        for form in parsed.forms:
            if form["method"] == "post":
                action = urlsplit(urljoin(path, form["action"] or path)).path
                forms.setdefault(action, form | {"page": path})
        if depth < 2:
            for href in parsed.links:
                url = urlsplit(urljoin(path, href))
                # Same site, a page (not a download, not a whole list's diff).
                if url.netloc or "download" in url.path or url.path.endswith("/diff"):
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                if target not in seen and not url.path.startswith("/static"):
                    frontier.append((target, depth + 1))
    return forms


def submit(client: httpx.Client, action: str, form: dict[str, Any], token: str | None) -> int:
    fields = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
    if token is not None:
        fields["csrf_token"] = token
    files = dict.fromkeys(form["files"], ("x.csv", b"name\r\nx\r\n", "text/csv"))
    if form["multipart"] or files:
        reply = client.post(action, data=fields, files=files or {"_": ("", b"")})
    else:
        reply = client.post(action, data=fields)
    return reply.status_code


# -- the server and its data ---------------------------------------------------------------------
def _hostile_inventory() -> bytes:
    """The example inventory's header and first row, the site and model cells replaced by the
    payload (a real row carrying a test's string)."""
    rows = list(csv.reader(INVENTORY.open(encoding="utf-8")))
    header, first = rows[0], list(rows[1])
    first[header.index("site")] = PAYLOAD
    first[header.index("model")] = PAYLOAD
    out = io.StringIO()
    csv.writer(out).writerows([header, first])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def sec(sqlite_server: Site) -> Iterator[dict[str, Any]]:
    """Tenant C's admin with hostile data (a vendor, an inventory, a custom list naming the
    vendor), tenant D's admin, and a person kept for the throttling test."""
    site = sqlite_server
    site.add_person("carol", "tenant-c", "admin")
    site.add_person("dave", "tenant-d", "admin")
    site.add_person("erin", "tenant-c", "analyst")
    data: dict[str, Any] = {"site": site}
    with site.api("tenant-c") as api:
        made = api.post("/v1/vendors", json={"name": PAYLOAD, "country": "GB"})
        assert made.status_code == 201, made.text
        data["vendor"] = made.json()["id"]
        stored = api.post(
            "/v1/inventories",
            files={"file": ("hostile.csv", _hostile_inventory(), "text/csv")},
            data={"profile": "uk-retail"},
        )
        assert stored.status_code == 200, stored.text
        data["report"] = stored.json()["id"]
        # Two versions of an in-house list, the second adding the payload (for the diff page).
        first = "name,country,reason\r\nNorthwind Optical Trading Ltd,GB,fraud finding\r\n"
        for body in (first, first + f"{PAYLOAD},GB,{PAYLOAD}\r\n"):
            up = api.post(
                "/v1/custom-lists/suppliers",
                content=body.encode(),
                headers={"Content-Type": "text/csv"},
            )
            assert up.status_code == 200, up.text
        # A webhook (to a closed loopback port: its deliveries fail and are logged), for the
        # admin pages' webhook forms.
        hook = api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hooks"})
        assert hook.status_code == 201, hook.text
        # serve's monitor re-screens the vendor against the new list: wait for its alert, so
        # that nothing changes under the "no change" comparisons below.
        deadline = time.monotonic() + 90
        while not api.get("/v1/alerts").json():
            assert time.monotonic() < deadline, "no alert in 90 s: " + site.log_tail()
            time.sleep(0.5)
    yield data


def state(site: Site, tenant: str) -> dict[str, Any]:
    """What a form could change, read through the API: vendors with their reviews, stored
    reports, custom lists, webhooks, keys and the audit trail."""
    with site.api(tenant) as api:
        vendors = api.get("/v1/vendors").json()
        return {
            "vendors": sorted((v["id"], v["name"], v["tier"]) for v in vendors),
            "reviews": {v["id"]: api.get(f"/v1/vendors/{v['id']}/reviews").json() for v in vendors},
            "reports": sorted(r["id"] for r in api.get("/v1/inventories").json()),
            "lists": sorted((s["source"], s.get("version")) for s in api.get("/v1/sources").json()),
            "webhooks": api.get("/v1/webhooks").json(),
            "keys": sorted((k["prefix"], k.get("revoked_at")) for k in api.get("/v1/keys").json()),
            "audit": [a["id"] for a in api.get("/v1/audit", params={"limit": 1000}).json()],
        }


# -- CSRF ----------------------------------------------------------------------------------------
def test_every_state_changing_form_needs_its_csrf_token(sec: dict[str, Any]) -> None:
    site: Site = sec["site"]
    client = signed_in(site, site.people["carol"])
    start = ["/", "/screen", "/vendors", f"/vendors/{sec['vendor']}", "/inventories"]
    start += [f"/inventories/{sec['report']}", "/alerts", "/lists", "/admin"]
    forms = crawl(client, start)
    # The forms the issue names must be among those found (a crawl that found none proves nothing).
    for action in ("/logout", "/vendors", "/vendors/import", "/inventories"):
        assert action in forms, sorted(forms)
    assert f"/vendors/{sec['vendor']}/reviews" in forms, sorted(forms)
    assert any(a.startswith("/admin/") for a in forms), sorted(forms)
    unread = re.compile(r"(\d+) unread")
    before = state(site, "tenant-c") | {"unread": unread.findall(client.get("/alerts").text)}
    refused: dict[str, tuple[int, int]] = {}
    for action, form in forms.items():
        without = submit(client, action, form, None)
        refused[action] = (without, submit(client, action, form, "0" * 43))
    assert {a: r for a, r in refused.items() if r != (403, 403)} == {}
    after = state(site, "tenant-c") | {"unread": unread.findall(client.get("/alerts").text)}
    assert after == before
    assert before["unread"] != ["0"], before["unread"]  # there was an alert to mark read
    assert client.get("/").status_code == 200  # /logout without a token did not sign out
    # The same form with the session's token is accepted: the 403s were the token's doing.
    token = csrf_of(client.get("/vendors").text)
    added = client.post("/vendors", data={"name": "Axis Communications AB", "csrf_token": token})
    assert added.status_code == 303, added.text[:2000]
    assert len(state(site, "tenant-c")["vendors"]) == len(before["vendors"]) + 1


def test_sign_in_form_needs_its_own_token(sec: dict[str, Any]) -> None:
    """Login CSRF: a sign-in posted from elsewhere (no token, or not the cookie's) opens no
    session."""
    site: Site = sec["site"]
    carol = site.people["carol"]
    fields = {"email": carol.email, "password": carol.password}
    for token in (None, "0" * 43):
        client = httpx.Client(base_url=site.base, timeout=60)
        client.get("/login")  # the browser holds the pre-session cookie, not this token
        sent = fields | ({"csrf_token": token} if token else {})
        done = client.post("/login", data=sent)
        assert done.status_code == 403, done.text[:1000]
        assert SESSION_COOKIE not in client.cookies
        assert client.get("/vendors").status_code == 303  # still signed out


# -- cookies -------------------------------------------------------------------------------------
def _cookie_attrs(reply: httpx.Response, name: str) -> dict[str, str]:
    for header in reply.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            parts = [p.strip() for p in header.split(";")[1:]]
            pairs = [(*p.split("=", 1), "")[:2] for p in parts]
            return {k.lower(): v for k, v in pairs}
    raise AssertionError(f"no {name} cookie set: {reply.headers.get_list('set-cookie')}")


def test_session_cookie_flags(sec: dict[str, Any], browser: Any) -> None:
    site: Site = sec["site"]
    carol = site.people["carol"]
    _, plain = login(site, carol)
    attrs = _cookie_attrs(plain, SESSION_COOKIE)
    assert "httponly" in attrs and attrs.get("samesite", "").lower() == "lax", attrs
    assert attrs.get("path") == "/" and "secure" not in attrs, attrs
    # Behind a TLS-terminating proxy on loopback (uvicorn trusts 127.0.0.1's X-Forwarded-Proto).
    _, tls = login(site, carol, https=True)
    attrs = _cookie_attrs(tls, SESSION_COOKIE)
    assert "secure" in attrs and "httponly" in attrs, attrs
    # In the browser: the page's scripts cannot read the session.
    page = sign_in(browser, site, carol)
    assert SESSION_COOKIE not in page.evaluate("document.cookie")
    held = {c["name"]: c for c in page.context.cookies()}
    assert held[SESSION_COOKIE]["httpOnly"] and held[SESSION_COOKIE]["sameSite"] == "Lax"
    page.context.close()


def test_sign_out_ends_the_session_on_the_server(sec: dict[str, Any]) -> None:
    site: Site = sec["site"]
    client = signed_in(site, site.people["carol"])
    kept = client.cookies[SESSION_COOKIE]
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    # The old cookie, sent again (as a thief who copied it would), signs nobody in.
    stale = httpx.Client(base_url=site.base, timeout=60, cookies={SESSION_COOKIE: kept})
    assert stale.get("/vendors").status_code == 303


def test_sign_in_goes_back_only_to_this_site(sec: dict[str, Any]) -> None:
    site: Site = sec["site"]
    carol = site.people["carol"]
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client = httpx.Client(base_url=site.base, timeout=60)
        token = csrf_of(client.get("/login", params={"next": target}).text)
        fields = {"email": carol.email, "password": carol.password, "csrf_token": token}
        done = client.post("/login", data=fields | {"next": target})
        assert done.status_code == 303 and done.headers["location"] == "/", (target, done.headers)
    client = httpx.Client(base_url=site.base, timeout=60)
    token = csrf_of(client.get("/login").text)
    fields = {"email": carol.email, "password": carol.password, "csrf_token": token}
    done = client.post("/login", data=fields | {"next": "/alerts?unread=yes"})
    assert done.headers["location"] == "/alerts?unread=yes"  # a page of this site is kept


# -- roles ---------------------------------------------------------------------------------------
def test_an_analyst_may_not_administer(sec: dict[str, Any]) -> None:
    """The same roles as keys: an analyst reads and writes vendors, never the admin pages.
    (Runs before the throttling test, which locks erin out.)"""
    site: Site = sec["site"]
    erin = signed_in(site, site.people["erin"])
    assert erin.get("/admin").status_code == 403
    before = state(site, "tenant-c")
    token = csrf_of(erin.get("/vendors").text)
    made = erin.post("/admin/keys", data={"name": "mine", "role": "admin", "csrf_token": token})
    assert made.status_code == 403
    person = {"email": "x@tenant-c.example.org", "role": "admin", "password": "p" * 16}
    assert erin.post("/admin/users", data=person | {"csrf_token": token}).status_code == 403
    assert state(site, "tenant-c") == before
    # What an analyst may do, the same token allows.
    added = erin.post("/vendors", data={"name": "Hanwha Vision Co., Ltd.", "csrf_token": token})
    assert added.status_code == 303, added.text[:1000]


# -- throttling ----------------------------------------------------------------------------------
def test_failed_sign_ins_are_throttled_per_email(sec: dict[str, Any]) -> None:
    site: Site = sec["site"]
    erin = site.people["erin"]
    wrong = Person(erin.tenant, erin.email, erin.role, password="not the password")
    codes = [login(site, wrong)[1].status_code for _ in range(5)]
    assert codes == [400] * 5, codes
    client, locked = login(site, erin)  # the right password, while locked
    assert locked.status_code == 429, locked.text[:1000]
    assert "too many failed sign-ins" in locked.text
    assert SESSION_COOKIE not in client.cookies
    signed_in(site, site.people["carol"])  # the lock is erin's, not everyone's


# -- tenants -------------------------------------------------------------------------------------
def test_another_tenants_things_are_not_found_by_url(sec: dict[str, Any]) -> None:
    site: Site = sec["site"]
    dave = signed_in(site, site.people["dave"])
    vendor, report = sec["vendor"], sec["report"]
    for path in (
        f"/vendors/{vendor}",
        f"/inventories/{report}",
        f"/inventories/{report}/download.csv",
        f"/inventories/{report}/download.json",
        f"/inventories/{report}/download.html",
        "/lists/custom:tenant-c:suppliers",
        "/lists/custom:tenant-c:suppliers/diff",
    ):
        reply = dave.get(path)
        assert reply.status_code == 404, (path, reply.status_code)
        assert "Acme" not in reply.text, path
    before = state(site, "tenant-c")
    token = csrf_of(dave.get("/vendors").text)
    review = {"entity_id": "x", "decision": "dismissed", "reason": "r", "csrf_token": token}
    assert dave.post(f"/vendors/{vendor}/reviews", data=review).status_code == 404
    assert dave.post(f"/inventories/{report}/delete", data={"csrf_token": token}).status_code == 404
    assert state(site, "tenant-c") == before
    for path in ("/vendors", "/inventories", "/alerts", "/lists", "/"):
        assert "Acme" not in dave.get(path).text, path


# -- escaping ------------------------------------------------------------------------------------
_INJECTED = """() => ({
  scripts: [...document.querySelectorAll('script')]
    .filter(s => s.textContent.includes('__pwned')).length,
  handlers: document.querySelectorAll('[onerror]').length,
  pwned: window.__pwned === undefined ? null : window.__pwned,
})"""


def _assert_text_not_markup(page: Any, where: str) -> None:
    assert page.evaluate(_INJECTED) == {"scripts": 0, "handlers": 0, "pwned": None}, where
    assert "<script>window.__pwned=1</script>" in page.locator("main").inner_text(), where


def test_user_supplied_strings_are_rendered_as_text(sec: dict[str, Any], browser: Any) -> None:
    site: Site = sec["site"]
    page = sign_in(browser, site, site.people["carol"])
    for path in (
        "/vendors",
        f"/vendors/{sec['vendor']}",  # its name, and the custom list's entry it hits
        f"/inventories/{sec['report']}",  # the inventory's cells
        "/lists/custom:tenant-c:suppliers/diff",  # the list entry as added
        "/alerts",
    ):
        reply = page.goto(path)
        assert reply is not None and reply.status == 200, path
        _assert_text_not_markup(page, path)
        if path.startswith("/vendors/"):
            screenshot(page, site, "escaped-vendor")
    # An imported file refused with its rows shown against the errors.
    page.goto("/vendors")
    bad = f"name,country\r\n{PAYLOAD},{'C' * 70}\r\n".encode()
    imports = page.get_by_role("region", name="Import a CSV")
    imports.get_by_label("CSV file").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}
    )
    imports.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    _assert_text_not_markup(page, "/vendors/import")
    page.context.close()
