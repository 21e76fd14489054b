"""Templates: Jinja2 with autoescaping always on (every user-supplied string is escaped)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from .session import WebUser

ENV = Environment(
    loader=PackageLoader("screening.api.web", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: Request, template: str, user: WebUser | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page: `template` with the signed-in `user` (for the navigation and forms' CSRF token)."""
    html = ENV.get_template(template).render(request=request, user=user, **context)
    return HTMLResponse(html, status_code=status)


_HEADINGS = {403: "Not allowed", 404: "Not found", 400: "That cannot be used"}


def wants_page(request: Request) -> bool:
    """Whether an error should be answered as a page: a browser's request for a page (not
    the API under /v1, whose errors stay `{"detail": ...}`)."""
    path = request.url.path
    return not path.startswith(("/v1/", "/reconcile", "/health")) and "text/html" in (
        request.headers.get("accept", "")
    )


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """An error as a page (a refused form, a missing page) with the sentence that says why and
    a way back; nobody is named as signed in, since the error may be that nobody is."""
    return render(
        request,
        "_message.html",
        None,
        status=status,
        heading=_HEADINGS.get(status, "Something went wrong"),
        message=detail,
        back=("/", "Back to the overview"),
    )
