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
    jurisdiction: str | None = Field(
        default=None, description="whose measure the source is: UK, UN, EU, US (lists, policies)"
    )
    force: str | None = Field(
        default=None,
        description="for this profile's buyer: binding, guidance or context (another country's)",
    )
    note: str | None = Field(
        default=None, description="id of the report's note stating the source's scope once"
    )


class Action(BaseModel):
    """What to do about a device or order line (the most urgent action that applies)."""

    code: str = Field(description="e.g. remove-from-sensitive-site, do-not-buy, none")
    text: str = Field(description="the instruction")
    reason: str = Field(default="", description="why, from the findings")
    also: list[str] = Field(default_factory=list, description="other codes that apply too")


class Note(BaseModel):
    """A list or policy statement the report's evidence cites, stated once for the report."""

    id: str = Field(description="what evidence entries refer to in their `note`")
    source: str = Field(description="source id or policy_statements.csv id")
    title: str
    jurisdiction: str | None = None
    force: str | None = Field(default=None, description="for this profile's buyer")
    text: str = Field(description="what it is, what it asks or covers, for whom")


class VendorMatch(BaseModel):
    """A listed party the order's vendor or distributor matched (score in [0, 1])."""

    entity_id: str
    source: str
    matched_name: str
    score: float
    relation: str = Field(
        default="listed",
        description="`listed`, or how the vendor relates to the listed party (subsidiary of…)",
    )


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
    evidence: list[Evidence] = Field(
        default_factory=list, description="most relevant to the profile's buyer first"
    )
    action: Action | None = Field(default=None, description="what to do (null in old reports)")
    warnings: list[str] = Field(
        default_factory=list, description="values read but not understood (e.g. a site type)"
    )


class OrderItem(DeviceItem):
    """One purchase-order or quote line: the device fields plus the line's commercial ones."""

    vendor: str | None = None
    manufacturer: str | None = None
    part_number: str | None = None
    description: str | None = None
    quantity: int | None = None
    unit_price: str | None = Field(default=None, description="as given, a decimal string")
    currency: str | None = Field(
        default=None, description="a currency column, else the price's symbol or code, else null"
    )
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


class UrgentAction(BaseModel):
    """One of the most urgent actions of a report: which row, what, where, why."""

    row: int
    label: str = Field(description="asset and make/model, or part and vendor")
    where: str | None = Field(default=None, description="site (inventory) or vendor (PO)")
    tier: Tier
    code: str
    text: str
    reason: str = ""


class SpendAtRisk(BaseModel):
    """Quantity x unit price of the order's lines, added up per tier (decimal strings)."""

    currency: str | None = Field(description="as given in the file; null when not given")
    by_tier: dict[str, str] = Field(default_factory=dict)
    total: str = "0"
    unpriced_lines: int = Field(default=0, description="lines without quantity or price")
    note: str = ""


class VendorSpend(BaseModel):
    """One vendor's order lines: how many, the quantity and the spend (decimal strings)."""

    items: int
    quantity: int
    spend: str = Field(description="quantity x unit price, decimal string")
    by_tier: dict[str, str] = Field(default_factory=dict, description="spend per tier")


class InventorySummary(BaseModel):
    devices: int
    by_tier: dict[str, int]
    by_family: dict[str, int]
    by_site: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="site -> tier -> devices"
    )
    by_action: dict[str, int] = Field(
        default_factory=dict, description="action code -> devices, most urgent first"
    )
    urgent_actions: list[UrgentAction] = Field(
        default_factory=list, description="the five most urgent actions"
    )


class OrderSummary(BaseModel):
    items: int
    by_tier: dict[str, int]
    by_family: dict[str, int]
    by_vendor: dict[str, VendorSpend] = Field(default_factory=dict)
    quantity_by_tier: dict[str, int] = Field(default_factory=dict)
    spend_at_risk: SpendAtRisk | None = None
    by_action: dict[str, int] = Field(
        default_factory=dict, description="action code -> lines, most urgent first"
    )
    urgent_actions: list[UrgentAction] = Field(
        default_factory=list, description="the five most urgent actions"
    )


class _ReportBase(BaseModel):
    profile: str
    snapshots: dict[str, str] = Field(description="source id -> version used")
    snapshot_dates: dict[str, str | None] = Field(default_factory=dict)
    required_sources: list[str] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)
    file: str | None = Field(default=None, description="the file as named by the user")
    id: str | None = Field(default=None, description="the stored report's id (API uploads)")
    created_at: str | None = Field(default=None, description="when it was stored (ISO datetime)")
    notes: list[Note] = Field(
        default_factory=list, description="each cited list or statement, stated once"
    )


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
