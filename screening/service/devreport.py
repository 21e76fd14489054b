"""The report-level parts of a device report: the notes that state each cited list or policy
statement once, the executive summary (counts by tier and by site or vendor, the most urgent
actions, spend at risk for purchase orders) and the currency an order line's price is in.

`standing` (whose measure each source is, and its force for a UK buyer) comes from the sources'
registry and from the `jurisdiction`/`uk_force` columns of policy_statements.csv.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..devices.reference import POLICIES_FILE, Reference
from ..inventories import DeviceRow
from ..inventories.headers import norm_header
from ..schemas.reports import (
    DeviceItem,
    Note,
    OrderItem,
    SpendAtRisk,
    UrgentAction,
    VendorSpend,
)
from ..scoring.actions import URGENCY
from ..scoring.inputs import ListHit
from ..scoring.relevance import FORCE_WORDS, FORCES, Standing, buyer_of, force_for
from ..scoring.rules import title
from ..scoring.tiers import RANK, TIERS
from ..sources.registry import STANDING

URGENT_SHOWN = 5
_CURRENCY_HEADERS = frozenset({"currency", "ccy", "curr", "currencycode"})
_SYMBOLS = "£$€¥"
_CODE = re.compile(r"(?:^|[\s(])([A-Z]{3})(?:$|[\s)])")
_BRACKET = re.compile(r"\(([^)]*)\)")
_NOT_CODES = frozenset({"POA", "TBC", "TBA"})  # "price on application", "to be confirmed"


def load_standing(data_dir: Path) -> dict[str, Standing]:
    """Every source's standing, and each policy statement's from its CSV columns (a row
    without them has none)."""
    out = {sid: Standing(j, force, note) for sid, (j, force, note) in STANDING.items()}
    path = data_dir / "reference" / POLICIES_FILE
    if path.is_file():
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            if row.get("id") and row.get("jurisdiction") and row.get("uk_force"):
                out[row["id"]] = Standing(row["jurisdiction"], row["uk_force"], "")
    return out


def _list_text(
    source: str, profile: str, st: Standing, hits: Iterable[ListHit], families: set[str]
) -> str:
    buyer = buyer_of(profile)
    if buyer == "UK":
        parts = [st.note]
    elif buyer == "US":
        force = force_for(profile, st)
        parts = [f"A {st.jurisdiction} measure: {FORCE_WORDS[force or 'context']}."]
    else:
        parts = [f"A {st.jurisdiction} measure."]
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        key = (hit.name, hit.scope or "")
        if key in seen:
            continue
        seen.add(key)
        since = f" since {hit.listed_on}" if hit.listed_on else ""
        scope = f"; scope: {hit.scope.strip().rstrip('.')}" if hit.scope else ""
        parts.append(f"Listed: {hit.name} ({hit.relation}){since}{scope}.")
    if not seen and families:
        parts.append(f"Cited for: {', '.join(sorted(families))}.")
    return " ".join(p for p in parts if p)


def build_notes(
    items: Sequence[DeviceItem],
    profile: str,
    standing: Mapping[str, Standing],
    reference: Reference,
    list_hits: Mapping[str, Sequence[ListHit]],
) -> list[Note]:
    """One note per list or policy statement the items' evidence cites, binding first."""
    cited: dict[str, set[str]] = {}
    done: set[int] = set()
    for item in items:
        if id(item.evidence) in done:  # rows of one scored device share their entries
            continue
        done.add(id(item.evidence))
        for ev in item.evidence:
            if ev.note:
                cited.setdefault(ev.note, set()).update([item.family] if item.family else [])
    notes: list[Note] = []
    for source, families in cited.items():
        st = standing[source]
        force = force_for(profile, st)
        policy = reference.policies.get(source)
        if policy is not None:
            why = f" For this buyer: {FORCE_WORDS[force]}." if force else ""
            text = (
                f"{policy.authority}, {policy.date}: {policy.requirement}. "
                f"Applies to: {policy.applies_to}.{why}"
            )
            name = policy.title
        else:
            hits = [h for f in sorted(families) for h in list_hits.get(f, ()) if h.source == source]
            text, name = _list_text(source, profile, st, hits, families), title(source)
        notes.append(
            Note(
                id=source,
                source=source,
                title=name,
                jurisdiction=st.jurisdiction,
                force=force,
                text=text,
            )
        )
    order: dict[str, int] = {f: i for i, f in enumerate(FORCES)}
    return sorted(notes, key=lambda n: order.get(n.force or "", len(FORCES)))


def _label(item: DeviceItem) -> str:
    if isinstance(item, OrderItem):
        part = item.part_number or item.model or item.description or ""
        return " ".join(x for x in (item.declared_make or item.manufacturer, part) if x) or "-"
    made = " ".join(x for x in (item.declared_make, item.model) if x) or "(no make or model)"
    return f"{item.asset_id}: {made}" if item.asset_id else made


def actions_summary(items: Sequence[DeviceItem]) -> tuple[dict[str, int], list[UrgentAction]]:
    """Items per action code (most urgent first) and the `URGENT_SHOWN` most urgent actions
    (by tier, then action, then row: a high-tier device comes before any medium one, whatever
    its action, as a reader of "most urgent" expects)."""
    counts = Counter(it.action.code for it in items if it.action)
    by_action = {c: counts[c] for c in sorted(counts, key=lambda c: URGENCY.get(c, 99))}
    pending = heapq.nsmallest(  # not a sort of a million rows for five
        URGENT_SHOWN,
        (it for it in items if it.action and it.action.code != "none"),
        key=lambda it: (
            -RANK.get(it.tier, -1),
            URGENCY.get(it.action.code, 99) if it.action else 99,
            it.row,
        ),
    )
    urgent = [
        UrgentAction(
            row=it.row,
            label=_label(it),
            where=it.vendor if isinstance(it, OrderItem) else it.site,
            tier=it.tier,
            code=it.action.code,
            text=it.action.text,
            reason=it.action.reason,
        )
        for it in pending
        if it.action
    ]
    return by_action, urgent


def _severity(counts: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(-counts.get(t, 0) for t in TIERS)


def by_site(items: Sequence[DeviceItem]) -> dict[str, dict[str, int]]:
    """site -> tier -> devices, the worst sites first (blank site: "")."""
    groups: dict[str, Counter[str]] = {}
    for it in items:
        groups.setdefault(it.site or "", Counter())[it.tier] += 1
    ordered = sorted(groups.items(), key=lambda g: (_severity(g[1]), g[0]))
    return {site: {t: c[t] for t in TIERS if c[t]} for site, c in ordered}


def currency_of(row: DeviceRow) -> str | None:
    """The currency of an order line's price as the file gives it: the row's own `currency`
    (when the reader has one), a currency column, a bracketed note in the price's header
    (`Unit Price (GBP)`), or the code or symbol written in the price cell; else None."""
    own: object = getattr(row, "currency", None)
    if own:
        return str(own)
    for header, value in row.columns.items():
        if norm_header(header) in _CURRENCY_HEADERS and value.strip():
            return value.strip()
    price_header = row.fields.get("unit_price")
    if not price_header:
        return None
    texts: list[str] = [*_BRACKET.findall(price_header), row.columns.get(price_header, "")]
    for text in texts:
        code = _CODE.search(text)
        if code and code.group(1) not in _NOT_CODES:
            return str(code.group(1))
        symbol = next((ch for ch in text if ch in _SYMBOLS), None)
        if symbol:
            return symbol
    return None


def _amount(item: OrderItem) -> Decimal | None:
    if item.quantity is None or item.unit_price is None:
        return None
    try:
        return Decimal(item.unit_price) * item.quantity
    except InvalidOperation:
        return None


def _money(value: Decimal) -> str:
    return format(value, "f")


def spend(
    items: Sequence[OrderItem],
) -> tuple[SpendAtRisk, dict[str, VendorSpend], dict[str, int]]:
    """Spend (quantity x unit price) per tier and per vendor, and quantity per tier. Lines in
    different currencies are not added up: then `spend_at_risk.currency` is null, its
    `by_tier` empty and `note` says why (the per-vendor figures are left out too)."""
    currencies = sorted({it.currency for it in items if it.currency})
    mixed = len(currencies) > 1
    by_tier: dict[str, Decimal] = {}
    quantity: Counter[str] = Counter()
    vendors: dict[str, list[OrderItem]] = {}
    unpriced = 0
    for it in items:
        quantity[it.tier] += it.quantity or 0
        vendors.setdefault(it.vendor or "", []).append(it)
        amount = _amount(it)
        if amount is None:
            unpriced += 1
            continue
        by_tier[it.tier] = by_tier.get(it.tier, Decimal(0)) + amount
    note = ""
    if mixed:
        note = f"lines in several currencies ({', '.join(currencies)}): not added up"
        by_tier = {}
    total = sum(by_tier.values(), Decimal(0))
    at_risk = SpendAtRisk(
        currency=None if mixed else (currencies[0] if currencies else None),
        by_tier={t: _money(by_tier[t]) for t in TIERS if t in by_tier},
        total=_money(total),
        unpriced_lines=unpriced,
        note=note,
    )
    per_vendor: dict[str, VendorSpend] = {}
    for vendor, lines in sorted(vendors.items()):
        tiers: dict[str, Decimal] = {}
        for it in lines:
            amount = _amount(it)
            if amount is not None and not mixed:
                tiers[it.tier] = tiers.get(it.tier, Decimal(0)) + amount
        per_vendor[vendor] = VendorSpend(
            items=len(lines),
            quantity=sum(it.quantity or 0 for it in lines),
            spend=_money(sum(tiers.values(), Decimal(0))),
            by_tier={t: _money(tiers[t]) for t in TIERS if t in tiers},
        )
    return at_risk, per_vendor, {t: quantity[t] for t in TIERS if t in quantity}
