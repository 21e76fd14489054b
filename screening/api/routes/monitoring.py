"""Monitoring for the caller's tenant (issue 15): alerts, reviews, webhooks, the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BeforeValidator

from ...schemas.monitoring import (
    AlertOut,
    AuditRecord,
    DeliveryOut,
    NewWebhook,
    ReviewIn,
    ReviewOut,
    WebhookIn,
    WebhookOut,
)
from ..auth import Admin, Reader, Writer
from ..deps import ScreeningDep
from . import MAX_DB_INT

router = APIRouter(prefix="/v1", tags=["monitoring"])


def _iso(value: object) -> object:
    """`since` is documented as an ISO 8601 date-time; pydantic alone also took a number
    (`since=0.5`, seconds after 1970). Parsed here, so anything else is refused (422). One
    without an offset is UTC (the stored times are; a naive one failed the query: 500)."""
    if not isinstance(value, str):
        return value
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


IsoDatetime = Annotated[datetime, BeforeValidator(_iso)]


@router.get("/alerts", response_model=list[AlertOut])
def alerts(
    who: Reader,
    svc: ScreeningDep,
    since: Annotated[
        IsoDatetime | None, Query(description="only alerts raised at or after")
    ] = None,
    after: Annotated[
        int, Query(ge=0, le=MAX_DB_INT, description="only alerts with a larger id")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertOut]:
    """The feed: every change of a screening outcome after a list changed (`vendor.hit.added`,
    `.removed`, `.changed`), oldest first. Each names the vendor, the party and listing, the
    list and both versions, and the diff entry that caused it. Page with `after=<last id>`."""
    return svc.alerts(who.tenant, after_id=after, since=since, limit=limit)


@router.post("/vendors/{vendor_id}/reviews", response_model=ReviewOut, status_code=201)
def review(vendor_id: str, item: ReviewIn, who: Writer, svc: ScreeningDep) -> ReviewOut:
    """Confirm or dismiss one of the vendor's hits (`entity_id` of the listing). A dismissed hit
    raises no new alert while its listing is unchanged; a change re-opens it (and says so)."""
    return svc.review(vendor_id, item, who=who)


@router.get("/vendors/{vendor_id}/reviews", response_model=list[ReviewOut])
def reviews(vendor_id: str, who: Reader, svc: ScreeningDep) -> list[ReviewOut]:
    """The vendor's reviews in order, each with who, when, the list versions it was made
    against and whether it still holds."""
    return svc.reviews(vendor_id, who.tenant)


@router.post("/webhooks", response_model=NewWebhook, status_code=201)
def add_webhook(item: WebhookIn, who: Admin, svc: ScreeningDep) -> NewWebhook:
    """Subscribe a URL to the tenant's alerts (`events`, or all). Deliveries follow Standard
    Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<HMAC-SHA256>`), are
    retried with backoff, and never follow redirects. Loopback and private targets are refused
    unless SCREENING_WEBHOOK_ALLOW_PRIVATE=true. The secret is shown in this answer only."""
    return svc.add_webhook(item, who=who)


@router.get("/webhooks", response_model=list[WebhookOut])
def webhooks(who: Admin, svc: ScreeningDep) -> list[WebhookOut]:
    return svc.webhooks(who.tenant)


@router.delete("/webhooks/{hook_id}", status_code=204, response_class=Response)
def delete_webhook(hook_id: str, who: Admin, svc: ScreeningDep) -> Response:
    svc.delete_webhook(hook_id, who=who)
    return Response(status_code=204)


@router.get("/webhooks/{hook_id}/deliveries", response_model=list[DeliveryOut])
def deliveries(hook_id: str, who: Admin, svc: ScreeningDep) -> list[DeliveryOut]:
    """The delivery log, newest first: status, attempts, the receiver's last answer."""
    return svc.deliveries(hook_id, who.tenant)


@router.post("/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver", response_model=DeliveryOut)
def redeliver(
    hook_id: str,
    delivery_id: Annotated[int, Path(ge=0, le=MAX_DB_INT)],
    who: Admin,
    svc: ScreeningDep,
) -> DeliveryOut:
    """Queue one delivery again (same message id and body, newly signed)."""
    return svc.redeliver(hook_id, delivery_id, who=who)


@router.get("/audit", response_model=list[AuditRecord])
def audit(
    who: Admin,
    svc: ScreeningDep,
    action: Annotated[str | None, Query(max_length=64, description="action prefix")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="actor contains")] = None,
    since: IsoDatetime | None = None,
    after: Annotated[int, Query(ge=0, le=MAX_DB_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditRecord]:
    """The tenant's audit trail, append-only: who (key name and role), what, when, against
    which list versions."""
    return svc.audit_entries(
        who.tenant, action=action, actor=actor, since=since, after_id=after, limit=limit
    )
