"""The `screening check` gate: its rules, its findings and its outcome (issue 14).

- rules.py: the rule ids a finding can carry and their explanations
- findings.py: `Finding`, `FileResult`, `GateResult`, `findings_for`, `build_gate`
- waivers.py: the reviewed exceptions of a `--waivers` file and what each covers
(the use case that reads files and lists and builds the gate is `service/checks.py`)

The gate decides an `outcome` (`unreadable`, `lists`, `fail`, `pass`); only the CLI maps it to
an exit code. Waivers are read by `gate.waivers`. Nothing is imported here, so that
`gate.waivers` can import `gate.rules` without a cycle.
"""
