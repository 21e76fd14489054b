"""The FastAPI application. Only here are errors mapped to HTTP status codes."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..errors import (
    ConfigError,
    FetchError,
    InputError,
    NotFoundError,
    ParseError,
    RefreshRejected,
    ScreeningError,
)
from .routes import devices, page, screen, sources
from .uploads import UploadTooLarge

_STATUS: list[tuple[type[ScreeningError], int]] = [
    (UploadTooLarge, 413),
    (NotFoundError, 404),
    (InputError, 400),
    (ParseError, 422),
    (RefreshRejected, 409),
    (FetchError, 502),
    (ConfigError, 500),
]


def _status_for(exc: ScreeningError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


async def _screening_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScreeningError)
    return JSONResponse(status_code=_status_for(exc), content={"detail": exc.detail})


def create_app() -> FastAPI:
    app = FastAPI(
        title="screening",
        version=__version__,
        description=(
            "Screen vendors, makers and device inventories against public restricted-party lists. "
            "No authentication yet: it listens on localhost by default."
        ),
    )
    app.add_exception_handler(ScreeningError, _screening_error)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the process is up and answering."""
        return {"status": "ok", "version": __version__}

    app.include_router(sources.router)
    app.include_router(screen.router)
    app.include_router(devices.router)
    app.include_router(page.router)
    return app
