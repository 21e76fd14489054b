"""The vendor master (issue 15): a tenant's suppliers and their latest screening."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class VendorIn(BaseModel):
    """A supplier to add: its name as on invoices, and what else identifies it."""

    name: str = Field(min_length=1, max_length=1000)
    country: str | None = Field(default=None, max_length=64)
    identifiers: list[str] = Field(default_factory=list, max_length=50)
    external_id: str | None = Field(
        default=None, max_length=200, description="the buyer's own id (ERP supplier number)"
    )


class HitListing(BaseModel):
    """One listing of a party the vendor matched."""

    entity_id: str
    source: str
    matched_name: str
    listed_on: str | None = None
    programs: list[str] = Field(default_factory=list)
    review: Literal["open", "confirmed", "dismissed"] = Field(
        default="open",
        description="the analysts' decision on this hit while the listing is unchanged",
    )


class VendorHit(BaseModel):
    """A listed party the vendor's name matched (at or above the threshold), with its listings;
    `relation` is `listed` or the family relation (`subsidiary of …`)."""

    party: str
    score: float
    relation: str
    summary: str = ""
    listings: list[HitListing] = Field(default_factory=list)


class VendorScreening(BaseModel):
    screened_at: str | None = Field(description="when it was last screened (ISO datetime)")
    snapshots: dict[str, str] = Field(description="source id -> version screened against")
    hits: list[VendorHit] = Field(default_factory=list)


class Vendor(BaseModel):
    """A stored vendor of the caller's tenant with its current screening."""

    id: str
    name: str
    country: str | None = None
    identifiers: list[str] = Field(default_factory=list)
    external_id: str | None = None
    created_at: str
    has_hits: bool
    tier: Literal["high", "medium", "low", "none"] = Field(
        description="high: an open or confirmed hit on the listed party itself; medium: only "
        "through the corporate family (a subsidiary, brand, branch); low: every hit dismissed; "
        "none: no hit"
    )
    screening: VendorScreening


class VendorImport(BaseModel):
    """`POST /v1/vendors/import`: every row was stored (a file with a bad row stores none)."""

    imported: int
    with_hits: int
    vendors: list[Vendor]
