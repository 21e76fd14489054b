"""JUnit XML for `screening check --format junit` (the common Ant/Jenkins/GitLab form).

`<testsuites>` holds one `<testsuite>` per file (name = the path as given). Each item is one
`<testcase>` (classname = the path, name = `row N: make model/part from vendor`, with `file`
and `line` attributes); it fails (`<failure message="tier: rules" type="tier">`, one line per
finding in the body) when at least one of its findings fails the gate. Its warnings and waived
findings are listed in `<system-out>`. A row that could not be read is a test case with an
`<error>`: the gate did not check it. `tests`, `failures`, `errors` and `skipped` are counted
per suite and in total.

The XML is written here, not with ElementTree, so that characters XML 1.0 cannot hold at all
(control characters from a spreadsheet cell) are replaced by U+FFFD instead of making the file
unreadable.
"""

from __future__ import annotations

import re

from ..gate.findings import FileResult, Finding, GateResult
from ..schemas.reports import DeviceItem, RowError
from .common import cell, item_label, one_line

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: object) -> str:
    """Escaped for XML text and attribute values; characters XML forbids become U+FFFD."""
    text = _INVALID_XML.sub("\ufffd", cell(value))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _body(value: object) -> str:
    """Escaped element text (newlines kept as newlines)."""
    return xml_text(value).replace("&#10;", "\n").replace("&#9;", "\t")


def _attrs(**values: object) -> str:
    return "".join(f' {k}="{xml_text(v)}"' for k, v in values.items() if v is not None)


def _finding_line(f: Finding) -> str:
    waived = f" [waived: {f.reason}; {f.waived_by.approver}]" if f.waived_by else ""
    return f"{f.level} {f.rule_id}: {f.message}{waived}"


def _testcase(fr: FileResult, item: DeviceItem, found: list[Finding]) -> tuple[str, bool]:
    name = one_line(f"row {item.row}: {item_label(item)}")
    line = item.line
    head = f"    <testcase{_attrs(classname=fr.path, name=name, file=fr.path, line=line)}"
    failing = [f for f in found if f.fails]
    others = [f for f in found if not f.fails]
    parts: list[str] = []
    if failing:
        tier = item.tier
        message = f"{tier}: {', '.join(f.rule_id for f in failing)}"
        body = "\n".join(_finding_line(f) for f in failing)
        parts.append(f"      <failure{_attrs(message=message, type=tier)}>{_body(body)}</failure>")
    if others:
        out = "\n".join(_finding_line(f) for f in others)
        parts.append(f"      <system-out>{_body(out)}</system-out>")
    if not parts:
        return head + "/>", False
    return "\n".join([head + ">", *parts, "    </testcase>"]), bool(failing)


def _error_case(fr: FileResult, error: RowError) -> str:
    line = error.line
    name = f"row {cell(error.row)}: not read"
    message = one_line(f"field {cell(error.field)}: {cell(error.message)}")
    head = f"    <testcase{_attrs(classname=fr.path, name=name, file=fr.path, line=line)}>"
    error_el = f"      <error{_attrs(message=message, type='unreadable-row')}/>"
    return "\n".join([head, error_el, "    </testcase>"])


def _suite(fr: FileResult, fail_on: str) -> tuple[str, int, int, int]:
    cases: list[str] = []
    failures = 0
    for item in fr.items:
        text, failed = _testcase(fr, item, fr.findings_of(item))
        cases.append(text)
        failures += failed
    cases += [_error_case(fr, e) for e in fr.errors]
    tests, errors = len(fr.items) + len(fr.errors), len(fr.errors)
    props = [("profile", fr.report.profile), ("fail_on", fail_on)]
    props += [(f"snapshot:{k}", v) for k, v in sorted(fr.report.snapshots.items())]
    prop_lines = [f"      <property{_attrs(name=k, value=cell(v))}/>" for k, v in props]
    attrs = _attrs(name=fr.path, tests=tests, failures=failures, errors=errors, skipped=0)
    lines = [
        f"  <testsuite{attrs}>",
        "    <properties>",
        *prop_lines,
        "    </properties>",
        *cases,
        "  </testsuite>",
    ]
    return "\n".join(lines), tests, failures, errors


def render(gate: GateResult, name: str = "screening check") -> str:
    """The JUnit XML document as text."""
    suites: list[str] = []
    totals = [0, 0, 0]
    for fr in gate.files:
        text, tests, failures, errors = _suite(fr, gate.fail_on)
        suites.append(text)
        totals = [totals[0] + tests, totals[1] + failures, totals[2] + errors]
    attrs = _attrs(name=name, tests=totals[0], failures=totals[1], errors=totals[2], skipped=0)
    return (
        "\n".join(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                f"<testsuites{attrs}>",
                *suites,
                "</testsuites>",
            ]
        )
        + "\n"
    )
