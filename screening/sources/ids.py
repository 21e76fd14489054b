"""Entity-id rules from interfaces.md, shared by every parser."""

from __future__ import annotations

import re
from collections.abc import Iterable

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slug(name: str, countries: Iterable[str] = ()) -> str:
    """The slug rule: the name transliterated to ASCII, lower-cased, every run of other
    characters turned into `-`, then `-<iso2>` when the entry has exactly one country."""
    base = _NON_ALNUM.sub("-", anyascii(name).lower()).strip("-") or "unnamed"
    codes = [c for c in countries if len(c) == 2 and c.isalpha()]
    distinct = sorted({c.lower() for c in codes})
    if len(distinct) == 1 and len(set(countries)) == 1:
        base = f"{base}-{distinct[0]}"
    return base


class SlugAllocator:
    """Hands out slugs in file order, adding `-2`, `-3`… when one repeats within a snapshot."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, name: str, countries: Iterable[str] = ()) -> str:
        base = slug(name, countries)
        n = self._seen.get(base, 0) + 1
        self._seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def split_entity_id(entity_id: str) -> tuple[str, str]:
    """`opensanctions:default:NK-123` -> (`opensanctions:default`, `NK-123`); fixed ids have no
    colon of their own, the `opensanctions:` and `custom:` families have exactly one."""
    head, sep, rest = entity_id.partition(":")
    if not sep:
        raise ValueError(f"not an entity id (no ':'): {entity_id!r}")
    if head in ("opensanctions", "custom"):
        name, sep2, local = rest.partition(":")
        if not sep2:
            raise ValueError(f"not an entity id: {entity_id!r}")
        return f"{head}:{name}", local
    return head, rest
