"""The one registry of output formats, shared by the CLI and the API: adding a format is one
entry here (and its module).

`RENDERERS`: device reports (inventory, purchase order) by `--format`/`?format=` name, each with
its media type, file suffix, `render(report) -> str` and, where the format can be written as it
is scored (CSV), `stream(entries, kind) -> Iterator[str]`. `GATE_RENDERERS`: the formats of
`screening check`, each `render(gate, exit_code, color=False) -> str` (only `text` colours).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..gate.findings import GateResult
from ..schemas.reports import Report
from . import csv, html, json, junit, markdown, sarif, text


class StreamFn(Protocol):
    def __call__(self, entries: Iterable[csv.Entry], kind: str) -> Iterator[str]: ...


class GateRenderFn(Protocol):
    def __call__(self, gate: GateResult, exit_code: int, color: bool = False) -> str: ...


@dataclass(frozen=True)
class ReportRenderer:
    """A device-report format. `stream` is None when the whole report is needed first."""

    name: str
    media_type: str
    suffix: str
    render: Callable[[Report], str]
    stream: StreamFn | None = None

    @property
    def streams(self) -> bool:
        """Whether rows can be written as they are scored (`stream` is set)."""
        return self.stream is not None


@dataclass(frozen=True)
class GateRenderer:
    """A `screening check` format."""

    name: str
    media_type: str
    suffix: str
    render: GateRenderFn


RENDERERS: Mapping[str, ReportRenderer] = {
    "json": ReportRenderer("json", "application/json", ".json", json.render),
    "csv": ReportRenderer("csv", "text/csv", ".csv", csv.render, csv.stream),
    "html": ReportRenderer("html", "text/html", ".html", html.render),
}


def _text(gate: GateResult, exit_code: int, color: bool = False) -> str:
    return text.render(gate, exit_code, color=color)


def _json(gate: GateResult, exit_code: int, color: bool = False) -> str:
    return json.render_gate(gate, exit_code)


def _junit(gate: GateResult, exit_code: int, color: bool = False) -> str:
    return junit.render(gate)


def _sarif(gate: GateResult, exit_code: int, color: bool = False) -> str:
    return sarif.render(gate, exit_code)


def _markdown(gate: GateResult, exit_code: int, color: bool = False) -> str:
    return markdown.render(gate, exit_code)


GATE_RENDERERS: Mapping[str, GateRenderer] = {
    "text": GateRenderer("text", "text/plain", ".txt", _text),
    "json": GateRenderer("json", "application/json", ".json", _json),
    "junit": GateRenderer("junit", "application/xml", ".xml", _junit),
    "sarif": GateRenderer("sarif", "application/sarif+json", ".sarif", _sarif),
    "markdown": GateRenderer("markdown", "text/markdown", ".md", _markdown),
}
