"""PURE renderers of the inventory and purchase-order report (interfaces.md) and of the
`screening check` gate. Each takes the report dict (or a `gate.GateResult`) and returns text;
none reads or writes a file.

- common.py: tiers, the report's kind, item labels, evidence as one line
- csv.py: one row per device/item, streamed; formula-like cells neutralised
- html.py: one self-contained page (inline CSS and SVG chart, no script, no network)
- rules.py: the rule ids a finding can carry and their explanations
- gate.py: `Finding`, `FileResult`, `GateResult`, `findings_for`, `build_gate`, `gate_json`
- sarif.py, junit.py, markdown.py, text.py: the gate's renderers

Nothing is imported here, so `screening.waivers` can import `reports.rules` without a cycle.
"""
