"""Waivers: reviewed exceptions to the `screening check` gate (issue 10).

A waiver file is YAML::

    waivers:
      - match: {entity_id: "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"}
        reason: "Licence 123 granted for this programme"
        approver: "J. Smith (export control)"
        expires: 2027-03-31
      - match: {vendor: "Acme Distribution Ltd", part_number: "DS-7608NI-K2/8P",
                rule: "listed-vendor"}
        ...
      - match: {file: "orders/po.csv", row: 3}
        ...

A waiver suppresses exactly what it names until its expiry date, and no more:

- Every criterion given in `match` must hold (they narrow each other): `entity_id` (the finding
  rests on that listed entity: a `listed-maker` evidence entry `Name [entity id]`, a
  `vendor_matches` entry, or `<source>:<value>` of another rule's evidence such as
  `us_cisa_kev:CVE-2021-36260`), `vendor` (equal after the one name normaliser,
  `matching.normalize.normalize_name`: case, accents, punctuation; legal forms are NOT dropped),
  `part_number` (case-insensitive, ignoring spaces and dashes; compared with the item's
  `part_number`, or with its `model` when it has no part number, as in inventories), `file` +
  `row` (`file` matches the path given on the command line by whole trailing path components:
  `po.csv` matches `po.csv` and `orders/po.csv`, not `old-po.csv`), and `rule` (one rule id).
  `file` alone names no finding, so a waiver needs at least one of entity_id, vendor,
  part_number or row; `row` needs `file`.
- A finding can rest on several listed entities (Hikvision is on five lists): waivers by
  `entity_id` waive it only when together they cover every entity it rests on. A waiver by
  vendor, part number or row covers the finding whole.
- `expires` is inclusive: a waiver with `expires: 2027-03-31` applies on 31 March 2027 and no
  longer from 1 April. An expired waiver is reported, never applied.

A malformed file (not YAML, an unknown or repeated key, a missing or empty reason, approver or
expires, an impossible date, no match criteria) raises `InputError` naming the file, the
waiver's number and line, and the field. YAML's own date typing is switched off so that an
impossible date (2027-02-30) is reported like any other bad value.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..inventories.limits import BoundedComposer, excerpt
from ..matching.normalize import normalize_name
from .rules import RULE_IDS

MATCH_KEYS = ("entity_id", "vendor", "part_number", "file", "row", "rule")
WAIVER_KEYS = ("match", "reason", "approver", "expires")
_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_WAIVER_BYTES = 1 << 20


class _Loader(BoundedComposer, yaml.SafeLoader):
    """yaml.SafeLoader without implicit timestamps (dates stay strings, checked here), with
    the nesting and alias-expansion limits of uploads (issue 19: 376 bytes of nested aliases
    made a 351 MB error message)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Waiver:
    """One reviewed exception. `index` is its 1-based position in the file, `line` the line
    its entry starts on; `file_name` names the waiver file in messages."""

    index: int
    reason: str
    approver: str
    expires: date
    entity_id: str | None = None
    vendor: str | None = None
    part_number: str | None = None
    file: str | None = None
    row: int | None = None
    rule: str | None = None
    line: int | None = None
    file_name: str = "waivers"

    @property
    def label(self) -> str:
        """`waiver 2 (line 7)`, as messages name it."""
        return f"waiver {self.index}" + (f" (line {self.line})" if self.line else "")

    @property
    def match(self) -> dict[str, str | int]:
        """The match criteria as written (rule included)."""
        values = {k: getattr(self, k) for k in MATCH_KEYS}
        return {k: v for k, v in values.items() if v is not None}

    def expired(self, today: date) -> bool:
        """True from the day after `expires` (the expiry day itself is still covered)."""
        return today > self.expires

    def covers(
        self, *, path: str, item: Mapping[str, Any], rule: str, entities: Collection[str]
    ) -> bool:
        """Whether every criterion holds for finding `rule` of `item` in file `path` that
        rests on `entities`. Expiry is not looked at here."""
        if self.rule is not None and self.rule != rule:
            return False
        if self.file is not None and not same_file(self.file, path):
            return False
        if self.row is not None and item.get("row") != self.row:
            return False
        if self.vendor is not None:
            vendor = item.get("vendor")
            if not isinstance(vendor, str) or vendor_key(vendor) != vendor_key(self.vendor):
                return False
        if self.part_number is not None:
            part = item.get("part_number") or item.get("model")
            if not isinstance(part, str) or part_key(part) != part_key(self.part_number):
                return False
        return self.entity_id is None or self.entity_id in entities

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "line": self.line,
            "match": self.match,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def vendor_key(name: str) -> str:
    """A vendor name for equality: the project's one name normaliser."""
    return normalize_name(name)


def part_key(part: str) -> str:
    """A part number for equality: case-folded, without spaces and dashes."""
    return _DASHES.sub("", part).casefold()


def same_file(wanted: str, path: str) -> bool:
    """Whether waiver `file` names `path`: equal, or equal to its last path components."""

    def parts(p: str) -> list[str]:
        norm = posixpath.normpath(p.replace("\\", "/"))
        return [x for x in norm.split("/") if x not in ("", ".")]

    want, have = parts(wanted), parts(path)
    if wanted.replace("\\", "/").startswith("/"):
        return path.replace("\\", "/").startswith("/") and want == have
    return bool(want) and have[-len(want) :] == want


def load_waivers(path: Path) -> list[Waiver]:
    """Read and check a waiver file (see `parse_waivers`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the waiver file: {exc.strerror}") from exc
    return parse_waivers(data, str(path))


def parse_waivers(data: bytes | str, name: str = "waivers") -> list[Waiver]:
    """Check a waiver file's text and return its waivers in file order. An empty file has
    none. Raises InputError naming `name`, the waiver, its line and the field."""
    try:
        if len(data) > MAX_WAIVER_BYTES:
            raise InputError(
                f"{name}: {len(data):,} bytes, over the {MAX_WAIVER_BYTES:,}-byte limit for a "
                "waiver file"
            )
        loader = _Loader(data)
        loader.yaml_filename = name
        try:
            node = loader.bounded_single_node()
            doc = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{name}: not valid YAML{where}: {str(problem)[:200]}") from exc
    except ValueError as exc:  # an explicit !!timestamp with an impossible date
        raise InputError(f"{name}: not valid YAML: {str(exc)[:200]}") from exc
    except (TypeError, AttributeError, OverflowError) as exc:
        # pyyaml's constructors fail so on some explicit tags (an empty `!!timestamp`)
        raise InputError(
            f"{name}: not valid YAML: a value with an explicit tag (!!...) cannot be read"
        ) from exc
    if doc is None:
        return []
    assert node is not None
    if not isinstance(doc, dict) or not isinstance(node, yaml.MappingNode):
        raise InputError(f"{name}: expected a mapping with a `waivers:` list at the top")
    _no_repeats(node, name, "the top level")
    unknown = sorted(excerpt(k) for k in doc if k != "waivers")
    if unknown:
        raise InputError(f"{name}: unknown key {unknown[0]} at the top level; use `waivers:`")
    entries = doc.get("waivers")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError(f"{name}: field `waivers`: expected a list of waivers")
    seq = _value_node(node, "waivers")
    nodes = seq.value if isinstance(seq, yaml.SequenceNode) else []
    return [
        _waiver(entry, i, nodes[i - 1] if i <= len(nodes) else None, name)
        for i, entry in enumerate(entries, start=1)
    ]


def _short(key: object) -> str:
    """A key as messages name it: its text when short, else a bounded excerpt."""
    return key if isinstance(key, str) and len(key) <= 80 else excerpt(key)


def _value_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found: yaml.Node = v
                return found
    return None


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _no_repeats(node: yaml.MappingNode, name: str, where: str) -> None:
    seen: set[str] = set()
    for k, _ in node.value:
        key = _short(k.value) if isinstance(k, yaml.ScalarNode) else "<complex key>"
        if key in seen:
            raise InputError(f"{name}: {where}: key {key!r} repeated (line {_line(k)})")
        seen.add(key)


def _waiver(entry: object, index: int, node: yaml.Node | None, name: str) -> Waiver:
    line = _line(node)
    where = f"waiver {index}" + (f" (line {line})" if line else "")

    def fail(field: str, message: str, at: yaml.Node | None = None) -> InputError:
        field_line = _line(at)
        near = f" (line {field_line})" if field_line and field_line != line else ""
        return InputError(f"{name}: {where}: field `{field}`{near}: {message}")

    if not isinstance(entry, dict) or not isinstance(node, yaml.MappingNode):
        raise InputError(
            f"{name}: {where}: expected a mapping with match, reason, approver, expires"
        )
    _no_repeats(node, name, where)
    for key in entry:
        if key not in WAIVER_KEYS:
            at = _value_node(node, _short(key))
            raise fail(_short(key), f"unknown key; use {', '.join(WAIVER_KEYS)}", at)
    texts: dict[str, str] = {}
    for key in ("reason", "approver"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(
                key,
                "missing or empty: say "
                + ("why this exception is accepted" if key == "reason" else "who approved it"),
                _value_node(node, key),
            )
        texts[key] = " ".join(value.split())
    expires = _date(entry.get("expires"))
    if expires is None:
        raise fail(
            "expires",
            f"expected a date YYYY-MM-DD, got {excerpt(entry.get('expires'))}",
            _value_node(node, "expires"),
        )
    match = entry.get("match")
    match_node = _value_node(node, "match")
    if not isinstance(match, dict) or not isinstance(match_node, yaml.MappingNode):
        raise fail("match", "expected a mapping of criteria: " + ", ".join(MATCH_KEYS), match_node)
    _no_repeats(match_node, name, where)
    criteria: dict[str, Any] = {}
    for key, value in match.items():
        at = _value_node(match_node, _short(key))
        if key not in MATCH_KEYS:
            raise fail(f"match.{_short(key)}", f"unknown key; use {', '.join(MATCH_KEYS)}", at)
        if key == "row":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise fail(
                    "match.row", f"expected a data row number (1, 2, ...), got {excerpt(value)}", at
                )
        elif not isinstance(value, str) or not value.strip():
            raise fail(
                f"match.{_short(key)}", f"expected a non-empty text, got {excerpt(value)}", at
            )
        else:
            value = value.strip()
        if key == "entity_id" and ":" not in str(value):
            raise fail(
                "match.entity_id", f"expected '<source id>:<local id>', got {excerpt(value)}", at
            )
        if key == "rule" and value not in RULE_IDS:
            raise fail(
                "match.rule", f"unknown rule {excerpt(value)}; use one of {', '.join(RULE_IDS)}", at
            )
        criteria[key] = value
    if "row" in criteria and "file" not in criteria:
        raise fail("match.row", "a row needs `file` too (the row of which file?)", match_node)
    if not {"entity_id", "vendor", "part_number", "row"} & criteria.keys():
        raise fail(
            "match",
            "no match criteria: name an entity_id, vendor, part_number, or file and row",
            match_node,
        )
    return Waiver(
        index=index,
        reason=texts["reason"],
        approver=texts["approver"],
        expires=expires,
        line=line,
        file_name=name,
        **criteria,
    )


def _date(value: object) -> date | None:
    if isinstance(value, date):  # an explicit !!timestamp tag
        return value if type(value) is date else None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
