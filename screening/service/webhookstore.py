"""Webhook subscriptions, the delivery log and the retry queue (the database side of
`screening.webhooks`, which signs and sends).

A delivery is claimed by a guarded update (`pending` → `sending`) so that two workers never
send one twice; a delivery left `sending` by a process that died is claimed again after a
while. Each attempt is logged on its row; failures wait by the retry schedule, then give up.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from ..errors import NotFoundError
from ..models import Alert, Delivery, Webhook
from ..schemas.monitoring import DeliveryOut, NewWebhook, WebhookIn, WebhookOut
from ..settings import Settings
from ..snapshots import as_utc, now_utc
from ..webhooks import check_target, deliver, event_body, new_secret, next_attempt_delay
from ..webhooks.signing import secret_key

STALE_SENDING = timedelta(minutes=5)


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _iso(moment: datetime | None) -> str | None:
    aware = _aware(moment)
    return aware.isoformat() if aware else None


def _out(h: Webhook) -> WebhookOut:
    return WebhookOut(
        id=h.id,
        url=h.url,
        events=list(h.events),
        created_at=h.created_at.isoformat(),
        active=h.active,
    )


def add(session: Session, settings: Settings, tenant: str, item: WebhookIn) -> NewWebhook:
    """Subscribe `item.url`; refused for loopback/private targets unless allowed by settings."""
    check_target(item.url, settings.webhook_allow_private)
    secret = item.secret or new_secret()
    secret_key(secret)  # refuses a secret not in the whsec_<base64> form
    hook = Webhook(
        id=str(uuid.uuid4()),
        tenant_id=tenant,
        url=item.url,
        secret=secret,
        events=list(item.events),
        created_at=now_utc(),
    )
    session.add(hook)
    session.commit()
    return NewWebhook(secret=secret, **_out(hook).model_dump())


def _hook(session: Session, tenant: str, hook_id: str) -> Webhook:
    hook = session.get(Webhook, hook_id)
    if hook is None or hook.tenant_id != tenant or not hook.active:
        raise NotFoundError(f"no webhook {hook_id[:80]!r}")
    return hook


def listed(session: Session, tenant: str) -> list[WebhookOut]:
    stmt = select(Webhook).where(Webhook.tenant_id == tenant, col(Webhook.active).is_(True))
    return [_out(h) for h in session.exec(stmt.order_by(col(Webhook.created_at)))]


def remove(session: Session, tenant: str, hook_id: str) -> None:
    """Unsubscribe (kept, inactive, so its delivery log stays readable to the audit)."""
    hook = _hook(session, tenant, hook_id)
    hook.active = False
    session.add(hook)
    session.commit()


def _delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id or 0,
        alert_id=d.alert_id,
        msg_id=d.msg_id,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=_iso(d.next_attempt_at) if d.status == "pending" else None,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        created_at=_iso(d.created_at) or "",
        delivered_at=_iso(d.delivered_at),
    )


def deliveries(session: Session, tenant: str, hook_id: str, limit: int = 200) -> list[DeliveryOut]:
    _hook(session, tenant, hook_id)
    stmt = select(Delivery).where(Delivery.webhook_id == hook_id)
    return [
        _delivery_out(d) for d in session.exec(stmt.order_by(col(Delivery.id).desc()).limit(limit))
    ]


def redeliver(session: Session, tenant: str, hook_id: str, delivery_id: int) -> DeliveryOut:
    """Send one delivery again (delivered or given up): back to the queue, due now."""
    _hook(session, tenant, hook_id)
    d = session.get(Delivery, delivery_id)
    if d is None or d.webhook_id != hook_id:
        raise NotFoundError(f"no delivery {delivery_id} of webhook {hook_id[:80]!r}")
    d.status, d.next_attempt_at, d.attempts = "pending", now_utc(), 0
    session.add(d)
    session.commit()
    return _delivery_out(d)


def _claim(session: Session, delivery_id: int, now: datetime) -> bool:
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.id) == delivery_id,
            or_(
                col(Delivery.status) == "pending",
                and_(
                    col(Delivery.status) == "sending",
                    col(Delivery.claimed_at) < now - STALE_SENDING,
                ),
            ),
        )
        .values(status="sending", claimed_at=now)
    )
    session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def deliver_due(
    session: Session, settings: Settings, limit: int = 50, client: httpx.Client | None = None
) -> int:
    """Attempt every due delivery (at most `limit`); the number attempted."""
    now = now_utc()
    stmt = (
        select(Delivery.id)
        .where(
            or_(
                and_(col(Delivery.status) == "pending", col(Delivery.next_attempt_at) <= now),
                and_(
                    col(Delivery.status) == "sending",
                    col(Delivery.claimed_at) < now - STALE_SENDING,
                ),
            )
        )
        .order_by(col(Delivery.id))
        .limit(limit)
    )
    due = [i for i in session.exec(stmt) if i is not None]
    if not due:
        return 0
    own = client is None
    # No proxy from the environment (it would decide where requests go), never verify=False.
    http = client or httpx.Client(
        follow_redirects=False, trust_env=False, headers={"user-agent": "screening-webhooks/0.1"}
    )
    attempted = 0
    try:
        for delivery_id in due:
            if not _claim(session, delivery_id, now):
                continue  # another worker has it
            _attempt(session, settings, http, delivery_id)
            attempted += 1
    finally:
        if own:
            http.close()
    return attempted


def _attempt(session: Session, settings: Settings, http: httpx.Client, delivery_id: int) -> None:
    d = session.get(Delivery, delivery_id)
    assert d is not None
    hook = session.get(Webhook, d.webhook_id)
    alert = session.get(Alert, d.alert_id)
    if hook is None or alert is None or not hook.active:
        d.status, d.last_error = "failed", "webhook removed"
        session.add(d)
        session.commit()
        return
    body = event_body(
        alert.type, _aware(alert.created_at) or now_utc(), {"alert_id": alert.id, **alert.data}
    )
    result = deliver(
        http,
        hook.url,
        hook.secret,
        d.msg_id,
        body,
        timeout=settings.webhook_timeout,
        allow_private=settings.webhook_allow_private,
    )
    d.attempts += 1
    d.last_status_code, d.last_error = result.status_code, result.error
    now = now_utc()
    if result.ok:
        d.status, d.delivered_at = "delivered", now
    else:
        wait = next_attempt_delay(d.attempts, d.msg_id)
        if wait is None or getattr(result, "refused", False):
            d.status = "failed"
        else:
            d.status, d.next_attempt_at = "pending", now + wait
    session.add(d)
    session.commit()
