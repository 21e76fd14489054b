"""The corporate-family search over the real family table (data/reference/families.csv, with
its provenance in data/reference/PROVENANCE.md), through the same engine as the lists."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from screening.devices.reference import REFERENCE_FILES, load_reference
from screening.matching.families import FamilySearch, is_weak, names_parent, relation_text
from screening.service.partydata import family_rows
from screening.settings import REPO_ROOT

TODAY = date(2026, 12, 1)
HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."


@pytest.fixture(scope="module")
def search() -> FamilySearch:
    folder = REPO_ROOT / "data" / "reference"
    reference = load_reference({n: (folder / n).read_bytes() for n in REFERENCE_FILES})
    return FamilySearch(family_rows(reference))


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("海康威视", "Hikvision"),  # the Chinese short name: no transliteration finds it
        ("杭州海康威视数字技术股份有限公司", "Hikvision"),
        ("Hangzhou Ezviz Software Co., Ltd.", "EZVIZ"),
        ("Ezviz", "EZVIZ"),
        ("Prama Hikvision India", "Prama Hikvision India"),
        ("Lorex Technology Inc", "Lorex"),
    ],
)
def test_finds_the_row(search: FamilySearch, name: str, row: str) -> None:
    found = search.search(name)
    assert found and found[0].row.name == row and found[0].score >= 0.8
    # The score is explained by features that add up to it.
    assert sum(f.contribution for f in found[0].features) == pytest.approx(found[0].score)


@pytest.mark.parametrize("name", ["Axis Communications", "Hanwha Vision", "Bosch Security"])
def test_makers_outside_the_table_find_nothing(search: FamilySearch, name: str) -> None:
    assert search.search(name) == []


@pytest.mark.parametrize("name", ["Axis Communications", "Bosch", "Avigilon"])
def test_the_gate_skips_names_far_from_every_family_name(search: FamilySearch, name: str) -> None:
    assert not search.could_match(name)


def test_the_gate_lets_typos_and_short_names_through(search: FamilySearch) -> None:
    assert search.could_match("Ezvis Network") and search.could_match("ZTE Corp")
    assert search.search("Hangzhou Ezvis Network Co., Ltd.")[0].row.name == "EZVIZ"


def test_relation_text_names_the_parent_and_ended_dates(search: FamilySearch) -> None:
    ezviz = search.search("EZVIZ")[0]
    assert relation_text(ezviz.row, TODAY) == f"subsidiary of {HIK}"
    assert is_weak(ezviz, "EZVIZ", TODAY, "Hikvision")[0] is False
    lorex = search.search("Lorex")[0]
    text = relation_text(lorex.row, TODAY)
    assert text.startswith("former subsidiary of Zhejiang Dahua Technology Co., Ltd.")
    assert "2022-11-24" in text
    weak, why = is_weak(lorex, "Lorex", TODAY, "Dahua")
    assert weak and "ended" in why
    # On a day inside the relation it is not weak.
    assert is_weak(lorex, "Lorex", date(2020, 1, 1), "Dahua")[0] is False


def test_low_rows_are_weak_unless_the_name_names_the_parent(search: FamilySearch) -> None:
    prama = search.search("Prama India")[0]
    assert prama.row.confidence == "low"
    assert is_weak(prama, "Prama India", TODAY, "Hikvision")[0] is True
    full = search.search("Prama Hikvision India")[0]
    weak, why = is_weak(full, "Prama Hikvision India", TODAY, "Hikvision")
    assert not weak and "corroborated" in why
    assert names_parent("PRAMA HIK-VISION", "Hik Vision") and not names_parent(
        "Hikvisionx", "Hikvision"
    )


def test_the_search_travels_by_pickle_and_finds_the_same(search: FamilySearch) -> None:
    # A Dask cluster gets the screening context by pickle; compiled (screening/native.py), a
    # frozen row or the search itself cannot be rebuilt the default way.
    copy = pickle.loads(pickle.dumps(search))
    assert copy.rows == search.rows
    for name in ("Hangzhou Ezviz Software Co., Ltd.", "海康威视", "Axis Communications"):
        assert [(f.row.key, f.score) for f in copy.search(name)] == [
            (f.row.key, f.score) for f in search.search(name)
        ]
