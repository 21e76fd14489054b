"""Device-risk reports: inventories (after deployment) and purchase orders (before).

The shapes of interfaces.md, typed. `kind` says which report it is, so no renderer has to sniff
keys; the JSON keys of the first round (`devices`/`items`, `sites`/`vendors`) stay as they were.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..scoring.tiers import Tier

ReportKind = Literal["inventory", "po"]
Confidence = Literal["high", "medium", "low"]


class Evidence(BaseModel):
    """One signal behind a device's family or risk: what was seen, what it means, where the
    fact comes from (a source id or a reference table) and the points it added."""

    signal: str
    value: str | None = None
    finding: str
    source: str | None = None
    weight: int | float | None = None


class VendorMatch(BaseModel):
    """A listed party the order's vendor or distributor matched (score in [0, 1])."""

    entity_id: str
    source: str
    matched_name: str
    score: float


class DeviceItem(BaseModel):
    """One installed device, identified and scored."""

    row: int = Field(description="1-based data row (the first row below the header is 1)")
    line: int | None = Field(description="physical line (CSV), sheet row (XLSX), or null")
    asset_id: str | None = None
    site: str | None = None
    declared_make: str | None = None
    model: str | None = None
    mac: str | None = None
    firmware: str | None = None
    family: str | None = Field(description="maker family on the evidence, e.g. hikvision")
    family_confidence: Confidence | None = Field(description="null when family is null")
    tier: Tier
    score: int = Field(ge=0, le=100)
    relabel_suspected: bool
    rules_fired: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class OrderItem(DeviceItem):
    """One purchase-order or quote line: the device fields plus the line's commercial ones."""

    vendor: str | None = None
    manufacturer: str | None = None
    part_number: str | None = None
    description: str | None = None
    quantity: int | None = None
    unit_price: str | None = Field(default=None, description="as given, a decimal string")
    vendor_matches: list[VendorMatch] = Field(default_factory=list)


class RowError(BaseModel):
    """A row that could not be read (left out of the figures), or the whole file (row null)."""

    row: int | None
    line: int | None = None
    field: str | None = None
    message: str


class SiteGroup(BaseModel):
    site: str
    devices: int
    by_tier: dict[str, int]


class VendorGroup(BaseModel):
    vendor: str
    items: int
    by_tier: dict[str, int]


class InventorySummary(BaseModel):
    devices: int
    by_tier: dict[str, int]
    by_family: dict[str, int]


class OrderSummary(BaseModel):
    items: int
    by_tier: dict[str, int]
    by_family: dict[str, int]


class _ReportBase(BaseModel):
    profile: str
    snapshots: dict[str, str] = Field(description="source id -> version used")
    snapshot_dates: dict[str, str | None] = Field(default_factory=dict)
    required_sources: list[str] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)
    file: str | None = Field(default=None, description="the file as named by the user")
    id: str | None = Field(default=None, description="the stored report's id (API uploads)")
    created_at: str | None = Field(default=None, description="when it was stored (ISO datetime)")


class InventoryReport(_ReportBase):
    """`screening inventory score --format json`, `POST /v1/inventories`."""

    kind: Literal["inventory"] = "inventory"
    devices: list[DeviceItem]
    sites: list[SiteGroup]
    summary: InventorySummary


class OrderReport(_ReportBase):
    """`screening po check --format json`, `POST /v1/purchase-orders/check`."""

    kind: Literal["po"] = "po"
    items: list[OrderItem]
    vendors: list[VendorGroup]
    summary: OrderSummary


Report = InventoryReport | OrderReport
