"""Profiles: which list or fact sets which tier, the caps, the score bands and `unknown`.

List hits are either the real bundled lists (tests/devices/support.list_hits) or, to isolate one
list's effect, a single real hit taken from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pytest

from screening.devices import DeviceFacts, default_resolver, identify
from screening.scoring import (
    PROFILE_SOURCES,
    PROFILES,
    ListHit,
    Profile,
    RiskResult,
    score_device,
)
from screening.scoring.tiers import (
    BANDS,
    TIERS,
    clamp_score,
    higher,
    lower,
    step_down,
    tier_for_score,
)
from tests.devices.support import TODAY, kev_index, list_hits, reference


def _score(
    profile: str, hits: Mapping[str, Sequence[ListHit]] | None = None, **facts: Any
) -> RiskResult:
    ref = reference()
    fx = DeviceFacts(**facts)
    ident = identify(fx, ref, default_resolver(ref), TODAY)
    return score_device(
        ident,
        fx,
        profile=profile,
        reference=ref,
        list_hits=list_hits() if hits is None else hits,
        kev=kev_index(),
    )


def _only(family: str, real_source: str, **change: Any) -> dict[str, list[ListHit]]:
    hit = next(h for h in list_hits()[family] if h.source == real_source)
    return {family: [replace(hit, **change)]}


HIK: dict[str, Any] = {"make": "Hikvision", "model": "DS-2CD2143G2-I"}


def test_profile_sources_are_those_of_interfaces_md() -> None:
    assert dict(PROFILE_SOURCES) == {
        "us-federal": (
            "us_ndaa_889",
            "us_fcc_covered",
            "us_bis_entity_list",
            "us_dod_1260h",
            "us_ofac_sdn",
            "us_ofac_cons",
        ),
        "uk-public-sector": ("gb_fcdo_sanctions", "un_sc", "us_ofac_sdn"),
        "uk-retail": ("gb_fcdo_sanctions", "un_sc", "us_ofac_sdn"),
        "default": ("us_ofac_sdn", "un_sc"),
    }
    assert sorted(PROFILES) == ["default", "uk-public-sector", "uk-retail", "us-federal"]


@pytest.mark.parametrize(
    ("source", "relation", "tier"),
    [
        ("us_ndaa_889", "parent", "prohibited"),
        ("us_fcc_covered", "parent", "prohibited"),
        ("us_bis_entity_list", "parent", "high"),
        ("us_dod_1260h", "parent", "high"),
        ("us_ofac_cons", "parent", "medium"),  # NS-CMIC: an investment ban
        ("us_ndaa_889", "affiliate", "prohibited"),  # §889 reaches subsidiaries and affiliates
        ("us_bis_entity_list", "affiliate", "medium"),  # only a sibling listed: one step lower
        ("us_ofac_sdn", "parent", "prohibited"),
        ("un_sc", "parent", "prohibited"),
        ("custom:watch", "parent", "high"),
    ],
)
def test_us_federal_list_tiers(source: str, relation: str, tier: str) -> None:
    base = next(h for h in list_hits()["hikvision"] if h.source == "us_bis_entity_list")
    hit = replace(
        base,
        source=source,
        entity_id=f"{source}:x",
        relation=relation,
        name="Hikvision" if relation == "parent" else "Some Hikvision Affiliate Ltd",
    )
    result = _score("us-federal", {"hikvision": [hit]}, **HIK)
    assert result.tier == tier
    assert result.evidence[-1].signal == "tier" and result.evidence[-1].source == source
    low, high = BANDS[tier]
    assert low <= result.score <= high


def test_us_federal_entity_list_makers_with_medium_attribution_stay_at_least_high() -> None:
    for make in ("Tiandy", "Uniview"):
        result = _score("us-federal", make=make)
        assert result.tier == "high", make
        assert "is listed: BIS Entity List -> high under us-federal" in result.evidence[-1].finding


def test_without_list_hits_a_named_maker_is_not_prohibited() -> None:
    """The tier comes from the lists, not from the name: with no list data, a Hikvision camera
    gets only its other factors under us-federal; the UK public-sector rule still applies."""
    assert _score("us-federal", {}, **HIK).tier == "low"
    assert _score("default", {}, **HIK).tier == "none"
    assert _score("uk-public-sector", {}, **HIK).tier == "medium"


@pytest.mark.parametrize(
    ("facts", "tier"),
    [
        ({"site_sensitivity": "sensitive"}, "prohibited"),
        ({"site_sensitivity": "OFFICIAL-SENSITIVE"}, "prohibited"),
        ({"site_sensitivity": "normal"}, "medium"),
        ({}, "medium"),
        ({"site_sensitivity": "normal", "internet_exposed": True}, "high"),
        ({"site_sensitivity": "normal", "cloud": "hik-cloud.com"}, "high"),
    ],
)
def test_uk_public_sector_national_intelligence_law(facts: dict[str, Any], tier: str) -> None:
    result = _score("uk-public-sector", {}, make="Hytera", **facts)
    assert result.tier == tier
    assert "prc-national-intelligence-law" in result.rules_fired
    prc = next(e for e in result.evidence if e.signal == "prc-national-intelligence-law")
    assert prc.source == "uk-wms-2022-11-24"  # the id of the policy_statements.csv row


def test_uk_profiles_weigh_us_lists_as_information_and_un_as_law() -> None:
    ndaa = _only("hytera", "us_ndaa_889")
    assert _score("uk-retail", ndaa, make="Hytera").tier == "medium"
    un = _only("hytera", "us_ndaa_889", source="un_sc", entity_id="un_sc:x")
    assert _score("uk-retail", un, make="Hytera").tier == "prohibited"
    assert _score("uk-public-sector", un, make="Hytera").tier == "prohibited"
    sdn = _only("hytera", "us_ndaa_889", source="us_ofac_sdn", entity_id="us_ofac_sdn:x")
    assert _score("uk-retail", sdn, make="Hytera").tier == "high"


def test_uk_retail_biometric_processing() -> None:
    listed = _score("uk-retail", make="Uniview", face_recognition=True)
    assert listed.tier == "high"
    assert listed.rules_fired[:3] == (
        "listed-maker",
        "prc-national-intelligence-law",
        "biometric-processing",
    )
    assert _score("uk-retail", make="Uniview").tier == "medium"
    clean = _score("uk-retail", make="Axis", model="P3245-V", face_recognition=True)
    assert clean.tier == "low" and clean.rules_fired == ("biometric-processing",)
    assert clean.evidence[-1].finding == "30 points (biometric-processing)"


def test_default_is_the_lists_alone() -> None:
    hik = _score("default", **HIK, internet_exposed=True, face_recognition=True, cloud=True)
    assert hik.tier == "high" and hik.rules_fired == ("listed-maker",)
    assert _score("default", make="Axis", internet_exposed=True).tier == "none"
    sdn = _only("zte", "us_ndaa_889", source="us_ofac_sdn", entity_id="us_ofac_sdn:x")
    assert _score("default", sdn, make="ZTE").tier == "prohibited"


def test_caps_for_no_and_weak_maker_links() -> None:
    everything: dict[str, Any] = {
        "internet_exposed": True,
        "face_recognition": True,
        "cloud": True,
        "site_sensitivity": "critical",
    }
    for profile in PROFILES:
        clean = _score(profile, make="Reolink", model="RLC-410W", **everything)
        assert clean.tier in ("low", "none"), profile
        weak = _score(profile, make="Honeywell", mac="00:40:84:01:02:26", **everything)
        assert weak.tier in ("medium", "low"), profile
        assert weak.score <= BANDS["medium"][1]
    # a profile that weighs exposure heavily shows the caps biting
    loud = Profile(
        id="test-loud",
        title="exposure counts for everything",
        required_sources=(),
        weights={"possible-relabel": 100, "internet-exposed": 100},
        list_tiers={},
        other_lists="high",
    )
    ref = reference()
    for make, tier, why in (
        ("Honeywell", "medium", "linked to a maker family on weak evidence only: at most medium"),
        ("Axis", "low", "no link to a maker family: other factors alone stay low"),
    ):
        fx = DeviceFacts(make=make, internet_exposed=True)
        ident = identify(fx, ref, default_resolver(ref), TODAY)
        result = score_device(ident, fx, profile=loud, reference=ref, list_hits=list_hits())
        assert (result.tier, result.evidence[-1].finding) == (tier, why), make
        assert result.score == BANDS[tier][1]


def test_unknown_for_rows_with_nothing_to_identify() -> None:
    for profile in PROFILES:
        result = _score(
            profile, site="Store 4", site_sensitivity="sensitive", internet_exposed=True
        )
        assert (result.tier, result.score, result.rules_fired) == ("unknown", 0, ())
        assert result.evidence[-1].finding == "no make, model or MAC to identify the device"


def test_profile_object_can_be_passed() -> None:
    result = _score("us-federal", **HIK)
    same = score_device(
        identify(DeviceFacts(**HIK), reference(), default_resolver(reference()), TODAY),
        DeviceFacts(**HIK),
        profile=PROFILES["us-federal"],
        reference=reference(),
        list_hits=list_hits(),
        kev=kev_index(),
    )
    assert same == result and result.profile == "us-federal"


def test_tier_helpers() -> None:
    assert TIERS == ("prohibited", "high", "medium", "low", "none", "unknown")
    assert higher("low", "high") == "high" and lower("low", "high") == "low"
    assert step_down("prohibited") == "high" and step_down("none") == "none"
    assert [tier_for_score(p) for p in (0, 1, 44, 45, 74, 75, 100)] == [
        "none",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    assert clamp_score(60, "prohibited") == 90 and clamp_score(97, "high") == 89
    assert clamp_score(12, "none") == 0 and clamp_score(50, "low") == 44
