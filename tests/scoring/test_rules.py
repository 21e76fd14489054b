"""The risk features one by one, on single hand-made devices, with the real bundled lists and the
real KEV catalogue (2025-08-25) as inputs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screening.devices import DeviceFacts, default_resolver, identify
from screening.scoring import FEATURES, ListHit, explain
from screening.scoring.rules import Context, Finding, is_sensitive
from tests.devices.support import TODAY, kev_index, list_hits, reference


def _findings(rule: str, **facts: Any) -> list[Finding]:
    ref = reference()
    fx = DeviceFacts(**facts)
    ident = identify(fx, ref, default_resolver(ref), TODAY)
    return FEATURES[rule](Context(fx, ident, ref, list_hits(), kev_index()))


def test_list_hits_from_the_real_bundled_lists() -> None:
    hits = list_hits()
    assert sorted(hits) == ["dahua", "hikvision", "huawei", "hytera", "tiandy", "uniview", "zte"]
    hik = {(h.source, h.entity_id, h.listed_on, h.relation) for h in hits["hikvision"]}
    assert hik == {
        (
            "us_ndaa_889",
            "us_ndaa_889:hangzhou-hikvision-digital-technology-company",
            date(2018, 8, 13),
            "parent",
        ),
        (
            "us_fcc_covered",
            "us_fcc_covered:hangzhou-hikvision-digital-technology-company",
            date(2021, 3, 12),
            "parent",
        ),
        (
            "us_bis_entity_list",
            "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn",
            date(2019, 10, 9),
            "parent",
        ),
        (
            "us_dod_1260h",
            "us_dod_1260h:hangzhou-hikvision-digital-technology-co-ltd",
            date(2021, 6, 3),
            "parent",
        ),
        ("us_ofac_cons", "us_ofac_cons:30946", date(2021, 6, 3), "parent"),
    }
    dahua = {(h.source, h.name, h.relation) for h in hits["dahua"]}
    assert (
        "us_dod_1260h",
        "Chengdu Dahua Wisdom Information Technology Co., Ltd.",
        "subsidiary",
    ) in dahua
    assert len(dahua) == 5
    huawei = {(h.source, h.name) for h in hits["huawei"]}
    assert ("us_bis_entity_list", "Huawei Device Co., Ltd.") in huawei
    assert {h.source for h in hits["tiandy"]} == {"us_bis_entity_list"}
    assert [h.listed_on for h in hits["uniview"]] == [date(2024, 12, 11)]


def test_listed_maker_reports_list_and_date_and_leaves_the_scope_to_the_note() -> None:
    found = _findings("listed-maker", make="Hytera")
    assert [f.source for f in found] == ["us_ndaa_889", "us_fcc_covered", "us_bis_entity_list"]
    assert all(f.strength == 1.0 for f in found)
    assert found[0].finding.endswith("is listed: NDAA FY2019 §889 named companies since 2018-08-13")
    # The scope is the same on every device of the family: the report states it once, in a note.
    assert "scope" not in found[0].finding
    assert found[0].hit is not None
    assert "For the purpose of public safety" in (found[0].hit.scope or "")
    assert found[2].value.startswith("Hytera Communications Limited [us_bis_entity_list:")
    medium = _findings("listed-maker", make="Tiandy")
    assert [f.strength for f in medium] == [0.75]
    assert _findings("listed-maker", make="Axis") == []


def test_known_exploited_matches_maker_and_product() -> None:
    hik = _findings("known-exploited", make="Hikvision", model="DS-2CD2143G2-I")
    assert [(f.value, f.strength) for f in hik] == [("CVE-2021-36260", 1.0)]
    assert f"{hik[0].source}" == "us_cisa_kev"
    amcrest = _findings("known-exploited", make="Amcrest", model="IP8M-2496EB")
    assert [(f.value, f.strength) for f in amcrest] == [
        ("CVE-2020-5735", 1.0),  # Amcrest's own
        ("CVE-2021-33045", 0.5),  # the Dahua family's firmware
        ("CVE-2021-33044", 0.5),
    ]
    # a product naming a model applies to that model only
    reolink = _findings("known-exploited", make="Reolink", model="RLC-410W")
    assert [(f.value, f.strength) for f in reolink] == [
        ("CVE-2021-40407", 1.0),
        ("CVE-2019-11001", 1.0),
    ]
    other = _findings("known-exploited", make="Reolink", model="RLC-810A")
    assert [f.value for f in other] == ["CVE-2019-11001"]
    unknown_model = _findings("known-exploited", make="Reolink")
    assert [(f.value, f.strength) for f in unknown_model] == [
        ("CVE-2019-11001", 1.0),
        ("CVE-2021-40407", 0.5),
    ]
    # Samsung's KEV entries are phones and signage servers, not cameras
    assert _findings("known-exploited", make="Samsung", model="SNV-6084R") == []
    assert _findings("known-exploited", make="Axis", model="P3245-V") == []


def test_cloud_endpoint() -> None:
    ezviz = _findings("cloud-endpoint", make="EZVIZ", cloud="https://api.ys7.com/v3")
    assert [(f.strength, f.value) for f in ezviz] == [(1.0, "https://api.ys7.com/v3")]
    assert "EZVIZ China cloud" in ezviz[0].finding
    assert ezviz[0].source.startswith("data/reference/cloud_endpoints.csv line 9 (ys7.com)")
    both = _findings("cloud-endpoint", cloud="hik-connect.example; openapi-fk.easy4ip.com")
    assert [f.value for f in both] == ["openapi-fk.easy4ip.com"]
    assert [f.strength for f in _findings("cloud-endpoint", make="Dahua", cloud=True)] == [0.7]
    assert [f.strength for f in _findings("cloud-endpoint", make="Axis", cloud=True)] == [0.4]
    assert [f.strength for f in _findings("cloud-endpoint", cloud="Axis Cloud Connect")] == [0.4]
    for off in (False, None, "no", "off", " "):
        assert _findings("cloud-endpoint", make="Dahua", cloud=off) == []
    assert [f.strength for f in _findings("cloud-endpoint", make="Dahua", cloud="yes")] == [0.7]


@pytest.mark.parametrize(
    ("value", "sensitive"),
    [
        ("sensitive", True),
        ("Critical", True),
        ("OFFICIAL-SENSITIVE", True),
        ("top secret", True),
        ("critical infrastructure", True),
        ("low", False),
        ("Normal", False),
        ("official", False),
        ("", None),
        (None, None),
        ("blue", None),
    ],
)
def test_site_sensitivity_words(value: str | None, sensitive: bool | None) -> None:
    assert is_sensitive(value) is sensitive


def test_simple_flags() -> None:
    assert [f.rule for f in _findings("biometric-processing", face_recognition=True)] == [
        "biometric-processing"
    ]
    assert _findings("biometric-processing", face_recognition=False) == []
    assert _findings("biometric-processing") == []
    assert [f.value for f in _findings("internet-exposed", internet_exposed=True)] == ["true"]
    assert _findings("internet-exposed", internet_exposed=False) == []
    site = _findings("sensitive-site", site="HQ", site_sensitivity="secret")
    assert [f.finding for f in site] == ["site HQ marked 'secret'"]
    assert _findings("sensitive-site", site_sensitivity="normal") == []


def test_prc_law_possible_relabel_and_former_affiliate() -> None:
    prc = _findings("prc-national-intelligence-law", make="Uniview")
    assert [(f.value, f.strength) for f in prc] == [
        ("Zhejiang Uniview Technologies Co., Ltd.", 0.75)
    ]
    # The statement leads (its date and what it asks), then why it applies to this maker.
    assert prc[0].finding.startswith("UK statement of 2022-11-24: departments to cease deploying")
    assert prc[0].finding.endswith("subject to the PRC National Intelligence Law")
    assert prc[0].source == "uk-wms-2022-11-24"
    assert _findings("prc-national-intelligence-law", make="Axis") == []

    relabel = _findings("possible-relabel", make="Acme", mac="44:19:B6:3A:10:09")
    assert [(f.value, f.strength) for f in relabel] == [("hikvision", 1.0)]
    weak = _findings("possible-relabel", make="Honeywell")
    assert [(f.value, f.strength) for f in weak] == [("dahua", 0.6)]
    assert "dahua is on: BIS Entity List" in weak[0].finding
    nameless = _findings("possible-relabel", make="Swann")
    assert [(f.value, f.strength) for f in nameless] == [("an unnamed maker", 0.3)]

    former = _findings("former-affiliate", make="Lorex", installed_on=date(2023, 5, 10))
    assert [(f.value, f.strength) for f in former] == [("dahua", 1.0)]
    assert former[0].source.startswith("data/reference/families.csv line 13 (Lorex)")
    assert _findings("former-affiliate", make="Lorex", installed_on=date(2021, 5, 10)) == []


def test_every_rule_has_an_explanation() -> None:
    for rule in FEATURES:
        text = explain(rule)
        assert len(text) > 80 and not text.startswith(rule), rule
    assert "special category data under UK GDPR Article 9" in explain("biometric-processing")
    assert "24 November 2022" in explain("prc-national-intelligence-law")


def test_a_list_hit_from_a_caller_is_used_verbatim() -> None:
    ref = reference()
    fx = DeviceFacts(make="Hikvision")
    ident = identify(fx, ref, default_resolver(ref), TODAY)
    mine = ListHit("custom:watch", "custom:watch:7", "Hikvision", None, None, "parent")
    found = FEATURES["listed-maker"](Context(fx, ident, ref, {"hikvision": [mine]}, None))
    assert [(f.source, f.value, f.finding) for f in found] == [
        (
            "custom:watch",
            "Hikvision [custom:watch:7]",
            "Hikvision (parent of hikvision) is listed: custom:watch",
        )
    ]
