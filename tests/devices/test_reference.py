"""The reference tables in data/reference/ and their loader: counts, sample rows field by field,
that every upstream row (tests/fixtures/devices/camera-domain, copied from the shared curated
sources) kept its source and confidence, and that layouts the loader does not know raise
ParseError naming file, line and field."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from screening.devices import REFERENCE_FILES, load_reference
from screening.errors import ParseError
from tests.devices.support import REFERENCE_DIR, ROOT, reference

UPSTREAM = ROOT / "tests" / "fixtures" / "devices" / "camera-domain"


def _files() -> dict[str, bytes]:
    return {name: (REFERENCE_DIR / name).read_bytes() for name in REFERENCE_FILES}


def _upstream(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((UPSTREAM / name).read_text(encoding="utf-8"))))


def test_counts_and_families() -> None:
    ref = reference()
    assert len(ref.members) == 28
    assert len([p for p in ref.patterns if p.kind == "model"]) == 17  # 14 upstream + LTS, Amcrest
    assert len([p for p in ref.patterns if p.kind == "firmware"]) == 2
    assert len(ref.cloud_endpoints) == 16  # 13 upstream + 3 added (PROVENANCE.md)
    assert sorted(ref.policies) == ["uk-gdpr-biometric", "uk-wms-2022-11-24"]
    assert ref.families == ("dahua", "hikvision", "huawei", "hytera", "tiandy", "uniview", "zte")
    parents = {m.family: m.hq_country for m in ref.members if m.relation == "parent"}
    assert parents == dict.fromkeys(ref.families, "CN")


def test_sample_rows_field_by_field() -> None:
    ref = reference()
    hik = ref.member("Hikvision")
    assert hik is not None
    assert hik.relation == "parent" and hik.family == "hikvision" and hik.confidence == "high"
    assert hik.legal_name_en == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert hik.legal_name_zh == "杭州海康威视数字技术股份有限公司"
    assert hik.short_name_zh == "海康威视"
    assert hik.aliases == ("Hangzhou Hikvision Digital Technology Company",)
    assert hik.attribution == "maker" and hik.line == 2
    assert hik.cite.startswith("data/reference/families.csv line 2 (Hikvision): Wikipedia")

    lorex = ref.member("Lorex")
    assert lorex is not None
    assert (lorex.relation, lorex.family, lorex.confidence) == (
        "former_subsidiary",
        "dahua",
        "medium",
    )
    assert (lorex.start, lorex.end) == (date(2018, 2, 1), date(2022, 11, 24))
    assert lorex.in_force(date(2018, 2, 1)) and lorex.in_force(date(2022, 11, 24))
    assert not lorex.in_force(date(2018, 1, 31)) and not lorex.in_force(date(2022, 11, 25))

    usa = ref.member("Dahua Technology USA")
    assert usa is not None and usa.start is None and usa.end == date(2024, 1, 31)  # month end
    indigo = ref.member("IndigoVision")
    assert indigo is not None and indigo.end == date(2021, 4, 30)
    assert indigo.attribution == "relabel"

    hisilicon = ref.member("HiSilicon")
    assert hisilicon is not None and hisilicon.attribution == "component"
    assert hisilicon.start is None  # the upstream 2019-05-16 was a list date

    swann = ref.member("Swann")
    assert swann is not None and swann.family is None and swann.confidence == "low"

    ds2cd = ref.patterns[0]
    assert (ds2cd.kind, ds2cd.pattern, ds2cd.family, ds2cd.entity) == (
        "model",
        "^DS-2CD",
        "hikvision",
        "Hikvision",
    )
    assert ds2cd.confidence == ds2cd.source_confidence == "high"
    hilook = next(p for p in ref.patterns if p.pattern == "^IPC-[BDT][0-9]")
    assert (hilook.confidence, hilook.source_confidence, hilook.entity) == (
        "low",
        "medium",
        "HiLook",
    )

    ys7 = next(e for e in ref.cloud_endpoints if e.host == "ys7.com")
    assert (ys7.family, ys7.entity, ys7.confidence) == ("hikvision", "EZVIZ", "high")
    assert ys7.matches("api.ys7.com") and ys7.matches("YS7.COM.") and not ys7.matches("notys7.com")

    wms = ref.policies["uk-wms-2022-11-24"]
    assert wms.date == date(2022, 11, 24) and wms.families_named == ("hikvision", "dahua")
    assert "sensitive sites" in wms.requirement and "core departmental networks" in wms.requirement


def test_every_upstream_family_row_kept_its_source_and_confidence() -> None:
    ref = reference()
    upstream = _upstream("families_and_oem.csv")
    assert len(upstream) == 25
    list_dates = {"Chengdu Dahua Wisdom", "HiSilicon", "Tiandy"}  # start blanked, see PROVENANCE
    for row in upstream:
        ours = ref.member(row["name"])
        assert ours is not None, row["name"]
        assert ours.relation == row["relation"]
        assert ours.family == (row["family"] or None)
        assert ours.source == row["source"] and ours.confidence == row["confidence"]
        assert ours.legal_name_en == (row["legal_name_en"] or None)
        assert ours.legal_name_zh == (row["legal_name_zh"] or None)
        if row["name"] in list_dates:
            assert row["start"] and ours.start is None
        else:
            assert (ours.start is None) == (not row["start"])
    added = {m.name for m in ref.members} - {r["name"] for r in upstream}
    assert added == {"Huawei Device", "Huawei Symantec", "Prama India"}


# Rows added to the upstream tables (issue 17): each is listed in data/reference/PROVENANCE.md.
ADDED_PATTERNS = {"^CMIP[0-9]", "^LTN[0-9]{4}", "^IP[2-8]M-[0-9]{3}"}
ADDED_HOSTS = {"hik-connect.com", "hik-proconnect.com", "easy4ipcloud.com"}


def test_model_rows_come_from_upstream_model_prefix_rows() -> None:
    upstream = _upstream("device_fingerprints.csv")
    sources = {r["source"] for r in upstream if r["signal_type"] == "model_prefix"}
    provenance = (REFERENCE_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    added = set()
    for pattern in reference().patterns:
        if pattern.kind == "model" and pattern.source not in sources:
            added.add(pattern.pattern)
            assert f"`{pattern.pattern}`" in provenance, pattern.pattern
    assert added == ADDED_PATTERNS
    clouds = {r["domain_suffix_or_host"]: r for r in _upstream("cloud_endpoints.csv")}
    assert {e.host for e in reference().cloud_endpoints} == set(clouds) | ADDED_HOSTS
    for endpoint in reference().cloud_endpoints:
        if endpoint.host in ADDED_HOSTS:
            assert f"`{endpoint.host}`" in provenance
            continue
        assert endpoint.source == clouds[endpoint.host]["source"]
        assert endpoint.confidence == clouds[endpoint.host]["confidence"]


def test_lookup_is_exact_on_every_name_legal_form_aside() -> None:
    ref = reference()
    assert [m.name for m in ref.lookup("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.")] == [
        "Hikvision"
    ]
    assert [m.name for m in ref.lookup("浙江大华技术股份有限公司")] == ["Dahua"]
    assert [m.name for m in ref.lookup("Hytera Communications Co .,ltd")] == ["Hytera"]
    assert ref.lookup("Hikivision") == ()  # no fuzzy matching here
    assert ref.lookup("Dahua Scale") == ()


def _replace(name: str, old: str, new: str) -> dict[str, bytes]:
    files = _files()
    text = files[name].decode()
    assert old in text
    files[name] = text.replace(old, new, 1).encode()
    return files


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "missing families.csv"),
        ({**_files(), "families.csv": b""}, "families.csv: empty file"),
        ({**_files(), "families.csv": b"<html><body>error</body></html>"}, "lacks the column"),
        (_replace("families.csv", "relation,name", "relation,label"), "lacks the column(s) name"),
        (
            _replace("families.csv", ",high,Shenzhen", ",certain,Shenzhen"),
            "line 2, field confidence",
        ),
        (_replace("families.csv", "parent,Hikvision", "owner,Hikvision"), "line 2, field relation"),
        (_replace("families.csv", "2018-02,2022-11-24", "2018-02,24/11/2022"), "field end"),
        (_replace("families.csv", "parent,ZTE,zte", "parent,ZTE,"), "field family: empty"),
        (_replace("model_patterns.csv", "^DS-2CD,", "^DS-(2CD,"), "line 2, field pattern"),
        (_replace("model_patterns.csv", ",hikvision,HiLook,", ",hikvision,HiLux,"), "HiLux"),
        (_replace("cloud_endpoints.csv", "ys7.com,", "ys7 .com,"), "field host"),
        (_replace("policy_statements.csv", ",2022-11-24,", ",,"), "id and date are required"),
        (
            _replace("families.csv", "brand list,medium,value line", "brand list,value line"),
            "line 4",
        ),
    ],
)
def test_broken_tables_raise_parse_error(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(ParseError) as info:
        load_reference(files)
    assert message in info.value.detail


def test_text_and_bytes_load_the_same() -> None:
    as_text = {k: v.decode() for k, v in _files().items()}
    assert load_reference(as_text).members == load_reference(_files()).members
