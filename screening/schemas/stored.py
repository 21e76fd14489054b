"""Stored reports as listed (`GET /v1/inventories`): what was uploaded, when, and its size."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StoredReportInfo(BaseModel):
    """One stored report of the caller's tenant, without its devices."""

    id: str
    kind: str = Field(description="inventory or po")
    file: str = Field(description="the file as named by the uploader")
    profile: str
    created_at: str = Field(description="when it was stored (ISO datetime)")
    snapshots: dict[str, str] = Field(description="source id -> version used")
    size_bytes: int = Field(description="stored (compressed) size in bytes")
