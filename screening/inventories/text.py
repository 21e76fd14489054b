"""CSV uploads, read as a stream: bytes are decoded chunk by chunk and cut into physical lines
for the csv module, so a file of millions of rows is never held whole.

Encoding: a UTF-8 or UTF-16 byte-order mark decides; UTF-16 without a BOM is recognised by its
zero bytes; otherwise the text is UTF-8 unless a byte that is not valid UTF-8 turns up while
everything before it was plain ASCII, in which case the file is Windows-1252 (what Excel
writes as "CSV" on Western Windows; Latin-1 for the printable range). A file that mixes the
two, or holds bytes no text encoding explains (NUL and other control characters), is rejected
whole, naming the line: a gate must not guess.

Lines end at CR LF, LF or CR only (not str.splitlines' extra separators such as U+2028, which
would cut a record in two). The csv module runs in strict mode: a record with a stray quote is
a RowError for that row and reading goes on; a quote never closed swallows the rest of the file,
so that rejects the file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..errors import InputError
from .headers import Kind, known_headers, norm_header
from .rows import DeviceRow, Layout, RowError, is_blank

CHUNK = 1 << 16
MAX_LINE = 1 << 20  # characters; a longer "line" is not an inventory row
_EOL = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_DELIMITERS = (",", ";", "\t")
_SEP_HINT = re.compile(r"sep=(.)\r?\n?", re.I)  # Excel's "sep=;" first line


class _Decoder:
    """Decodes one byte stream chunk by chunk, choosing the encoding as described above."""

    def __init__(self, head: bytes, filename: str) -> None:
        self.filename = filename
        self.newlines = 0  # "\n" characters returned so far, for line numbers in errors
        self.mode = "undecided"
        if head.startswith(codecs.BOM_UTF8):
            self.mode, codec = "UTF-8", "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.mode, codec = "UTF-16", "utf-16"
        else:
            codec = _utf16_without_bom(head) or "utf-8"
            if codec != "utf-8":
                self.mode = "UTF-16"
        self.dec = codecs.getincrementaldecoder(codec)()

    def decode(self, chunk: bytes, final: bool) -> str:
        try:
            text = self._decode(chunk, final)
        except UnicodeDecodeError as exc:
            before = exc.object[: exc.start].decode(exc.encoding, "replace")
            line = self.newlines + before.count("\n") + 1
            byte = exc.object[exc.start : exc.start + 1].hex().upper() or "end"
            if self.mode == "UTF-16":
                why = "the UTF-16 text is cut short or damaged"
            elif self.mode == "UTF-8":
                why = f"byte 0x{byte} is not valid UTF-8 (the file mixes encodings?)"
            else:
                why = f"byte 0x{byte} is neither UTF-8 nor Windows-1252 text"
            raise InputError(
                f"{self.filename}: line {line}: {why}; save the file as UTF-8 CSV"
            ) from None
        bad = _CONTROL.search(text)
        if bad:
            line = self.newlines + text.count("\n", 0, bad.start()) + 1
            raise InputError(
                f"{self.filename}: line {line}: control character "
                f"0x{ord(bad.group()):02X}: this is not a text (CSV) file"
            )
        self.newlines += text.count("\n")
        return text

    def _decode(self, chunk: bytes, final: bool) -> str:
        if self.mode != "undecided":
            return str(self.dec.decode(chunk, final))
        pending = bytes(self.dec.getstate()[0])
        try:
            text = str(self.dec.decode(chunk, final))
        except UnicodeDecodeError as exc:
            if not exc.object[: exc.start].isascii():
                self.mode = "UTF-8"  # valid UTF-8 before the bad byte: mixed encodings
                raise
            self.mode, self.dec = "Windows-1252", codecs.getincrementaldecoder("cp1252")()
            return str(self.dec.decode(pending + chunk, final))
        if not text.isascii():
            self.mode = "UTF-8"
        return text


def _utf16_without_bom(head: bytes) -> str:
    """'utf-16-le' / 'utf-16-be' when the first bytes look like UTF-16 text without a BOM
    (every other byte zero, as ASCII letters are in UTF-16), else ''."""
    sample = head[:4096]
    if len(sample) < 8:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.9 and not even.count(0):
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and not odd.count(0):
        return "utf-16-be"
    return ""


def decoded_chunks(stream: BinaryIO, filename: str) -> Iterator[str]:
    head = stream.read(CHUNK)
    if not head.strip():
        raise InputError(f"{filename}: the file is empty")
    decoder = _Decoder(head, filename)
    chunk = head
    while chunk:
        nxt = stream.read(CHUNK)
        text = decoder.decode(chunk, final=not nxt)
        if text:
            yield text
        chunk = nxt


class Lines:
    """Physical lines (with their line ends) of decoded text; `done` once the text is used up."""

    def __init__(self, chunks: Iterable[str], filename: str) -> None:
        self._it = self._split(iter(chunks), filename)
        self.done = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._it)
        except StopIteration:
            self.done = True
            raise

    @staticmethod
    def _split(chunks: Iterator[str], filename: str) -> Iterator[str]:
        pending = ""
        count = 0
        for chunk in chunks:
            buf = pending + chunk
            start = 0
            for m in _EOL.finditer(buf):
                if m.end() == len(buf) and m.group() == "\r":
                    break  # maybe the CR of a CR LF cut between chunks
                yield buf[start : m.end()]
                count += 1
                start = m.end()
            pending = buf[start:]
            if len(pending) > MAX_LINE:
                raise InputError(
                    f"{filename}: line {count + 1} is longer than {MAX_LINE:,} characters; "
                    "this is not a CSV inventory"
                )
        if pending:
            yield pending


def _delimiter(header_line: str, kind: Kind, tsv: bool) -> str:
    """The delimiter that makes the header line split into the most recognisable columns
    (then the most columns); ties go to comma, semicolon, tab (tab first for .tsv)."""
    known = known_headers(kind)
    order = ("\t", ",", ";") if tsv else _DELIMITERS

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=d), [])
        return sum(norm_header(c) in known for c in cells), len(cells)

    return max(order, key=score)


def read_csv(stream: BinaryIO, filename: str, kind: Kind) -> Iterator[DeviceRow | RowError]:
    lines = Lines(decoded_chunks(stream, filename), filename)
    offset = 0  # physical lines before the header line
    delimiter = ""
    header_line = ""
    for text in lines:
        if offset == 0 and (m := _SEP_HINT.fullmatch(text)):
            delimiter = m.group(1)
        elif text.strip(" \t\r\n,;"):
            header_line = text
            break
        offset += 1
    if not header_line:
        raise InputError(f"{filename}: the file is empty (no header line)")
    delimiter = delimiter or _delimiter(header_line, kind, filename.lower().endswith(".tsv"))
    reader = csv.reader(itertools.chain([header_line], lines), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{filename}: line {offset + 1}: unreadable header: {exc}") from None
    while header and not header[-1].strip():
        header.pop()
    layout = Layout(header, kind, filename, f"line {offset + 1}")
    width = len(header)
    end = offset + reader.line_num
    row = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = offset + reader.line_num
            if lines.done:
                raise InputError(
                    f'{filename}: line {start}: a quote (") opened here is never closed, so '
                    "the rest of the file is one cell"
                ) from None
            if "field limit" in str(exc):
                raise InputError(
                    f"{filename}: line {start}: a cell is longer than {csv.field_size_limit():,} "
                    'characters; probably a quote (") that is never closed'
                ) from None
            row += 1
            yield RowError(
                row,
                start,
                "",
                f"malformed CSV ({exc}); a value with quotes or the delimiter "
                'must be wrapped in quotes, with inner quotes doubled ("")',
            )
            continue
        end = offset + reader.line_num
        if is_blank(cells):
            continue
        row += 1
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            yield RowError(
                row,
                start,
                "",
                f"{len(cells)} values but the header has {width} columns; a "
                f"value containing {delimiter!r} must be wrapped in quotes",
            )
            continue
        yield from layout.build(row, start, cells)
