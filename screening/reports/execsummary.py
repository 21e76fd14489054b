"""The HTML report's opening sections: the executive summary (`executive-summary`: counts by
tier, the most urgent actions, the actions counted, the worst sites or, for a purchase order,
the spend at risk by tier and by vendor) and the notes (`notes`: each list or statement the
evidence cites, stated once, binding for the buyer first). Every report value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..schemas.reports import Report
from ..scoring.tiers import TIERS
from .common import cell, items_of, noun, tier_counts

SITES_SHOWN = 12


def esc(value: object) -> str:
    """A report value as escaped HTML text."""
    return escape(cell(value), quote=True)


def table(head: Sequence[str], rows: Sequence[str], table_id: str) -> str:
    """A table with a header row; `rows` are `<tr>` elements already escaped."""
    ths = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(rows)
    return f'<table id="{table_id}"><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>'


def _badge(tier: str) -> str:
    return f'<span class="tier {esc(tier)}">{esc(tier)}</span>'


def _counts_sentence(report: Report) -> str:
    items = items_of(report)
    counts = tier_counts(items)
    parts = [f"{counts[t]} {t}" for t in TIERS if counts[t]]
    what = noun(report.kind)
    errors = len(report.errors)
    unread = f"; {errors} row(s) not read (left out of every figure)" if errors else ""
    return (
        f'<p class="counts">{len(items)} {what} under profile <strong>{esc(report.profile)}'
        f"</strong>: {esc(', '.join(parts) or 'none')}{unread}.</p>"
    )


def _urgent(report: Report) -> str:
    urgent = report.summary.urgent_actions
    if not urgent:
        return "<h3>Most urgent actions</h3><p>No action needed.</p>"
    lis = [
        f'<li class="urgent" data-code="{esc(u.code)}" data-row="{esc(u.row)}">'
        f"<strong>{esc(u.text)}</strong> ({_badge(u.tier)}): {esc(u.label)}"
        + (f" at {esc(u.where)}" if u.where and report.kind == "inventory" else "")
        + (f" from {esc(u.where)}" if u.where and report.kind == "po" else "")
        + f', row {esc(u.row)}. <span class="why">{esc(u.reason)}</span></li>'
        for u in urgent
    ]
    return f'<h3>Most urgent actions</h3><ol id="urgent-actions">{"".join(lis)}</ol>'


def _by_action(report: Report) -> str:
    texts = {it.action.code: it.action.text for it in items_of(report) if it.action}
    rows = [
        f'<tr class="action-count" data-code="{esc(code)}"><td>{esc(texts.get(code, ""))}</td>'
        f'<td><code>{esc(code)}</code></td><td class="num">{esc(n)}</td></tr>'
        for code, n in report.summary.by_action.items()
    ]
    if not rows:
        return ""
    return table(["What to do", "Action", noun(report.kind).capitalize()], rows, "by-action")


def _sites(report: Report) -> str:
    if report.kind != "inventory":
        return ""
    sites = list(report.summary.by_site.items())
    rows = [
        f'<tr class="site-count"><td>{esc(site or "(no site)")}</td>'
        + "".join(f'<td class="num">{counts.get(t, 0) or ""}</td>' for t in TIERS)
        + f'<td class="num">{sum(counts.values())}</td></tr>'
        for site, counts in sites[:SITES_SHOWN]
    ]
    more = len(sites) - SITES_SHOWN
    note = f"<p>… and {more} more sites.</p>" if more > 0 else ""
    head = ["Site", *(t.capitalize() for t in TIERS), "Devices"]
    return f"<h3>Sites, worst first</h3>{table(head, rows, 'by-site')}{note}"


def _spend(report: Report) -> str:
    if report.kind != "po":
        return ""
    summary = report.summary
    spend = summary.spend_at_risk
    if spend is None:
        return ""
    currency = esc(spend.currency) if spend.currency else "currency not given"
    rows = [
        f'<tr class="spend-tier" data-tier="{t}"><td>{_badge(t)}</td>'
        f'<td class="num">{esc(summary.quantity_by_tier.get(t, 0))}</td>'
        f'<td class="num">{esc(spend.by_tier.get(t, ""))}</td></tr>'
        for t in TIERS
        if t in spend.by_tier or summary.quantity_by_tier.get(t)
    ]
    vendors = [
        f'<tr class="spend-vendor"><td>{esc(v or "(no vendor)")}</td>'
        f'<td class="num">{esc(s.items)}</td><td class="num">{esc(s.quantity)}</td>'
        f'<td class="num">{esc(s.spend)}</td></tr>'
        for v, s in summary.by_vendor.items()
    ]
    unpriced = (
        f" {spend.unpriced_lines} line(s) without quantity or price are not in the amounts."
        if spend.unpriced_lines
        else ""
    )
    note = f" {esc(spend.note)}." if spend.note else ""
    return (
        f"<h3>Spend at risk ({currency})</h3>"
        f"<p>Quantity × unit price, as given in the file; total {esc(spend.total)}.{unpriced}"
        f"{note}</p>"
        + table(["Tier", "Quantity", "Spend"], rows, "spend-at-risk")
        + table(["Vendor", "Lines", "Quantity", "Spend"], vendors, "spend-by-vendor")
    )


def executive_summary(report: Report) -> str:
    """The opening section."""
    return (
        '<section id="executive-summary"><h2>Executive summary</h2>'
        f"{_counts_sentence(report)}{_urgent(report)}{_by_action(report)}{_sites(report)}"
        f"{_spend(report)}</section>"
    )


def notes(report: Report) -> str:
    """The lists and statements cited, each once (evidence entries link to them)."""
    if not report.notes:
        return ""
    lis = [
        f'<li id="note-{esc(n.id)}" class="note" data-force="{esc(n.force)}">'
        f"<strong>{esc(n.title)}</strong> "
        + (
            f'<span class="force {esc(n.force)}">{esc(n.jurisdiction)} · {esc(n.force)}</span> '
            if n.force
            else ""
        )
        + f"<code>{esc(n.source)}</code>: {esc(n.text)}</li>"
        for n in report.notes
    ]
    return (
        '<section id="notes"><h2>Lists and statements cited</h2>'
        "<p>Binding for this buyer first, then government guidance, then other countries' "
        f'measures (context).</p><ol class="notes">{"".join(lis)}</ol></section>'
    )
