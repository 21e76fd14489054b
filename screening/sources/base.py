"""The typed records every parser yields, and the description of a source.

A parser is a pure function `parse(files) -> Iterator[Record]` where `files` maps a file name
(as in `SourceSpec.files`) to its bytes. It never opens files or sockets, so the real published
files in `tests/fixtures/` test it directly. A parser meeting a layout it does not know raises
`ParseError` naming the file, row and field rather than returning fewer rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..domain import KINDS, Completeness, Identifier, Kind, Name, NameType, Record

__all__ = [
    "KINDS",
    "Completeness",
    "Identifier",
    "Kind",
    "Name",
    "NameType",
    "Record",
]

# Whose measure a list is, and what it is worth to a buyer in the UK: `binding` (UK law applies
# it to the buyer), `guidance` (UK government guidance), `context` (another country's measure or
# a catalogue of facts: relevant evidence, not an obligation on a UK buyer).
Jurisdiction = Literal["UK", "UN", "EU", "US"]
UkForce = Literal["binding", "guidance", "context"]


Files = Mapping[str, bytes]
Parser = Callable[[Files], Iterator[Record]]


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file the live refresh downloads. `media` is what the body must be (csv, xml, json,
    html): an HTML error page where CSV was expected is refused before parsing."""

    name: str
    url: str
    media: Literal["csv", "tsv", "xml", "json", "jsonl", "html"]
    required: bool = True


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """Everything the machinery needs to know about one list.

    `files` are the live downloads; an empty tuple means the source is bundled-only (the
    publisher offers no machine-readable file we can parse). `parse` is None while no parser
    exists: the source then always shows `no_data`.
    """

    id: str
    name: str
    publisher: str
    publisher_url: str
    parse: Parser | None
    files: tuple[RemoteFile, ...] = ()
    record_type: Literal["party", "vulnerability"] = "party"
    # Alternative live forms tried in order when the first fails (e.g. OFAC's XML forms).
    alternatives: tuple[tuple[RemoteFile, ...], ...] = ()
    # The publisher's own date of the data, read from the files when they carry one.
    published: Callable[[Files], date | None] | None = None
    # Static facts for reasons a UK buyer can act on (issue 17): whose measure this list is,
    # its force for a UK buyer and one sentence saying why.
    jurisdiction: Jurisdiction | None = None
    uk_force: UkForce | None = None
    uk_force_note: str = ""

    @property
    def bundled_only(self) -> bool:
        return not self.files
