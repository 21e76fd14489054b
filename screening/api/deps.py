"""Request dependencies: settings and a DB session, as `Annotated` types tests can override."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from ..db import engine_for
from ..settings import Settings, get_settings


def settings_dep() -> Settings:
    return get_settings()


SettingsDep = Annotated[Settings, Depends(settings_dep)]


def session_dep(settings: SettingsDep) -> Iterator[Session]:
    with Session(engine_for(settings.resolved_database_url()), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(session_dep)]
