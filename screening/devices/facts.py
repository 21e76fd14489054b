"""The plain values a device is identified and scored from, and the evidence it produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class InvalidFact(ValueError):
    """A device fact that cannot be read (a malformed MAC address). `field` names the fact so the
    caller can report the row's column; nothing about the device is guessed from it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """One installed device as an inventory row describes it. Empty strings count as missing.

    `cloud`: True/False when the inventory only says whether a cloud service is on, or the
    host name(s) it talks to ("ys7.com; hik-connect.com"). `site_sensitivity`: the inventory's
    own word ("sensitive", "critical", "secret", "low"...). `installed_on` dates the device for
    relations that changed over time (a former subsidiary)."""

    make: str | None = None
    model: str | None = None
    mac: str | None = None
    firmware: str | None = None
    site: str | None = None
    face_recognition: bool | None = None
    internet_exposed: bool | None = None
    cloud: bool | str | None = None
    site_sensitivity: str | None = None
    installed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason behind a decision.

    `signal`: what was looked at (`declared_make`, `model`, `firmware`, `mac_oui`, or a scoring
    rule id such as `listed-maker`); `value`: the value looked at; `finding`: the sentence shown to
    the user; `source`: the list (source id) or reference table row it rests on; `weight`: for
    identification evidence, how much it counted towards the maker attribution (high 40,
    medium 25, low 10, 0 = noted only); for scoring evidence, the points it added to the score."""

    signal: str
    value: str
    finding: str
    source: str
    weight: int
