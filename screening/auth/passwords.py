"""People's passwords: the policy and argon2id hashing (pure: no database, no web framework).

Only the argon2id hash is ever stored (pwdlib's encoded form, `$argon2id$v=19$m=...`), with
OWASP's recommended cost for argon2id (19 MiB of memory, 2 passes, 1 lane: about 70 ms here;
the library's default, 64 MiB and 3 passes on 4 lanes, took 400 ms on this 2-core machine,
which made the sign-in form a way to load the server). Hashes made with other parameters still
verify, and `needs_rehash` tells the sign-in to store them again. Checking a password against
`dummy_hash()` when the email has no account makes that sign-in cost the same time as one for a
known email, so the answer's timing does not tell which emails have accounts.
"""

from __future__ import annotations

import re

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from ..errors import InputError

MIN_LENGTH = 12
# An upper bound keeps one hashing bounded (and no one types more than this).
MAX_LENGTH = 1024
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+\Z")

_ARGON2 = Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1)
_HASHER = PasswordHash((_ARGON2,))
_DUMMY: list[str] = []


def dummy_hash() -> str:
    """A hash no password matches, to verify against when the email has no account (made once,
    when first needed, so that importing this module costs nothing)."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash("not a password anyone has: used to spend the same time"))
    return _DUMMY[0]


def check_password_policy(password: str) -> str:
    """The password if it may be used: 12 to 1024 characters, not only spaces."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"password: use at least {MIN_LENGTH} characters (a phrase is fine)")
    if len(password) > MAX_LENGTH:
        raise InputError(f"password: use at most {MAX_LENGTH} characters")
    if not password.strip():
        raise InputError("password: it cannot be only spaces")
    return password


def normalize_email(email: str) -> str:
    """An email address as stored and compared: trimmed, lower-case (one account per address
    whatever its case)."""
    text = email.strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InputError(f"email {email[:80]!r}: give an address such as name@example.org")
    return text


def hash_password(password: str) -> str:
    """The stored form of a password: its argon2id hash with a random salt."""
    return _HASHER.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (False for a malformed hash)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return bool(_HASHER.verify(password, stored))
    except Exception:  # a malformed stored hash: not a match, never a crash
        return False


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made with other parameters than today's (rehash at sign-in)."""
    try:
        return bool(_ARGON2.check_needs_rehash(stored))
    except Exception:
        return True
