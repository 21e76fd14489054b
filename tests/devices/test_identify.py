"""identify(): every signal of one device combined into a maker attribution with evidence.

Devices here are single hand-made rows (real model numbers and IEEE OUIs, invented serial bytes),
each built to exercise one rule of the combination."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from screening.devices import (
    DeviceFacts,
    FamilyHit,
    Identification,
    InvalidFact,
    default_resolver,
    identify,
)
from tests.devices.support import TODAY, reference


def _id(today: date = TODAY, **facts: Any) -> Identification:
    ref = reference()
    return identify(DeviceFacts(**facts), ref, default_resolver(ref), today)


def _signals(ident: Identification) -> dict[str, int]:
    return {e.signal: e.weight for e in ident.evidence}


def test_all_signals_agree() -> None:
    ident = _id(
        make="Hikvision",
        model="DS-2CD2143G2-I",
        mac="44:19:B6:3A:10:01",
        firmware="V5.7.3 build 220112",
    )
    assert (ident.family, ident.family_confidence, ident.entity) == (
        "hikvision",
        "high",
        "Hikvision",
    )
    assert not ident.relabel_suspected and ident.identifiable
    assert _signals(ident) == {"declared_make": 40, "model": 40, "firmware": 25, "mac_oui": 40}
    mac = next(e for e in ident.evidence if e.signal == "mac_oui")
    assert mac.value == "44:19:B6"
    assert "registered to 'Hangzhou Hikvision Digital Technology Co.,Ltd.'" in mac.finding
    assert mac.source.startswith("IEEE MA-L registry as bundled in netaddr 1.3.0: 44:19:B6")
    assert "data/reference/families.csv line 2 (Hikvision)" in mac.source
    model = next(e for e in ident.evidence if e.signal == "model")
    assert model.source.startswith("data/reference/model_patterns.csv line 2 (^DS-2CD): repo CVE")
    assert ident.oui is not None and ident.oui.country == "CN"


@pytest.mark.parametrize("make", ["Generic", "Acme", "Axis"])
def test_relabel_when_the_make_does_not_name_the_hardware_family(make: str) -> None:
    ident = _id(make=make, mac="44:19:B6:3A:10:09")
    assert (ident.family, ident.family_confidence) == ("hikvision", "high")
    assert ident.relabel_suspected
    note = next(e for e in ident.evidence if e.signal == "attribution")
    assert f"declared make {make!r} does not name hikvision" in note.finding


def test_model_alone_and_mac_alone() -> None:
    assert (_id(model="IPC-HDW1025C").family, _id(model="ipc-hdw1025c").family) == (
        "dahua",
        "dahua",
    )
    assert _id(model="DS-2CD1043G0-I").family_confidence == "high"
    only_mac = _id(mac="64-69-BC-00-10-30")
    assert (only_mac.family, only_mac.family_confidence, only_mac.relabel_suspected) == (
        "hytera",
        "high",
        False,
    )


def test_generic_prefix_does_not_claim_a_maker() -> None:
    """IPC-T5442TM-AS is a Dahua model that also matches HiLook's IPC-T prefix (low)."""
    alone = _id(model="IPC-T5442TM-AS")
    assert alone.family is None and alone.weak_families == ("hikvision",)
    assert _signals(alone) == {"model": 10}
    with_dahua = _id(make="Dahua", model="IPC-T5442TM-AS", firmware="2.800.15OG004.0.R")
    assert (with_dahua.family, with_dahua.family_confidence) == ("dahua", "high")
    assert not with_dahua.relabel_suspected
    assert _id(model="NVR-104MH-C").family is None
    assert _id(model="TPC-1551T").family is None  # an industrial panel PC, not a Dahua camera


def test_two_medium_signals_on_different_rows_make_high() -> None:
    hiwatch = _id(make="HiWatch", model="HWI-B120-D/W", firmware="V5.5.101 build 200408")
    assert (hiwatch.family, hiwatch.family_confidence) == ("hikvision", "high")
    same_row = _id(make="HiLook", model="THC-B120-PC")  # both rest on the HiLook row
    assert (same_row.family, same_row.family_confidence) == ("hikvision", "medium")
    lorex = _id(make="Lorex", mac="00:1F:54:12:34:24", installed_on=date(2020, 3, 15))
    assert lorex.family_confidence == "medium"  # make and OUI both rest on the Lorex row


def test_conflicting_families_lower_the_confidence() -> None:
    ident = _id(make="Dahua", model="DS-2CD2143G2-I")
    assert (ident.family, ident.family_confidence) == ("hikvision", "medium")
    assert ident.relabel_suspected and ident.weak_families == ("dahua",)
    note = next(e for e in ident.evidence if e.signal == "attribution")
    assert "signals conflict (hikvision against dahua)" in note.finding


@pytest.mark.parametrize(
    ("installed", "today", "family"),
    [
        (date(2020, 3, 15), TODAY, "dahua"),
        (date(2018, 2, 1), TODAY, "dahua"),  # first day of Dahua's ownership
        (date(2022, 11, 24), TODAY, "dahua"),  # last day
        (date(2022, 11, 25), TODAY, None),
        (date(2017, 12, 31), TODAY, None),
        (None, TODAY, None),  # no install date: judged on today
        (None, date(2021, 1, 1), "dahua"),  # ...so the same row read in 2021 was Dahua's
    ],
)
def test_lorex_counts_for_dahua_only_within_its_dates(
    installed: date | None, today: date, family: str | None
) -> None:
    ident = _id(today=today, make="Lorex", mac="00:1F:54:12:34:23", installed_on=installed)
    assert ident.family == family
    assert ident.judged_on == (installed or today)
    assert not ident.relabel_suspected
    if family is None:
        assert ident.former_families == ("dahua",) and ident.family_confidence is None
        make = next(e for e in ident.evidence if e.signal == "declared_make")
        assert "outside it, so it is not attributed to dahua" in make.finding
        assert make.weight == 0


def test_low_rows_never_set_the_family() -> None:
    for make in ("Honeywell", "Swann", "Annke", "Prama India"):
        ident = _id(make=make)
        assert ident.family is None and ident.family_confidence is None, make
        assert ident.relabel_suspected == (make != "Prama India"), make
    honeywell = _id(make="Honeywell", mac="00:40:84:01:02:26")
    assert honeywell.weak_families == ("dahua",)
    assert _signals(honeywell) == {"declared_make": 10, "mac_oui": 10}
    # a low row plus a real hardware signal: the hardware names the family
    annke = _id(make="Annke", firmware="V5.5.0 build 200408")
    assert (annke.family, annke.family_confidence, annke.relabel_suspected) == (
        "hikvision",
        "medium",
        True,
    )


def test_oem_relabel_rows() -> None:
    lts = _id(make="LTS", mac="14:2F:FD:00:31:20")
    assert (lts.family, lts.entity, lts.relation, lts.relabel_suspected) == (
        "hikvision",
        "LTS",
        "oem_relabel",
        True,
    )
    indigo_then = _id(make="IndigoVision", installed_on=date(2021, 4, 30))
    indigo_now = _id(make="IndigoVision", installed_on=date(2021, 5, 1))
    assert (indigo_then.family, indigo_now.family) == ("dahua", None)
    assert indigo_now.former_families == ("dahua",) and not indigo_now.relabel_suspected


def test_component_supplier_is_not_the_maker() -> None:
    ident = _id(make="Generic", mac="84:8A:59:00:00:47")
    assert ident.family is None and ident.component_families == ("huawei",)
    assert not ident.maker_concern
    mac = next(e for e in ident.evidence if e.signal == "mac_oui")
    assert "component risk, not the device's maker" in mac.finding and mac.weight == 0


def test_rows_with_nothing_to_identify_and_non_maker_macs() -> None:
    empty = _id(site="HQ")
    assert not empty.identifiable and empty.evidence == () and empty.family is None
    firmware_only = _id(firmware="V5.4.5 build 170124")
    assert not firmware_only.identifiable  # no make, model or MAC: `unknown` per interfaces.md
    assert firmware_only.family == "hikvision"
    local = _id(mac="02:11:22:33:44:55")
    assert local.identifiable and local.family is None
    assert "locally administered" in local.evidence[0].finding


def test_malformed_mac_raises_invalid_fact() -> None:
    with pytest.raises(InvalidFact) as info:
        _id(make="Hikvision", mac="44:19:B6:3A")
    assert info.value.field == "mac"


def test_an_injected_resolver_is_used_for_makes_and_registrants() -> None:
    ref = reference()
    asked: list[str] = []

    def engine(name: str) -> FamilyHit | None:
        asked.append(name)
        if name == "Hik-Vision Europe B.V.":
            return FamilyHit("hikvision", "Hikvision", "high", 0.93, "matched by the engine")
        return None

    ident = identify(DeviceFacts(make="Hik-Vision Europe B.V."), ref, engine, TODAY)
    assert (ident.family, ident.family_confidence, ident.entity) == (
        "hikvision",
        "high",
        "Hikvision",
    )
    assert "score 0.93" in ident.evidence[0].finding
    # the registrant of a known OUI is found in the family table without asking the resolver
    asked.clear()
    mac = identify(DeviceFacts(mac="E0:50:8B:20:10:10"), ref, engine, TODAY)
    assert mac.family == "dahua" and asked == []
    # an unknown registrant goes to the resolver
    identify(DeviceFacts(mac="00:40:8C:01:02:36"), ref, engine, TODAY)
    assert asked == ["Axis Communications AB"]


def test_two_medium_claims_in_conflict_name_no_family() -> None:
    ident = _id(
        make="Lorex",
        firmware="V5.5.0 build 200408",
        mac="00:1F:54:12:34:24",
        installed_on=date(2020, 3, 15),
    )
    # Lorex (Dahua's then, medium) against a Hikvision firmware format (medium)
    assert ident.family is None and ident.family_confidence is None
    assert ident.weak_families == ("dahua", "hikvision") and ident.relabel_suspected
    note = next(e for e in ident.evidence if e.signal == "attribution")
    assert "signals conflict" in note.finding and note.finding.endswith("no family named")


def test_devices_and_scoring_import_no_io_stack() -> None:
    code = (
        "import sys, screening.devices, screening.scoring; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'httpx', 'sqlmodel', 'sqlalchemy', 'fastapi'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
