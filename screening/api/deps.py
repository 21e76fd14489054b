"""Request dependencies: settings and the service for one request, as `Annotated` types that
tests can override (`app.dependency_overrides[settings_dep] = ...`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends

from ..service import Screening, Settings, get_settings, open_screening


async def settings_dep() -> Settings:
    """Async: answered on the event loop, not through the thread pool (one hop less per
    request; it only reads a cached object)."""
    return get_settings()


SettingsDep = Annotated[Settings, Depends(settings_dep)]


def screening_dep(settings: SettingsDep) -> Iterator[Screening]:
    with open_screening(settings) as svc:
        yield svc


ScreeningDep = Annotated[Screening, Depends(screening_dep)]
