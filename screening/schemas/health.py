"""The liveness answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    """`GET /health`: the process is up and answering (no database is touched)."""

    status: Literal["ok"]
    version: str


class Ready(BaseModel):
    """`GET /health/ready`: this worker holds the name index of the active lists (503 while it
    is being built at start; after a switch the previous index answers, so it stays ready)."""

    status: Literal["ready"]
