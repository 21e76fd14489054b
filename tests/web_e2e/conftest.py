"""The web application end to end: a real `screening serve` process (authentication by keys
and sessions, its own state directory and database: SQLite, or a fresh PostgreSQL database)
driven by a real browser (Playwright for Python over Debian's Chromium; no browser is ever
downloaded).

Each server has a fresh database loaded with three small real lists (what `screening
refresh --offline --source ...` does, run in this process) and is started with
`--no-load-bundled` (one web worker and the monitor `serve` starts), as tests/test_monitoring.py
keeps to small lists: the whole bundle would cost seconds of CPU per index build, and every
custom-list change rebuilds it. People and keys are made with the CLI, as an operator would
(`screening users create ... --password-stdin`, `screening keys create`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from screening.settings import REPO_ROOT

from ..conftest import BACKENDS, PG_ENV, Database, make_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
EXE = Path(sys.executable).parent / "screening"
# Three small real lists (as tests/test_monitoring.py does): Hikvision is on the first two and
# the uk-retail profile judges against the third. Each custom-list change rebuilds the name
# index over every active list, which over the whole bundle costs seconds of CPU per change.
LISTS = ("us_ndaa_889", "us_fcc_covered", "gb_fcdo_sanctions")
# Set to 1 (scripts/screenshots.py does), every bundled list is loaded instead: the README's
# pictures then show what a real installation shows.
ALL_LISTS_ENV = "SCREENING_E2E_ALL_LISTS"
PASSWORD = "correct horse battery staple 16"  # every test person's (they differ by email)


def chromium_or_skip() -> str:
    """Debian's Chromium, or a visible skip (a failure under CI=true, as for PostgreSQL)."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {CHROMIUM} is missing: scripts/test installs Debian's chromium")
    pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Person:
    tenant: str
    email: str
    role: str
    password: str = PASSWORD


@dataclass
class Site:
    """A running server and what a test needs to act on it."""

    backend: str
    base: str
    env: dict[str, str]
    log: Path
    people: dict[str, Person] = field(default_factory=dict)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """The CLI on this server's database and state, as an operator runs it; its stdout."""
        done = subprocess.run(
            [str(EXE), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"screening {' '.join(args)}: {done.stderr[-2000:]}"
        return done.stdout

    def add_person(self, name: str, tenant: str, role: str) -> Person:
        person = Person(tenant=tenant, email=f"{name}@{tenant}.example.org", role=role)
        self.cli(
            "users",
            "create",
            "--tenant",
            tenant,
            "--email",
            person.email,
            "--role",
            role,
            "--password-stdin",
            stdin=person.password + "\n",
        )
        self.people[name] = person
        return person

    def key(self, tenant: str, role: str = "admin") -> str:
        if (tenant, role) not in self.keys:
            out = self.cli("keys", "create", "--tenant", tenant, "--role", role)
            self.keys[(tenant, role)] = out.strip().splitlines()[-1]
        return self.keys[(tenant, role)]

    def api(self, tenant: str, role: str = "admin") -> httpx.Client:
        """An HTTP client with a key of `tenant` (for what a machine does: custom lists)."""
        return httpx.Client(
            base_url=self.base,
            headers={"Authorization": f"Bearer {self.key(tenant, role)}"},
            timeout=60,
        )

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


class _Process:
    """`screening serve` in a process group of its own (its web worker and the monitor it
    starts), stopped together whatever state the leader is in."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.log, self.base = log, f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(EXE), "serve", "--port", str(port), "--workers", "1", "--no-load-bundled"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 180
        while True:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            try:
                if httpx.get(self.base + "/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (
                "not ready in 180 s: " + self.log.read_text()[-3000:]
            )
            time.sleep(0.2)

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                continue
            time.sleep(0.5)  # the group's other members (the monitor) end with it


def _load_lists(database: Database, state: Path) -> None:
    """`screening refresh --offline --source ...` for LISTS, in this process (as
    tests/test_monitoring.py does: a CLI process would spend a second importing first)."""
    from screening.service import Screening

    with database.session() as session:
        svc = Screening(session, make_settings(database.url, state))
        if os.environ.get(ALL_LISTS_ENV) == "1":  # scripts/screenshots.py: the README's pictures
            done = svc.load_bundled_if_empty()
        else:
            done = svc.refresh(list(LISTS), offline=True)
        assert done and not [o for o in done if o.result == "failed"], done
    database.engine.dispose()


def _start(backend: str, tmp: Path, label: str, **extra_env: str) -> Iterator[Site]:
    if backend == "postgres" and not os.environ.get(PG_ENV):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is unset: scripts/test must start PostgreSQL")
        pytest.skip(f"PostgreSQL not available ({PG_ENV} unset): run the tests with scripts/test")
    database = Database(backend, tmp)  # a fresh, migrated SQLite file or PostgreSQL database
    database.engine.dispose()
    env = dict(
        os.environ,
        SCREENING_DATABASE_URL=database.url,
        SCREENING_STATE_DIR=str(tmp / "state"),
        SCREENING_AUTH="keys",
        **extra_env,
    )
    env.pop("SCREENING_WORKERS", None)
    port = _free_port()
    site = Site(backend=backend, base=f"http://127.0.0.1:{port}", env=env, log=tmp / "serve.log")
    proc: _Process | None = None
    try:
        _load_lists(database, tmp / "state")
        proc = _Process(env, port, site.log)
        proc.wait_ready()
        yield site
    finally:
        if proc is not None:
            proc.stop()
        database.close()
        # The server's log (and its monitor's) kept beside the screenshots, to read a failure.
        if site.log.exists():
            (ARTIFACTS / "logs").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site.log, ARTIFACTS / "logs" / f"{label}-{backend}-serve.log")


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A running server per backend (SQLite; PostgreSQL when SCREENING_TEST_POSTGRES_URL), for
    the browser tests: without a browser they skip before starting it."""
    chromium_or_skip()
    label = request.module.__name__.rsplit(".", 1)[-1]
    yield from _start(request.param, tmp_path_factory.mktemp(f"web-{request.param}"), label)


@pytest.fixture(scope="module")
def sqlite_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A running server on SQLite (the security tests: what they check is above the storage),
    whose webhooks may point at loopback (a receiver that is not there: a delivery log)."""
    label = request.module.__name__.rsplit(".", 1)[-1]
    yield from _start(
        "sqlite",
        tmp_path_factory.mktemp("web-sqlite"),
        label,
        SCREENING_WEBHOOK_ALLOW_PRIVATE="true",
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per module (contexts are per person)."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        launched = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        pw.stop()


def sign_in(
    browser: Any, site: Site, person: Person, viewport: tuple[int, int] = (1280, 900)
) -> Any:
    """A fresh browser context (its own cookies) signed in as `person` through /login; the page."""
    context = browser.new_context(
        base_url=site.base,
        viewport={"width": viewport[0], "height": viewport[1]},
        accept_downloads=True,
    )
    context.set_default_timeout(90_000)  # a bound on a loaded CI machine, not a timing test
    page = context.new_page()
    page.goto("/login")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(person.email)
    page.get_by_label(re.compile("password", re.I)).fill(person.password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"still on the sign-in page: {page.content()[:2000]}"
    return page


def screenshot(page: Any, site: Site, name: str, full_page: bool = True) -> Path | None:
    """The page as a person sees it, kept as a test artifact: test-artifacts/screenshots/
    <name>.png. Taken in the SQLite run only (the pages do not depend on the database, and
    each full-page PNG costs CPU the suite's budget does not have twice)."""
    if site.backend != "sqlite":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
