"""A small page for holders of an API key: screen a vendor or maker name in the browser (the API
does the work). At `/screen/key`: `/` is the overview of the signed-in web application, and
`serve` prints this page's address with the first admin key in the fragment (`#key=...`)."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["page"])

# Self-contained (inline CSS and script, no third-party requests); user values are set with
# textContent, never as HTML.
_PAGE = (files("screening.api") / "static" / "screen.html").read_text(encoding="utf-8")


@router.get("/screen/key", response_class=HTMLResponse, include_in_schema=False)
def page() -> str:
    """The key-based screening page: a form that calls POST /v1/screen and shows the matches."""
    return _PAGE
