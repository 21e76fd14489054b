"""When to try a failed delivery again: exponential backoff with jitter, then give up."""

from __future__ import annotations

import hashlib
from datetime import timedelta

# Delay before attempt n+1 after n failed attempts (the Standard Webhooks guidance and common
# practice: quick retries for a blip, then hours for an outage). 7 retries: 8 attempts in all,
# spread over about 10 hours.
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(SCHEDULE) + 1
# Each delay is scaled by a factor in [1 - JITTER, 1 + JITTER]. With 20 % the schedule stays
# increasing (each step is at least 2x the previous one, and 1.2 < 2 * 0.8).
JITTER = 0.2


def next_attempt_delay(attempt_number: int, key: str = "") -> timedelta | None:
    """How long to wait after failed attempt number `attempt_number` (1 = the first attempt)
    before the next one, or None when the delivery should be given up (after MAX_ATTEMPTS).

    The jitter spreads the retries of many deliveries that failed together (a receiver's outage)
    so they do not all come back at once. It is derived from `key` (pass the message id) and the
    attempt number instead of a random draw, so the function is pure: the same delivery always
    gets the same schedule, and tests and logs can reproduce it.
    """
    if attempt_number < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt_number > len(SCHEDULE):
        return None
    digest = hashlib.sha256(f"{key}:{attempt_number}".encode()).digest()
    unit = int.from_bytes(digest[:8], "big") / 2**64  # in [0, 1)
    factor = 1 - JITTER + 2 * JITTER * unit
    return SCHEDULE[attempt_number - 1] * factor
