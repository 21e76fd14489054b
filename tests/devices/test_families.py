"""The default name -> family resolver over data/reference/families.csv: exact names (English,
Chinese, list spellings, IEEE registrant spellings), near-misses, one-word matches, and the names
it must not claim."""

from __future__ import annotations

import pytest

from screening.devices import FamilyHit, Resolver, default_resolver
from screening.devices.families import member_for_hit, near_miss, weaker
from tests.devices.support import reference


@pytest.fixture(scope="module")
def resolve() -> Resolver:
    return default_resolver(reference())


@pytest.mark.parametrize(
    ("name", "family", "entity", "confidence", "score"),
    [
        ("Hikvision", "hikvision", "Hikvision", "high", 1.0),
        ("HIK VISION", "hikvision", "Hikvision", "high", 1.0),
        ("Hangzhou Hikvision Digital Technology Company", "hikvision", "Hikvision", "high", 1.0),
        ("杭州海康威视数字技术股份有限公司", "hikvision", "Hikvision", "high", 1.0),
        ("海康威视", "hikvision", "Hikvision", "high", 1.0),
        ("大华", "dahua", "Dahua", "high", 1.0),
        ("浙江大华技术股份有限公司", "dahua", "Dahua", "high", 1.0),
        ("Dahua Technology Company", "dahua", "Dahua", "high", 1.0),
        ("ZHEJIANG DAHUA TECHNOLOGYCO.,LTD", "dahua", "Dahua", "high", 1.0),
        ("华为技术有限公司", "huawei", "Huawei", "high", 1.0),
        ("zte corporation", "zte", "ZTE", "high", 1.0),
        ("Hytera Communications Co .,ltd", "hytera", "Hytera", "high", 1.0),
        ("Tianjin Tiandi Weiye Technologies Co., Ltd.", "tiandy", "Tiandy", "medium", 1.0),
        ("Hangzhou Ezviz Software Co.,Ltd.", "hikvision", "EZVIZ", "high", 1.0),
        ("乐橙", "dahua", "Imou", "medium", 1.0),
        ("HiLook", "hikvision", "HiLook", "medium", 1.0),
        ("LT SECURITY INC", "hikvision", "LTS", "medium", 1.0),
        ("Lorex", "dahua", "Lorex", "medium", 1.0),
        ("Honeywell", "dahua", "Honeywell", "low", 1.0),
        ("Swann", None, "Swann", "low", 1.0),
        # near-misses: one typing slip, medium at best
        ("Hikivision", "hikvision", "Hikvision", "medium", 0.9),
        ("Hikvison", "hikvision", "Hikvision", "medium", 0.8889),
        ("Dahau", "dahua", "Dahua", "medium", 0.8),
        ("Huwaei", "huawei", "Huawei", "medium", 0.8333),
        # one word of the name; the rest trade words -> medium, else low
        ("Hikvision USA", "hikvision", "Hikvision", "medium", 0.85),
        ("Dahua Security Cameras", "dahua", "Dahua", "medium", 0.85),
        ("Shanghai Dahua Scale Factory", "dahua", "Dahua", "low", 0.7),
    ],
)
def test_resolves(
    resolve: Resolver, name: str, family: str | None, entity: str, confidence: str, score: float
) -> None:
    hit = resolve(name)
    assert isinstance(hit, FamilyHit)
    assert (hit.family, hit.entity, hit.confidence, hit.score) == (
        family,
        entity,
        confidence,
        score,
    )
    assert hit.matched_alias and hit.explanation
    assert hit.relation == reference().member(entity).relation  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name",
    [
        "Axis",
        "Axis Communications AB",
        "Bosch",
        "Hanwha Vision",
        "Avigilon",
        "Samsung",
        "Reolink",
        "Generic",
        "Acme",
        "Tandy",
        "Sony",
        "",
        "Co., Ltd.",
    ],
)
def test_does_not_claim(resolve: Resolver, name: str) -> None:
    assert resolve(name) is None


def test_near_miss_limits() -> None:
    assert near_miss("dahau", "dahua") == 1  # swapped letters
    assert near_miss("tandy", "tiandy") is None  # a dropped letter in a short name
    assert near_miss("hikivision", "hikvision") == 1
    assert near_miss("zte", "ztf") is None  # under five letters: exact only
    assert near_miss("hikvision", "hikvision") == 0
    assert near_miss("hikrobot", "hikvision") is None


def test_weaker_and_member_for_hit() -> None:
    assert weaker("high", "low") == "low" and weaker("medium", "high") == "medium"
    ref = reference()
    # a plugged-in resolver that knows only family and alias is mapped back to the table row
    bare = FamilyHit("hikvision", "EZVIZ", "high", 0.97, "from the matching engine")
    member = member_for_hit(ref, bare)
    assert member is not None and member.name == "EZVIZ"
    assert member_for_hit(ref, FamilyHit("dahua", "EZVIZ", "high", 1.0, "x")) is None
