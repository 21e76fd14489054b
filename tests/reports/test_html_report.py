"""The HTML report: self-contained, escaped, with the chart, summary, findings, errors and list
versions. Reports are hand-built (tests/reports/support.py)."""

from __future__ import annotations

import re

from screening.reports import html as html_report
from tests.reports.support import ACME, NDAA, Elements, inventory_report, po_report, typed


def test_page_is_self_contained() -> None:
    page = html_report.render(typed(po_report()))
    assert page.startswith("<!DOCTYPE html>")
    lowered = page.lower()
    for banned in ("<script", "src=", "<link", "url(", "@import", "http://", "https://", "<iframe"):
        assert banned not in lowered, banned
    meta = Elements(page).find("meta")
    csp = [m for m in meta if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"].startswith("default-src 'none'")


def test_po_chart_has_a_stacked_bar_per_vendor() -> None:
    report = po_report()
    els = Elements(html_report.render(typed(report)))
    assert len(els.find("svg")) == 1 and els.find("svg")[0]["id"] == "tier-chart"
    bars = els.find("g", "bar")
    # worst first: two prohibited (Acme) before one prohibited, then the clean vendor
    assert [b["data-vendor"] for b in bars] == [
        ACME,
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "Nordic Camera Distribution AB",
    ]
    segs = [(s["data-tier"], s["data-count"], float(s["width"])) for s in els.find("rect", "seg")]
    assert segs == [
        ("prohibited", "2", 320.0),  # 2 of the longest bar's 3 items: 2/3 of 480 px
        ("low", "1", 160.0),
        ("prohibited", "1", 160.0),
        ("none", "1", 160.0),
    ]
    assert len(els.find("rect", "legend")) == 6


def test_summary_findings_errors_and_snapshots() -> None:
    report = po_report()
    els = Elements(html_report.render(typed(report)))
    tiers = {r["data-tier"] for r in els.find("tr", "summary-tier")}
    assert tiers == {"prohibited", "high", "medium", "low", "none", "unknown"}
    rows = els.find("tr", "item")
    assert [r["data-row"] for r in rows] == ["1", "2", "5", "3", "4"]  # worst first, then row
    assert [r["class"] for r in rows][:1] == ["item tier-prohibited"]
    assert len(els.find("tr", "row-error")) == 1
    assert len(els.find("ul", "evidence")) == 4  # the Axis line has no evidence
    text = " ".join(els.text)
    assert "not a number: 'four'" in text and "Quantity" in text
    assert f"Hangzhou Hikvision Digital Technology Company [{NDAA}]" in text
    assert (
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD. [us_ofac_cons:30946] score 0.9871" in text
    )
    snapshot_rows = els.find("tr", "snapshot")
    assert len(snapshot_rows) == 7  # 5 used + us_dod_1260h and us_ofac_sdn required, absent
    page = html_report.render(typed(report))
    assert re.search(
        r"<td>us_bis_entity_list</td><td>2026-07-15-c41e9b07</td><td>2026-07-15</td>", page
    )
    assert re.search(r"<td>us_dod_1260h</td><td><span class=\"missing\">no data</span>", page)
    assert "Profile: <strong>us-federal</strong>" in page and "orders/po.csv" in page


def test_every_user_value_is_escaped() -> None:
    report = po_report()
    item = report["items"][3]
    item["vendor"] = "<script>alert(1)</script>"
    item["description"] = '"><img src=x onerror=alert(1)>'
    item["evidence"] = [
        {"signal": "model", "value": "<b>", "finding": "a & b", "source": "<i>", "weight": 1}
    ]
    report["vendors"][2]["vendor"] = "<svg onload=alert(1)>"
    report["errors"][0]["message"] = "<iframe>"
    page = html_report.render(typed(report))
    els = Elements(page)
    assert not els.find("script") and not els.find("img") and not els.find("iframe")
    assert not els.find("b") and not els.find("i") and len(els.find("svg")) == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "a &amp; b" in page
    assert 'data-vendor="&lt;svg onload=alert(1)&gt;"' in page


def test_inventory_page_uses_sites() -> None:
    report = inventory_report()
    page = html_report.render(typed(report))
    els = Elements(page)
    assert "<title>Inventory risk report</title>" in page
    assert [b["data-site"] for b in els.find("g", "bar")] == ["Depot North", "HQ"]
    assert [s["data-tier"] for s in els.find("rect", "seg")] == [
        "prohibited",
        "low",
        "none",
        "unknown",
    ]
    assert [r["data-row"] for r in els.find("tr", "item")] == ["1", "2", "3", "4"]
    assert "Vendor matches" not in page


def test_chart_is_limited_to_max_groups_worst_first() -> None:
    report = inventory_report()
    for i, device in enumerate(report["devices"]):
        device["site"] = f"Site {i}"
    report["sites"] = [  # in the report's order; the chart puts the worst first
        {"site": d["site"], "devices": 1, "by_tier": {d["tier"]: 1}}
        for d in reversed(report["devices"])
    ]
    els = Elements(html_report.render(typed(report), max_groups=2))
    assert [b["data-site"] for b in els.find("g", "bar")] == ["Site 0", "Site 1"]
    assert "… and 2 more sites" in " ".join(els.text)
    assert [s["data-tier"] for s in els.find("rect", "seg")] == ["prohibited", "low"]


def test_page_opens_with_the_executive_summary_then_the_notes() -> None:
    page = html_report.render(typed(po_report()))
    els = Elements(page)
    sections = [a["id"] for t, a in els.tags if t == "section"]
    assert sections[:3] == ["executive-summary", "notes", "summary"]
    urgent = els.find("li", "urgent")
    assert [(u["data-code"], u["data-row"]) for u in urgent] == [("do-not-buy", "2")]
    assert [r["data-code"] for r in els.find("tr", "action-count")] == [
        "do-not-buy",
        "remove-now",
        "verify-maker",
        "none",
    ]
    # spend at risk: the summary's figures, its currency, per tier and per vendor
    assert [r["data-tier"] for r in els.find("tr", "spend-tier")] == ["prohibited", "low", "none"]
    assert "<h3>Spend at risk (GBP)</h3>" in page and "total 2746.00" in page
    assert "3 line(s) without quantity or price" in page
    assert len(els.find("tr", "spend-vendor")) == 1
    # each cited list once, binding first; evidence links to its note and shows its force
    notes = els.find("li", "note")
    assert [n["id"] for n in notes] == [
        "note-us_ndaa_889",
        "note-us_bis_entity_list",
        "note-us_cisa_kev",
    ]
    assert '<a href="#note-us_ndaa_889">us_ndaa_889</a>' in page
    assert '<span class="force binding">US · binding</span>' in page
    # the findings table has the action of every item
    cells = els.find("td", "action")
    assert len(cells) == len(po_report()["items"])
    assert "Do not buy this line" in page and "also: choose-another-supplier" in page


def test_inventory_summary_names_the_worst_sites() -> None:
    page = html_report.render(typed(inventory_report()))
    els = Elements(page)
    assert len(els.find("tr", "site-count")) == 2
    assert "Spend at risk" not in page
    text = "".join(els.text)
    assert "4 devices under profile us-federal: 1 prohibited, 1 low, 1 none, 1 unknown" in text
    assert "Remove and replace it now" in text


def test_summary_values_are_escaped() -> None:
    report = inventory_report()
    report["summary"]["urgent_actions"][0]["reason"] = "<script>alert(1)</script>"
    report["summary"]["by_site"] = {"<b>site</b>": {"high": 1}}
    report["notes"][0]["text"] = "<img src=x>"
    page = html_report.render(typed(report))
    assert "<script>" not in page and "<b>site</b>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;site&lt;/b&gt;" in page


def test_print_stylesheet() -> None:
    page = html_report.render(typed(po_report()))
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@media print" in style and "@page{size:A4 landscape" in style
    assert "print-color-adjust:exact" in style  # tier colours survive printing
    assert "thead{display:table-header-group}" in style  # headers repeat on every page
