"""The one registry of output formats the CLI and the API share: every entry renders the typed
reports (or the gate), JSON is the model's own dump, CSV streams what it renders, and the gate's
JSON carries the CLI's exit code beside the outcome. Reports are hand-built
(tests/reports/support.py)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

import screening.reports as reports
from screening.gate.findings import build_gate
from screening.reports import GATE_RENDERERS, RENDERERS, GateRenderer, ReportRenderer
from screening.reports.csv import neutralise
from screening.schemas.reports import DeviceItem, InventoryReport, OrderReport, RowError
from tests.reports.support import (
    EXIT_CODES,
    inventory_report,
    po_report,
    typed_inventory,
    typed_po,
    without_errors,
)

TODAY = date(2026, 9, 1)


def _reports() -> list[InventoryReport | OrderReport]:
    return [typed_inventory(), typed_po()]


def test_report_formats_and_their_media_types() -> None:
    assert list(RENDERERS) == ["json", "csv", "html"]
    assert {n: (r.media_type, r.suffix) for n, r in RENDERERS.items()} == {
        "json": ("application/json", ".json"),
        "csv": ("text/csv", ".csv"),
        "html": ("text/html", ".html"),
    }
    assert all(isinstance(r, ReportRenderer) and r.name == n for n, r in RENDERERS.items())
    assert [n for n, r in RENDERERS.items() if r.stream is not None] == ["csv"]
    assert [n for n, r in RENDERERS.items() if r.streams] == ["csv"]


def test_gate_formats_and_their_media_types() -> None:
    assert list(GATE_RENDERERS) == ["text", "json", "junit", "sarif", "markdown"]
    assert {n: r.media_type for n, r in GATE_RENDERERS.items()} == {
        "text": "text/plain",
        "json": "application/json",
        "junit": "application/xml",
        "sarif": "application/sarif+json",
        "markdown": "text/markdown",
    }
    assert all(isinstance(r, GateRenderer) and r.name == n for n, r in GATE_RENDERERS.items())


@pytest.mark.parametrize("report", _reports(), ids=["inventory", "po"])
def test_json_is_the_models_own_dump(report: InventoryReport | OrderReport) -> None:
    text = RENDERERS["json"].render(report)
    assert text.endswith("}\n") and "\\u" not in text  # non-ASCII (§) kept as it is
    data = json.loads(text)
    assert data == report.model_dump(mode="json")
    assert data["kind"] == report.kind
    # Real booleans and numbers, not strings.
    items = data["items" if report.kind == "po" else "devices"]
    assert items[0]["relabel_suspected"] is False and items[0]["score"] == 90
    assert items[0]["evidence"][2]["weight"] == 60
    back = type(report).model_validate(data)
    assert back == report


def test_json_round_trips_every_field_of_the_hand_built_dicts() -> None:
    for given, model in ((po_report(), OrderReport), (inventory_report(), InventoryReport)):
        dumped = json.loads(RENDERERS["json"].render(model.model_validate(given)))
        assert {k: v for k, v in dumped.items() if k in given} == given


@pytest.mark.parametrize("report", _reports(), ids=["inventory", "po"])
def test_csv_streams_what_it_renders(report: InventoryReport | OrderReport) -> None:
    fmt = RENDERERS["csv"]
    assert fmt.stream is not None
    items: list[DeviceItem] = list(report.items if report.kind == "po" else report.devices)
    entries: list[DeviceItem | RowError] = [*items, *report.errors]
    assert "".join(fmt.stream(entries, report.kind)) == fmt.render(report)
    rows = list(csv.DictReader(io.StringIO(fmt.render(report), newline="")))
    assert len(rows) == len(items) + len(report.errors)


@pytest.mark.parametrize("report", _reports(), ids=["inventory", "po"])
def test_html_renders_each_kind(report: InventoryReport | OrderReport) -> None:
    page = RENDERERS["html"].render(report)
    title = "Purchase-order" if report.kind == "po" else "Inventory"
    assert page.startswith("<!DOCTYPE html>") and f"<title>{title} risk report</title>" in page


def test_neutralise_is_importable_from_the_csv_module() -> None:
    assert neutralise("=1+1") == "'=1+1"


@pytest.mark.parametrize("name", ["text", "json", "junit", "sarif", "markdown"])
def test_every_gate_format_renders_and_shows_the_given_exit_code(name: str) -> None:
    gate = build_gate([("po.csv", typed_po())], "high", [], TODAY)
    assert gate.outcome == "unreadable"
    out = GATE_RENDERERS[name].render(gate, 2)
    assert out.endswith("\n")
    if name == "json":
        assert json.loads(out)["gate"]["exit_code"] == 2
    elif name == "sarif":
        assert json.loads(out)["runs"][0]["invocations"][0]["exitCode"] == 2
    elif name == "junit":
        assert ET.fromstring(out.encode()).get("errors") == "1"
    else:
        assert "exit 2" in out
    coloured = GATE_RENDERERS[name].render(gate, 2, color=True)
    assert ("\x1b[" in coloured) == (name == "text")


def test_gate_json_document_one_file_and_several() -> None:
    one = build_gate([("po.csv", typed_po(without_errors(po_report())))], "high", [], TODAY)
    doc = json.loads(GATE_RENDERERS["json"].render(one, EXIT_CODES[one.outcome]))
    report = one.files[0].report.model_dump(mode="json")
    assert {k: v for k, v in doc.items() if k != "gate"} == report
    assert (doc["gate"]["outcome"], doc["gate"]["exit_code"]) == ("fail", 1)
    assert doc["gate"]["failing"] == len(one.failing) == 6
    two = build_gate(
        [("a.csv", typed_po()), ("b.csv", typed_inventory())], "high", [], TODAY, lists_ok=False
    )
    doc = json.loads(GATE_RENDERERS["json"].render(two, EXIT_CODES[two.outcome]))
    assert list(doc) == ["files", "gate"]
    assert [f["kind"] for f in doc["files"]] == ["po", "inventory"]
    assert (doc["gate"]["outcome"], doc["gate"]["exit_code"]) == ("unreadable", 2)


def test_the_package_exposes_only_the_registry_lazily() -> None:
    assert reports.RENDERERS is RENDERERS and reports.GATE_RENDERERS is GATE_RENDERERS
    with pytest.raises(AttributeError, match="no attribute 'render'"):
        reports.render  # noqa: B018
