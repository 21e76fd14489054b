"""What the data pages (inventories, lists, admin) share: rendering with the user's CSRF token
and a page, not a JSON body, for a missing thing or a refused input."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from .render import render
from .session import WebUser

PAGE_SIZE = 200


def page(
    request: Request, template: str, user: WebUser, status: int = 200, **ctx: Any
) -> HTMLResponse:
    """`template` with the user and the stylesheet of the data pages."""
    return render(request, template, user, status=status, **ctx)


def missing(request: Request, user: WebUser, what: str, back: str, back_label: str) -> HTMLResponse:
    """A 404 page: `what` was not found (or is another tenant's, which reads the same)."""
    return page(
        request, "_d_missing.html", user, status=404, what=what, back=back, back_label=back_label
    )


def paged(total: int, page_no: int, size: int = PAGE_SIZE) -> dict[str, int]:
    """First/last index and page count for page `page_no` (1-based, clamped)."""
    pages = max(1, -(-total // size))
    current = min(max(1, page_no), pages)
    start = (current - 1) * size
    return {
        "page": current,
        "pages": pages,
        "start": start,
        "stop": min(total, start + size),
        "total": total,
    }
