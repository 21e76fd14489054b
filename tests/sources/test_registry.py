"""Every fixed source carries its jurisdiction and its force for a buyer in the UK (issue 17):
static facts the reports use to tell a binding list from another country's measure."""

from __future__ import annotations

from screening.sources.registry import FIXED_SOURCES, STANDING, get_spec


def test_every_fixed_source_has_its_standing() -> None:
    assert set(STANDING) == {s.id for s in FIXED_SOURCES}
    for spec in FIXED_SOURCES:
        assert spec.jurisdiction in ("UK", "UN", "EU", "US"), spec.id
        assert spec.uk_force in ("binding", "guidance", "context"), spec.id
        assert spec.uk_force_note.endswith("."), spec.id
        assert get_spec(spec.id) is spec


def test_only_uk_and_un_lists_bind_a_uk_buyer() -> None:
    binding = {s.id for s in FIXED_SOURCES if s.uk_force == "binding"}
    assert binding == {"gb_fcdo_sanctions", "un_sc"}
    jurisdictions = {s.id: s.jurisdiction for s in FIXED_SOURCES}
    assert (jurisdictions["gb_fcdo_sanctions"], jurisdictions["eu_fsf"]) == ("UK", "EU")
    us = [s for s in FIXED_SOURCES if s.id.startswith("us_")]
    assert us and all(s.jurisdiction == "US" and s.uk_force == "context" for s in us)


def test_uk_sanctions_list_is_a_live_source_with_a_parser() -> None:
    spec = get_spec("gb_fcdo_sanctions")
    assert spec is not None and spec.parse is not None and not spec.bundled_only
