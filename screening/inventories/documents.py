"""JSON and YAML uploads: an array of objects (one per device or line item), or an object
holding exactly one such array (`{"devices": [...]}`). These are loaded whole.

Values are taken as written: JSON numbers stay the text the user wrote (`1.10` is not `1.1`),
and YAML scalars are read from the node tree rather than constructed, so YAML 1.1's guesses
(`12:34:56` as a base-60 integer, `0012` as octal, `no` as false) never touch a MAC address or
a model number. `line` is the line where the element starts (JSON: for a top-level array).

Hostile documents (issue 19): nesting deeper than `limits.MAX_DEPTH` is refused before the JSON
is parsed and while the YAML is composed, and YAML whose aliases expand far beyond what is
written (a "billion laughs") is refused before merge keys are flattened.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..errors import InputError
from .headers import Kind
from .limits import BoundedComposer, check_json_depth, depth_error, excerpt
from .rows import Bad, Cell, DeviceRow, Layout, RowError, is_blank

_NESTED = "a list or object where a single value was expected"
_NOT_OBJECT = "this element is not an object of field: value pairs"


def decode_whole(data: bytes, filename: str, what: str) -> str:
    """JSON/YAML text: UTF-8 (BOM or none) or UTF-16 with a BOM."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{filename}: line {line}: not UTF-8 text; save the {what} as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(f"{filename}: the file is empty")
    return text


def _rows(
    elements: Sequence[tuple[int | None, dict[str, Cell] | None]],
    kind: Kind,
    filename: str,
    where: str,
) -> Iterator[DeviceRow | RowError]:
    if not elements:
        raise InputError(f"{filename}: {where} holds no rows")
    header: dict[str, None] = {}
    for _, obj in elements:
        header.update(dict.fromkeys(obj or ()))
    layout = Layout(list(header), kind, filename, f"the fields of {where}")
    for row, (line, obj) in enumerate(elements, start=1):
        if obj is None:
            yield RowError(row, line, "", _NOT_OBJECT)
            continue
        cells = [obj.get(k) for k in header]
        if not is_blank(cells):
            yield from layout.build(row, line, cells)


# JSON -----------------------------------------------------------------------------------


def _json_cell(value: Any) -> Cell:
    if isinstance(value, dict | list):
        return Bad(json.dumps(value, ensure_ascii=False), _NESTED)
    return value  # type: ignore[no-any-return]  # str (numbers kept as text), bool or None


def _json_object(value: Any) -> dict[str, Cell] | None:
    if not isinstance(value, dict):
        return None
    return {str(k): _json_cell(v) for k, v in value.items()}


def read_json(data: bytes, filename: str, kind: Kind) -> Iterator[DeviceRow | RowError]:
    text = decode_whole(data, filename, "JSON")
    check_json_depth(text, filename)
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
    try:
        stripped = text.lstrip()
        if stripped.startswith("["):
            elements = _json_array(text, len(text) - len(stripped), decoder)
            yield from _rows(elements, kind, filename, "the array")
            return
        doc = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{filename}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:  # check_json_depth should have refused it; never a traceback
        raise depth_error(filename, "JSON") from None
    if isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        if len(lists) == 1:
            found = [(None, _json_object(v)) for v in doc[lists[0]]]
            yield from _rows(found, kind, filename, f"the array {excerpt(lists[0])}")
            return
    raise InputError(
        f"{filename}: expected a JSON array of objects (one per row), or an object holding "
        "one such array"
    )


def _json_array(
    text: str, pos: int, decoder: json.JSONDecoder
) -> list[tuple[int | None, dict[str, Cell] | None]]:
    """Elements of the top-level array with the line each starts on."""
    out: list[tuple[int | None, dict[str, Cell] | None]] = []
    line, counted = 1, 0
    pos += 1  # the "["

    def skip(p: int) -> int:
        while p < len(text) and text[p] in " \t\r\n":
            p += 1
        return p

    pos = skip(pos)
    if text.startswith("]", pos):
        pos = skip(pos + 1)
    else:
        while True:
            line += text.count("\n", counted, pos)
            counted = pos
            value, pos = decoder.raw_decode(text, pos)
            out.append((line, _json_object(value)))
            pos = skip(pos)
            if text.startswith(",", pos):
                pos = skip(pos + 1)
                continue
            if text.startswith("]", pos):
                pos = skip(pos + 1)
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, pos)
    if pos != len(text):
        raise json.JSONDecodeError("extra data after the array", text, pos)
    return out


# YAML -----------------------------------------------------------------------------------


if yaml.__with_libyaml__:
    from yaml._yaml import CParser  # type: ignore[import-not-found,unused-ignore]

    class _Loader(BoundedComposer, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc,unused-ignore]
        """libyaml's parser (three times faster on a large upload) under the Python composer,
        which keeps the depth and alias-expansion limits of `limits.BoundedComposer`."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(BoundedComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        """SafeLoader with the depth and alias-expansion limits of `limits.BoundedComposer`."""


def _yaml_cell(node: yaml.Node) -> Cell:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null":
            return None
        return str(node.value)
    return Bad("<list>" if isinstance(node, yaml.SequenceNode) else "<mapping>", _NESTED)


def _yaml_object(node: yaml.Node, loader: SafeConstructor) -> dict[str, Cell] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
    return {str(_yaml_cell(k) or ""): _yaml_cell(v) for k, v in node.value}


def read_yaml(data: bytes, filename: str, kind: Kind) -> Iterator[DeviceRow | RowError]:
    text = decode_whole(data, filename, "YAML")
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses control characters already here
        loader.yaml_filename = filename
        root = loader.bounded_single_node()
        where = "the list"
        if isinstance(root, yaml.MappingNode):
            seqs = [(k, v) for k, v in root.value if isinstance(v, yaml.SequenceNode)]
            if len(seqs) == 1:
                where = f"the list {excerpt(_yaml_cell(seqs[0][0]))}"
                root = seqs[0][1]
        if not isinstance(root, yaml.SequenceNode):
            raise InputError(
                f"{filename}: expected a YAML list of mappings (one per row), or a mapping "
                "holding one such list"
            )
        elements = [(n.start_mark.line + 1, _yaml_object(n, loader)) for n in root.value]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{filename}: {at}not valid YAML ({str(exc.problem)[:200]})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{filename}: not valid YAML ({str(exc)[:200]})") from None
    finally:
        if loader is not None:
            loader.dispose()
    yield from _rows(elements, kind, filename, where)
