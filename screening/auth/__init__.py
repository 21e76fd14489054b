"""Who is calling: tenants, roles and API keys (pure: no database, no web framework)."""

from .keys import KEY_PREFIX, ROLES, Role, can, generate_key, hash_key, key_prefix, looks_like_key

__all__ = [
    "KEY_PREFIX",
    "ROLES",
    "Role",
    "can",
    "generate_key",
    "hash_key",
    "key_prefix",
    "looks_like_key",
]
