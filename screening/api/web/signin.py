"""Web pages (issue 16): see the package docstring."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
