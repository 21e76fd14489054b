"""The CSV report: columns, one row per item in row order, evidence and vendor matches as text,
formula-like cells neutralised, and streaming. Reports are hand-built (tests/reports/support.py)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

import pytest

from screening.reports import csv as csv_report
from screening.schemas.reports import DeviceItem, Evidence, RowError
from tests.reports.support import (
    ACME,
    BIS,
    NDAA,
    OFAC_CONS,
    inventory_report,
    po_report,
    typed,
    typed_inventory,
)


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_columns() -> None:
    assert csv_report.csv_header("inventory") == (
        "row,line,asset_id,site,declared_make,model,mac,firmware,family,family_confidence,"
        "tier,score,relabel_suspected,action_code,action,rules_fired,evidence,error\r\n"
    )
    po = next(csv.reader([csv_report.csv_header("po")]))
    assert po[:10] == [
        "row",
        "line",
        "vendor",
        "manufacturer",
        "declared_make",
        "part_number",
        "model",
        "description",
        "quantity",
        "unit_price",
    ]
    assert po[-6:] == [
        "action_code",
        "action",
        "rules_fired",
        "vendor_matches",
        "evidence",
        "error",
    ]


def test_po_rows_in_row_order_with_scalars_evidence_and_matches() -> None:
    report = po_report()
    rows = _parse(csv_report.render(typed(report)))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    first = rows[0]
    assert (first["vendor"], first["part_number"], first["quantity"]) == (
        ACME,
        "DS-7608NI-K2/8P",
        "4",
    )
    assert (first["family"], first["family_confidence"], first["tier"], first["score"]) == (
        "hikvision",
        "high",
        "prohibited",
        "90",
    )
    assert first["relabel_suspected"] == "false"
    assert first["rules_fired"] == "listed-maker;known-exploited"
    assert first["vendor_matches"] == ""
    assert first["error"] == ""
    entries = first["evidence"].split(" | ")
    assert len(entries) == len(report["items"][0]["evidence"]) == 6
    assert entries[2].startswith(
        f"listed-maker Hangzhou Hikvision Digital Technology Company [{NDAA}]: "
        "Hangzhou Hikvision Digital Technology Company (parent of hikvision) is listed: NDAA"
    )
    # The source, its points and its standing for the profile's buyer (us-federal: binding).
    assert entries[2].endswith("(us_ndaa_889; weight 60; US measure, binding)")
    assert entries[0].endswith("(data/reference/families.csv line 2 (Hikvision); weight 40)")
    assert (first["action_code"], rows[1]["action_code"]) == ("remove-now", "do-not-buy")
    assert first["action"] == (
        "Remove and replace it now: hikvision is listed: NDAA FY2019 §889 named companies "
        "-> prohibited under us-federal"
    )
    assert rows[1]["vendor_matches"] == (
        f"Hangzhou Hikvision Digital Technology Co., Ltd. [{BIS}] score 1.0000 | "
        f"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD. [{OFAC_CONS}] score 0.9871"
    )
    assert rows[2]["relabel_suspected"] == "true"
    assert rows[2]["family"] == ""  # None is an empty cell
    assert rows[3]["tier"] == "none" and rows[3]["evidence"] == ""


def test_unreadable_row_keeps_its_place_with_the_error() -> None:
    rows = _parse(csv_report.render(typed(po_report())))
    err = rows[5]
    assert (err["row"], err["line"], err["error"]) == ("6", "7", "Quantity: not a number: 'four'")
    assert err["tier"] == "" and err["vendor"] == ""


def test_inventory_columns_filled() -> None:
    rows = _parse(csv_report.render(typed(inventory_report())))
    assert [(r["asset_id"], r["site"], r["tier"]) for r in rows[:4]] == [
        ("A-001", "Depot North", "prohibited"),
        ("A-002", "Depot North", "low"),
        ("A-003", "HQ", "none"),
        ("A-004", "HQ", "unknown"),
    ]
    assert rows[0]["mac"] == "44:19:B6:12:34:56"
    assert rows[4]["error"] == "MAC Address: malformed MAC '44:19:B6'"
    assert "vendor_matches" not in rows[0]


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+1+1", "-20C", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_formula_like_cells_are_neutralised(value: str) -> None:
    report = po_report()
    item = report["items"][3]
    item.update(vendor=value, description=value, site=value)
    item["evidence"] = [
        {"signal": "declared_make", "value": "x", "finding": "y", "source": "z", "weight": 0}
    ]
    item["evidence"][0]["signal"] = value  # the joined evidence cell starts with it too
    # An action's reason quotes user values (a site's name): its cells are neutralised too.
    item["action"] = {"code": value, "text": value, "reason": "", "also": []}
    rows = list(csv.reader(io.StringIO(csv_report.render(typed(report)), newline="")))
    header, row = rows[0], rows[4]
    for column in ("vendor", "description", "site", "action_code"):
        cell = row[header.index(column)]
        assert cell == "'" + value, (column, cell)
    evidence = row[header.index("evidence")]  # whitespace is collapsed in joined evidence
    assert evidence.startswith("'") or not evidence.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert evidence.endswith("cmd x: y (z; weight 0)") or evidence.startswith("'" + value[0])
    action = row[header.index("action")]  # one line: a leading tab or CR is collapsed
    assert action.startswith("'") or not action.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert row[header.index("model")] == "P3245-V"  # harmless text unchanged


def test_neutralise_leaves_numbers_and_safe_text() -> None:
    assert csv_report.neutralise(-5) == "-5"  # a number we produced is not a formula
    assert csv_report.neutralise("-5") == "'-5"
    assert csv_report.neutralise("DS-7608NI") == "DS-7608NI"
    assert csv_report.neutralise(None) == ""
    assert csv_report.neutralise(True) == "true"


def test_quotes_commas_and_newlines_round_trip_on_one_line() -> None:
    report = po_report()
    report["items"][3]["description"] = 'dome, "outdoor"\nIP67'
    text = csv_report.render(typed(report))
    rows = _parse(text)
    assert rows[3]["description"] == 'dome, "outdoor"\nIP67'
    report["items"][3]["evidence"] = [
        {"signal": "model", "value": "P3245-V", "finding": "two\nlines", "source": "s", "weight": 1}
    ]
    rows = _parse(csv_report.render(typed(report)))
    assert rows[3]["evidence"] == "model P3245-V: two lines (s; weight 1)"


def test_stream_is_lazy_and_matches_render() -> None:
    report = typed_inventory()
    entries: list[DeviceItem | RowError] = [*report.devices, report.errors[0]]
    assert "".join(csv_report.stream(entries, "inventory")) == csv_report.render(report)

    def endless() -> Iterator[DeviceItem]:
        device = report.devices[0]
        yield device
        yield device
        raise AssertionError("the stream read ahead of what was written")

    chunks = list(itertools.islice(csv_report.stream(endless(), "inventory"), 3))
    assert len(chunks) == 3 and chunks[0] == csv_report.csv_header("inventory")
    assert chunks[1] == chunks[2] == csv_report.csv_row(report.devices[0], "inventory")


def test_stream_rejects_unknown_kind_and_entry() -> None:
    with pytest.raises(ValueError, match="kind"):
        next(csv_report.stream([], "orders"))
    with pytest.raises(ValueError, match="got tuple"):
        list(csv_report.stream([("warning", {})], "po"))  # type: ignore[list-item]
    device = typed_inventory().devices[0]
    with pytest.raises(ValueError, match="needs an OrderItem, got DeviceItem"):
        list(csv_report.stream([device], "po"))


def test_rows_sharing_evidence_keep_their_own_fields() -> None:
    """Rows of one device model share their evidence entries and are encoded once; a row that
    shares them but differs in another column (here the score and tier) is its own line."""
    report = typed_inventory()
    first = report.devices[0]
    other = first.model_copy(update={"row": 9, "tier": "high", "score": 80})
    assert other.evidence[0] is first.evidence[0]  # the same entries, not copies
    rows = _parse("".join(csv_report.stream([first, other, first], "inventory")))
    assert [(r["row"], r["tier"], r["score"]) for r in rows] == [
        ("1", "prohibited", "90"),
        ("9", "high", "80"),
        ("1", "prohibited", "90"),
    ]
    assert rows[0]["evidence"] == rows[1]["evidence"] != ""
    changed = first.model_copy(
        update={"evidence": [Evidence(signal="model", finding="changed", weight=1)]}
    )
    (row,) = _parse("".join(csv_report.stream([changed], "inventory")))
    assert row["evidence"] == "model: changed (weight 1)"
    assert first.action is not None
    acted = first.model_copy(update={"action": first.action.model_copy(update={"code": "x"})})
    rows = _parse("".join(csv_report.stream([first, acted], "inventory")))
    assert [r["action_code"] for r in rows] == ["remove-now", "x"]
