"""Device data gaps found by trying the tool as a UK retail estate manager (issue 17, point 6),
each tested as the class it belongs to:

- a legal-name fragment of a family's company ("Hangzhou Hikvision", "Zhejiang Dahua") names
  that family, while makers on no list, and words that do not name the family, stay unattributed;
- every IEEE registrant of the Hikvision/Dahua group (the real 2022 IEEE `oui.csv` rows) sets its
  family, the Indian affiliate "Prama Hikvision India" (OUI 24:B1:05) included;
- a relabeller's part number alone (LTS `CMIP7442W-28M`, Amcrest `IP5M-1190EW`) sets the family
  and marks the relabel;
- the makers' own clouds and apps (hik-connect.com, Hik-Connect, DMSS) are a listed maker's cloud.

Single hand-made rows: real makes, model numbers, OUIs and host names (each cited in
data/reference/), no invented device data beyond the serial bytes of a MAC."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from screening.devices import DeviceFacts, Identification, default_resolver, identify, lookup_oui
from screening.scoring import FEATURES
from screening.scoring.rules import Context, Finding
from tests.devices.support import ROOT, TODAY, kev_index, list_hits, reference

IEEE_ROWS = ROOT / "tests/fixtures/devices/ieee-oui/ieee_oui_csv_2022-08_hikvision_dahua_rows.csv"


def _id(**facts: Any) -> Identification:
    ref = reference()
    return identify(DeviceFacts(**facts), ref, default_resolver(ref), TODAY)


def _cloud(value: str) -> list[Finding]:
    ref = reference()
    facts = DeviceFacts(cloud=value)
    ident = identify(facts, ref, default_resolver(ref), TODAY)
    return FEATURES["cloud-endpoint"](Context(facts, ident, ref, list_hits(), kev_index()))


# --- legal-name fragments -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "family"),
    [
        ("Hangzhou Hikvision", "hikvision"),
        ("Hangzhou Hikvision Digital", "hikvision"),
        ("HANGZHOU HIKVISION DIGITAL TECHNOLOGY", "hikvision"),
        ("Hikvision Digital Technology", "hikvision"),
        ("Zhejiang Dahua", "dahua"),
        ("Zhejiang Dahua Technology", "dahua"),
        ("Dahua Technology Co", "dahua"),
        ("Zhejiang Uniview", "uniview"),
        ("Hangzhou Ezviz", "hikvision"),
        ("Chengdu Dahua", "dahua"),
        ("浙江大华", "dahua"),
        ("Zhejiang Dahua Security", "dahua"),
        ("Hangzhou Hikvision Cameras UK", "hikvision"),
        ("Zhejiang Dahua Technology Security Systems", "dahua"),
    ],
)
def test_a_fragment_of_a_family_legal_name_sets_the_family(make: str, family: str) -> None:
    ident = _id(make=make)
    assert ident.family == family, ident.evidence
    assert ident.family_confidence in ("medium", "high")
    assert not ident.relabel_suspected


@pytest.mark.parametrize(
    "make",
    [
        "Samsung",
        "Hanwha",
        "Hanwha Vision",
        "Hanwha Techwin",
        "Axis",
        "Axis Communications",
        "Bosch",
        "Bosch Security Systems",
        "Avigilon",
        "Vivotek",
        "Reolink",
        "Panasonic",
        "Sony",
        "Pelco",
        "Mobotix",
    ],
)
def test_makers_on_no_list_stay_unattributed(make: str) -> None:
    ident = _id(make=make)
    assert ident.family is None
    assert not ident.maker_concern, ident.evidence


@pytest.mark.parametrize(
    ("make", "weak"),
    [
        # A real, unrelated company: more words than Dahua's own names.
        ("Shanghai Dahua Scale Factory", ("dahua",)),
        # Every word is in Hikvision's or Dahua's legal name, but none names the family.
        ("Hangzhou Digital Technology", ()),
        ("Zhejiang Technology", ()),
        ("Hangzhou Security Cameras", ()),
        # The later IEEE name of the Indian affiliate does not name Hikvision: unverified row.
        ("Prama India", ("hikvision",)),
    ],
)
def test_words_that_do_not_name_the_family_set_none(make: str, weak: tuple[str, ...]) -> None:
    ident = _id(make=make)
    assert ident.family is None
    assert ident.weak_families == weak


# --- MAC registrants ------------------------------------------------------------------------


def test_prama_hikvision_india_oui_sets_the_family() -> None:
    ident = _id(mac="24:B1:05:12:34:56")
    assert (ident.family, ident.family_confidence) == ("hikvision", "medium")
    assert ident.entity == "Prama Hikvision India"
    mac = next(e for e in ident.evidence if e.signal == "mac_oui")
    assert "'Prama Hikvision India Private Limited'" in mac.finding
    assert "names Hikvision" in mac.finding and mac.weight == 25


def test_every_ieee_registrant_of_the_group_sets_its_family() -> None:
    """The real IEEE rows (2022) against netaddr's table (2024): each assignment is still
    registered to the same organisation, and that registrant names its family."""
    with IEEE_ROWS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 81
    orgs = set()
    for row in rows:
        hexa, org = row["Assignment"], row["Organization Name"]
        mac = ":".join(hexa[i : i + 2] for i in (0, 2, 4)) + ":00:00:01"
        reg = lookup_oui(mac)
        assert (reg.status, reg.org) == ("registered", org), hexa
        family = "dahua" if "dahua" in org.casefold() else "hikvision"
        ident = _id(mac=mac)
        assert ident.family == family, (hexa, org, ident.evidence)
        orgs.add(org)
    assert len(orgs) == 5


def test_a_registrant_naming_its_family_corroborates_an_unverified_row() -> None:
    # Huawei Symantec: a `low` row (ownership history not verified), its name names Huawei.
    ident = _id(mac="00:22:A1:00:00:01")
    assert (ident.family, ident.family_confidence) == ("huawei", "medium")
    # Prama India (the later name of the same affiliate) does not name Hikvision: weak only.
    prama = _id(mac="E4:28:A4:00:00:01")
    assert prama.family is None and prama.weak_families == ("hikvision",)


# --- relabellers' part numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "entity", "family"),
    [
        ("CMIP7442W-28M", "LTS", "hikvision"),
        ("CMIP1342WE-28MDA", "LTS", "hikvision"),
        ("CMIP3CD42WI-28AISP", "LTS", "hikvision"),
        ("cmip3432", "LTS", "hikvision"),
        ("LTN8716", "LTS", "hikvision"),
        ("IP5M-1190EW", "Amcrest", "dahua"),
        ("IP8M-2496EB", "Amcrest", "dahua"),
    ],
)
def test_a_relabellers_part_number_alone_sets_the_family(
    model: str, entity: str, family: str
) -> None:
    ident = _id(model=model)
    assert (ident.family, ident.entity) == (family, entity), ident.evidence
    assert ident.family_confidence == "medium" and ident.relabel_suspected


@pytest.mark.parametrize("model", ["LTD", "IPM-1190", "CMI-7442", "XNV-6080R", "P3245-V"])
def test_other_part_numbers_set_no_family(model: str) -> None:
    ident = _id(model=model)
    assert ident.family is None and not ident.maker_concern


# --- the makers' clouds and apps ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "entity", "family"),
    [
        ("hik-connect.com", "Hikvision", "hikvision"),
        ("apiieu.hik-connect.com", "Hikvision", "hikvision"),
        ("https://www.hik-connect.com/", "Hikvision", "hikvision"),
        ("Hik-Connect", "Hikvision", "hikvision"),
        ("HikConnect", "Hikvision", "hikvision"),
        ("hik-connect (P2P)", "Hikvision", "hikvision"),
        ("Hik-ProConnect", "Hikvision", "hikvision"),
        ("ieuapi.hik-proconnect.com", "Hikvision", "hikvision"),
        ("EZVIZ", "EZVIZ", "hikvision"),
        ("DMSS", "Dahua", "dahua"),
        ("gDMSS", "Dahua", "dahua"),
        ("iDMSS", "Dahua", "dahua"),
        ("www.easy4ipcloud.com", "Dahua", "dahua"),
        ("Imou", "Imou", "dahua"),
    ],
)
def test_a_listed_makers_cloud_or_app_is_recognised(value: str, entity: str, family: str) -> None:
    found = _cloud(value)
    assert [f.strength for f in found] == [1.0], found
    assert f"({entity}, {family})" in found[0].finding
    assert found[0].source.startswith("data/reference/cloud_endpoints.csv line ")


@pytest.mark.parametrize("value", ["Genetec Stratocast", "hik-connected.com", "dmss.example.org"])
def test_other_clouds_are_not_a_listed_makers(value: str) -> None:
    found = _cloud(value)
    assert [f.strength for f in found] == [0.4]
    assert "not a host of a listed maker" in found[0].finding
