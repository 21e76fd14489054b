"""Device risk for inventories (after deployment) and purchase orders (before): feeds
`devices/` and `scoring/` from the database and the reference tables and returns the typed
reports of `screening.schemas.reports`. Rows are scored one at a time, so a report can be
streamed."""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from ..devices.facts import DeviceFacts, InvalidFact
from ..devices.families import Resolver, default_resolver
from ..devices.identify import identify
from ..devices.oui import normalize_mac
from ..devices.reference import REFERENCE_FILES, Confidence, Reference, load_reference
from ..errors import InputError, NotFoundError
from ..inventories import DeviceRow, Kind
from ..inventories import RowError as ReadError
from ..matching.matcher import Matcher
from ..schemas.reports import (
    Action,
    DeviceItem,
    Evidence,
    InventoryReport,
    InventorySummary,
    OrderItem,
    OrderReport,
    OrderSummary,
    Report,
    RowError,
    SiteGroup,
    VendorGroup,
)
from ..scoring.actions import choose_action
from ..scoring.inputs import KevIndex, ListHit, VendorHit, build_kev_index
from ..scoring.listhits import family_list_hits
from ..scoring.profiles import PROFILES, profile_help
from ..scoring.relevance import Standing, force_for, order_evidence
from ..scoring.tiers import Tier
from ..settings import Settings
from . import devreport
from . import names as namescreen
from .active import CACHE, ActiveView, active_view
from .devsources import engine_resolver, kev_records, listed_facts
from .vendormatch import vendor_matches

_T = TypeVar("_T", bound=DeviceItem)


@dataclass
class RiskContext:
    """Everything a run scores against, fixed for the run."""

    reference: Reference
    resolver: Resolver
    list_hits: dict[str, list[ListHit]]
    kev: KevIndex | None
    matcher: Matcher
    snapshots: dict[str, str]
    snapshot_dates: dict[str, str | None]
    # Name screening with the corporate-family table, for order lines' vendors: a vendor that
    # is a listed party's subsidiary or national branch is buying from that party's family.
    names: namescreen.ScreenContext | None = None
    standing: dict[str, Standing] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    memo: dict[tuple[DeviceFacts, str, tuple[VendorHit, ...], Kind], _Scored] = field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True)
class _Scored:
    """The device-dependent part of an item, shared by every row with the same facts."""

    family: str | None
    family_confidence: Confidence | None
    tier: Tier
    score: int
    relabel_suspected: bool
    rules_fired: list[str]
    evidence: list[Evidence]
    action: Action


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise InputError(f"--profile {profile!r}: use one of {profile_help()}")
    return profile


def load_reference_tables(settings: Settings) -> Reference:
    folder = Path(settings.data_dir) / "reference"
    try:
        return load_reference({n: (folder / n).read_bytes() for n in REFERENCE_FILES})
    except FileNotFoundError as exc:
        raise NotFoundError(f"reference table missing: {exc.filename}") from exc


def risk_context(session: Session, settings: Settings) -> RiskContext:
    """Built once per set of active snapshots; list hits are cached on disk beside the index.
    In the server, right after a snapshot switch this is the previous context (its `snapshots`
    say which versions it holds) until a background thread has built the new one."""
    view = active_view(session)
    key = view.key()
    engine = session.get_bind().engine

    def background() -> RiskContext:
        with Session(engine, expire_on_commit=False) as own:
            return _build_context(own, settings, view, key)

    return CACHE.latest(
        "risk",
        key,
        lambda: _build_context(session, settings, view, key),
        background,
        engine.url.render_as_string(hide_password=True),
    )


def _build_context(session: Session, settings: Settings, view: ActiveView, key: str) -> RiskContext:
    reference = load_reference_tables(settings)
    party = [a.snapshot_id for a in view.of_type("party")]
    cache = Path(settings.state_dir) / "index" / f"listhits-{key}.pickle"
    list_hits: dict[str, list[ListHit]] | None = None
    if cache.is_file():
        try:
            list_hits = pickle.loads(cache.read_bytes())  # noqa: S301 - our own cache file
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            list_hits = None
    if list_hits is None:
        list_hits = family_list_hits(reference, listed_facts(session, party))
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("listhits-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # workers may write it at once
        tmp.write_bytes(pickle.dumps(list_hits))
        tmp.replace(cache)  # readers in other processes never see half a file
    kev_snap = view.get("us_cisa_kev")
    kev = (
        build_kev_index(kev_records(session, kev_snap.snapshot_id), reference) if kev_snap else None
    )
    names_ctx = namescreen.get_context(session, settings)
    matcher = names_ctx.matcher
    return RiskContext(
        names=names_ctx,
        reference=reference,
        resolver=engine_resolver(reference, default_resolver(reference)),
        list_hits=list_hits,
        kev=kev,
        matcher=matcher,
        snapshots=view.versions,
        snapshot_dates=view.dates,
        standing=devreport.load_standing(Path(settings.data_dir)),
    )


def _facts(row: DeviceRow) -> DeviceFacts:
    return DeviceFacts(
        make=row.make,
        model=row.model,
        mac=row.mac,
        firmware=row.firmware,
        site=row.site,
        face_recognition=row.face_recognition,
        internet_exposed=row.internet_exposed,
        cloud=row.cloud,
        site_sensitivity=row.site_sensitivity,
        installed_on=row.installed_on,
    )


def _scored(
    ctx: RiskContext,
    facts: DeviceFacts,
    profile: str,
    vendor_hits: tuple[VendorHit, ...],
    kind: Kind,
) -> _Scored:
    """Identification depends on a MAC only through its OUI and scoring not at all, so results
    are memoised per (facts without the MAC's last three bytes, profile, vendor hits, kind): a
    real inventory repeats the same few models and makers many times. Evidence comes most
    relevant to the profile's buyer first, each entry with its source's standing."""
    from ..scoring.profiles import score_device

    # The site's name is not a risk factor (its sensitivity is): leave it out of the key.
    key = (
        replace(facts, mac=facts.mac[:8] if facts.mac else None, site=None),
        profile,
        vendor_hits,
        kind,
    )
    hit = ctx.memo.get(key)
    if hit is not None:
        return hit
    ident = identify(key[0], ctx.reference, ctx.resolver, ctx.today)
    risk = score_device(
        ident,
        key[0],
        profile=profile,
        reference=ctx.reference,
        list_hits=ctx.list_hits,
        kev=ctx.kev,
        vendor_hits=vendor_hits,
    )
    scored = _Scored(
        family=ident.family,
        family_confidence=ident.family_confidence if ident.family else None,
        tier=risk.tier,
        score=risk.score,
        relabel_suspected=ident.relabel_suspected,
        rules_fired=list(risk.rules_fired),
        # model_construct: these are our own values, and a million-row inventory pays for
        # every validation (the models are validated where input arrives, not here).
        evidence=[
            Evidence.model_construct(
                signal=ev.signal,
                value=ev.value,
                finding=ev.finding,
                source=ev.source,
                weight=ev.weight,
                jurisdiction=st.jurisdiction if st else None,
                force=force_for(profile, st),
                note=ev.source if st else None,
            )
            for ev in order_evidence(risk.evidence, profile, ctx.standing)
            for st in [ctx.standing.get(ev.source)]
        ],
        action=_action(risk.tier, risk.evidence, key[0], profile, kind),
    )
    if len(ctx.memo) < 100_000:
        ctx.memo[key] = scored
    return scored


def _action(
    tier: Tier, evidence: Sequence[Any], facts: DeviceFacts, profile: str, kind: Kind
) -> Action:
    act = choose_action(tier, evidence, facts, profile=profile, kind=kind)
    return Action.model_construct(
        code=act.code, text=act.text, reason=act.reason, also=list(act.also)
    )


def assess(ctx: RiskContext, row: DeviceRow, profile: str, kind: Kind) -> DeviceItem:
    """One device or order line, scored. Raises InvalidFact for a bad value."""
    facts = _facts(row)
    if facts.mac:
        facts = replace(facts, mac=normalize_mac(facts.mac))  # InvalidFact for a malformed MAC
    matches = vendor_matches(ctx.matcher, ctx.names, row.vendor) if kind == "po" else []
    hits = tuple(
        VendorHit(row.vendor or "", m.entity_id, m.source, m.matched_name, m.score)
        for m in matches[:1]  # the best match makes the finding; all are listed on the item
    )
    scored = _scored(ctx, facts, profile, hits, kind)
    common: dict[str, Any] = {
        "row": row.row,
        "line": row.line,
        "asset_id": row.asset_id,
        "site": row.site,
        "declared_make": row.make,
        "model": row.model,
        "mac": row.mac,
        "firmware": row.firmware,
        "family": scored.family,
        "family_confidence": scored.family_confidence,
        "tier": scored.tier,
        "score": scored.score,
        "relabel_suspected": scored.relabel_suspected,
        "rules_fired": scored.rules_fired,
        "evidence": scored.evidence,
        "action": scored.action,
        # Readers that know unknown site-type or exposure words report them (issue 17).
        "warnings": list(getattr(row, "warnings", ())),
    }
    if kind == "inventory":
        return DeviceItem.model_construct(**common)
    return OrderItem.model_construct(
        **common,
        vendor=row.vendor,
        manufacturer=row.manufacturer,
        part_number=row.part_number,
        description=row.description,
        quantity=row.quantity,
        unit_price=str(row.unit_price) if row.unit_price is not None else None,
        currency=devreport.currency_of(row),
        vendor_matches=matches,
    )


def score_rows(
    ctx: RiskContext, rows: Iterable[DeviceRow | ReadError], profile: str, kind: Kind
) -> Iterator[DeviceItem | RowError]:
    """A scored item per readable row and a `RowError` per unreadable one, in file order."""
    for row in rows:
        if isinstance(row, ReadError):
            yield RowError(row=row.row, line=row.line, field=row.field, message=row.message)
            continue
        try:
            yield assess(ctx, row, profile, kind)
        except InvalidFact as exc:
            field_name = row.fields.get(exc.field, exc.field)
            yield RowError(row=row.row, line=row.line, field=field_name, message=exc.message)


def build_report(
    ctx: RiskContext, rows: Iterable[DeviceRow | ReadError], profile: str, kind: Kind
) -> Report:
    """The whole report (interfaces.md): items, errors, per-site or per-vendor and summary."""
    check_profile(profile)
    items: list[DeviceItem] = []
    errors: list[RowError] = []
    for got in score_rows(ctx, rows, profile, kind):
        if isinstance(got, RowError):
            errors.append(got)
        else:
            items.append(got)
    by_tier = dict(Counter(it.tier for it in items))
    by_family = dict(Counter(it.family for it in items if it.family))
    base = {
        "profile": profile,
        "snapshots": ctx.snapshots,
        "snapshot_dates": ctx.snapshot_dates,
        "required_sources": list(PROFILES[profile].required_sources),
        "errors": errors,
        "notes": devreport.build_notes(items, profile, ctx.standing, ctx.reference, ctx.list_hits),
    }
    by_action, urgent = devreport.actions_summary(items)
    if kind == "inventory":
        sites = _groups(items, lambda it: it.site)
        return InventoryReport(
            **base,
            devices=items,
            sites=[SiteGroup(site=g, devices=sum(c.values()), by_tier=dict(c)) for g, c in sites],
            summary=InventorySummary(
                devices=len(items),
                by_tier=by_tier,
                by_family=by_family,
                by_site=devreport.by_site(items),
                by_action=by_action,
                urgent_actions=urgent,
            ),
        )
    orders = [it for it in items if isinstance(it, OrderItem)]
    vendors = _groups(orders, lambda it: it.vendor)
    at_risk, by_vendor, quantity = devreport.spend(orders)
    return OrderReport(
        **base,
        items=orders,
        vendors=[VendorGroup(vendor=g, items=sum(c.values()), by_tier=dict(c)) for g, c in vendors],
        summary=OrderSummary(
            items=len(items),
            by_tier=by_tier,
            by_family=by_family,
            by_vendor=by_vendor,
            quantity_by_tier=quantity,
            spend_at_risk=at_risk,
            by_action=by_action,
            urgent_actions=urgent,
        ),
    )


def _groups(items: Sequence[_T], key: Callable[[_T], str | None]) -> list[tuple[str, Counter[str]]]:
    groups: dict[str, Counter[str]] = {}
    for it in items:
        groups.setdefault(key(it) or "", Counter())[it.tier] += 1
    return sorted(groups.items())
