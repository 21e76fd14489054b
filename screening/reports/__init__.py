"""PURE renderers of the inventory and purchase-order reports (`schemas.reports`) and of the
`screening check` gate (`screening.gate`). Each takes the typed report (or a `GateResult` and
the CLI's exit code) and returns text; none reads or writes a file.

- registry.py: `RENDERERS` (json, csv, html) and `GATE_RENDERERS` (text, json, junit, sarif,
  markdown), each with media type and suffix: the CLI and the API choose formats only there
- common.py: tier order, items, item labels, evidence and matches as one line, counts in words
- csv.py: one row per device/item, streamed; formula-like cells neutralised (`neutralise`)
- html.py: one self-contained page (inline CSS and SVG chart, no script, no network)
- json.py: the models as `model_dump(mode="json")`; the gate's JSON document
- sarif.py, junit.py, markdown.py, text.py: the gate's renderers

`RENDERERS`, `GATE_RENDERERS` and their entry types are importable from here; they are loaded
on first use, so that importing `screening.reports.common` (as `screening.gate` does) does not
import every renderer, which import the gate in turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .registry import GATE_RENDERERS, RENDERERS, GateRenderer, ReportRenderer

__all__ = ["GATE_RENDERERS", "RENDERERS", "GateRenderer", "ReportRenderer"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
