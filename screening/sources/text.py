"""Checks every text-file parser makes before reading its rows (one place, not one per list)."""

from __future__ import annotations

from ..errors import ParseError


def csv_text(data: bytes, name: str) -> str:
    """The file as text, refusing what cannot be a CSV file: undecodable bytes, an empty file,
    or a document that starts like HTML, XML or JSON (an error page where a list was expected)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise ParseError(f"{name}: empty file")
    if text.lstrip()[:1] in ("<", "{", "["):
        raise ParseError(f"{name}: not a CSV file (it starts like HTML/XML/JSON)")
    return text
