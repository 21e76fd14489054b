"""Grouping listings into parties on real list files (tests/fixtures, see the conftest) and the
real family table: shared identifiers, the same family-table row, the same name and country."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.devices.reference import REFERENCE_FILES, Reference, load_reference
from screening.matching.families import FamilySearch
from screening.matching.parties import (
    Found,
    ListingFacts,
    PartyTable,
    build_party_table,
    group_parties,
)
from screening.service.partydata import family_rows
from screening.settings import REPO_ROOT
from screening.sources.base import Record

from .conftest import HIKVISION_EL, entity_id_of

HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."


@pytest.fixture(scope="module")
def reference() -> Reference:
    folder = REPO_ROOT / "data" / "reference"
    return load_reference({n: (folder / n).read_bytes() for n in REFERENCE_FILES})


def facts(source: str, r: Record, reference: Reference) -> ListingFacts:
    """A parsed record as the service builds it (the family row by the same exact rule)."""
    row = None
    if r.kind != "person":
        row = next(
            (
                f"families.csv:{m.line}"
                for n in [r.name, *(a.value for a in r.aliases)]
                for m in reference.lookup(n)
                if m.family and m.confidence != "low"
            ),
            None,
        )
    return ListingFacts(
        f"{source}:{r.local_id}",
        source,
        r.kind,
        r.name,
        tuple(r.countries),
        tuple((i.type, i.value) for i in r.identifiers),
        r.listed_on.isoformat() if getattr(r, "listed_on", None) else None,
        tuple(r.programs),
        row,
    )


@pytest.fixture(scope="module")
def table(records: dict[str, list[Record]], reference: Reference) -> PartyTable:
    rows = {f"families.csv:{m.line}": m.legal_name_en or m.name for m in reference.members}
    listings = [facts(s, r, reference) for s, recs in records.items() for r in recs]
    return build_party_table(listings, rows)


def test_family_row_groups_hikvision_across_lists(
    table: PartyTable, records: dict[str, list[Record]]
) -> None:
    el = entity_id_of(records, "us_bis_entity_list", HIKVISION_EL)
    assert table.party_of(el) == table.party_of("us_ofac_cons:30946")
    assert table.party_name(el, "") == HIK
    dahua = entity_id_of(records, "us_bis_entity_list", "Dahua Technology")
    assert table.party_of(dahua) != table.party_of(el)


def test_shared_identifier_groups_sdn_and_non_sdn(table: PartyTable) -> None:
    # TEKHNOPROMEKSPORT: SDN 18962 and the consolidated list's 18771 share tax ID 7705713236.
    assert table.party_of("us_ofac_sdn:18962") == table.party_of("us_ofac_cons:18771")


def test_same_name_and_country_groups(table: PartyTable) -> None:
    # "KGB ALPHA" (SDN, BY) and "KGB Alpha" (BIS Entity List, BY).
    assert table.party_of("us_ofac_sdn:30702") == table.party_of("us_bis_entity_list:kgb-alpha-by")


def test_persons_never_group_on_a_name_alone(records: dict[str, list[Record]]) -> None:
    # One real SDN person, listed under a second source id without its countries: the name
    # alone must not merge them; with a shared country it does.
    person = next(r for r in records["us_ofac_sdn"] if r.kind == "person" and r.countries)
    a = ListingFacts("a:1", "a", "person", person.name, tuple(person.countries))
    b = ListingFacts("b:1", "b", "person", person.name)
    assert build_party_table([a, b]).party_of("b:1") == "b:1"
    c = ListingFacts("c:1", "c", "person", person.name, tuple(person.countries[:1]))
    assert build_party_table([a, c]).party_of("c:1") == "a:1"


def test_group_found_listings_and_family_paths(
    table: PartyTable, reference: Reference, records: dict[str, list[Record]]
) -> None:
    el = entity_id_of(records, "us_bis_entity_list", HIKVISION_EL)
    found = [
        Found(el, "us_bis_entity_list", "Hikvision", 0.95, 0.8),
        Found("us_ofac_cons:30946", "us_ofac_cons", "HIKVISION", 0.9, 0.8),
    ]
    parties = group_parties(table, found)
    assert len(parties) == 1 and parties[0].score == 0.95 and len(parties[0].listings) == 2
    search = FamilySearch(family_rows(reference))
    day = date(2026, 12, 1)
    short = {"hikvision": "Hikvision"}
    ezviz = group_parties(
        table, [], search.search("Ezviz"), query="Ezviz", day=day, parent_short=short
    )
    assert ezviz[0].name == HIK and ezviz[0].is_match
    assert ezviz[0].relation == f"subsidiary of {HIK}" and el in ezviz[0].listings
    weak = group_parties(
        table, [], search.search("Prama India"), query="Prama India", day=day, parent_short=short
    )
    assert weak[0].weak and not weak[0].is_match and weak[0].score < 0.8
    # A sources filter keeps only the listings on those lists.
    only = group_parties(
        table,
        [],
        search.search("Ezviz"),
        query="Ezviz",
        day=day,
        sources={"us_ofac_cons"},
        parent_short=short,
    )
    assert set(only[0].listings) == {"us_ofac_cons:30946"}


def _partition(table: PartyTable) -> set[frozenset[str]]:
    return {frozenset(m) for m in table.members.values()}


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_parties_do_not_depend_on_the_order_of_the_listings(
    records: dict[str, list[Record]], reference: Reference, data: st.DataObject
) -> None:
    # The listings of the grouped pairs above, and their neighbours in each real file.
    wanted = {"18962", "18771", "30702", "30946", "kgb-alpha-by", "18299"}
    listings = [
        facts(s, r, reference)
        for s, recs in records.items()
        for i, r in enumerate(recs)
        if r.local_id in wanted or i % 500 == 0 or "hikvision" in r.name.lower()
    ]
    base = _partition(build_party_table(listings))
    assert any(len(group) > 1 for group in base)
    shuffled = data.draw(st.permutations(listings))
    assert _partition(build_party_table(shuffled)) == base
