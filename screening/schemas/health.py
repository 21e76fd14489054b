"""The liveness answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    """`GET /health`: the process is up and answering (no database is touched)."""

    status: Literal["ok"]
    version: str
