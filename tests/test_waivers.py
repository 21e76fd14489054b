"""Waiver files: parsing, every malformed form rejected with the waiver, line and field named,
and "a waiver suppresses exactly what it names until its expiry date, and no more" checked on a
hand-built purchase-order report (tests/reports/support.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screening.errors import InputError
from screening.gate.findings import Finding, findings_for
from screening.gate.waivers import (
    Waiver,
    load_waivers,
    parse_waivers,
    part_key,
    same_file,
    vendor_key,
)
from screening.schemas.reports import OrderReport
from tests.reports.support import ACME, BIS, KEV, NDAA, OFAC_CONS, po_report

TODAY = date(2026, 9, 1)
FILE = """\
# reviewed exceptions
waivers:
  - match: {entity_id: "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"}
    reason: "Licence D123456 covers the spare parts"
    approver: "J. Smith (export control)"
    expires: 2027-03-31
  - match:
      vendor: "ACME Security Supplies, Ltd."
      part_number: "ds 7608ni k2/8p"
      rule: listed-maker
    reason: >
      Stock already delivered;
      replacement ordered
    approver: K. Jones
    expires: "2026-12-31"
  - match: {file: po.csv, row: 3}
    reason: relabel checked by hand
    approver: K. Jones
    expires: 2026-01-31
"""


def _waived(findings: list[Finding]) -> set[tuple[int | None, str]]:
    return {(f.item_row, f.rule_id) for f in findings if f.waived}


def _check(waivers: list[Waiver], path: str = "po.csv", today: date = TODAY) -> list[Finding]:
    return findings_for(OrderReport.model_validate(po_report()), path, "high", waivers, today)[0]


def test_parses_waivers_with_lines_and_dates() -> None:
    waivers = parse_waivers(FILE.encode(), "waivers.yaml")
    assert [(w.index, w.line) for w in waivers] == [(1, 3), (2, 7), (3, 16)]
    first, second, third = waivers
    assert first.entity_id == BIS and first.vendor is None and first.rule is None
    assert first.expires == date(2027, 3, 31)
    assert first.reason == "Licence D123456 covers the spare parts"
    assert second.match == {
        "vendor": "ACME Security Supplies, Ltd.",
        "part_number": "ds 7608ni k2/8p",
        "rule": "listed-maker",
    }
    assert second.reason == "Stock already delivered; replacement ordered"
    assert second.expires == date(2026, 12, 31)
    assert (third.file, third.row, third.approver) == ("po.csv", 3, "K. Jones")
    assert third.label == "waiver 3 (line 16)" and third.file_name == "waivers.yaml"


def test_empty_files_have_no_waivers() -> None:
    assert parse_waivers(b"") == []
    assert parse_waivers("# nothing yet\n") == []
    assert parse_waivers("waivers: []\n") == []
    assert parse_waivers("waivers:\n") == []


def test_load_waivers_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(FILE, encoding="utf-8")
    assert [w.index for w in load_waivers(path)] == [1, 2, 3]
    with pytest.raises(InputError, match="cannot read the waiver file"):
        load_waivers(tmp_path / "missing.yaml")


BAD = [
    ("waivers: [\n", r"waivers\.yaml: not valid YAML \(line 2\)"),
    ("- a\n- b\n", "expected a mapping with a `waivers:` list"),
    ("waiver:\n  - {}\n", "unknown key 'waiver' at the top level"),
    ("waivers: {a: 1}\n", "field `waivers`: expected a list"),
    ("waivers:\n  - just text\n", r"waiver 1 \(line 2\): expected a mapping"),
    (
        "waivers:\n  - match: {vendor: X}\n    approver: A\n    expires: 2027-01-01\n",
        r"waiver 1 \(line 2\): field `reason`: missing or empty",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approver: '  '\n"
        "    expires: 2027-01-01\n",
        r"waiver 1 \(line 2\): field `approver` \(line 4\): missing or empty",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approver: A\n",
        r"field `expires`: expected a date YYYY-MM-DD, got None",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approver: A\n"
        "    expires: 2027-02-30\n",
        r"waiver 1 \(line 2\): field `expires` \(line 5\): expected a date YYYY-MM-DD, "
        r"got '2027-02-30'",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approver: A\n    expires: soon\n",
        "field `expires`.*got 'soon'",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01 10:00:00\n",
        "field `expires`.*got '2027-01-01 10:00:00'",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    approved_by: A\n"
        "    expires: 2027-01-01\n",
        r"field `approved_by` \(line 4\): unknown key",
    ),
    (
        "waivers:\n  - match: {vendr: X}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match.vendr`: unknown key",
    ),
    (
        "waivers:\n  - match: {rule: listed-maker}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match`: no match criteria",
    ),
    (
        "waivers:\n  - match: {file: po.csv}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match`: no match criteria",
    ),
    (
        "waivers:\n  - match: {row: 3}\n    reason: R\n    approver: A\n    expires: 2027-01-01\n",
        "field `match.row`: a row needs `file` too",
    ),
    (
        "waivers:\n  - match: {file: po.csv, row: 0}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match.row`: expected a data row number",
    ),
    (
        "waivers:\n  - match: {entity_id: hikvision}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match.entity_id`: expected '<source id>:<local id>'",
    ),
    (
        "waivers:\n  - match: {vendor: X, rule: listed-makers}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match.rule`: unknown rule 'listed-makers'",
    ),
    (
        "waivers:\n  - match: X\n    reason: R\n    approver: A\n    expires: 2027-01-01\n",
        "field `match`: expected a mapping of criteria",
    ),
    (
        "waivers:\n  - match: {vendor: ''}\n    reason: R\n    approver: A\n"
        "    expires: 2027-01-01\n",
        "field `match.vendor`: expected a non-empty text",
    ),
    (
        "waivers:\n  - match: {vendor: X}\n    reason: R\n    reason: S\n    approver: A\n"
        "    expires: 2027-01-01\n",
        r"waiver 1 \(line 2\): key 'reason' repeated \(line 4\)",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_malformed_files_are_rejected_naming_waiver_line_and_field(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_waivers(text, "waivers.yaml")
    assert caught.value.detail.startswith("waivers.yaml: ")


def test_second_waiver_is_named() -> None:
    text = FILE + "  - match: {vendor: X}\n    reason: R\n    approver: A\n"
    with pytest.raises(InputError, match=r"waiver 4 \(line 20\): field `expires`"):
        parse_waivers(text, "waivers.yaml")


def test_normalisers() -> None:
    assert vendor_key("ACME Security Supplies, Ltd.") == vendor_key(ACME)
    assert vendor_key("Acme Security Supplies") != vendor_key(ACME)  # legal form kept
    assert part_key("ds 7608ni–k2/8p") == part_key("DS-7608NI-K2/8P")
    assert part_key("DS-7608NI-K2/8") != part_key("DS-7608NI-K2/8P")
    assert same_file("po.csv", "po.csv") and same_file("po.csv", "orders/po.csv")
    assert same_file("orders/po.csv", "./orders/po.csv")
    assert same_file("po.csv", "C:\\orders\\po.csv")
    assert not same_file("po.csv", "old-po.csv") and not same_file("orders/po.csv", "po.csv")
    assert not same_file("/srv/po.csv", "po.csv") and same_file("/srv/po.csv", "/srv/./po.csv")


def test_vendor_and_part_waiver_covers_that_line_only() -> None:
    waiver = parse_waivers(FILE)[1]  # Acme + DS-7608NI-K2/8P, rule listed-maker
    found = _check([waiver])
    assert _waived(found) == {(1, "listed-maker")}
    # same vendor, other part (row 5) and same vendor, other rule (known-exploited) not waived
    assert [f.fails for f in found if f.item_row in (1, 5)] == [False, True, True, True]
    assert found[0].waived_by == waiver and found[0].reason.startswith("Stock already")


def test_vendor_waiver_needs_the_same_name() -> None:
    by_vendor = Waiver(1, "r", "a", date(2027, 1, 1), vendor="Acme Security Supplies")
    assert _waived(_check([by_vendor])) == set()
    by_vendor = Waiver(1, "r", "a", date(2027, 1, 1), vendor="acme security supplies ltd")
    assert _waived(_check([by_vendor])) == {
        (1, "listed-maker"),
        (1, "known-exploited"),
        (3, "possible-relabel"),
        (5, "listed-maker"),
        (5, "known-exploited"),
    }


def test_file_and_row_waiver_covers_that_file_only() -> None:
    waiver = Waiver(1, "r", "a", date(2027, 1, 1), file="po.csv", row=2)
    assert _waived(_check([waiver], "orders/po.csv")) == {(2, "listed-maker"), (2, "listed-vendor")}
    assert _waived(_check([waiver], "other.csv")) == set()
    assert _waived(_check([waiver], "old-po.csv")) == set()


def test_rule_narrows_a_row_waiver() -> None:
    waiver = Waiver(1, "r", "a", date(2027, 1, 1), file="po.csv", row=2, rule="listed-vendor")
    found = _check([waiver])
    assert _waived(found) == {(2, "listed-vendor")}
    assert [f.rule_id for f in found if f.item_row == 2 and f.fails] == ["listed-maker"]


def test_entity_waivers_must_cover_every_entity_a_finding_rests_on() -> None:
    bis = Waiver(1, "r", "a", date(2027, 1, 1), entity_id=BIS)
    found = _check([bis])
    assert _waived(found) == set()  # listed-maker also rests on NDAA §889; the vendor on OFAC
    ndaa = Waiver(2, "r", "a", date(2027, 1, 1), entity_id=NDAA)
    assert _waived(_check([bis, ndaa])) == {
        (1, "listed-maker"),
        (2, "listed-maker"),
        (5, "listed-maker"),
    }
    ofac = Waiver(3, "r", "a", date(2027, 1, 1), entity_id=OFAC_CONS)
    assert (2, "listed-vendor") in _waived(_check([bis, ofac]))
    kev = Waiver(4, "r", "a", date(2027, 1, 1), entity_id=KEV, file="po.csv", row=1)
    assert _waived(_check([kev])) == {(1, "known-exploited")}
    both = _check([bis, ndaa])
    assert both[0].waivers == (bis, ndaa) and both[0].waived_by == bis


def test_expiry_day_is_inclusive_and_expired_waivers_are_reported() -> None:
    waiver = Waiver(1, "r", "a", date(2027, 3, 31), file="po.csv", row=3)
    report = OrderReport.model_validate(po_report())
    found, waived, expired = findings_for(report, "po.csv", "low", [waiver], date(2027, 3, 31))
    assert _waived(found) == {(3, "possible-relabel")} and expired == []
    assert not any(f.fails for f in found if f.item_row == 3)
    found, waived, expired = findings_for(report, "po.csv", "low", [waiver], date(2027, 4, 1))
    assert waived == [] and expired == [waiver]
    row3 = [f for f in found if f.item_row == 3]
    assert row3[0].fails and row3[0].expired_waivers == (waiver,)
    assert waiver.expired(date(2027, 4, 1)) and not waiver.expired(date(2027, 3, 31))


# Issue 19 defect 6: a 376-byte waiver file with nested aliases made a 351 MB error message
# (the value was formatted with repr) in 98 s and 2.16 GB of memory.
def nested_aliases(levels: int) -> str:
    """A flow sequence whose anchors are defined inline at first use: level 1 is nine "lol"s,
    each further level nine aliases of the one before (9**levels strings when expanded)."""
    text = "&a1 [" + ",".join(["lol"] * 9) + "]"
    for n in range(2, levels + 1):
        text = f"&a{n} [{text}," + ",".join([f"*a{n - 1}"] * 8) + "]"
    return text


ALIAS_BOMB = (
    f"waivers:\n  - match: {{part_number: {nested_aliases(9)}}}\n"
    "    reason: r\n    approver: a\n    expires: 2027-01-01\n"
)


def test_alias_bomb_is_refused_quickly_with_a_short_message() -> None:
    assert len(ALIAS_BOMB) < 500
    with pytest.raises(InputError) as err:
        parse_waivers(ALIAS_BOMB, "bomb.yaml")
    assert err.value.detail.startswith("bomb.yaml: YAML aliases")
    assert len(err.value.detail) < 300


def test_a_structured_value_is_quoted_as_a_bounded_excerpt() -> None:
    """Aliases within the expansion limit still must not be printed whole."""
    text = (
        f"waivers:\n  - match: {{vendor: {nested_aliases(3)}}}\n"  # 729 leaves, a 5 KB repr
        "    reason: r\n    approver: a\n    expires: 2027-01-01\n"
    )
    with pytest.raises(InputError, match=r"field `match\.vendor`.*expected a non-empty text") as e:
        parse_waivers(text, "w.yaml")
    assert len(e.value.detail) < 300
    long_key = "k" * 100_000
    with pytest.raises(InputError, match="unknown key") as e:
        parse_waivers(f"? {long_key}\n: 1\n", "w.yaml")
    assert len(e.value.detail) < 300


def test_deep_and_oversized_waiver_files_are_input_errors() -> None:
    with pytest.raises(InputError, match=r"w\.yaml: YAML nested more than 64 levels"):
        parse_waivers("waivers: " + "[" * 10_000 + "]" * 10_000, "w.yaml")
    with pytest.raises(InputError, match=r"w\.yaml: .* over the 1,048,576-byte limit"):
        parse_waivers("# " + "x" * (1 << 20) + "\nwaivers: []\n", "w.yaml")


WAIVER_PIECES = [
    "waivers:",
    "\n  - ",
    "match: ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "part_number: ",
    "row: ",
    "file: ",
    "entity_id: ",
    "rule: ",
    "reason: ",
    "approver: ",
    "expires: ",
    "2027-02-30",
    "2027-01-01",
    "!!timestamp ",
    "!!binary ",
    "!!python/name:os.system ",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    ": ",
    "\n    ",
    "x",
    "'",
    '"',
    "\x00",
    "-1",
    "~",
    "|",
    "#",
]


def test_an_empty_explicit_timestamp_is_an_input_error() -> None:
    # Found by the generated files below: pyyaml raised AttributeError.
    for text in ("!!timestamp ", "waivers:\n  - expires: !!timestamp\n"):
        with pytest.raises(InputError, match="not valid YAML"):
            parse_waivers(text, "g.yaml")


def test_generated_waiver_files_are_read_or_refused_with_a_short_message() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=80,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(st.sampled_from(WAIVER_PIECES), max_size=40))
    def check(pieces: list[str]) -> None:
        try:
            parse_waivers("".join(pieces), "g.yaml")
        except InputError as exc:
            assert exc.detail.startswith("g.yaml") and len(exc.detail) < 1000

    check()
