"""The inventory and purchase-order columns, documented from the tables the reader uses.

`columns_markdown()` is docs/inventory-columns.md (scripts/gen_columns_doc.py writes it, a test
keeps the two equal); `columns_help(kind)` is the same content as plain lines for the `--help` of
`screening inventory score` and `screening po check`. Header spellings come from headers.py and
accepted values from values.py, so a new spelling or word is documented the moment it is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import values as vocab
from .headers import ASSET, BY_KIND, COMMON, KINDS, Kind


@dataclass(frozen=True, slots=True)
class Column:
    """One field a column can feed: what it means and which values it accepts."""

    field: str
    meaning: str
    accepts: str


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(w or "(blank)" for w in words)


_YES_NO = f"yes: {_words(vocab.YES)}; no: {_words(vocab.NO)}; not known: {_words(vocab.UNKNOWN)}"
_WARNED = "anything else is read as not given and the row carries a warning"

COLUMNS: tuple[Column, ...] = (
    Column(
        "asset_id",
        "the device's or line's own id",
        "text; several id columns: the first non-blank in the order listed",
    ),
    Column("site", "the store, site or location", "text"),
    Column("make", "who the device is sold as (the declared make)", "text"),
    Column(
        "manufacturer", "the manufacturer on an order line; fills make when make is blank", "text"
    ),
    Column("model", "the model number", "text"),
    Column(
        "part_number",
        "the manufacturer's part number; fills model when model is blank "
        "(a part number alone is enough to identify a device)",
        "text",
    ),
    Column(
        "vendor",
        "inventory: the supplier (with no make column, a Vendor column is the make); "
        "order: the seller, screened against every list",
        "text",
    ),
    Column("description", "the line's description", "text"),
    Column(
        "mac",
        "the device's MAC address (its first three bytes name the NIC's registrant)",
        "12 hex digits: 44:19:B6:12:34:56, 44-19-b6-12-34-56, 4419.b612.3456, 4419B6123456; "
        f"not known: {_words(vocab.UNKNOWN)}; anything else is a row error",
    ),
    Column("firmware", "the firmware version string", "text (e.g. V5.5.101 build 200408)"),
    Column(
        "face_recognition",
        "whether facial recognition (biometric processing) is on",
        f"{_YES_NO}; {_WARNED}",
    ),
    Column(
        "internet_exposed",
        "whether the device is reachable from the internet",
        f"{_YES_NO}; exposed: {_words(vocab.EXPOSED)}; not exposed: "
        f"{_words(vocab.NOT_EXPOSED)}; an IP address (a public one means exposed); "
        f"{_WARNED}",
    ),
    Column(
        "cloud",
        "whether a cloud or P2P service is on, or which one",
        f"{_YES_NO}; or host names / URLs (hik-connect.com; ys7.com), or a maker's app: "
        f"{_words(vocab.cloud_apps())}; other text is read as a cloud service of no listed "
        "maker, with a warning",
    ),
    Column(
        "site_sensitivity",
        "how sensitive the site is (a site type column feeds it too)",
        f"sensitive: {_words(vocab.SENSITIVE)}; ordinary: {_words(vocab.ORDINARY)}; not "
        f"known: {_words(vocab.UNKNOWN)}; {_WARNED} (e.g. a site type such as 'retail')",
    ),
    Column(
        "installed_on",
        "the install date (relations that changed over time are judged on it)",
        f"a spreadsheet date or YYYY-MM-DD; not known: {_words(vocab.UNKNOWN)}; anything else "
        "is a row error",
    ),
    Column(
        "quantity",
        "how many items on the line",
        "a whole number (1,200, 4 pcs, 4 units); anything else is a row error",
    ),
    Column(
        "unit_price",
        "the price of one item",
        "129.99, £1,299.00, 1.299,00 €, GBP 129.99; "
        "POA/TBC/TBA: not given; anything else is a row error",
    ),
    Column(
        "currency",
        "the currency of the prices (else read from the price or its header, "
        "e.g. Unit Price (GBP))",
        "as written (GBP, EUR, $...)",
    ),
)
_BY_FIELD = {c.field: c for c in COLUMNS}
NOTES = (
    "Headers are compared ignoring case, spaces and punctuation, a bracketed note is ignored "
    "and # reads as no: `Face Recognition`, `face_recognition` and `FACE-RECOGNITION` are the "
    "same header, and so are `Part #` and `Part No`; `Unit Price (GBP)` is `unitprice`.",
    "Spellings are shown as compared (lower case, no spaces).",
    "Any other column is kept and echoed in the report, never read as a field.",
)


def spellings(kind: Kind) -> dict[str, tuple[str, ...]]:
    """Field -> accepted header spellings (as compared) for one kind of file, in table order."""
    tables = {**COMMON, **BY_KIND[kind], "asset_id": ASSET[kind]}
    if kind == "inventory":
        # `vendor` is the make unless a make column exists; then it is the supplier.
        tables["make"] = (*tables["make"], "vendor")
        tables["vendor"] = ("vendor", *tables["vendor"])
    return {c.field: tables[c.field] for c in COLUMNS if c.field in tables}


_KIND_TITLE = {
    "inventory": "Inventories (`screening inventory score`)",
    "po": "Purchase orders and quotes (`screening po check`)",
}


def columns_markdown() -> str:
    """docs/inventory-columns.md: both kinds of file, every field, spelling and value."""
    out = [
        "# Inventory and purchase-order columns",
        "",
        "<!-- Generated by scripts/gen_columns_doc.py from screening/inventories/ (headers.py,",
        "values.py, columns.py); tests/test_columns_doc.py fails when they differ. -->",
        "",
        *(f"- {n}" for n in NOTES),
        "",
    ]
    for kind in KINDS:
        out += [
            f"## {_KIND_TITLE[kind]}",
            "",
            "| field | header spellings | what it is | values |",
            "|---|---|---|---|",
        ]
        for field, names in spellings(kind).items():
            c = _BY_FIELD[field]
            heads = ", ".join(f"`{n}`" for n in names)
            out.append(f"| `{field}` | {heads} | {c.meaning} | {c.accepts} |")
        out.append("")
    return "\n".join(out)


def columns_help(kind: Kind) -> str:
    """The same content as plain lines, for a command's `--help`."""
    lines = ["Columns (header spellings, then accepted values). " + " ".join(NOTES), ""]
    for field, names in spellings(kind).items():
        c = _BY_FIELD[field]
        lines.append(
            f"{field}: {', '.join(names)}. {c.meaning[0].upper()}{c.meaning[1:]}: {c.accepts}."
        )
    return "\n".join(lines)
