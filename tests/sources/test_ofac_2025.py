"""OFAC's legacy CSV readers on current files: the real add.csv, alt.csv and sdn_comments.csv
of December 2025 (tests/fixtures/ofac-sdn/2025-12, see PROVENANCE.md there). The matching
sdn.csv of that date could not be retrieved, so the whole set cannot be parsed: each reader is
tested on its own file — no header row, `-0- ` nulls, CRLF rows, the trailing 0x1A byte — against
an independent reading with the csv module, and the remarks parser on the comment continuations.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from screening.errors import ParseError
from screening.sources.base import Identifier, Name
from screening.sources.ofac import read_addresses, read_aliases, read_comments
from screening.sources.ofac_remarks import parse_remarks

DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ofac-sdn" / "2025-12"
ADD = (DIR / "add.csv").read_bytes()
ALT = (DIR / "alt.csv").read_bytes()
COMMENTS = (DIR / "sdn_comments.csv").read_bytes()


def raw_rows(data: bytes) -> list[list[str]]:
    """The file read with the csv module alone (the DOS EOF byte dropped first)."""
    assert data.endswith(b"\r\n\x1a")  # every current file ends with CRLF and 0x1A
    text = data[:-1].decode("ascii")
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


@pytest.mark.parametrize(("data", "width"), [(ADD, 6), (ALT, 5), (COMMENTS, 2)])
def test_no_header_and_the_published_shape(data: bytes, width: int) -> None:
    rows = raw_rows(data)
    assert rows[0][0].isdigit()  # the first row is data: OFAC's files have no header
    assert {len(r) for r in rows} == {width}


def test_addresses() -> None:
    rows = raw_rows(ADD)
    assert len(rows) == 24244
    addresses, countries = read_addresses("add.csv", ADD)
    # every ent_num with a non-null address part has its addresses, in file order
    with_parts = Counter(int(r[0]) for r in rows if any(c != "-0- " for c in r[2:5]))
    assert {ent: len(v) for ent, v in addresses.items()} == dict(with_parts)
    assert max(addresses) == 56682
    # 36,25,-0- ,"Havana","Cuba",-0-  : the null address is left out, not written "-0-"
    assert addresses[36] == ["Havana, Cuba"] and countries[36] == ["CU"]
    assert addresses[173] == ["Ibex House, The Minories, London EC3N 1DY, United Kingdom"]
    assert countries[173] == ["GB"]
    assert not any("-0-" in a for v in addresses.values() for a in v)


def test_aliases() -> None:
    rows = raw_rows(ALT)
    aliases = read_aliases("alt.csv", ALT)
    assert sum(len(v) for v in aliases.values()) == len(rows) == 20107
    assert Counter(a.type for v in aliases.values() for a in v) == Counter(
        r[2] for r in rows
    ) == {"aka": 19551, "fka": 539, "nka": 17}  # fmt: skip
    assert aliases[36] == [Name("AERO-CARIBBEAN", "aka")]
    assert aliases[306] == [Name("NATIONAL BANK OF CUBA", "aka")]
    # alt_remarks is `-0- ` on every row of this file
    assert {r[4] for r in rows} == {"-0- "}


def test_comments_continue_remarks() -> None:
    rows = raw_rows(COMMENTS)
    comments = read_comments("sdn_comments.csv", COMMENTS)
    assert list(comments) == [int(r[0]) for r in rows] and len(comments) == 28
    # a continuation starts mid-word, where OFAC cut the Remarks at 1,000 characters
    assert comments[17016].startswith("tive Date (EO 14024 Directive)' associated with")
    facts = parse_remarks(comments[17016])
    assert facts.identifiers == [
        Identifier("Tax ID No.", "7744001497", "RU"),
        Identifier("LEI", "253400WSS48YWMBUA688"),
        Identifier("Registration Number", "1027700167110", "RU"),
    ]
    assert facts.listing_dates == [date(2022, 2, 24)]
    weak = parse_remarks(comments[17018]).weak_aliases
    assert weak == [Name("SBERBANK INDIA", "weak"), Name("SBERBANK MUMBAI", "weak")]


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (read_addresses, ADD[: len(ADD) // 2], "cut off mid-value"),
        (read_aliases, ALT.replace(b'"fka"', b'"xka"', 1), "alt_type: unknown 'xka'"),
        (read_comments, b"<!DOCTYPE html><html></html>", "not an OFAC CSV file"),
    ],
    ids=["truncated", "alt-type", "html"],
)
def test_broken_current_files(
    reader: Callable[[str, bytes], object], data: bytes, message: str
) -> None:
    with pytest.raises(ParseError, match=message):
        reader("f.csv", data)
