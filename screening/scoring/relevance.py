"""PURE: how much a list or a policy statement counts for the buyer a profile stands for, and
the order a device's evidence is shown in.

A source's `Standing` (whose measure it is, and its force for a buyer in the UK) is given by
the caller: the lists' standing is in `screening.sources.registry`, the policy statements' in
`data/reference/policy_statements.csv`; scoring imports neither.

Force for this buyer (`force_for`): under the UK profiles it is the source's force for a UK
buyer (`binding`: UK law applies it; `guidance`: the UK government's policy; `context`: another
country's measure). Under `us-federal` the US and UN measures bind and the others are context.
The `default` profile (lists alone) states no buyer's country, so it gives no force.

Order (`order_evidence`): the measures about the maker first (listings, the UK statement, a
listed vendor), then what this device does (biometric processing, known-exploited
vulnerabilities, cloud, exposure, site), then how the maker was identified, then why the tier
is what it is (always last). Within each group: binding for this buyer, then guidance, then
context, then the rest, each in the order the scorer gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

Force = Literal["binding", "guidance", "context"]
FORCES: tuple[Force, ...] = ("binding", "guidance", "context")
FORCE_WORDS: Mapping[str, str] = {
    "binding": "binding for this buyer",
    "guidance": "government guidance",
    "context": "another country's measure, context",
}
# The rules whose findings are measures about the maker or the vendor (the headline reasons).
MEASURE_RULES = frozenset({"listed-maker", "listed-vendor", "prc-national-intelligence-law"})
USE_RULES = frozenset(
    {
        "biometric-processing",
        "known-exploited",
        "cloud-endpoint",
        "internet-exposed",
        "sensitive-site",
        "possible-relabel",
        "former-affiliate",
    }
)
# Which jurisdictions' measures bind the buyer of a profile; absent: the profile names no buyer.
_BUYER: Mapping[str, str] = {
    "us-federal": "US",
    "uk-public-sector": "UK",
    "uk-retail": "UK",
}


@dataclass(frozen=True, slots=True)
class Standing:
    """Whose measure a source is (`jurisdiction`: UK, UN, EU, US) and its force for a buyer in
    the UK (`uk_force`), with the one-sentence reason."""

    jurisdiction: str
    uk_force: str
    note: str = ""


def buyer_of(profile: str) -> str | None:
    """The buyer's country a profile stands for (UK, US), or None (`default`)."""
    return _BUYER.get(profile)


def force_for(profile: str, standing: Standing | None) -> Force | None:
    """The source's force for the profile's buyer (None: no standing, or no buyer)."""
    if standing is None:
        return None
    buyer = buyer_of(profile)
    if buyer == "UK":
        return standing.uk_force if standing.uk_force in FORCES else None
    if buyer == "US":
        return "binding" if standing.jurisdiction in ("US", "UN") else "context"
    return None


def _group(signal: str) -> int:
    if signal in MEASURE_RULES:
        return 0
    if signal in USE_RULES:
        return 1
    return 3 if signal == "tier" else 2


class _HasSignal(Protocol):
    """What `order_evidence` sorts: the devices' Evidence or the report schema's."""

    @property
    def signal(self) -> str: ...

    @property
    def source(self) -> str | None: ...


_E = TypeVar("_E", bound=_HasSignal)


def order_evidence(
    evidence: Sequence[_E], profile: str, standing: Mapping[str, Standing]
) -> list[_E]:
    """The evidence in order of relevance to the profile's buyer (see the module docstring);
    the sort is stable, so entries of equal rank keep the scorer's order."""

    def key(ev: _E) -> tuple[int, int]:
        force = force_for(profile, standing.get(ev.source or ""))
        return _group(ev.signal), FORCES.index(force) if force else len(FORCES)

    return sorted(evidence, key=key)
