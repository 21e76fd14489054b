"""The one error shape of the API."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    """Every error the API answers: one sentence naming what is wrong (file, row, field)."""

    detail: str
