"""API keys and roles.

A key is `scr_` followed by 43 URL-safe characters drawn from 32 random bytes (256 bits). It is
shown once, when it is made; the database keeps only its SHA-256 and its first twelve characters
(the visible prefix that names it in lists, logs and `keys revoke`). A fast hash is the right
one here: a key carries 256 bits of randomness, so there is nothing for a slow password hash to
protect against, and every API call must check one (passwords, which people choose, get argon2).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Literal, get_args

KEY_PREFIX = "scr_"
PREFIX_LENGTH = 12  # "scr_" + 8 characters: enough to tell keys apart, far too few to guess one
Role = Literal["admin", "analyst", "ci"]
ROLES: tuple[Role, ...] = get_args(Role)

_KEY = re.compile(r"scr_[A-Za-z0-9_-]{43}\Z")

# What each role may do. `admin` manages keys, webhooks, the tenant's custom lists and reads the
# audit log; `analyst` works on vendors, inventories, purchase orders and reviews; `ci` may only
# screen and check (reads and the stateless screening calls), never write.
_GRANTS: dict[Role, frozenset[str]] = {
    "admin": frozenset({"read", "screen", "write", "admin"}),
    "analyst": frozenset({"read", "screen", "write"}),
    "ci": frozenset({"read", "screen"}),
}


def generate_key() -> str:
    """A new key: the prefix and 256 random bits, URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def looks_like_key(text: str) -> bool:
    """Whether `text` has the shape of a key (checked before any database lookup)."""
    return _KEY.match(text) is not None


def key_prefix(key: str) -> str:
    """The visible part of a key that names it (never enough to use it)."""
    return key[:PREFIX_LENGTH]


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two stored hashes."""
    return hmac.compare_digest(a.encode(), b.encode())


def can(role: str, action: str) -> bool:
    """Whether a key of `role` may perform `action` (read, screen, write, admin)."""
    return action in _GRANTS.get(role, frozenset())  # type: ignore[call-overload]
