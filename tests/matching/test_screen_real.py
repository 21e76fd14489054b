"""Screening against an index of real list files (see conftest.py): the Entity List's Hikvision
and Dahua entries are found for real spellings, camera makers on no list are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.matching import Index, Matcher, compare, default_threshold, entries_from_record
from screening.matching.index import IndexEntry
from screening.sources.base import Record
from screening.sources.ofac import parse_sdn

from .conftest import DAHUA_EL, FIXTURES, HIKVISION_EL, entity_id_of


@pytest.mark.parametrize(
    "query",
    [
        "Hikivision",
        "Hikvison",
        "HIKVISION",
        "HIK VISION",
        "Hik-Vision",
        "Hangzhou Hikvision Digital Technology Co Ltd",
        "Hikvision Digital Technology",
    ],
)
def test_hikvision_spellings_find_the_entity_list_entry(
    matcher: Matcher, records: dict[str, list[Record]], query: str
) -> None:
    target = entity_id_of(records, "us_bis_entity_list", HIKVISION_EL)
    hits = {m.entity_id: m for m in matcher.screen(query, kind="organization")}
    assert target in hits
    assert hits[target].score >= default_threshold("organization")
    assert hits[target].is_match
    # The OFAC NS-CMIC entry of the same company (ent_num 30946) is found too.
    assert "us_ofac_cons:30946" in hits


@pytest.mark.parametrize("query", ["Dahau", "Zhejiang Dahua Technology Co., Ltd."])
def test_dahua_spellings_find_the_entity_list_entry(
    matcher: Matcher, records: dict[str, list[Record]], query: str
) -> None:
    target = entity_id_of(records, "us_bis_entity_list", DAHUA_EL)
    hits = matcher.screen(query, kind="organization")
    assert hits and hits[0].entity_id == target
    assert hits[0].matched_name == DAHUA_EL
    assert hits[0].score >= default_threshold("organization")


@pytest.mark.parametrize(
    "query",
    ["Axis Communications", "Bosch Security Systems", "Hanwha Vision", "Hyster", "Hikari Optics"],
)
def test_makers_on_no_list_match_nothing(matcher: Matcher, query: str) -> None:
    assert matcher.screen(query, kind="organization") == []
    assert matcher.screen(query) == []  # nor under each listed party's own kind


def test_hyster_is_not_oyster(matcher: Matcher) -> None:
    """One changed first letter in a six-letter word: "OYSTER INVESTMENTS LLC" (SDN 2021)."""
    best = matcher.screen("Hyster", kind="organization", threshold=0.0, limit=1)
    assert best and best[0].matched_name == "OYSTER INVESTMENTS LLC"
    assert best[0].score < default_threshold("organization")


@pytest.fixture(scope="module")
def sdn_2024() -> Matcher:
    """The SDN list of 2024-06 (tests/fixtures/ofac-sdn/2024-06), which the 2021 file predates
    for some of the nearest names."""
    folder = FIXTURES / "ofac-sdn" / "2024-06"
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    entries = [e for r in parse_sdn(files) for e in entries_from_record("us_ofac_sdn", r)]
    return Matcher(Index.build(entries))


@pytest.mark.parametrize(
    ("query", "nearest"),
    [
        ("Axis Communications", "Z AXIS LLC"),
        ("Hyster", "WORLD HONGMEN HISTORY AND CULTURE ASSOCIATION"),
    ],
)
def test_near_misses_stay_below_the_threshold(sdn_2024: Matcher, query: str, nearest: str) -> None:
    """Their nearest real listed names are close, but not close enough."""
    best = sdn_2024.screen(query, kind="organization", threshold=0.0, limit=1)
    assert best and best[0].matched_name == nearest
    assert 0.1 < best[0].score < default_threshold("organization")
    assert sdn_2024.screen(query, kind="organization") == []


def test_a_person_with_a_look_alike_word_is_no_near_miss(sdn_2024: Matcher) -> None:
    """The old nearest of "Hikari Optics" was "AL-HIYARI, Bilal Mansur" at 0.19 (a person: a
    kind mismatch) before substituted words counted; now no listed name scores above zero."""
    assert sdn_2024.screen("Hikari Optics", kind="organization", threshold=0.0) == []
    score, explanation = compare("Hikari Optics", "AL-HIYARI, Bilal Mansur")
    assert score < 0.5
    assert "different_qualifier" in [f.name for f in explanation.features]


def test_chinese_name_resolves_only_through_a_listed_chinese_name(
    matcher: Matcher, records: dict[str, list[Record]]
) -> None:
    """No list file here carries 海康威视 as a name or alias, so it must not resolve to Hikvision
    (pinyin "haikangweishi" is not "Hikvision"); a listed name in Chinese would be matched."""
    names = [
        n
        for recs in records.values()
        for r in recs
        for n in [r.name, *(a.value for a in r.aliases)]
    ]
    assert not any("海康" in n for n in names)
    target = entity_id_of(records, "us_bis_entity_list", HIKVISION_EL)
    assert all(m.entity_id != target for m in matcher.screen("海康威视", threshold=0.0))
    score, _ = compare("杭州海康威视数字技术股份有限公司", "海康威视数字技术有限公司")
    assert score >= default_threshold("organization")


def test_identifier_match_scores_one(matcher: Matcher) -> None:
    """OFAC publishes Hikvision's ISIN CNE100000PM8 and USCC 91330000733796106P."""
    idents: list[str | tuple[str, str]] = [
        "CNE100000PM8",
        ("USCC", "91330000733796106P"),
        "cne 100000-pm8",
    ]
    for ident in idents:
        hits = matcher.screen("an unrelated name", identifiers=[ident])
        assert [m.entity_id for m in hits] == ["us_ofac_cons:30946"]
        assert hits[0].score == 1.0
        assert [f.name for f in hits[0].features] == ["identifier_match"]
        assert (
            "CNE100000PM8" in hits[0].features[0].explanation
            or "USCC" in hits[0].features[0].explanation
        )


def test_one_match_per_entity_and_features_add_up(matcher: Matcher) -> None:
    hits = matcher.screen("Hikvison", kind="organization", threshold=0.0, limit=10)
    ids = [m.entity_id for m in hits]
    assert len(ids) == len(set(ids))
    assert [m.score for m in hits] == sorted((m.score for m in hits), reverse=True)
    top = hits[0]
    assert top.matched_name in ("HIKVISION", "Hikvision")
    assert abs(sum(f.contribution for f in top.features) - top.score) < 1e-9
    for f in top.features:
        assert abs(f.value * f.weight - f.contribution) < 1e-9
        assert f.explanation
    sim = next(f for f in top.features if f.name == "token_similarity")
    assert "hikvison ≈ hikvision" in sim.explanation
    assert sim.explanation.startswith("How alike the paired words are")


def test_sources_filter_and_limit(matcher: Matcher) -> None:
    only_el = matcher.screen("Hikvision", sources={"us_bis_entity_list"})
    assert only_el and {m.source for m in only_el} == {"us_bis_entity_list"}
    assert len(matcher.screen("Hikvision", threshold=0.0, limit=1)) == 1
    assert matcher.screen("Hikvision", sources=set()) == []


def test_kind_mismatch_costs(matcher: Matcher) -> None:
    as_org = matcher.screen("Hikvision", kind="organization")[0]
    as_person = matcher.screen("Hikvision", kind="person", threshold=0.0)[0]
    assert as_org.score - as_person.score == pytest.approx(0.3)
    assert "kind_mismatch" in [f.name for f in as_person.features]


def test_save_and_load_give_the_same_results(index: Index, tmp_path: Path) -> None:
    path = tmp_path / "index.pkl"
    index.save(path)
    loaded = Index.load(path, "tests")
    assert loaded is not None and len(loaded) == len(index)
    before = Matcher(index).screen("Zhejiang Dahua Technology", threshold=0.0)
    after = Matcher(loaded).screen("Zhejiang Dahua Technology", threshold=0.0)
    assert [(m.entity_id, m.score) for m in after] == [(m.entity_id, m.score) for m in before]
    assert Index.load(path, "another snapshot set") is None
    assert Index.load(tmp_path / "missing.pkl") is None
    (tmp_path / "junk.pkl").write_bytes(b"not a pickle")
    assert Index.load(tmp_path / "junk.pkl") is None


def test_index_size(index: Index, records: dict[str, list[Record]]) -> None:
    """Every party is indexed; names are deduplicated per party."""
    parties = sum(len(recs) for recs in records.values())
    assert len(index.entities) == parties
    assert len(index) > parties


def test_small_index_from_plain_entries() -> None:
    index = Index.build(
        [
            IndexEntry("custom:a", "custom:x", "Hangzhou Hikvision Digital Technology Co., Ltd."),
            IndexEntry("custom:a", "custom:x", "海康威视", "aka"),
            IndexEntry("custom:b", "custom:x", "Zhejiang Dahua Technology Co., Ltd."),
        ]
    )
    hits = Matcher(index).screen("海康威视")
    assert [(m.entity_id, m.matched_name, m.score) for m in hits] == [("custom:a", "海康威视", 1.0)]


def test_every_feature_explains_itself_by_its_docstring() -> None:
    # Compiled (screening/native.py), a function keeps no docstring: the explanations are read
    # from features.py's source, and must be the same text either way.
    import ast

    from screening import native
    from screening.matching import features as ft

    tree = ast.parse(native.source_path("screening.matching.features").read_text("utf-8"))
    documented = {
        n.name: ast.get_docstring(n) or ""
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and ast.get_docstring(n)
    }
    assert {"token_similarity", "different_part", "acronym", "weak_alias"} <= set(documented)
    for name, doc in documented.items():
        first = " ".join(doc.split("\n\n")[0].split())
        assert ft.explanation_of(getattr(ft, name), "") == first
        assert ft.explanation_of(getattr(ft, name), "x") == f"{first} [x]"
