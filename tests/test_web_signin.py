"""Signing in to the web pages (issue 16, point 1, and its security tests): the session
cookie's flags, CSRF on the sign-in and sign-out forms (login CSRF included), the throttle as
the form shows it, expiry, disabled users, sign-out that ends the session on the server, no
open redirect through `next`, and the JSON API deaf to the cookie. In-process (TestClient) with
authentication on, over an empty migrated SQLite database (the storage rules are tested on both
databases in tests/test_users.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col

from screening.api.web.session import FormUser, PageAdmin, PageUser, PageWriter
from screening.api.web.signin import LOGIN_CSRF_COOKIE, safe_next
from screening.models_web import WebSession
from screening.service import Screening
from screening.service import users as userstore
from screening.settings import Settings
from screening.snapshots import now_utc
from tests.conftest import Database, make_app, make_settings

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
HTTPS = "https://testserver"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Site:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.app = probe(make_app(settings))
        self.count = 0

    @contextmanager
    def svc(self) -> Iterator[Screening]:
        with self.db.session() as session:
            yield Screening(session, self.settings)

    def person(self, role: str = "analyst", tenant: str = "acme") -> str:
        """A new account; its email."""
        self.count += 1
        email = f"person{self.count}@example.org"
        with self.svc() as svc:
            svc.create_user(tenant, email, role, PASSWORD)
        return email

    def client(self, base_url: str = HTTPS) -> TestClient:
        return TestClient(self.app, base_url=base_url, follow_redirects=False)


def probe(app: FastAPI) -> FastAPI:
    """Routes that use the interface the pages use, so that it is tested on its own."""

    @app.get("/_probe/page")
    def page(user: PageUser) -> dict[str, str]:
        return {
            "email": user.email,
            "tenant": user.principal.tenant,
            "actor": user.principal.key_name,
        }

    @app.post("/_probe/form")
    def form(user: FormUser) -> dict[str, str]:
        return {"email": user.email}

    @app.post("/_probe/write")
    def write(user: PageWriter) -> dict[str, str]:
        return {"email": user.email}

    @app.post("/_probe/admin")
    def admin(user: PageAdmin) -> dict[str, str]:
        return {"email": user.email}

    return app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("signin")
    db = Database("sqlite", tmp)
    yield Site(db, make_settings(db.url, tmp, auth="keys"))
    db.close()


def form_token(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/"
) -> httpx.Response:
    token = form_token(client.get("/login", params={"next": next_path}))
    data = {"email": email, "password": password, "csrf_token": token, "next": next_path}
    return client.post("/login", data=data)


def cookie_header(response: httpx.Response, name: str) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


def error_of(page: httpx.Response) -> str:
    found = re.search(r'<p class="msg error" role="alert" id="signin-error">(.*?)</p>', page.text)
    assert found, page.text[:800]
    return found.group(1)


def test_the_form_has_labels_and_sets_a_pre_session_token(site: Site) -> None:
    with site.client() as c:
        page = c.get("/login")
        assert page.status_code == 200
        for field in ("email", "password"):
            assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
        # Under the server's no-referrer a browser would post the form with `Origin: null`,
        # which the guard refuses (tests/web_e2e signs in through Chromium).
        assert '<meta name="referrer" content="same-origin">' in page.text
        flags = cookie_header(page, LOGIN_CSRF_COOKIE).lower()
        assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags
        assert c.cookies[LOGIN_CSRF_COOKIE] == form_token(page)
        assert c.get("/_probe/page").headers["location"] == "/login?next=/_probe/page"


def test_signing_in_sets_a_hardened_session_cookie(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        done = sign_in(c, email, next_path="/_probe/page?x=1")
        assert done.status_code == 303 and done.headers["location"] == "/_probe/page?x=1"
        flags = [f.strip().lower() for f in cookie_header(done, "screening_session").split(";")]
        token = flags[0].split("=", 1)[1]
        assert len(token) == 43  # 256 bits, URL-safe base64
        assert {"httponly", "samesite=lax", "path=/", "secure"} <= set(flags[1:])
        who = c.get("/_probe/page").json()
        assert who == {"email": email, "tenant": "acme", "actor": f"user:{email}"}
    with site.client("http://testserver") as plain:  # not https: the cookie cannot be Secure
        done = sign_in(plain, email)
        assert done.status_code == 303
        assert "secure" not in cookie_header(done, "screening_session").lower()


def test_wrong_password_and_unknown_email_get_the_same_page(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        wrong = sign_in(c, email, "not the password")
        unknown = sign_in(c, "nobody-here@example.org")
        assert wrong.status_code == unknown.status_code == 400
        assert error_of(wrong) == error_of(unknown) == userstore.WRONG
        assert "screening_session" not in c.cookies
        # What was typed comes back escaped.
        hostile = sign_in(c, '"><script>alert(1)</script>@x.org')
        assert "<script>alert(1)" not in hostile.text and "&lt;script&gt;" in hostile.text


def test_the_sign_in_form_needs_its_csrf_token(site: Site) -> None:
    email = site.person()
    with site.svc() as svc:
        before = userstore.failures(svc.session)
    with site.client() as c:
        token = form_token(c.get("/login"))
        good = {"email": email, "password": PASSWORD}
        missing = c.post("/login", data=good)
        forged = c.post("/login", data={**good, "csrf_token": token[:-2] + "xx"})
        assert missing.status_code == forged.status_code == 403
        assert "out of date" in error_of(forged)
        # Another site's form carries a token of its own but cannot set this site's cookie.
        c.cookies.delete(LOGIN_CSRF_COOKIE)
        assert c.post("/login", data={**good, "csrf_token": token}).status_code == 403
        assert "screening_session" not in c.cookies
    with site.svc() as svc:  # refused before any password was checked or counted
        assert userstore.failures(svc.session) == before
        assert svc.audit_entries("acme", action="user.sign_in", actor=email) == []


def test_sign_out_needs_csrf_and_ends_the_session_on_the_server(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        assert sign_in(c, email).status_code == 303
        stolen = c.cookies["screening_session"]
        with site.client() as twin:  # the cookie alone opens the session, until sign-out
            twin.cookies.set("screening_session", stolen)
            assert twin.get("/_probe/page").status_code == 200
        page = c.get("/logout")
        assert page.status_code == 200 and email in page.text
        token = form_token(page)
        assert c.post("/logout").status_code == 403
        assert c.post("/logout", data={"csrf_token": "x" * 43}).status_code == 403
        assert c.get("/_probe/page").status_code == 200  # still signed in
        out = c.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert "screening_session" not in c.cookies
    with site.client() as replay:  # the old cookie, sent again, opens nothing
        replay.cookies.set("screening_session", stolen)
        assert replay.get("/_probe/page").status_code == 303
        assert replay.get("/logout").headers["location"] == "/login"


def test_forms_check_the_session_token_and_roles(site: Site) -> None:
    analyst, ci, admin = site.person("analyst"), site.person("ci"), site.person("admin")
    with site.client() as c:
        sign_in(c, analyst)
        token = form_token(c.get("/logout"))
        assert c.post("/_probe/form", data={"csrf_token": token}).json() == {"email": analyst}
        assert c.post("/_probe/form", headers={"X-CSRF-Token": token}).status_code == 200
        assert c.post("/_probe/form", data={"csrf_token": "wrong"}).status_code == 403
        assert c.post("/_probe/write", data={"csrf_token": token}).status_code == 200
        assert c.post("/_probe/admin", data={"csrf_token": token}).status_code == 403
    with site.client() as c:
        sign_in(c, ci)
        token = form_token(c.get("/logout"))
        assert c.post("/_probe/write", data={"csrf_token": token}).status_code == 403
    with site.client() as c:
        sign_in(c, admin)
        token = form_token(c.get("/logout"))
        assert c.post("/_probe/admin", data={"csrf_token": token}).status_code == 200
        # The JSON API takes keys only: the session cookie is no credential there.
        assert c.get("/v1/sources").status_code == 401


def test_signing_in_again_replaces_the_session(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        sign_in(c, email)
        first = c.cookies["screening_session"]
        assert c.get("/login").status_code == 303  # signed in: straight on
    with site.client() as c:
        token = form_token(c.get("/login"))
        c.cookies.set("screening_session", first)  # the browser still holds the old session
        data = {"email": email, "password": PASSWORD, "csrf_token": token}
        done = c.post("/login", data=data)
        assert done.status_code == 303
        assert first not in cookie_header(done, "screening_session")
    with site.svc() as svc:
        assert svc.web_session(first) is None


def test_expired_idle_and_disabled_sessions_go_back_to_the_form(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        sign_in(c, email)
        token = c.cookies["screening_session"]
        row_of = col(WebSession.token_hash) == userstore.hash_token(token)
        with site.db.session() as s:
            s.execute(update(WebSession).where(row_of).values(expires_at=now_utc()))
            s.commit()
        assert c.get("/_probe/page").headers["location"] == "/login?next=/_probe/page"
        sign_in(c, email)
        with site.db.session() as s:
            idle = now_utc() - userstore.IDLE_TIMEOUT - timedelta(minutes=1)
            row_of = col(WebSession.token_hash) == userstore.hash_token(
                c.cookies["screening_session"]
            )
            s.execute(update(WebSession).where(row_of).values(last_seen_at=idle))
            s.commit()
        assert c.get("/_probe/page").status_code == 303
        sign_in(c, email)
        assert c.get("/_probe/page").status_code == 200
        with site.svc() as svc:
            svc.disable_user(email)
        assert c.get("/_probe/page").status_code == 303
        refused = sign_in(c, email)
        assert refused.status_code == 400 and "disabled" in error_of(refused)


def test_repeated_failures_lock_the_account_and_say_until_when(site: Site) -> None:
    email = site.person()
    with site.client() as c:
        answers = [sign_in(c, email, f"wrong password {i}") for i in range(5)]
        assert [a.status_code for a in answers] == [400] * 5
        assert "try again after" not in error_of(answers[-2])
        assert re.search(r"try again after \d\d:\d\d UTC", error_of(answers[-1]))
        still = sign_in(c, email)  # the right password does not pass the lock
        assert still.status_code == 429 and "screening_session" not in c.cookies
        assert re.search(r"too many failed sign-ins .*try again after", error_of(still))


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tx",
        "",
    ],
)
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_next_keeps_local_paths_and_the_form_refuses_others(site: Site) -> None:
    assert safe_next("/vendors?tier=1&q=a%20b") == "/vendors?tier=1&q=a%20b"
    email = site.person()
    with site.client() as c:
        page = c.get("/login", params={"next": "//evil.example"})
        assert 'name="next" value="/"' in page.text
        data = {"email": email, "password": PASSWORD, "csrf_token": form_token(page)}
        done = c.post("/login", data={**data, "next": "https://evil.example/"})
        assert done.status_code == 303 and done.headers["location"] == "/"


def test_with_authentication_off_the_visitor_is_the_local_admin(site: Site) -> None:
    off = site.settings.model_copy(update={"auth": "off"})
    with TestClient(probe(make_app(off)), follow_redirects=False) as c:
        assert c.get("/_probe/page").json()["tenant"] == "default"
        assert c.post("/_probe/admin", data={"csrf_token": "local"}).status_code == 200
        assert c.get("/login", params={"next": "/_probe/page"}).headers["location"] == (
            "/_probe/page"
        )


def test_without_authentication_the_form_token_is_random_per_state_directory(
    site: Site, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With auth off there is no session to hold a CSRF token; a fixed one would let any web
    page the local user opens post forms to the service on loopback. Each state directory
    (shared by the service's workers) gets a random one; a forged or the old fixed token fails."""
    tokens = []
    for _ in range(2):
        state = tmp_path_factory.mktemp("fresh-state")
        off = site.settings.model_copy(update={"auth": "off", "state_dir": state})
        with TestClient(probe(make_app(off)), follow_redirects=False) as c:
            for forged in ("local", "", "x" * 43):
                assert c.post("/_probe/admin", data={"csrf_token": forged}).status_code == 403
            token = (state / "local-csrf").read_text(encoding="ascii")
            assert len(token) >= 40
            assert c.post("/_probe/admin", data={"csrf_token": token}).status_code == 200
            tokens.append(token)
    assert tokens[0] != tokens[1]
