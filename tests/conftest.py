"""Shared fixtures: a database on SQLite and on the real PostgreSQL server scripts/test starts
(no mocked database), settings pointing at it, and the real published files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from screening.db import make_engine, migrate
from screening.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
DATA = REPO_ROOT / "data"
PG_ENV = "SCREENING_TEST_POSTGRES_URL"


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

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self._admin: Engine | None = None
        if backend == "sqlite":
            self.url = f"sqlite:///{tmp / 'screening.db'}"
        else:
            base = _postgres_or_skip()
            self._name = f"screening_test_{uuid.uuid4().hex[:12]}"
            self._admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._name}"'))
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
    }
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def loaded(
    module_db: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Settings]]:
    """Every bundled snapshot loaded once per module and backend, with its settings."""
    from screening import services

    settings = make_settings(module_db.url, tmp_path_factory.mktemp("state"))
    with module_db.session() as s:
        services.load_bundled_if_empty(s, settings)
    yield module_db, settings


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
