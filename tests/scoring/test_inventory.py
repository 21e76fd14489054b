"""The whole pipeline on tests/fixtures/devices/inventory.csv, our own constructed inventory of 50
devices (real makes, model numbers and IEEE OUIs; see its README), scored against the real
bundled lists (NDAA §889, FCC Covered List, BIS Entity List, DoD §1260H, OFAC SDN and non-SDN,
UN) parsed by their parsers, and the real CISA KEV catalogue of 2025-08-25."""

from __future__ import annotations

from collections import Counter

import pytest

from screening.devices import Identification, default_resolver, identify
from screening.scoring import PROFILES, RiskResult, score_device
from tests.devices.support import TODAY, facts, inventory, kev_index, list_hits, reference

ROWS = inventory()
BY_ID = {row["asset_id"]: row for row in ROWS}


def _run(asset: str, profile: str) -> tuple[Identification, RiskResult]:
    ref = reference()
    fx = facts(BY_ID[asset])
    ident = identify(fx, ref, default_resolver(ref), TODAY)
    result = score_device(
        ident, fx, profile=profile, reference=ref, list_hits=list_hits(), kev=kev_index()
    )
    return ident, result


def test_fixture_shape() -> None:
    assert len(ROWS) == 50 and len(BY_ID) == 50
    families = Counter(row["expected_family"] for row in ROWS)
    assert families == {
        "hikvision": 17,
        "dahua": 10,
        "": 17,
        "hytera": 2,
        "huawei": 1,
        "zte": 1,
        "tiandy": 1,
        "uniview": 1,
    }


@pytest.mark.parametrize("asset", list(BY_ID))
def test_expected_family_and_tiers(asset: str) -> None:
    row = BY_ID[asset]
    for profile in PROFILES:
        ident, result = _run(asset, profile)
        assert ident.family == (row["expected_family"] or None), row["why"]
        assert ident.family_confidence == (row["expected_confidence"] or None), row["why"]
        assert ident.relabel_suspected == (row["expected_relabel"] == "true"), row["why"]
        expected = row[f"expected_{profile.replace('-', '_')}"]
        assert result.tier == expected, f"{asset} {profile}: {row['why']}"
        assert 0 <= result.score <= 100


def test_us_federal_every_covered_family_device_is_prohibited_or_high() -> None:
    seen = 0
    for asset in BY_ID:
        ident, result = _run(asset, "us-federal")
        if ident.family in ("hikvision", "dahua", "hytera") and ident.family_confidence in (
            "high",
            "medium",
        ):
            seen += 1
            assert result.tier in ("prohibited", "high"), asset
            assert "listed-maker" in result.rules_fired
    assert seen == 29


def test_us_federal_makers_on_no_list_are_low_or_none() -> None:
    hits = list_hits()
    seen = 0
    for asset in BY_ID:
        ident, result = _run(asset, "us-federal")
        if ident.identifiable and not (ident.family and hits.get(ident.family)):
            seen += 1
            if ident.family is None and not ident.relabel_suspected and not ident.former_families:
                assert result.tier in ("low", "none"), asset
    assert seen == 16  # every family in this inventory is listed
    for asset in ("CAM-035", "CAM-036", "CAM-037", "CAM-038", "CAM-039", "CAM-040", "CAM-041"):
        assert _run(asset, "us-federal")[1].tier in ("low", "none"), asset


def test_uk_retail_hikvision_with_facial_recognition_is_high_with_the_biometric_factor() -> None:
    ident, result = _run("CAM-004", "uk-retail")
    assert ident.family == "hikvision" and result.tier == "high"
    assert "biometric-processing" in result.rules_fired and "listed-maker" in result.rules_fired
    biometric = [e for e in result.evidence if e.signal == "biometric-processing"]
    assert len(biometric) == 1 and biometric[0].weight == 30
    assert "special category" in biometric[0].finding and "DPIA" in biometric[0].finding
    assert biometric[0].source == "uk-gdpr-biometric"  # the policy_statements.csv id
    why = [e for e in result.evidence if e.signal == "tier"]
    assert why and "biometric" in why[0].finding
    # the same camera without facial recognition is only medium
    assert _run("CAM-001", "uk-retail")[1].tier == "medium"


def test_lorex_outside_dahuas_dates_and_low_only_brands_never_reach_high() -> None:
    for asset in ("CAM-023", "CAM-025", "CAM-026", "CAM-027", "CAM-028", "CAM-045", "CAM-048"):
        for profile in PROFILES:
            ident, result = _run(asset, profile)
            assert ident.family is None, asset
            assert result.tier in ("medium", "low", "none"), (asset, profile)
    lorex_then = _run("CAM-024", "us-federal")
    assert lorex_then[0].family == "dahua" and lorex_then[1].tier == "prohibited"


def test_evidence_names_its_lists() -> None:
    _, result = _run("CAM-008", "us-federal")
    listed = [e for e in result.evidence if e.signal == "listed-maker"]
    assert [e.source for e in listed] == [
        "us_ndaa_889",
        "us_fcc_covered",
        "us_bis_entity_list",
        "us_dod_1260h",
        "us_ofac_cons",
    ]
    assert [e.weight for e in listed] == [60, 0, 0, 0, 0]
    assert listed[0].value == (
        "Hangzhou Hikvision Digital Technology Company "
        "[us_ndaa_889:hangzhou-hikvision-digital-technology-company]"
    )
    assert "since 2018-08-13" in listed[0].finding
    assert "since 2021-06-03" in listed[3].finding  # 1260H, first edition
    assert result.rules_fired == ("listed-maker", "possible-relabel", "known-exploited")
    kev = [e for e in result.evidence if e.signal == "known-exploited"]
    assert [e.value for e in kev] == ["CVE-2021-36260"]
    assert result.evidence[-1].signal == "tier" and result.evidence[-1].value == "prohibited"
    assert result.score == 95


def test_summary_by_tier_per_profile() -> None:
    expected = {
        "us-federal": {"prohibited": 31, "high": 2, "low": 12, "none": 4, "unknown": 1},
        "uk-public-sector": {
            "prohibited": 6,
            "high": 7,
            "medium": 20,
            "low": 12,
            "none": 4,
            "unknown": 1,
        },
        "uk-retail": {"high": 4, "medium": 29, "low": 12, "none": 4, "unknown": 1},
        "default": {"high": 33, "low": 7, "none": 9, "unknown": 1},
    }
    for profile, counts in expected.items():
        tiers = Counter(_run(asset, profile)[1].tier for asset in BY_ID)
        assert tiers == counts, profile
