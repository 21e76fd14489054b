"""Monitoring (issue 15): alerts, reviews, webhooks and their deliveries, the audit trail."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

AlertType = Literal[
    "vendor.hit.added", "vendor.hit.removed", "vendor.hit.changed", "inventory.tier.changed"
]
ALERT_TYPES: tuple[str, ...] = (
    "vendor.hit.added",
    "vendor.hit.removed",
    "vendor.hit.changed",
    "inventory.tier.changed",
)


class AlertOut(BaseModel):
    """A change of a screening outcome after a list changed. `data` names the vendor, the
    party and listing, the list and both versions, and the diff entry that caused it."""

    id: int
    type: AlertType
    created_at: str
    data: dict[str, Any]


class ReviewIn(BaseModel):
    entity_id: str = Field(min_length=1, max_length=300, description="the listing reviewed")
    decision: Literal["confirmed", "dismissed"]
    reason: str = Field(min_length=1, max_length=2000)


class ReviewOut(BaseModel):
    id: int
    vendor_id: str
    entity_id: str
    decision: Literal["confirmed", "dismissed"]
    reason: str
    actor: str
    role: str
    created_at: str
    snapshots: dict[str, str] = Field(description="the list versions it was made against")
    current: bool = Field(description="false once the listing has changed since")


class WebhookIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000)
    secret: str | None = Field(
        default=None, max_length=200, description="whsec_<base64>; made for you when absent"
    )
    events: list[AlertType] = Field(default_factory=list, description="empty: every alert type")


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: str
    active: bool


class NewWebhook(WebhookOut):
    """The subscription just made; `secret` is shown in this answer only."""

    secret: str


class DeliveryOut(BaseModel):
    id: int
    alert_id: int
    msg_id: str
    status: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    next_attempt_at: str | None
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: str
    delivered_at: str | None = None


class AuditRecord(BaseModel):
    id: int
    at: str
    actor: str
    role: str
    action: str
    target: str | None = None
    snapshots: dict[str, str] = Field(default_factory=dict)
    detail: dict[str, Any] = Field(default_factory=dict)


class RescreenRun(BaseModel):
    """One pass of re-screening: vendors re-screened and alerts raised."""

    job: int | None
    vendors: int
    alerts: int
    inventories: int = Field(default=0, description="stored inventories scored again")
