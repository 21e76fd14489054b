"""The records every list is made of: the plain values parsers yield, the storage keeps and the
pure cores (matching, scoring) read. No I/O and no project imports here, so any room may use
them without depending on the `sources` package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Kind = Literal["organization", "person", "vessel", "aircraft", "category", "vulnerability"]
KINDS: tuple[str, ...] = (
    "organization",
    "person",
    "vessel",
    "aircraft",
    "category",
    "vulnerability",
)

NameType = Literal["primary", "aka", "fka", "nka", "weak"]
Completeness = Literal["full", "sample"]


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a listed party. `weak` is OFAC's "weak a.k.a." (low-quality alias);
    `quality` keeps a publisher's own grading (UN: "Good" / "Low") when it has one."""

    value: str
    type: NameType = "aka"
    quality: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier the publisher gives: ISIN, USCC, registration number, IMO, passport, CVE…"""

    type: str
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One listed entry as its publisher issues it.

    `local_id` is the publisher's own id where it has one, else a slug (`ids.slug`). `countries`
    holds ISO 3166 alpha-2 codes where the name resolves (`countries.to_iso2`), else the text as
    published. `details` keeps source-specific facts (an FCC scope, a CSL sub-list, a 1260H
    history, a KEV product) as JSON-compatible values.
    """

    local_id: str
    kind: Kind
    name: str
    aliases: tuple[Name, ...] = ()
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    listing_dates: tuple[date, ...] = ()
    remarks: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def listed_on(self) -> date | None:
        """The earliest listing date the publisher gives, if any."""
        return min(self.listing_dates) if self.listing_dates else None
