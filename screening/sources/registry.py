"""Every source id of interfaces.md, in the order users see them, with each list's jurisdiction
and force for a UK buyer (one table here rather than one line in each parser module)."""

from __future__ import annotations

import dataclasses

from . import bis, csl, eu, kev, uk, un
from .base import Jurisdiction, SourceSpec, UkForce
from .dod1260h import DOD1260H_SPEC
from .fcc import FCC_SPEC
from .ndaa889 import NDAA889_SPEC
from .ofac import CONS_SPEC, SDN_SPEC

_US_CONTEXT = (
    "A US measure: for a buyer in the UK it is another country's measure, shown as context"
)

# source id -> (jurisdiction, force for a UK buyer, why). Binding means UK law applies it to a
# buyer in the UK: UK designations, and UN Security Council designations, which the UK gives
# effect to through its sanctions regulations (they appear on the UK Sanctions List too).
STANDING: dict[str, tuple[Jurisdiction, UkForce, str]] = {
    "us_ofac_sdn": (
        "US",
        "context",
        f"{_US_CONTEXT}; it binds US persons and transactions in US dollars, and US secondary "
        "sanctions can reach others.",
    ),
    "us_ofac_cons": (
        "US",
        "context",
        f"{_US_CONTEXT}; NS-CMIC is a US ban on US persons buying the companies' securities, "
        "not a ban on buying their products.",
    ),
    "us_trade_csl": (
        "US",
        "context",
        f"{_US_CONTEXT}; its export-control sub-lists require a US licence for US-origin items, "
        "re-exports from the UK included.",
    ),
    "us_bis_entity_list": (
        "US",
        "context",
        f"{_US_CONTEXT}; it requires a US licence for US-origin items (EAR), re-exports from "
        "the UK included.",
    ),
    "us_bis_meu": (
        "US",
        "context",
        f"{_US_CONTEXT}; it requires a US licence for listed US-origin items (EAR).",
    ),
    "us_fcc_covered": (
        "US",
        "context",
        f"{_US_CONTEXT}; the FCC bars new US equipment authorisations, with no effect in the UK.",
    ),
    "us_ndaa_889": (
        "US",
        "context",
        f"{_US_CONTEXT}; it bars US federal agencies and their contractors from the equipment.",
    ),
    "us_dod_1260h": (
        "US",
        "context",
        f"{_US_CONTEXT}; the DoD's list of Chinese military companies, with US procurement "
        "consequences.",
    ),
    "un_sc": (
        "UN",
        "binding",
        "UN Security Council designations; the UK gives them effect in UK law through its "
        "sanctions regulations.",
    ),
    "eu_fsf": (
        "EU",
        "context",
        "EU restrictive measures: they bind EU persons and business done in the EU; for a buyer "
        "in the UK, context unless it operates in the EU.",
    ),
    "gb_fcdo_sanctions": (
        "UK",
        "binding",
        "UK sanctions under the Sanctions and Anti-Money Laundering Act 2018: binding on anyone "
        "in the UK.",
    ),
    "us_cisa_kev": (
        "US",
        "context",
        "A US agency's catalogue of vulnerabilities known to be exploited (binding only on US "
        "federal civilian agencies): evidence of risk, not a measure against a maker.",
    ),
}


def _with_standing(spec: SourceSpec) -> SourceSpec:
    jurisdiction, force, note = STANDING[spec.id]
    return dataclasses.replace(spec, jurisdiction=jurisdiction, uk_force=force, uk_force_note=note)


FIXED_SOURCES: tuple[SourceSpec, ...] = tuple(
    _with_standing(spec)
    for spec in (
        SDN_SPEC,
        CONS_SPEC,
        csl.CSL_SPEC,
        bis.ENTITY_LIST_SPEC,
        bis.MEU_SPEC,
        FCC_SPEC,
        NDAA889_SPEC,
        DOD1260H_SPEC,
        un.SPEC,
        eu.SPEC,
        uk.SPEC,
        kev.SPEC,
    )
)

_BY_ID = {spec.id: spec for spec in FIXED_SOURCES}


def get_spec(source_id: str) -> SourceSpec | None:
    """The fixed source with this id, or None (user-loaded sources live only in the database)."""
    return _BY_ID.get(source_id)
