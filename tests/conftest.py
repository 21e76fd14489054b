"""Shared fixtures: a database on SQLite and on the real PostgreSQL server scripts/test starts
(no mocked database), settings pointing at it, and the real published files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from screening.db import make_engine, migrate
from screening.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
DATA = REPO_ROOT / "data"
PG_ENV = "SCREENING_TEST_POSTGRES_URL"
LOCAL_CSRF = "local"  # the local administrator's CSRF token in test state directories


def read_dir(path: Path) -> dict[str, bytes]:
    """A folder of real published files as the parser's `files` mapping."""
    return {
        p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file() and p.suffix != ".md"
    }


def _postgres_or_skip() -> str:
    base = os.environ.get(PG_ENV)
    if base:
        return base
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {PG_ENV} is unset: scripts/test must start PostgreSQL in CI")
    pytest.skip(f"PostgreSQL not available ({PG_ENV} unset): run the tests through scripts/test")


class Database:
    """A fresh, migrated database; dropped afterwards."""

    def __init__(self, backend: str, tmp: Path, template: Database | None = None) -> None:
        self.backend = backend
        self._admin: Engine | None = None
        if backend == "sqlite":
            path = tmp / "screening.db"
            self.url = f"sqlite:///{path}"
            if template is not None:
                src = sqlite3.connect(template.url.split("///", 1)[1])
                dst = sqlite3.connect(path)
                with dst:
                    src.backup(dst)
                src.close()
                dst.close()
        else:
            base = _postgres_or_skip()
            self._name = f"screening_test_{uuid.uuid4().hex[:12]}"
            self._admin = create_engine(base, isolation_level="AUTOCOMMIT")
            clause = f' TEMPLATE "{template._name}"' if template is not None else ""
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._name}"{clause}'))
            self.url = base.rsplit("/", 1)[0] + "/" + self._name
        self.engine = make_engine(self.url)
        migrate(self.engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            self._admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    database = Database(request.param, tmp_path)
    yield database
    database.close()


@pytest.fixture(scope="module", params=BACKENDS)
def module_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    database = Database(request.param, tmp_path_factory.mktemp("db"))
    yield database
    database.close()


def make_settings(db_url: str, tmp: Path, **kw: object) -> Settings:
    base: dict[str, object] = {
        "database_url": db_url,
        "state_dir": tmp,
        "data_dir": DATA,
        "http_retries": 1,
        "http_backoff": 0.0,
        "http_timeout": 2.0,
        # In-process tests act as the local administrator (authentication off, as `serve`
        # allows on loopback only); tests/test_api_auth.py turns keys on and tests them.
        "auth": "off",
    }
    base.update(kw)
    settings = Settings(**base)  # type: ignore[arg-type]
    # The local administrator's CSRF token (auth off) is random per state directory; tests'
    # directories get a known one, so that a form can be posted without reading a page first
    # (tests/test_web_signin.py checks that a fresh directory gets a random one).
    token = Path(settings.state_dir) / "local-csrf"
    if not token.exists():
        token.parent.mkdir(parents=True, exist_ok=True)
        token.write_text(LOCAL_CSRF, encoding="ascii")
    return settings


class _Template:
    """The bundled lists loaded once per test session (per xdist worker) and backend, with the
    caches a first screening builds (match index, list memberships) warmed in its state
    directory. Each `loaded` module gets a private copy: a SQLite file copied with the backup
    API, or a PostgreSQL `CREATE DATABASE ... TEMPLATE`; loading every list again per module
    cost 12-19 s of setup each."""

    def __init__(self, backend: str, root: Path) -> None:
        from screening.service import catalog, devices
        from screening.service import names as namescreen

        self.backend = backend
        self.database = Database(backend, root)
        self.state = root / "state"
        self.state.mkdir(parents=True, exist_ok=True)
        settings = make_settings(self.database.url, self.state)
        with self.database.session() as s:
            outcomes = catalog.load_bundled_if_empty(s, settings)
            failed = [o for o in outcomes if o.result == "failed"]
            assert outcomes and not failed, failed
            namescreen.get_matcher(s, settings)
            devices.risk_context(s, settings)
        self.database.engine.dispose()

    def copy(self, tmp: Path) -> Database:
        shutil.copytree(self.state, tmp / "state", dirs_exist_ok=True)
        return Database(self.backend, tmp, template=self.database)

    def close(self) -> None:
        self.database.close()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, _Template]]:
    made: dict[str, _Template] = {}
    yield made
    for t in made.values():
        t.close()


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest,
    _templates: dict[str, _Template],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, Settings]]:
    """Every bundled snapshot loaded, per module and backend (a copy of the session's template
    database, so modules cannot see each other's writes), with its settings."""
    yield from _loaded_copy(request.param, _templates, tmp_path_factory)


@pytest.fixture(scope="module")
def loaded_sqlite(
    _templates: dict[str, _Template], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Settings]]:
    """`loaded` on SQLite only, for a module whose subject sits above the storage (the API's
    contract, hostile inputs, pages, rendered reports): it overrides `loaded` with this one.
    The stores themselves (snapshots, refreshes, lists, accounts, jobs, monitoring) are tested
    on both backends; running every page and fuzzer twice tested the same code twice."""
    yield from _loaded_copy("sqlite", _templates, tmp_path_factory)


def _loaded_copy(
    backend: str, _templates: dict[str, _Template], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Settings]]:
    if backend == "postgres":
        _postgres_or_skip()
    if backend not in _templates:
        _templates[backend] = _Template(backend, tmp_path_factory.mktemp(f"template-{backend}"))
    tmp = tmp_path_factory.mktemp("loaded")
    database = _templates[backend].copy(tmp)
    yield database, make_settings(database.url, tmp / "state")
    database.close()


@pytest.fixture
def cli(loaded: tuple[Database, Settings], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI pointed at `loaded` through the environment, as a user's shell would."""
    from screening.settings import get_settings

    db, settings = loaded
    monkeypatch.setenv("SCREENING_DATABASE_URL", db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(settings.state_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# The fast subset (`pytest -m "not slow"`) is the pure cores: anything that opens a database,
# starts a process or a browser is `slow`. Marked here from the fixtures a test uses, so a new
# test is classified without anyone remembering to mark it.
_SLOW_FIXTURES = {
    "db",
    "module_db",
    "loaded",
    "loaded_sqlite",
    "cli",
    "everything",
    "server",
    "api",
    "browser",
}


# The modules that take longest (seconds of one worker, both backends, measured 2026-12-01),
# first: scripts/test hands whole modules to the workers in collection order
# (`--no-loadscope-reorder`), and a long one taken last would end the run with the other worker
# idle. (pytest-xdist's own order, most tests first, put the one-test, 75 s monitoring demo last.)
_LONG_FIRST = (
    "test_demo_monitoring.py",  # 77 s, mostly waiting on a real server
    "test_refresh.py",  # 66 s
    "test_liveness.py",  # 50 s
    "test_cli_api.py",  # 37 s
    "web_e2e/test_web_narrative.py",  # 31 s
    "test_userlists.py",  # 22 s
    "test_schemathesis.py",  # 20 s
    "test_concurrent_refresh.py",  # 18 s
    "test_inventories.py",  # 16 s
    "web_e2e/test_web_security.py",  # 15 s
    "test_source_faults.py",  # 15 s
)


def _rank(item: pytest.Item) -> int:
    path = item.path.as_posix()
    for n, tail in enumerate(_LONG_FIRST):
        if path.endswith("/tests/" + tail):
            return n
    return len(_LONG_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _SLOW_FIXTURES or item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_rank)  # stable: the rest keep their order


def make_app(settings: Settings) -> FastAPI:
    """The API over `settings`, answering the Host header TestClient sends (`testserver`)."""
    from screening.api.app import create_app
    from screening.api.deps import settings_dep

    hosts = [*settings.hosts(), "testserver"]
    settings = settings.model_copy(update={"allowed_hosts": hosts})
    app = create_app(settings)
    app.dependency_overrides[settings_dep] = lambda: settings
    return app
