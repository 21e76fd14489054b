"""Streaming hostile-input-safe XML for the list parsers that take no DTD (UN, EU): one place
for the checks and the text helpers, not one copy per list."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from ..errors import ParseError


def refuse_non_xml(name: str, data: bytes, expected: str) -> None:
    """Refuse an empty file, an HTML page (an error page where the list was expected) or
    anything that does not start like XML; `expected` names the document for the message."""
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:300].lower()  # a UTF-8 BOM is allowed
    if not head:
        raise ParseError(f"{name}: the file is empty")
    if head.startswith(b"<!doctype html") or re.search(rb"<html[\s>]", head):
        raise ParseError(f"{name}: an HTML page, not {expected}")
    if not head.startswith(b"<"):
        raise ParseError(f"{name}: not XML (it starts with {data.lstrip()[:20]!r})")


def events(name: str, data: bytes, expected: str) -> Iterator[tuple[str, Element]]:
    """(event, element) pairs from defusedxml's streaming parser; any XML fault -> ParseError.
    DTDs are refused outright: these lists have none, and a DTD is how entity bombs arrive."""
    refuse_non_xml(name, data, expected)
    try:
        yield from DET.iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"{name}: refused unsafe XML ({exc.__class__.__name__}: {exc})") from None
    except SyntaxError as exc:  # ElementTree's ParseError; .position is (line, column)
        line, col = getattr(exc, "position", (0, 0))
        raise ParseError(
            f"{name}: malformed or truncated XML at line {line}, column {col}: {exc}"
        ) from None


def clean_text(value: str | None) -> str | None:
    """An element's text with its white space folded; None when nothing is left."""
    text = " ".join((value or "").split())
    return text or None


def child_text(el: Element, tag: str) -> str | None:
    """The folded text of `el`'s first `tag` child, or None."""
    found = el.find(tag)
    return None if found is None else clean_text(found.text)
