"""Device risk for inventories (after deployment) and purchase orders (before): the service
that feeds `devices/` and `scoring/` from the database and the reference tables, and shapes the
report of interfaces.md. Rows are scored one at a time, so a report can be streamed."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session

from . import namescreen
from .devices.facts import DeviceFacts, InvalidFact
from .devices.families import FamilyHit, Resolver, default_resolver
from .devices.identify import identify
from .devices.oui import normalize_mac
from .devices.reference import REFERENCE_FILES, Confidence, Reference, load_reference
from .errors import InputError, NotFoundError
from .inventories import DeviceRow, RowError
from .matching.matcher import Matcher
from .models import Snapshot, SourceRow
from .scoring.inputs import KevIndex, ListHit, build_kev_index
from .scoring.listhits import ListedFacts, family_list_hits
from .scoring.profiles import PROFILE_SOURCES, PROFILES
from .settings import Settings
from .sources.base import Record
from .store import ENTITY_TABLE, NAME_TABLE

TIERS = ("prohibited", "high", "medium", "low", "none", "unknown")
_RANK = {t: i for i, t in enumerate(TIERS)}
_lock = threading.Lock()
_memo: dict[str, RiskContext] = {}


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
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    memo: dict[tuple[DeviceFacts, str], dict[str, Any]] = field(default_factory=dict)


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise InputError(f"--profile {profile!r}: use one of {', '.join(sorted(PROFILES))}")
    return profile


def load_reference_tables(settings: Settings) -> Reference:
    folder = Path(settings.data_dir) / "reference"
    try:
        return load_reference({n: (folder / n).read_bytes() for n in REFERENCE_FILES})
    except FileNotFoundError as exc:
        raise NotFoundError(f"reference table missing: {exc.filename}") from exc


def _active(session: Session) -> list[tuple[str, int, str, date | None, str]]:
    rows = session.execute(
        sa_select(
            SourceRow.id,
            Snapshot.id,
            Snapshot.version,
            Snapshot.published_at,
            SourceRow.record_type,
        ).join(Snapshot, Snapshot.id == SourceRow.active_snapshot_id)  # type: ignore[call-overload]
    ).all()
    return [(sid, snap, ver or "", pub, rtype) for sid, snap, ver, pub, rtype in rows]


def _listed_facts(session: Session, snap_ids: list[int]) -> Iterator[ListedFacts]:
    e, n = ENTITY_TABLE.c, NAME_TABLE.c
    names: dict[int, list[str]] = {}
    for pk, name in session.execute(
        sa_select(n.entity_pk, n.name).where(n.snapshot_id.in_(snap_ids))
    ):
        names.setdefault(pk, []).append(name)
    query = sa_select(
        e.id, e.source_id, e.entity_id, e.kind, e.name, e.listed_on, e.details, e.programs
    )
    for pk, src, eid, kind, name, listed_on, details, programs in session.execute(
        query.where(e.snapshot_id.in_(snap_ids))
    ):
        yield ListedFacts(
            src, eid, kind, name, tuple(names.get(pk, [name])), listed_on, details, tuple(programs)
        )


def _kev_records(session: Session, snap_id: int) -> list[Record]:
    e = ENTITY_TABLE.c
    out = []
    for local_id, name, details, listing_dates in session.execute(
        sa_select(e.local_id, e.name, e.details, e.listing_dates).where(e.snapshot_id == snap_id)
    ):
        dates = tuple(date.fromisoformat(d) for d in listing_dates)
        out.append(Record(local_id, "vulnerability", name, listing_dates=dates, details=details))
    return out


def _engine_resolver(reference: Reference, fallback: Resolver) -> Resolver:
    """The reference table's own resolver first (exact names, typing slips, brand words); then
    the matching engine over every family name, for reordered or transliterated names."""
    from .matching.index import Index, IndexEntry

    entries = []
    for i, m in enumerate(reference.members):
        for name in m.names:
            entries.append(IndexEntry(f"family:{i}", "reference", name, "primary", "organization"))
    matcher = Matcher(Index.build(entries))

    @lru_cache(maxsize=8192)  # inventories repeat the same few makes and registrants
    def resolve(text: str) -> FamilyHit | None:
        hit = fallback(text)
        if hit is not None:
            return hit
        found = matcher.screen(text, kind="organization", limit=1)
        if not found:
            return None
        best = found[0]
        member = reference.members[int(best.entity_id.split(":")[1])]
        if member.family is None and member.confidence != "low":
            return None
        confidence: Confidence = "medium" if member.confidence != "low" else "low"
        return FamilyHit(
            member.family,
            best.matched_name,
            confidence,
            round(best.score, 4),
            f"the matching engine scored {text!r} {best.score:.2f} against {best.matched_name!r}",
            member.name,
            member.relation,
        )

    return resolve


def risk_context(session: Session, settings: Settings) -> RiskContext:
    """Built once per set of active snapshots; list hits are cached on disk beside the index."""
    active = _active(session)
    key = hashlib.sha256(repr(sorted((s, v) for s, _, v, _, _ in active)).encode()).hexdigest()[:16]
    with _lock:
        if key in _memo:
            return _memo[key]
        reference = load_reference_tables(settings)
        party = [snap for _, snap, _, _, rtype in active if rtype == "party"]
        cache = Path(settings.state_dir) / "index" / f"listhits-{key}.pickle"
        list_hits: dict[str, list[ListHit]] | None = None
        if cache.is_file():
            try:
                list_hits = pickle.loads(cache.read_bytes())  # noqa: S301 - our own cache file
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
                list_hits = None
        if list_hits is None:
            list_hits = family_list_hits(reference, _listed_facts(session, party))
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(list_hits))
        kev_snap = next((snap for sid, snap, _, _, _ in active if sid == "us_cisa_kev"), None)
        kev = build_kev_index(_kev_records(session, kev_snap), reference) if kev_snap else None
        matcher, _ = namescreen.get_matcher(session, settings)
        ctx = RiskContext(
            reference=reference,
            resolver=_engine_resolver(reference, default_resolver(reference)),
            list_hits=list_hits,
            kev=kev,
            matcher=matcher,
            snapshots={sid: v for sid, _, v, _, _ in sorted(active)},
            snapshot_dates={
                sid: p.isoformat() if p else None for sid, _, _, p, _ in sorted(active)
            },
        )
        _memo.clear()
        _memo[key] = ctx
        return ctx


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


def _evidence(ev: Any) -> dict[str, Any]:
    return {
        "signal": ev.signal,
        "value": ev.value,
        "finding": ev.finding,
        "source": ev.source,
        "weight": ev.weight,
    }


def _scored(ctx: RiskContext, facts: DeviceFacts, profile: str) -> dict[str, Any]:
    """The device-dependent part of an item. Identification depends on a MAC only through its
    OUI and scoring not at all, so results are memoised per (facts without the MAC's last three
    bytes, profile): a real inventory repeats the same few models and makers many times."""
    from .scoring.profiles import score_device

    # The site's name is not a risk factor (its sensitivity is): leave it out of the key.
    key = (replace(facts, mac=facts.mac[:8] if facts.mac else None, site=None), profile)
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
    )
    scored = {
        "family": ident.family,
        "family_confidence": ident.family_confidence,
        "tier": risk.tier,
        "score": risk.score,
        "relabel_suspected": ident.relabel_suspected,
        "rules_fired": list(risk.rules_fired),
        "evidence": [_evidence(ev) for ev in risk.evidence],
    }
    if len(ctx.memo) < 100_000:
        ctx.memo[key] = scored
    return scored


def assess(ctx: RiskContext, row: DeviceRow, profile: str, kind: str) -> dict[str, Any]:
    """One device or order line, in the report's shape. Raises InvalidFact for a bad value."""
    facts = _facts(row)
    if facts.mac:
        facts = replace(facts, mac=normalize_mac(facts.mac))  # InvalidFact for a malformed MAC
    scored = _scored(ctx, facts, profile)
    item: dict[str, Any] = {
        "row": row.row,
        "line": row.line,
        "asset_id": row.asset_id,
        "site": row.site,
        "declared_make": row.make,
        "model": row.model,
        "mac": row.mac,
        "firmware": row.firmware,
        **scored,
    }
    if kind == "po":
        matches = []
        if row.vendor:
            found = ctx.matcher.screen(row.vendor, kind="organization", limit=10)
            matches = [
                {
                    "entity_id": m.entity_id,
                    "source": m.source,
                    "matched_name": m.matched_name,
                    "score": round(m.score, 4),
                }
                for m in found
            ]
        item.update(
            vendor=row.vendor,
            manufacturer=row.manufacturer,
            part_number=row.part_number,
            description=row.description,
            quantity=row.quantity,
            unit_price=str(row.unit_price) if row.unit_price is not None else None,
            vendor_matches=matches,
        )
        if matches:
            # Buying from a listed party is itself a finding, whatever the goods.
            # New lists: the memoised device part is shared between rows.
            item["rules_fired"] = [*item["rules_fired"], "listed-vendor"]
            best = matches[0]
            item["evidence"] = item["evidence"] + [
                {
                    "signal": "vendor",
                    "value": row.vendor,
                    "finding": f"vendor matches {best['matched_name']} "
                    f"({best['entity_id']}, score {best['score']})",
                    "source": best["source"],
                    "weight": 0,
                }
            ]
            if _RANK[item["tier"]] > _RANK["high"]:
                item["tier"] = "high"
                item["score"] = max(item["score"], 75)
    return item


def score_rows(
    ctx: RiskContext, rows: Iterable[DeviceRow | RowError], profile: str, kind: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """("item", dict) per scored row and ("error", dict) per unreadable one, in file order."""
    for row in rows:
        if isinstance(row, RowError):
            yield (
                "error",
                {"row": row.row, "line": row.line, "field": row.field, "message": row.message},
            )
            continue
        try:
            yield "item", assess(ctx, row, profile, kind)
        except InvalidFact as exc:
            field_name = row.fields.get(exc.field, exc.field)
            yield (
                "error",
                {"row": row.row, "line": row.line, "field": field_name, "message": exc.message},
            )


def build_report(
    ctx: RiskContext, rows: Iterable[DeviceRow | RowError], profile: str, kind: str
) -> dict[str, Any]:
    """The whole report (interfaces.md): items, errors, per-site or per-vendor and summary."""
    check_profile(profile)
    items: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for what, data in score_rows(ctx, rows, profile, kind):
        (items if what == "item" else errors).append(data)
    group_key = "site" if kind == "inventory" else "vendor"
    groups: dict[str, Counter[str]] = {}
    for it in items:
        groups.setdefault(it.get(group_key) or "", Counter())[it["tier"]] += 1
    grouped = [
        {
            group_key: g,
            ("devices" if kind == "inventory" else "items"): sum(c.values()),
            "by_tier": dict(c),
        }
        for g, c in sorted(groups.items())
    ]
    noun = "devices" if kind == "inventory" else "items"
    report: dict[str, Any] = {
        "profile": profile,
        "snapshots": ctx.snapshots,
        "snapshot_dates": ctx.snapshot_dates,
        "required_sources": list(PROFILE_SOURCES[profile]),
        noun: items,
        "errors": errors,
        ("sites" if kind == "inventory" else "vendors"): grouped,
        "summary": {
            noun: len(items),
            "by_tier": dict(Counter(it["tier"] for it in items)),
            "by_family": dict(Counter(it["family"] for it in items if it["family"])),
        },
    }
    return report
