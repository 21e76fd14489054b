"""What the index is built from: one `IndexEntry` per name of a listed party (plain values, no
database row), and the identifier rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
# Identifier types that are not identifiers of the party (a web site, a nationality...).
_NOT_IDENTIFYING = ("website", "email", "nationality", "gender", "equity ticker")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One name of one listed party, with the party's facts the scorer uses."""

    entity_id: str
    source: str
    name: str
    name_type: str = "primary"
    kind: str = "organization"
    countries: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()  # (type, value)


class Entity(NamedTuple):
    """A listed party as the index keeps it."""

    entity_id: str
    source: str
    kind: str
    countries: tuple[str, ...]


class _NameLike(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def type(self) -> str: ...


class _IdLike(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str: ...


class RecordLike(Protocol):
    """What `entries_from_record` reads (screening.sources.base.Record has it)."""

    @property
    def local_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> Sequence[_NameLike]: ...
    @property
    def countries(self) -> Sequence[str]: ...
    @property
    def identifiers(self) -> Sequence[_IdLike]: ...


def entries_from_record(source: str, record: RecordLike) -> list[IndexEntry]:
    """The index entries of one parsed record: its primary name and every alias."""
    common: dict[str, Any] = {
        "entity_id": f"{source}:{record.local_id}",
        "source": source,
        "kind": record.kind,
        "countries": tuple(record.countries),
        "identifiers": tuple((i.type, i.value) for i in record.identifiers),
    }
    names = [(record.name, "primary")] + [(a.value, a.type) for a in record.aliases]
    return [IndexEntry(name=n, name_type=t, **common) for n, t in names]


def normalize_identifier(value: str) -> str:
    """Upper case, letters and digits only: "CNE 100000-PM8" -> "CNE100000PM8"."""
    return _NON_ALNUM.sub("", value.upper())


def usable_identifier(kind: str, value: str) -> bool:
    low = kind.lower()
    return (
        len(value) >= 6
        and any(ch.isdigit() for ch in value)
        and not any(word in low for word in _NOT_IDENTIFYING)
    )
