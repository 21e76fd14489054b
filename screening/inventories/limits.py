"""Resource limits for files users hand us (issue 19: bounded work per upload).

Bytes alone do not bound the work a file causes: a 211 KB XLSX held 5 million shared strings,
100,000 nested brackets made Python's JSON parser raise RecursionError, and 376 bytes of YAML
aliases expanded into a 351 MB error message. Each check here runs before (or while) the file
is parsed and raises `InputError` naming the file and the limit that was hit, so the CLI exits
2 and the API answers 400. `excerpt` is how every message quotes a user's value: bounded.
"""

from __future__ import annotations

import re
import reprlib
import zipfile
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import yaml

from ..errors import InputError

MAX_DEPTH = 64  # JSON/YAML nesting; an inventory needs 2 or 3 levels
MAX_COLUMNS = 500  # asset-register exports run to a hundred or two
MAX_DOCUMENT_BYTES = 256 << 20  # JSON and YAML are loaded whole
# YAML aliases may point at the same node many times; the tree they stand for may be at most
# this many times the nodes written (plus a little), which no honest file comes near.
MAX_ALIAS_GROWTH = 10
ALIAS_SLACK = 10_000

# XLSX (a ZIP of XML parts). Python's zipfile never inflates a member past its declared size,
# so the sizes in the directory can be trusted as upper bounds.
MAX_XLSX_MEMBERS = 10_000
MAX_XLSX_MEMBER_BYTES = 1 << 30
MAX_XLSX_TOTAL_BYTES = 2 << 30
MAX_XLSX_RATIO = 200  # real sheets inflate 10-20x; deflate's ceiling is ~1000x
RATIO_FLOOR = 1 << 20  # small parts may compress however they like
# openpyxl loads the whole shared-strings table (~130 bytes of memory per string) when the
# workbook is opened: bound its size, its count and the length of any one string. Excel itself
# holds at most 32,767 characters in a cell; escaped and with rich-text runs that is well
# under 1 MiB of XML.
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 256 << 20
MAX_SHARED_STRING_BYTES = 1 << 20

_EXCERPT = reprlib.Repr()
_EXCERPT.maxlevel = 2
_EXCERPT.maxstring = 60
_EXCERPT.maxother = 60
_EXCERPT.maxlist = _EXCERPT.maxtuple = _EXCERPT.maxdict = _EXCERPT.maxset = 4


def excerpt(value: object, limit: int = 80) -> str:
    """`repr(value)` cut to at most about `limit` characters, without walking more of the value
    than it shows (a YAML alias bomb expands to gigabytes under plain `repr`)."""
    text = _EXCERPT.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Rows -------------------------------------------------------------------------------------


def too_many_rows(filename: str, limit: int) -> InputError:
    return InputError(
        f"{filename}: more than {limit:,} rows, the limit for one upload "
        "(SCREENING_MAX_UPLOAD_ROWS); split the file, or score it with the command line"
    )


def check_document_size(n_bytes: int, filename: str, what: str) -> None:
    if n_bytes > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"{filename}: {n_bytes:,} bytes of {what} is over the {MAX_DOCUMENT_BYTES:,}-byte "
            f"limit for a {what} file (it is read whole); use CSV for larger inventories"
        )


# JSON -------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: twice as fast
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_json_depth(text: str, filename: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` before it is parsed (the parser recurses and
    would raise RecursionError). Strings are removed first, so brackets inside them do not
    count; what is left is only brackets, scanned once."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit:
        raise depth_error(filename, "JSON", limit)


def depth_error(filename: str, what: str, limit: int = MAX_DEPTH) -> InputError:
    return InputError(
        f"{filename}: {what} nested more than {limit} levels deep (lists or objects inside "
        "each other), the limit for an upload; an inventory needs two or three"
    )


# YAML -------------------------------------------------------------------------------------


class BoundedComposer:
    """Mixin for a yaml Loader: composing stops past MAX_DEPTH levels (pyyaml's composer
    recurses), and `bounded_single_node` refuses a document whose aliases stand for far more
    nodes than are written (a "billion laughs" bomb) before anything walks it expanded."""

    yaml_filename = "upload"

    def compose_node(self, parent: Any, index: Any) -> Any:
        depth = getattr(self, "_bounded_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise depth_error(self.yaml_filename, "YAML")
        self._bounded_depth = depth
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._bounded_depth = depth - 1

    def bounded_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = self.get_single_node()  # type: ignore[attr-defined]
        if node is not None:
            check_alias_growth(node, self.yaml_filename)
        return node


def check_alias_growth(root: yaml.Node, filename: str) -> None:
    """Count the nodes of `root` once each, and as the tree they stand for (an alias counts
    its target's whole subtree each time it is used); refuse when the second is far larger."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a recursive alias counts once; the composer refuses cycles
        total = 1 + sum(size(c) for c in _children(node))
        sizes[id(node)] = total
        return total

    expanded = size(root)
    written = len(sizes)
    if expanded > MAX_ALIAS_GROWTH * written + ALIAS_SLACK:
        raise InputError(
            f"{filename}: YAML aliases (*name) expand {written:,} written nodes into "
            f"{expanded:,}, over the limit of {MAX_ALIAS_GROWTH}x; write the values out instead"
        )


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield k
            yield v


# XLSX -------------------------------------------------------------------------------------

_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_COUNT = re.compile(rb"\b(uniqueCount|count)\s*=\s*[\"'](\d+)[\"']")
_CHUNK = 1 << 20


def check_xlsx_archive(zf: zipfile.ZipFile, filename: str) -> None:
    """Refuse a workbook whose parts inflate too far (a zip bomb) or whose shared-strings table
    is too large, before openpyxl opens it."""
    infos = zf.infolist()
    if len(infos) > MAX_XLSX_MEMBERS:
        raise InputError(f"{filename}: {len(infos):,} parts; not an XLSX workbook we can read")
    total = 0
    for info in infos:
        total += info.file_size
        over = MAX_XLSX_MEMBER_BYTES if info.file_size > MAX_XLSX_MEMBER_BYTES else 0
        over = over or (MAX_XLSX_TOTAL_BYTES if total > MAX_XLSX_TOTAL_BYTES else 0)
        if over:
            raise InputError(
                f"{filename}: the workbook inflates to more than {over >> 20:,} MiB "
                f"(part {info.filename[:80]!r}), the limit for a workbook; save it as CSV"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_XLSX_RATIO * max(
            info.compress_size, 1
        ):
            raise InputError(
                f"{filename}: part {info.filename[:80]!r} inflates "
                f"{info.file_size // max(info.compress_size, 1):,} times, over the limit of "
                f"{MAX_XLSX_RATIO}x (a ZIP bomb?); save the workbook as CSV"
            )
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml"):
            _check_shared_strings(zf, info, filename)


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str) -> None:
    def refuse(what: str) -> InputError:
        return InputError(
            f"{filename}: the workbook's shared-strings table {what}, the limit for a "
            "workbook; save it as CSV"
        )

    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise refuse(
            f"is {info.file_size >> 20:,} MiB, over {MAX_SHARED_STRINGS_BYTES >> 20:,} MiB"
        )
    count, last, offset, buf = 0, 0, 0, b""
    with zf.open(info) as fh:
        head = True
        while True:
            chunk = fh.read(_CHUNK)
            final = not chunk
            buf += chunk
            if head:
                head = False
                for _, declared in _COUNT.findall(buf[:4096]):
                    if int(declared) > MAX_SHARED_STRINGS:
                        raise refuse(
                            f"declares {int(declared):,} strings, over {MAX_SHARED_STRINGS:,}"
                        )
            end = len(buf) if final else max(len(buf) - 64, 0)
            for m in _SI.finditer(buf):
                if m.start() >= end:
                    break
                count += 1
                at = offset + m.start()
                if count > MAX_SHARED_STRINGS:
                    raise refuse(f"holds more than {MAX_SHARED_STRINGS:,} strings")
                if count > 1 and at - last > MAX_SHARED_STRING_BYTES:
                    raise refuse(f"holds a string over {MAX_SHARED_STRING_BYTES >> 20} MiB")
                last = at
            if count and offset + end - last > MAX_SHARED_STRING_BYTES:
                raise refuse(f"holds a string over {MAX_SHARED_STRING_BYTES >> 20} MiB")
            if final:
                return
            buf, offset = buf[end:], offset + end
