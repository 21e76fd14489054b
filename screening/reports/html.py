"""The HTML report: one self-contained page for an inventory or a purchase order.

Everything is inline (CSS in a <style>, the chart an inline <svg>); there is no script, no
external font, image or stylesheet, and a Content-Security-Policy forbids loading anything, so
the page shows the same offline, attached to an e-mail or archived with an audit file.

Sections (ids for tests and for linking): `executive-summary` and `notes` first
(execsummary.py: counts, the most urgent actions, sites or spend at risk; each cited list or
statement stated once), `summary` (tier and family counts), `tier-chart` (a stacked bar of
tiers per site or vendor, worst first, at most `max_groups` bars), `findings` (one
`<tr class="item tier-…">` per device/item, worst first then by row, with its action, its
evidence (each entry's standing for the buyer, linked to its note) and vendor matches), `errors`
(one `<tr class="row-error">` per row not read) and `snapshots` (the list version used for each
source with its publisher's date; a source the profile needs but the report has no snapshot of
is flagged). Every value from the report is escaped.

A print stylesheet (`@media print`, A4 landscape) keeps the colours, repeats table headers and
keeps rows whole, so the browser's "Save as PDF" gives a usable document.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..schemas.reports import DeviceItem, OrderItem, Report, ReportKind
from ..scoring.tiers import TIERS
from .common import cell, items_of, match_text, noun, rank, tier_counts
from .execsummary import esc, executive_summary, notes
from .execsummary import table as _table

COLOURS: Mapping[str, str] = {
    "prohibited": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#f59e0b",
    "low": "#facc15",
    "none": "#16a34a",
    "unknown": "#9ca3af",
}
_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5em;
color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 6px;
vertical-align:top;text-align:left}th{background:#f3f4f6}td.num{text-align:right}
.tier{font-weight:600;padding:1px 6px;border-radius:3px;color:#fff;white-space:nowrap}
.tier.low,.tier.medium{color:#111}
td.evidence{min-width:32em}ul.evidence{margin:0;padding-left:1.1em}ul.evidence li{margin:0}
.source{color:#555;font-size:.9em}.missing{color:#b91c1c;font-weight:600}
svg text{font:12px system-ui,Arial,sans-serif}
#executive-summary{border:2px solid #111;padding:.2em 1em .8em;margin-bottom:1em}
#executive-summary h2{margin-top:.6em}h3{font-size:1.05em;margin:1em 0 .3em}
ol#urgent-actions li{margin:.2em 0}.why{color:#444}
.force{font-size:.85em;padding:0 4px;border-radius:3px;border:1px solid #888;white-space:nowrap}
.force.binding{background:#fee2e2;border-color:#b91c1c}.force.guidance{background:#fef3c7}
.force.context{background:#f3f4f6;color:#555}.action code{font-size:.9em}
ol.notes li{margin:.3em 0}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;font-size:10pt}*{-webkit-print-color-adjust:exact;
print-color-adjust:exact}thead{display:table-header-group}tr,li{break-inside:avoid}
h2,h3{break-after:avoid}td.evidence{min-width:0}svg{max-width:100%;height:auto}
#executive-summary{break-after:page}a{color:inherit;text-decoration:none}}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _tier_css() -> str:
    return "".join(
        f".tier.{t}{{background:{c}}}svg .tier-{t}{{fill:{c}}}" for t, c in COLOURS.items()
    )


def _badge(tier: object) -> str:
    name = cell(tier)
    css = name if name in COLOURS else "unknown"
    return f'<span class="tier {css}">{esc(name)}</span>'


def _summary(report: Report) -> str:
    kind = report.kind
    items = items_of(report)
    counts = tier_counts(items)
    families = report.summary.by_family
    tier_rows = [
        f'<tr class="summary-tier" data-tier="{t}"><td>{_badge(t)}</td>'
        f'<td class="num">{counts[t]}</td></tr>'
        for t in TIERS
    ]
    family_rows = [
        f'<tr class="summary-family"><td>{esc(f)}</td><td class="num">{esc(n)}</td></tr>'
        for f, n in sorted(families.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    ]
    errors = len(report.errors)
    parts = [
        '<section id="summary"><h2>Summary</h2>',
        f"<p>{len(items)} {noun(kind)} scored; {errors} row(s) could not be read "
        f"(listed below, left out of every figure).</p>",
        _table(["Tier", noun(kind).capitalize()], tier_rows, "by-tier"),
    ]
    if family_rows:
        parts.append(_table(["Maker family", noun(kind).capitalize()], family_rows, "by-family"))
    parts.append("</section>")
    return "".join(parts)


def _group_key(kind: ReportKind) -> str:
    """The per-group field: `vendor` for purchase orders, `site` for inventories."""
    return "vendor" if kind == "po" else "site"


def _groups(report: Report) -> list[tuple[str, dict[str, int]]]:
    """(group, tier counts) from the report's `sites` or `vendors`, worst first."""
    if report.kind == "po":
        out = [(g.vendor, dict(g.by_tier)) for g in report.vendors]
    else:
        out = [(g.site, dict(g.by_tier)) for g in report.sites]
    return sorted(out, key=lambda g: (*(-g[1].get(t, 0) for t in TIERS), g[0]))


def chart(report: Report, max_groups: int = 40) -> str:
    """The stacked bar chart of tiers per site (inventory) or vendor (PO), as inline SVG."""
    kind = report.kind
    groups = _groups(report)
    shown = groups[:max_groups]
    label_w, bar_w, row_h, top = 220, 480, 22, 8
    most = max((sum(c.values()) for _, c in shown), default=0) or 1
    height = top + row_h * len(shown) + 34
    what = _group_key(kind)
    parts = [
        f'<svg id="tier-chart" role="img" width="{label_w + bar_w + 60}" height="{height}" '
        f'viewBox="0 0 {label_w + bar_w + 60} {height}" aria-labelledby="tier-chart-title">',
        f'<title id="tier-chart-title">{noun(kind).capitalize()} per {what} by risk tier</title>',
    ]
    for i, (name, counts) in enumerate(shown):
        y = top + i * row_h
        label = name or f"(no {what})"
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<g class="bar" data-{what}="{esc(name)}"><text x="{label_w - 6}" y="{y + 15}" '
            f'text-anchor="end"><title>{esc(label)}</title>{esc(short)}</text>'
        )
        x = float(label_w)
        for tier in TIERS:
            n = counts.get(tier, 0)
            if not n:
                continue
            w = bar_w * n / most
            parts.append(
                f'<rect class="seg tier-{tier}" data-tier="{tier}" data-count="{n}" '
                f'x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}">'
                f"<title>{esc(label)}: {tier} {n}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{sum(counts.values())}</text></g>')
    lx = float(label_w)
    ly = top + row_h * len(shown) + 12
    for tier in TIERS:
        parts.append(
            f'<rect class="legend tier-{tier}" x="{lx:.0f}" y="{ly}" width="10" height="10"/>'
            f'<text x="{lx + 14:.0f}" y="{ly + 9}">{tier}</text>'
        )
        lx += 24 + 7 * len(tier)
    parts.append("</svg>")
    more = len(groups) - len(shown)
    note = f"<p>… and {more} more {what}s (see the table below).</p>" if more > 0 else ""
    return f'<section id="chart"><h2>Risk tiers per {what}</h2>{"".join(parts)}{note}</section>'


def _evidence(item: DeviceItem) -> str:
    lis = []
    for ev in item.evidence:
        weight = f"; weight {esc(ev.weight)}" if ev.weight is not None else ""
        force = (
            f'<span class="force {esc(ev.force)}">{esc(ev.jurisdiction)} · {esc(ev.force)}</span> '
            if ev.force
            else ""
        )
        source = esc(ev.source)
        if ev.note:
            source = f'<a href="#note-{esc(ev.note)}">{source}</a>'
        lis.append(
            f'<li><span class="signal">{esc(ev.signal)}</span> {force}'
            f"<code>{esc(ev.value)}</code>: {esc(ev.finding)} "
            f'<span class="source">({source}{weight})</span></li>'
        )
    return f'<ul class="evidence">{"".join(lis)}</ul>' if lis else ""


def _action(item: DeviceItem) -> str:
    act = item.action
    if act is None:
        return ""
    also = f"<br>also: {esc(', '.join(act.also))}" if act.also else ""
    return (
        f"<strong>{esc(act.text)}</strong> <code>{esc(act.code)}</code>"
        f'<br><span class="why">{esc(act.reason)}</span>{also}'
    )


def _item_row(item: DeviceItem) -> str:
    tier = item.tier
    css = tier if tier in COLOURS else "unknown"
    fam = cell(item.family)
    conf = cell(item.family_confidence)
    family = f"{esc(fam)} ({esc(conf)})" if fam and conf else esc(fam)
    relabel = "suspected" if item.relabel_suspected else ""
    if isinstance(item, OrderItem):
        matches = "<br>".join(esc(match_text(m)) for m in item.vendor_matches)
        cells = [
            esc(item.vendor),
            esc(item.declared_make or item.manufacturer),
            esc(item.part_number or item.model),
            esc(item.description),
            f'<td class="num">{esc(item.quantity)}</td>',
        ]
        tail = [matches]
    else:
        cells = [esc(item.asset_id), esc(item.site), esc(item.declared_make), esc(item.model)]
        tail = []
    tds = [
        f'<td class="num">{esc(item.row)}</td>',
        f'<td class="num">{esc(item.line)}</td>',
        *(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells),
        f"<td>{family}</td>",
        f"<td>{_badge(tier)}</td>",
        f'<td class="num">{esc(item.score)}</td>',
        f"<td>{relabel}</td>",
        f'<td class="action">{_action(item)}</td>',
        *(f"<td>{c}</td>" for c in tail),
        f'<td class="evidence">{_evidence(item)}</td>',
    ]
    return f'<tr class="item tier-{css}" data-row="{esc(item.row)}">{"".join(tds)}</tr>'


def _findings(report: Report) -> str:
    kind = report.kind
    items = sorted(items_of(report), key=lambda it: (-rank(it.tier), it.row))
    if kind == "po":
        head = ["Row", "Line", "Vendor", "Make", "Part / model", "Description", "Qty"]
        head += ["Family", "Tier", "Score", "Relabel", "Action", "Vendor matches", "Evidence"]
    else:
        head = ["Row", "Line", "Asset", "Site", "Make", "Model", "Family", "Tier", "Score"]
        head += ["Relabel", "Action", "Evidence"]
    rows = [_item_row(it) for it in items]
    return (
        f'<section id="findings-section"><h2>{noun(kind).capitalize()}, worst first</h2>'
        f"{_table(head, rows, 'findings')}</section>"
    )


def _errors(report: Report) -> str:
    rows = [
        f'<tr class="row-error"><td class="num">{esc(e.row)}</td>'
        f'<td class="num">{esc(e.line)}</td><td>{esc(e.field)}</td>'
        f"<td>{esc(e.message)}</td></tr>"
        for e in report.errors
    ]
    body = _table(["Row", "Line", "Field", "Message"], rows, "errors") if rows else "<p>None.</p>"
    return f'<section id="errors-section"><h2>Rows not read ({len(rows)})</h2>{body}</section>'


def _snapshots(report: Report) -> str:
    versions = report.snapshots
    dates = report.snapshot_dates
    required = report.required_sources
    rows = []
    for source in sorted(set(versions) | set(required)):
        need = "yes" if source in required else ""
        if source in versions:
            version, published = esc(versions[source]), esc(dates.get(source)) or "unknown"
        else:
            version, published = '<span class="missing">no data</span>', ""
        rows.append(
            f'<tr class="snapshot"><td>{esc(source)}</td><td>{version}</td>'
            f"<td>{published}</td><td>{need}</td></tr>"
        )
    head = ["Source", "Version used", "Publisher's date", "Needed by profile"]
    table = _table(head, rows, "snapshots")
    return f'<section id="snapshots-section"><h2>Lists used</h2>{table}</section>'


def render(report: Report, max_groups: int = 40) -> str:
    """The whole page as text."""
    title = "Purchase-order risk report" if report.kind == "po" else "Inventory risk report"
    facts = [("Profile", report.profile), ("File", report.file)]
    meta = " · ".join(f"{k}: <strong>{esc(v)}</strong>" for k, v in facts if v is not None)
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title><style>{_CSS}{_tier_css()}</style></head><body>",
            f"<h1>{title}</h1><p>{meta}</p>",
            executive_summary(report),
            notes(report),
            _summary(report),
            chart(report, max_groups),
            _findings(report),
            _errors(report),
            _snapshots(report),
            "</body></html>\n",
        ]
    )
