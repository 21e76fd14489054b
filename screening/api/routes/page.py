"""A small page for people: screen a vendor or maker name in the browser (the API does the work)."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["page"])

# Self-contained (inline CSS and script, no third-party requests); user values are set with
# textContent, never as HTML.
_PAGE = (files("screening.api") / "static" / "screen.html").read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page() -> str:
    """The screening page: a form that calls POST /v1/screen and shows the matches."""
    return _PAGE
