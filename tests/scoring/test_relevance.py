"""Evidence in order of relevance to the buyer (issue 17): under the UK profiles a Hikvision or
Dahua device's first reason is the UK statement of 24 Nov 2022, the US listings follow as
context, biometric processing cites the UK GDPR row; under us-federal the US lists bind and
come first. Run on tests/fixtures/devices/inventory.csv against the real bundled lists, with
the standing of each source as the service loads it (sources registry + policy_statements.csv)."""

from __future__ import annotations

import pytest

from screening.scoring import PROFILES
from screening.scoring.relevance import (
    MEASURE_RULES,
    Standing,
    buyer_of,
    force_for,
    order_evidence,
)
from screening.service.devreport import load_standing
from screening.settings import REPO_ROOT
from tests.scoring.test_inventory import BY_ID, _run

STANDING = load_standing(REPO_ROOT / "data")
HIK_DAHUA = [a for a, row in BY_ID.items() if row["expected_family"] in ("hikvision", "dahua")]
US_LISTS = {"us_ndaa_889", "us_fcc_covered", "us_bis_entity_list", "us_dod_1260h", "us_ofac_cons"}


def test_policy_statements_carry_their_standing() -> None:
    assert STANDING["uk-wms-2022-11-24"] == Standing("UK", "guidance", "")
    assert STANDING["uk-gdpr-biometric"].uk_force == "binding"
    assert STANDING["us_fcc_covered"].jurisdiction == "US"


@pytest.mark.parametrize("profile", ["uk-retail", "uk-public-sector"])
def test_uk_profiles_lead_with_the_uk_statement_then_us_lists_as_context(profile: str) -> None:
    assert len(HIK_DAHUA) == 27
    for asset in HIK_DAHUA:
        _, result = _run(asset, profile)
        ordered = order_evidence(result.evidence, profile, STANDING)
        first = ordered[0]
        assert first.source == "uk-wms-2022-11-24", (asset, first)
        assert first.finding.startswith("UK statement of 2022-11-24: departments to cease")
        listed = [e for e in ordered if e.signal == "listed-maker"]
        assert listed, asset
        for ev in listed:
            assert ev.source in US_LISTS
            assert force_for(profile, STANDING[ev.source]) == "context"
        # every measure about the maker comes before any other evidence; the tier stays last
        kinds = [e.signal in MEASURE_RULES for e in ordered]
        assert kinds == sorted(kinds, reverse=True), asset
        assert ordered[-1].signal == "tier"
        assert sorted(map(id, ordered)) == sorted(map(id, result.evidence))  # nothing lost


def test_uk_retail_cites_the_statement_and_gives_it_as_the_tier_reason() -> None:
    assert PROFILES["uk-retail"].weights["prc-national-intelligence-law"] > 0
    _, plain = _run("CAM-005", "uk-retail")  # misspelled Hikvision, no aggravating factor
    assert "prc-national-intelligence-law" in plain.rules_fired
    assert plain.tier == "medium"
    assert plain.evidence[-1].source == "uk-wms-2022-11-24"
    _, face = _run("CAM-004", "uk-retail")  # facial recognition on
    biometric = [e for e in face.evidence if e.signal == "biometric-processing"]
    assert [e.source for e in biometric] == ["uk-gdpr-biometric"]
    assert force_for("uk-retail", STANDING["uk-gdpr-biometric"]) == "binding"
    ordered = order_evidence(face.evidence, "uk-retail", STANDING)
    assert ordered[0].source == "uk-wms-2022-11-24"
    # among what the device does, the binding UK GDPR finding comes first
    uses = [e for e in ordered if e.signal not in MEASURE_RULES and e.signal != "tier"]
    assert uses[0].signal == "biometric-processing"


def test_us_federal_puts_the_binding_us_lists_first() -> None:
    for asset in HIK_DAHUA:
        _, result = _run(asset, "us-federal")
        ordered = order_evidence(result.evidence, "us-federal", STANDING)
        assert ordered[0].signal == "listed-maker" and ordered[0].source in US_LISTS, asset
        assert all(e.source != "uk-wms-2022-11-24" for e in ordered)  # not weighed there
        forces = [force_for("us-federal", STANDING.get(e.source)) for e in ordered[:3]]
        assert forces == ["binding"] * 3, asset


def test_force_depends_on_the_buyer() -> None:
    un, uk, us, eu = (
        STANDING["un_sc"],
        STANDING["gb_fcdo_sanctions"],
        STANDING["us_ofac_sdn"],
        STANDING["eu_fsf"],
    )
    assert [force_for("uk-retail", s) for s in (un, uk, us, eu)] == [
        "binding",
        "binding",
        "context",
        "context",
    ]
    assert [force_for("us-federal", s) for s in (un, uk, us, eu)] == [
        "binding",
        "context",
        "binding",
        "context",
    ]
    assert buyer_of("default") is None and force_for("default", us) is None
    assert force_for("uk-retail", None) is None
