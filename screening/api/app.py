"""The FastAPI application. Only here are errors mapped to HTTP status codes, and every error
has one shape: `{"detail": "<sentence>"}` (request validation too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.routing import Match

from .. import __version__
from ..errors import (
    AuthError,
    ConfigError,
    FetchError,
    ForbiddenError,
    InputError,
    NotFoundError,
    ParseError,
    RefreshRejected,
    ScreeningError,
    TooLargeError,
)
from ..schemas.errors import ErrorDetail
from ..schemas.health import Health, Ready
from ..service import Settings, get_settings
from .deps import ScreeningDep
from .guard import Guard
from .routes import devices, jobs, keys, monitoring, page, reconcile, screen, sources, vendors
from .web import mount as mount_web
from .web.render import error_page, wants_page
from .web.session import SignInRequired

_STATUS: list[tuple[type[ScreeningError], int]] = [
    (AuthError, 401),
    (ForbiddenError, 403),
    (TooLargeError, 413),
    (NotFoundError, 404),
    (InputError, 400),
    (ParseError, 422),
    (RefreshRejected, 409),
    (FetchError, 502),
    (ConfigError, 500),
]
# Documented on every route: the statuses any route may answer with, all `{"detail": ...}`.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorDetail, "description": "The input cannot be used (says why)"},
    401: {"model": ErrorDetail, "description": "No API key, or an unknown or revoked one"},
    403: {"model": ErrorDetail, "description": "The key's role does not allow this"},
    404: {"model": ErrorDetail, "description": "No such source, entity or report"},
    413: {"model": ErrorDetail, "description": "The upload is over a size or row limit"},
    422: {"model": ErrorDetail, "description": "The request does not have the documented shape"},
}


def status_for(exc: ScreeningError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


async def _screening_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScreeningError)
    status = status_for(exc)
    # A browser's page (not /v1, not /reconcile) gets the sentence as a page it can go back from.
    if status in (400, 403, 404, 413) and wants_page(request):
        return error_page(request, status, exc.detail)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content={"detail": exc.detail}, headers=headers)


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "request"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI answers a list of problems; the contract is one sentence. Each problem names the
    field (`body.threshold`, `query.format`) and what is wrong, without echoing the value."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{_where(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in exc.errors()
    ]
    return JSONResponse(status_code=422, content={"detail": "; ".join(problems[:20])})


async def _sign_in(request: Request, exc: Exception) -> RedirectResponse:
    """A page asked for by someone not signed in: to the sign-in form, then back."""
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)


async def _method_not_allowed(request: Request, _: Exception) -> JSONResponse:
    """Starlette's 405 lists the methods of the first route on the path only; `Allow` must
    name every method the path takes (a stored report answers GET and DELETE). A fixed path
    that a templated one also matches (`/v1/vendors/import`, `/v1/vendors/{vendor_id}`) is its
    own resource: its methods are the ones the document gives it."""
    methods = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]
    fixed = request.app.openapi()["paths"].get(request.scope["path"])
    if fixed:
        documented = {m.upper() for m in fixed} | ({"HEAD"} if "get" in fixed else set())
        methods = [m for m in methods if m in documented]
    return JSONResponse(
        status_code=405,
        content={"detail": "Method Not Allowed"},
        headers={"Allow": ", ".join(methods)},
    )


def create_app(settings: Settings | None = None, *, background: bool = False) -> FastAPI:
    """The API. `background` (the served app, screening/api/server.py): warm the name index at
    start and rebuild it in the background after a snapshot switch, the previous one answering
    meanwhile; off, every request sees the active snapshots at once (tests, in-process use)."""
    chosen = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not background:
            yield
            return
        from ..service import active, warmup

        active.CACHE.serve_stale = True
        stop = warmup.start(chosen)
        try:
            yield
        finally:
            stop.set()
            active.CACHE.serve_stale = False

    # Swagger UI and ReDoc assets are served by the app itself (no CDN): /docs works offline.
    app = FastAPIOffline(
        title="screening",
        version=__version__,
        description=(
            "Screen vendors, makers and device inventories against public restricted-party lists. "
            "Every call but `/health` needs `Authorization: Bearer <key>` (`screening keys "
            "create`); roles: admin, analyst, ci. Every error is "
            '`{"detail": "<sentence>"}`.'
        ),
        responses=ERROR_RESPONSES,
        lifespan=lifespan,
    )
    app.add_middleware(
        Guard,
        allowed_hosts=chosen.hosts(),
        max_body=chosen.max_upload_bytes,
        body_timeout=chosen.body_timeout,
        # A screening job's upload is meant for files too big for a request's usual limit.
        large_bodies={
            "/v1/jobs/screen": (chosen.max_job_upload_bytes, "SCREENING_MAX_JOB_UPLOAD_BYTES")
        },
    )
    app.add_exception_handler(ScreeningError, _screening_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(405, _method_not_allowed)
    app.add_exception_handler(SignInRequired, _sign_in)

    @app.get("/health", tags=["service"], response_model=Health)
    async def health() -> Health:
        """Liveness: the process is up and answering. Answered on the event loop itself, not
        in the thread pool, so that a pool busy with uploads cannot delay it."""
        return Health(status="ok", version=__version__)

    @app.get(
        "/health/ready",
        tags=["service"],
        response_model=Ready,
        responses={503: {"model": ErrorDetail, "description": "Still building the index"}},
    )
    def ready(svc: ScreeningDep) -> Ready | JSONResponse:
        """Readiness, for a load balancer: 200 once this worker holds the name index of the
        active lists (no key needed, like /health; nothing about the lists is shown)."""
        if svc.ready(stale_ok=background):
            return Ready(status="ready")
        return JSONResponse(
            status_code=503,
            content={"detail": "warming up: the name index of the active lists is being built"},
        )

    app.include_router(sources.router)
    app.include_router(screen.router)
    app.include_router(devices.router)
    app.include_router(vendors.router)
    app.include_router(monitoring.router)
    app.include_router(jobs.router)
    app.include_router(keys.router)
    app.include_router(reconcile.router)
    app.include_router(page.router)
    mount_web(app)
    return app
