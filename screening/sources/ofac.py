"""OFAC's lists in their legacy CSV form: the SDN set (sdn/add/alt/sdn_comments) and the
consolidated non-SDN set (cons_prim/cons_add/cons_alt/cons_comments), which share one layout.
`parse_sdn` / `parse_cons` also read the two XML forms (ofac_xml.py, ofac_advanced.py), chosen by
which file names are present.

Format facts (OFAC's data specification, and the real files in tests/fixtures): no header row,
CRLF line ends, every null written `-0- ` (with a trailing space), a final 0x1A (DOS EOF) byte,
Latin-1 text, several programs joined as `A] [B`, Remarks cut at 1,000 characters and continued
in the comments file. Every row of a real file ends with CRLF and every value is quoted or
`-0- `, which is how a file cut mid-row is recognised.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from ..errors import ParseError
from .base import Files, Identifier, Kind, Name, Record, RemoteFile, SourceSpec
from .countries import country_or_text
from .ofac_advanced import advanced_issue_date, parse_advanced
from .ofac_remarks import parse_remarks
from .ofac_xml import legacy_publish_date, parse_legacy

PRIM_COLUMNS = 12
_KINDS: Mapping[str, Kind] = {
    "": "organization",
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_ALT_TYPES = {"aka": "aka", "fka": "fka", "nka": "nka"}


@dataclass(frozen=True)
class CsvSet:
    """File names of one OFAC CSV set."""

    prim: str
    add: str
    alt: str
    comments: str


SDN_SET = CsvSet("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_SET = CsvSet("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")


def _null(value: str) -> str | None:
    v = value.strip()
    return None if v in ("", "-0-") else v


def _rows(name: str, data: bytes, min_cols: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) of a headerless OFAC CSV file; refuse what is not one."""
    text = data.rstrip(b"\x1a\r\n").decode("latin-1")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise ParseError(f"{name}: not an OFAC CSV file (it starts like an HTML/XML/JSON document)")
    if text and not text.endswith("\n") and not text.rstrip(" ").endswith(('"', "-0-")):
        # The last row stops inside an unquoted value: the download was cut mid-row.
        last = text.count("\n") + 1
        raise ParseError(f"{name}: line {last} is cut off mid-value (truncated file)")
    # strict: a quoted value left open at the end of the file (cut mid-row) is an error.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(
                f"{name}: line {reader.line_num}: {exc} (truncated or not an OFAC file)"
            ) from exc
        line = reader.line_num
        if not cells or cells == [""]:
            continue
        if line == 1 and cells[0].strip().lower() == "ent_num":
            # Some mirrors add a header row that OFAC's own files do not have.
            continue
        if len(cells) < min_cols:
            raise ParseError(
                f"{name}: line {line} has {len(cells)} fields, expected {min_cols} "
                "(truncated or not an OFAC file)"
            )
        if not cells[0].strip().isdigit():
            raise ParseError(
                f"{name}: line {line}, field ent_num: {cells[0][:40]!r} is not a number"
            )
        yield line, cells


def read_addresses(name: str, data: bytes) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """An add.csv / cons_add.csv: (addresses, countries) by ent_num. An address is its
    Address, City/State/Postal and Country values joined by ", ", nulls (`-0- `) left out."""
    addresses: dict[int, list[str]] = defaultdict(list)
    countries: dict[int, list[str]] = defaultdict(list)
    for _, c in _rows(name, data, 5):
        ent = int(c[0])
        parts = [p for p in (_null(c[2]), _null(c[3]), _null(c[4])) if p]
        if parts:
            addresses[ent].append(", ".join(parts))
        if (country := country_or_text(_null(c[4]))) and country not in countries[ent]:
            countries[ent].append(country)
    return addresses, countries


def read_aliases(name: str, data: bytes) -> dict[int, list[Name]]:
    """An alt.csv / cons_alt.csv: the a.k.a., f.k.a. and n.k.a. names by ent_num, in file
    order; an unknown alt_type is an error naming the line."""
    aliases: dict[int, list[Name]] = defaultdict(list)
    for line, c in _rows(name, data, 4):
        alt_type = (_null(c[2]) or "aka").lower()
        if alt_type not in _ALT_TYPES:
            raise ParseError(f"{name}: line {line}, field alt_type: unknown {alt_type[:20]!r}")
        if alt_name := _null(c[3]):
            aliases[int(c[0])].append(Name(alt_name, _ALT_TYPES[alt_type]))  # type: ignore[arg-type]
    return aliases


def read_comments(name: str, data: bytes) -> dict[int, str]:
    """An sdn_comments.csv / cons_comments.csv: by ent_num, the continuation of a Remarks
    value cut at 1,000 characters (it starts mid-word)."""
    return {int(c[0]): text for _, c in _rows(name, data, 2) if (text := _null(c[1]))}


def parse_csv_set(files: Files, names: CsvSet) -> Iterator[Record]:
    """Parse one OFAC CSV set. Only the primary file is required; addresses, aliases and
    comments are attached when their files are present."""
    if names.prim not in files:
        raise ParseError(f"missing {names.prim}; got {sorted(files)}")
    addresses: dict[int, list[str]] = {}
    countries: dict[int, list[str]] = {}
    aliases: dict[int, list[Name]] = {}
    comments: dict[int, str] = {}
    if names.add in files:
        addresses, countries = read_addresses(names.add, files[names.add])
    if names.alt in files:
        aliases = read_aliases(names.alt, files[names.alt])
    if names.comments in files:
        comments = read_comments(names.comments, files[names.comments])

    seen: set[int] = set()
    for line, c in _rows(names.prim, files[names.prim], PRIM_COLUMNS):
        ent = int(c[0])
        if ent in seen:
            raise ParseError(f"{names.prim}: line {line}, field ent_num: {ent} appears twice")
        seen.add(ent)
        name = _null(c[1])
        if not name:
            raise ParseError(f"{names.prim}: line {line}, field SDN_Name is empty")
        sdn_type = (_null(c[2]) or "").lower()
        if sdn_type not in _KINDS:
            raise ParseError(f"{names.prim}: line {line}, field SDN_Type: unknown {sdn_type!r}")
        remarks = _null(c[11])
        if ent in comments:
            # The comments file continues a Remarks value cut at 1,000 characters mid-word.
            remarks = (remarks or "") + comments[ent]
        facts = parse_remarks(remarks)
        details: dict[str, object] = dict(facts.facts.items())
        for key, idx in (
            ("title", 4),
            ("call_sign", 5),
            ("vessel_type", 6),
            ("tonnage", 7),
            ("grt", 8),
            ("vessel_flag", 9),
            ("vessel_owner", 10),
        ):
            if value := _null(c[idx]):
                details[key] = value
        identifiers = list(facts.identifiers)
        if call_sign := _null(c[5]):
            identifiers.append(Identifier("Call Sign", call_sign))
        programs = tuple(
            p.strip() for p in (_null(c[3]) or "").strip("[]").split("] [") if p.strip()
        )
        yield Record(
            local_id=str(ent),
            kind=_KINDS[sdn_type],
            name=name,
            aliases=tuple(aliases.get(ent, ())) + tuple(facts.weak_aliases),
            programs=programs,
            countries=tuple(countries.get(ent, ())),
            addresses=tuple(addresses.get(ent, ())),
            identifiers=tuple(identifiers),
            listing_dates=tuple(sorted(set(facts.listing_dates))),
            remarks=remarks,
            details=details,
        )
    if not seen:
        raise ParseError(f"{names.prim}: no entries")


@dataclass(frozen=True)
class Forms:
    """File names of one list in each of OFAC's three forms."""

    csv: CsvSet
    legacy_xml: str
    advanced_xml: str


SDN_FORMS = Forms(SDN_SET, "sdn.xml", "sdn_advanced.xml")
CONS_FORMS = Forms(CONS_SET, "consolidated.xml", "cons_advanced.xml")


def _parse_any(files: Files, forms: Forms) -> Iterator[Record]:
    if forms.csv.prim in files:
        return parse_csv_set(files, forms.csv)
    if forms.legacy_xml in files:
        return parse_legacy(forms.legacy_xml, files[forms.legacy_xml])
    if forms.advanced_xml in files:
        return parse_advanced(forms.advanced_xml, files[forms.advanced_xml])
    raise ParseError(
        f"none of {forms.csv.prim}, {forms.legacy_xml}, {forms.advanced_xml} is among the files "
        f"{sorted(files)}"
    )


def parse_sdn(files: Files) -> Iterator[Record]:
    """The SDN list in any form OFAC publishes it: CSV set, legacy XML or advanced XML."""
    return _parse_any(files, SDN_FORMS)


def parse_cons(files: Files) -> Iterator[Record]:
    """OFAC's consolidated non-SDN list (NS-CMIC, SSI, NS-PLC…) in any of OFAC's three forms."""
    return _parse_any(files, CONS_FORMS)


def published_date(files: Files) -> date | None:
    """The publisher's date carried inside the files: the legacy XML's Publish_Date or the
    advanced XML's DateOfIssue. The CSV sets carry none (None)."""
    for forms in (SDN_FORMS, CONS_FORMS):
        if forms.csv.prim in files:
            return None
        if forms.legacy_xml in files:
            return legacy_publish_date(forms.legacy_xml, files[forms.legacy_xml])
        if forms.advanced_xml in files:
            return advanced_issue_date(forms.advanced_xml, files[forms.advanced_xml])
    return None


_SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

SDN_SPEC = SourceSpec(
    id="us_ofac_sdn",
    name="OFAC Specially Designated Nationals and Blocked Persons (SDN) List",
    publisher="US Department of the Treasury, Office of Foreign Assets Control",
    publisher_url="https://sanctionslist.ofac.treas.gov/Home/SdnList",
    parse=parse_sdn,
    files=(
        RemoteFile("sdn.csv", _SLS + "SDN.CSV", "csv"),
        RemoteFile("add.csv", _SLS + "ADD.CSV", "csv"),
        RemoteFile("alt.csv", _SLS + "ALT.CSV", "csv"),
        RemoteFile("sdn_comments.csv", _SLS + "SDN_COMMENTS.CSV", "csv"),
    ),
    alternatives=(
        (RemoteFile("sdn.xml", _SLS + "SDN.XML", "xml"),),
        (RemoteFile("sdn_advanced.xml", _SLS + "SDN_ADVANCED.XML", "xml"),),
    ),
    published=published_date,
)

CONS_SPEC = SourceSpec(
    id="us_ofac_cons",
    name="OFAC Consolidated (non-SDN) Sanctions List, incl. NS-CMIC",
    publisher="US Department of the Treasury, Office of Foreign Assets Control",
    publisher_url="https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList",
    parse=parse_cons,
    files=(
        RemoteFile("cons_prim.csv", _SLS + "CONS_PRIM.CSV", "csv"),
        RemoteFile("cons_add.csv", _SLS + "CONS_ADD.CSV", "csv"),
        RemoteFile("cons_alt.csv", _SLS + "CONS_ALT.CSV", "csv"),
        RemoteFile("cons_comments.csv", _SLS + "CONS_COMMENTS.CSV", "csv"),
    ),
    alternatives=(
        (RemoteFile("consolidated.xml", _SLS + "CONSOLIDATED.XML", "xml"),),
        (RemoteFile("cons_advanced.xml", _SLS + "CONS_ADVANCED.XML", "xml"),),
    ),
    published=published_date,
)
