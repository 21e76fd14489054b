"""Model-number prefixes and firmware-version formats (data/reference/model_patterns.csv).

A model number is compared upper-cased with surrounding spaces removed, so "ds-2cd2143g2-i"
matches "^DS-2CD". The table itself keeps generic prefixes (NVR-1, XVR, SD1, TPC-) at `low`
confidence: they are hints, never enough to name a maker alone.
"""

from __future__ import annotations

from .reference import DevicePattern, Reference


def clean_model(value: str) -> str:
    """A model number as compared: trimmed, inner whitespace removed, upper-cased."""
    return "".join(value.split()).upper()


def match_patterns(reference: Reference, kind: str, value: str) -> list[DevicePattern]:
    """Every `kind` ("model" or "firmware") pattern the value matches, in table order."""
    text = clean_model(value) if kind == "model" else " ".join(value.split())
    if not text:
        return []
    return [p for p in reference.patterns if p.kind == kind and p.regex.search(text)]
