"""The web application for people (issue 16): server-rendered pages over the one service.

Pages sign people in with a session cookie (`session.py`); every form carries the session's
CSRF token. Each page module has its own router; `mount` adds them and the static assets
(served by the app itself: nothing comes from a CDN).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import pages_data, pages_main, signin


def mount(app: FastAPI) -> None:
    """Add the pages, the sign-in routes and `/static` to `app`."""
    app.mount("/static", StaticFiles(packages=[("screening.api.web", "static")]), name="static")
    app.include_router(signin.router)
    app.include_router(pages_main.router)
    app.include_router(pages_data.router)
