"""Every source id of interfaces.md, in the order users see them. A source whose parser does not
exist yet is listed with `parse=None` and always shows `no_data`."""

from __future__ import annotations

from . import bis, csl, eu, kev, un
from .base import SourceSpec
from .dod1260h import DOD1260H_SPEC
from .fcc import FCC_SPEC
from .ndaa889 import NDAA889_SPEC
from .ofac import CONS_SPEC, SDN_SPEC


def _pending(source_id: str, name: str, publisher: str, url: str) -> SourceSpec:
    return SourceSpec(id=source_id, name=name, publisher=publisher, publisher_url=url, parse=None)


FIXED_SOURCES: tuple[SourceSpec, ...] = (
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
    _pending(
        "gb_fcdo_sanctions",
        "UK Sanctions List",
        "UK Foreign, Commonwealth and Development Office",
        "https://www.gov.uk/government/publications/the-uk-sanctions-list",
    ),
    kev.SPEC,
)

_BY_ID = {spec.id: spec for spec in FIXED_SOURCES}


def get_spec(source_id: str) -> SourceSpec | None:
    """The fixed source with this id, or None (user-loaded sources live only in the database)."""
    return _BY_ID.get(source_id)
