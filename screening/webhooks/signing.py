"""Signing per the Standard Webhooks specification (https://www.standardwebhooks.com/).

A delivery carries three headers: `webhook-id` (the message id, the same on every retry, so a
receiver can drop duplicates), `webhook-timestamp` (integer seconds since the epoch, of this
attempt, so a receiver can refuse replays) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
`"{id}.{timestamp}.{body}"`). The secret is `whsec_<base64 of the key>`.

Written on the standard library rather than on the `standardwebhooks` package: it is a dozen
lines of `hmac`, and the tests then check our signatures with that independent implementation
(a library signing and verifying its own output would prove nothing about the format).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from screening.errors import InputError

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format prefix, not a password)
# The specification recommends keys of 24 to 64 bytes; we generate 32.
MIN_KEY_BYTES = 24
MAX_KEY_BYTES = 64
_NEW_KEY_BYTES = 32


def new_secret() -> str:
    """A new random signing secret, `whsec_` followed by the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_NEW_KEY_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret; InputError if the secret is not of that form.

    The message never quotes the secret: it is a credential.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise InputError(
            "The webhook secret must start with 'whsec_' followed by the base64 of "
            f"{MIN_KEY_BYTES} to {MAX_KEY_BYTES} random bytes (the Standard Webhooks format)."
        )
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        # validate=True: refuse characters outside the base64 alphabet instead of skipping them.
        # Missing padding is accepted, as the reference implementations do.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "The webhook secret after 'whsec_' is not valid base64 (standard alphabet)."
        ) from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise InputError(
            f"The webhook secret's key is {len(key)} bytes; it must be {MIN_KEY_BYTES} to "
            f"{MAX_KEY_BYTES} bytes (the Standard Webhooks recommendation)."
        )
    return key


def message_id() -> str:
    """A new message id, `msg_` followed by 32 random hex digits (128 bits)."""
    return "msg_" + secrets.token_hex(16)


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`."""
    if not msg_id or "." in msg_id:
        # The id is a field of the signed content, separated by dots.
        raise ValueError("a webhook message id must be non-empty and contain no '.'")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery attempt of `body`.

    `timestamp` is the attempt's time in whole seconds since the epoch (a retry is signed anew
    with its own timestamp and the same id).
    """
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature(secret, msg_id, int(timestamp), body),
    }
