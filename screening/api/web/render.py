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
