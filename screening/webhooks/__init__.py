"""Delivery core of signed webhooks (Standard Webhooks): secrets and signatures, event bodies,
target checks against server-side request forgery, one delivery attempt, the retry schedule.

No database here: subscriptions, the delivery log and the retry queue live with the service,
which calls these functions.
"""

from screening.webhooks.delivery import MAX_RESPONSE_BYTES, Attempt, deliver
from screening.webhooks.payload import event_body, iso_timestamp
from screening.webhooks.retries import MAX_ATTEMPTS, SCHEDULE, next_attempt_delay
from screening.webhooks.signing import message_id, new_secret, secret_key, sign, signature
from screening.webhooks.targets import (
    ALLOW_PRIVATE_SETTING,
    Target,
    check_target,
    refusal_reason,
    resolve_target,
)

__all__ = [
    "ALLOW_PRIVATE_SETTING",
    "MAX_ATTEMPTS",
    "MAX_RESPONSE_BYTES",
    "SCHEDULE",
    "Attempt",
    "Target",
    "check_target",
    "deliver",
    "event_body",
    "iso_timestamp",
    "message_id",
    "new_secret",
    "next_attempt_delay",
    "refusal_reason",
    "resolve_target",
    "secret_key",
    "sign",
    "signature",
]
