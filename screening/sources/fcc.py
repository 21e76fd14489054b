"""The FCC Covered List (Secure Networks Act § 2), read from the FCC's HTML page.

Format facts. The FCC publishes the list only as an HTML page
(https://www.fcc.gov/supplychain/coveredlist): a two-column `<table>` inside
`<div id="covered-list">`, header cells "Covered Equipment or Services" and "Date of Inclusion on
Covered List". Each row is one entry: a sentence describing what is covered ("Telecommunications
equipment produced by Huawei Technologies Company, including …") and its date(s). Names may be
in `<strong>`; footnote marks (†, ††, #, ^, £, ³) and screen-reader link texts ("Visit -") are
glued into the text; an amended entry lists its inclusion date followed by "Updated:" dates,
which text extraction glues together ("December 22, 2025Updated:January 7, 2026").

Some rows name no company but a category of equipment ("Routers produced in a foreign country",
"Foreign-produced power inverters"): those become `kind="category"` records, never companies.

Entity ids (interfaces.md): the slug of the company name; for a category row the slug of its
noun phrase (the text before "produced", "provided" or the first comma), so that a change of
the scope text keeps the id. Text is normalised (footnote marks, "Visit -", spacing) before
anything is compared, so a row that differs only in footnote spacing yields the identical
record and a diff between two snapshots shows only real changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from .base import Files, Name, Record, RemoteFile, SourceSpec
from .ids import SlugAllocator

if TYPE_CHECKING:  # bs4 loads in the parser: a screening process never parses this page
    from bs4 import BeautifulSoup, Tag

FILE_NAME = "covered_list.html"
PAGE_URL = "https://www.fcc.gov/supplychain/coveredlist"
HEADERS = ("covered equipment or services", "date of inclusion on covered list")

_FOOTNOTE_MARKS = re.compile(r"[†‡#^£¹²³*]+")
_VISIT = re.compile(r"\bVisit\s*[-–]\s*")
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:)])")
_SPACE_AFTER_PAREN = re.compile(r"\(\s+")

# "produced by X", "provided by X", "produced or provided by X",
# "supplied, directly or indirectly, by X"; X ends where the sentence goes on. "provided by
# such entity" (a back-reference) and "by an entity that…" name nobody.
_NAME_END = r"(?=,?\s(?:including|to the extent|subject to|or any of its|and its)\b|\.?$)"
_PRODUCER = re.compile(
    r"\b(?:produced or provided|produced|provided|supplied)(?:,? directly or indirectly,?)?"
    r" by (?!such\b|any\b|an? \b|the\b)(?P<name>.+?)" + _NAME_END
)
_SUBSIDIARY = re.compile(
    r"\band its (?:wholly[- ]owned )?subsidiar(?:y|ies) (?P<name>.+?)" + _NAME_END
)
_USE_LIMIT = re.compile(
    r"\bto the extent (?:it is|they are) used for (?:the purposes? of )?"
    r"(?P<lim>.+?)(?:, including\b|\.?$)"
)
_EXTENDS = re.compile(r"\bor any of its (?P<ext>.+?)(?:, including\b|\.?$)")
# A category is defined by where equipment is made, not by who makes it.
_CATEGORY = re.compile(
    r"(?i)\b(?:produced|manufactured) in a foreign country\b|^foreign[- ](?:produced|made)\b"
)
_NOUN_PHRASE_END = re.compile(r"\s(?:produced|provided)\b|,")
_LABEL_END = re.compile(r"\s*(?:[,;—–]|\bexcept\b)")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_DATE = re.compile(
    r"(?<![A-Za-z])(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*"
    r"(?P<day>\d{1,2}),?\s*(?P<year>\d{4})",
    re.IGNORECASE,
)
# No word boundary before "Updated": text extraction glues it to the year ("2025Updated:").
_UPDATED = re.compile(r"(?i)updated(?:\s+on)?\s*:?")


def clean(text: str) -> str:
    """The cell text as a reader sees it: no footnote marks, no "Visit -" link texts, single
    spaces, no space before punctuation. Two renderings of the same sentence that differ only
    in footnote spacing ("Routers^ produced" / "Routers ^ produced") give the same string."""
    text = _INVISIBLE.sub("", text)
    text = _VISIT.sub(" ", text)
    text = _FOOTNOTE_MARKS.sub(" ", text)
    text = " ".join(text.split())
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return _SPACE_AFTER_PAREN.sub("(", text)


def _header_matches(cells: list[str]) -> bool:
    return len(cells) == 2 and all(h in c.lower() for h, c in zip(HEADERS, cells, strict=True))


def _cell_texts(row: Tag) -> list[str]:
    return [clean(c.get_text(" ")) for c in row.find_all(["th", "td"], recursive=False)]


def _find_tables(soup: BeautifulSoup, name: str) -> list[Tag]:
    """The list's tables: inside div#covered-list when the page has it, else any table whose
    header row is the list's header."""
    from bs4 import Tag

    container = soup.find(id="covered-list")
    scope: Tag = container if isinstance(container, Tag) else soup
    found: list[Tag] = []
    for table in scope.find_all("table"):
        first = table.find("tr")
        if isinstance(first, Tag) and _header_matches(_cell_texts(first)):
            found.append(table)
    if not found:
        where = (
            "div#covered-list" if isinstance(container, Tag) else "the page (no div#covered-list)"
        )
        title = soup.title.get_text(" ").strip()[:80] if soup.title else ""
        raise ParseError(
            f"{name}: no table with the header {HEADERS[0]!r} / {HEADERS[1]!r} in {where}"
            + (f"; page title {title!r}" if title else "")
        )
    return found


def _dates(text: str, where: str) -> tuple[list[date], list[date]]:
    """Inclusion date(s) and "Updated:" dates of the second cell; any other words are refused."""
    parts = _UPDATED.split(text)
    found: list[list[date]] = []
    for part in parts:
        dates: list[date] = []
        for m in _DATE.finditer(part):
            try:
                dates.append(date(int(m["year"]), _MONTHS[m["month"][:3].lower()], int(m["day"])))
            except ValueError as exc:
                raise ParseError(f"{where}: invalid date {m.group(0)!r} ({exc})") from exc
        rest = _DATE.sub("", part).strip(" ,;.")
        if rest or not dates:
            raise ParseError(f"{where}: cannot read {text!r} as dates")
        found.append(dates)
    return found[0], [d for group in found[1:] for d in group]


def _strong_names(cell: Tag) -> list[str]:
    names: list[str] = []
    for tag in cell.find_all(["strong", "b"]):
        value = clean(tag.get_text(" ")).strip(" ,;:")
        if value and value not in names:
            names.append(value)
    return names


def _row_record(cells: list[Tag], where: str, allocate: SlugAllocator) -> Record:
    scope = clean(cells[0].get_text(" "))
    when = clean(cells[1].get_text(" "))
    if not scope:
        raise ParseError(f"{where}, field 'Covered Equipment or Services' is empty")
    included, updated = _dates(when, f"{where}, field 'Date of Inclusion on Covered List'")
    details: dict[str, Any] = {
        "scope": scope,
        "date_of_inclusion": included[0].isoformat(),
        "updated": [d.isoformat() for d in updated],
    }
    if _CATEGORY.search(scope):
        noun = _NOUN_PHRASE_END.split(scope, maxsplit=1)[0].strip()
        label = _LABEL_END.split(scope, maxsplit=1)[0].strip()
        details["category"] = noun
        return Record(
            local_id=allocate(noun),
            kind="category",
            name=label or noun,
            listing_dates=tuple(included),
            details=details,
        )
    names = _strong_names(cells[0])
    if not names and (m := _PRODUCER.search(scope)):
        names.append(m["name"].strip(" ,"))
    if not names:
        raise ParseError(
            f"{where}, field 'Covered Equipment or Services': no producer or provider named "
            f"and not a foreign-produced category: {scope[:120]!r}"
        )
    for m in _SUBSIDIARY.finditer(scope):
        if (sub := m["name"].strip(" ,")) not in names:
            names.append(sub)
    limit = _USE_LIMIT.search(scope)
    extends = _EXTENDS.search(scope)
    details["use_limitation"] = limit["lim"] if limit else None
    details["extends_to"] = extends["ext"] if extends else None
    # One row, one record (the row is the publisher's unit). A row naming a second party (a
    # wholly-owned subsidiary) keeps it as an alias so that screening that party finds the row.
    details["also_named"] = names[1:]
    return Record(
        local_id=allocate(names[0]),
        kind="organization",
        name=names[0],
        aliases=tuple(Name(n, "aka") for n in names[1:]),
        listing_dates=tuple(included),
        details=details,
    )


def parse_covered_list(files: Files) -> Iterator[Record]:
    """Parse the Covered List page: one record per table row, in page order."""
    if FILE_NAME not in files:
        raise ParseError(f"missing {FILE_NAME}; got {sorted(files)}")
    data = files[FILE_NAME]
    if not data.strip():
        raise ParseError(f"{FILE_NAME}: empty file")
    # html.parser closes whatever a cut-off download leaves open, which would silently drop the
    # rows after the cut: a page must end with its closing </html>.
    if not _HTML_END.search(data[-4096:]):
        raise ParseError(f"{FILE_NAME}: truncated or not an HTML page (no closing </html>)")
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    allocate = SlugAllocator()
    count = 0
    for table in _find_tables(soup, FILE_NAME):
        rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
        for row in rows[1:]:
            cells = row.find_all(["td", "th"], recursive=False)
            where = f"{FILE_NAME}: line {row.sourceline}, table row {count + 1}"
            texts = [clean(c.get_text(" ")) for c in cells]
            if not any(texts) or _header_matches(texts):
                continue  # a spacer row or a repeated header carries no entry
            if len(cells) != 2:
                raise ParseError(f"{where} has {len(cells)} cells, expected 2")
            count += 1
            yield _row_record(list(cells), where, allocate)
    if count == 0:
        raise ParseError(f"{FILE_NAME}: the Covered List table has no rows")


FCC_SPEC = SourceSpec(
    id="us_fcc_covered",
    name="FCC Covered List (Secure Networks Act § 2)",
    publisher="US Federal Communications Commission, Public Safety and Homeland Security Bureau",
    publisher_url=PAGE_URL,
    parse=parse_covered_list,
    files=(RemoteFile(FILE_NAME, PAGE_URL, "html"),),
)
