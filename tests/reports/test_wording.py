"""Wording shown in every report (issue 14, point 5): each test failed before its fix.

- a possible relabel with no maker named read "possibly a relabelled an unnamed maker product";
- model and firmware patterns were shown as Python reprs, every backslash doubled
  (`'^V?[0-9]+\\\\.[0-9]+'`), so the evidence did not show the pattern as written in
  data/reference/model_patterns.csv.

The devices are single hand-made rows (a real Swann/Hikvision make, a real firmware string)
scored on the real bundled reference tables and lists (tests/devices/support.py).
"""

from __future__ import annotations

import csv
from typing import Any

from screening.devices import DeviceFacts, default_resolver, identify
from screening.scoring import FEATURES
from screening.scoring.rules import Context
from tests.devices.support import REFERENCE_DIR, TODAY, kev_index, list_hits, reference


def _relabel_text(**facts: Any) -> str:
    ref = reference()
    fx = DeviceFacts(**facts)
    ident = identify(fx, ref, default_resolver(ref), TODAY)
    (finding,) = FEATURES["possible-relabel"](Context(fx, ident, ref, list_hits(), kev_index()))
    return finding.finding


def test_relabel_with_no_maker_named_reads_as_english() -> None:
    text = _relabel_text(make="Swann")
    assert text.startswith("possibly a relabelled product of an unnamed maker, on weak evidence")
    assert "relabelled an unnamed" not in text
    named = _relabel_text(make="Honeywell")  # a maker is named: "a relabelled dahua product"
    assert named.startswith("possibly a relabelled dahua product, on weak evidence only")


def _pattern_rows() -> dict[str, str]:
    """model_patterns.csv rows as written: the firmware pattern with backslashes."""
    with (REFERENCE_DIR / "model_patterns.csv").open(encoding="utf-8", newline="") as fh:
        return {r["pattern"]: r["kind"] for r in csv.DictReader(fh)}


def test_firmware_pattern_is_shown_as_written() -> None:
    ref = reference()
    ident = identify(
        DeviceFacts(make="Hikvision", firmware="V5.7.3 build 220112"),
        ref,
        default_resolver(ref),
        TODAY,
    )
    (firmware,) = [e for e in ident.evidence if e.signal == "firmware"]
    written = [p for p, kind in _pattern_rows().items() if kind == "firmware" and "build" in p]
    assert written == [r"^V?[0-9]+\.[0-9]+\.[0-9]+[ _]*build[ _]*[0-9]{6}$"]
    assert f"matches '{written[0]}' (" in firmware.finding
    assert "\\\\" not in firmware.finding
