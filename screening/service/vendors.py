"""The vendor master: a tenant's suppliers, each stored with its latest screening.

A vendor is screened when it is added and again whenever the lists change (the monitoring
issue's re-screening). Only hits (parties at or above the threshold) are kept, with the list
versions they were found in, so a later screening can be compared with this one.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..errors import InputError, NotFoundError, TooLargeError
from ..models import ListedEntity, Review
from ..models import Vendor as VendorRow
from ..schemas.screening import ScreenResult
from ..schemas.vendors import HitListing, Vendor, VendorHit, VendorImport, VendorIn, VendorScreening
from ..settings import Settings
from ..snapshots import now_utc
from . import names, tenancy
from .accounts import ensure_tenant
from .active import ActiveView, active_view

IMPORT_COLUMNS = ("name", "country", "identifiers", "external_id")


def hits_of(result: ScreenResult) -> list[VendorHit]:
    """The parties of a screening that are hits, in the order screening ranked them."""
    return [
        VendorHit(
            party=p.name,
            score=p.score,
            relation=p.relation,
            summary=p.summary,
            listings=[
                HitListing(
                    entity_id=li.entity_id,
                    source=li.source,
                    matched_name=li.matched_name,
                    listed_on=li.listed_on,
                    programs=list(li.programs),
                )
                for li in p.listings
            ],
        )
        for p in result.parties
        if p.match
    ]


def record_hashes(session: Session, view: ActiveView, entity_ids: Iterable[str]) -> dict[str, str]:
    """{entity id: record hash} of listings in the active snapshots (a listing's fingerprint:
    when it changes, a review made against it no longer holds)."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return {}
    snaps = [a.snapshot_id for a in view.snapshots]
    rows = session.execute(
        sa_select(ListedEntity.entity_id, ListedEntity.record_hash).where(  # type: ignore[call-overload]
            col(ListedEntity.snapshot_id).in_(snaps), col(ListedEntity.entity_id).in_(wanted)
        )
    ).all()
    return {str(r[0]): str(r[1]) for r in rows}


@dataclass(frozen=True)
class Screened:
    """A vendor's screening now: hits, their listings' fingerprints, the versions and key."""

    hits: list[VendorHit]
    hashes: dict[str, str]
    snapshots: dict[str, str]
    key: str


def screen_vendor(session: Session, settings: Settings, row: VendorRow) -> Screened:
    """Screen one vendor against the lists its tenant sees (never another tenant's list)."""
    view = active_view(session)
    hidden = tenancy.hidden_sources(session, row.tenant_id)
    result = names.screen_name(
        session,
        settings,
        row.name,
        country=row.country,
        identifiers=list(row.identifiers) or None,
        sources=tenancy.visible_sources(view, hidden),
        limit=50,
    )
    hits = hits_of(result)
    ids = [li.entity_id for h in hits for li in h.listings]
    versions = {k: v for k, v in result.snapshots.items() if k not in hidden}
    # The key of the versions the answer actually came from: in the server the index of the
    # previous versions answers while the new one is built, and such an answer must leave the
    # vendor due (its key is still the old one), not mark it screened under the new lists.
    return Screened(hits, record_hashes(session, view, ids), versions, tenancy.key_of(versions))


def apply(row: VendorRow, screened: Screened) -> None:
    row.hits = [h.model_dump(mode="json") for h in screened.hits]
    row.hit_count = len(screened.hits)
    row.snapshots = dict(screened.snapshots)
    row.listing_hashes = dict(screened.hashes)
    row.screened_key = screened.key
    row.screened_at = now_utc()


def _screen(session: Session, settings: Settings, row: VendorRow) -> None:
    apply(row, screen_vendor(session, settings, row))


def vendor_tier(hits: list[VendorHit]) -> str:
    """How much a vendor's hits weigh: `high` when an open or confirmed hit is the listed party
    itself, `medium` when the open hits reach a listed party only through its corporate family,
    `low` when every hit has been dismissed, `none` without hits."""
    if not hits:
        return "none"
    live = [h for h in hits if any(li.review != "dismissed" for li in h.listings)]
    if not live:
        return "low"
    return "high" if any(h.relation == "listed" for h in live) else "medium"


def to_model(row: VendorRow, decisions: dict[str, str] | None = None) -> Vendor:
    """The vendor as shown, each hit listing with its current review decision."""
    hits = [VendorHit.model_validate(h) for h in row.hits]
    for hit in hits:
        for li in hit.listings:
            li.review = decisions.get(li.entity_id, "open") if decisions else "open"  # type: ignore[assignment]
    return Vendor(
        id=row.id,
        name=row.name,
        country=row.country,
        identifiers=list(row.identifiers),
        external_id=row.external_id,
        created_at=row.created_at.isoformat(),
        has_hits=row.hit_count > 0,
        tier=vendor_tier(hits),
        screening=VendorScreening(
            screened_at=row.screened_at.isoformat() if row.screened_at else None,
            snapshots=dict(row.snapshots),
            hits=hits,
        ),
    )


def _new_row(tenant: str, item: VendorIn) -> VendorRow:
    return VendorRow(
        id=str(uuid.uuid4()),
        tenant_id=tenant,
        name=item.name.strip(),
        country=(item.country or "").strip() or None,
        identifiers=[i.strip() for i in item.identifiers if i.strip()],
        external_id=(item.external_id or "").strip() or None,
        created_at=now_utc(),
    )


def add_vendor(session: Session, settings: Settings, tenant: str, item: VendorIn) -> Vendor:
    """Store a vendor for `tenant`, screened against the active lists."""
    if not item.name.strip():
        raise InputError("name: give the vendor's name")
    ensure_tenant(session, tenant)
    row = _new_row(tenant, item)
    _screen(session, settings, row)
    session.add(row)
    session.commit()
    return to_model(row)


def _row(session: Session, tenant: str, vendor_id: str) -> VendorRow:
    row = session.get(VendorRow, vendor_id)
    if row is None or row.tenant_id != tenant:  # another tenant's vendor does not exist here
        raise NotFoundError(f"no vendor {vendor_id[:80]!r}")
    return row


def get_vendor(session: Session, tenant: str, vendor_id: str) -> Vendor:
    row = _row(session, tenant, vendor_id)
    return to_model(row, decisions(session, row.id, dict(row.listing_hashes)))


def delete_vendor(session: Session, tenant: str, vendor_id: str) -> None:
    session.delete(_row(session, tenant, vendor_id))
    session.commit()


def list_vendors(
    session: Session,
    tenant: str,
    *,
    has_hits: bool | None = None,
    reviewed: bool | None = None,
    tier: str | None = None,
    name: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[Vendor]:
    """The tenant's vendors by name; `has_hits` keeps those with (or without) a current hit,
    `reviewed` those whose every hit has (or has not) a decision in force, `tier` those of that
    tier, `name` those whose name contains it (case-insensitive)."""
    stmt = select(VendorRow).where(VendorRow.tenant_id == tenant)
    if has_hits is True:
        stmt = stmt.where(VendorRow.hit_count > 0)
    elif has_hits is False:
        stmt = stmt.where(VendorRow.hit_count == 0)
    if name:
        stmt = stmt.where(col(VendorRow.name).ilike(f"%{name}%"))
    stmt = stmt.order_by(col(VendorRow.name), col(VendorRow.id))
    if reviewed is None and tier is None:
        rows = list(session.exec(stmt.offset(offset).limit(limit)))
        found = decisions_of(session, {r.id: dict(r.listing_hashes) for r in rows})
        return [to_model(r, found[r.id]) for r in rows]
    # "Reviewed" and the tier depend on the reviews in force, so they are filtered here.
    out: list[Vendor] = []
    skipped = 0
    if reviewed is not None or tier not in (None, "none"):
        stmt = stmt.where(VendorRow.hit_count > 0)
    candidates = list(session.exec(stmt))
    found = decisions_of(session, {r.id: dict(r.listing_hashes) for r in candidates})
    for r in candidates:
        made = to_model(r, found[r.id])
        listings = [li for h in made.screening.hits for li in h.listings]
        if reviewed is not None and all(li.review != "open" for li in listings) != reviewed:
            continue
        if tier is not None and made.tier != tier:
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(made)
        if len(out) >= limit:
            break
    return out


def decisions(session: Session, vendor_id: str, hashes: dict[str, str]) -> dict[str, str]:
    """{entity id: decision} of the reviews still in force (made against the listing as it is
    now), the latest one per listing."""
    return decisions_of(session, {vendor_id: hashes})[vendor_id]


def decisions_of(session: Session, hashes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """`decisions` for many vendors ({vendor id: its listing hashes}) in one query."""
    out: dict[str, dict[str, str]] = {vid: {} for vid in hashes}
    if not hashes:
        return out
    stmt = select(Review).where(col(Review.vendor_id).in_(list(hashes))).order_by(col(Review.id))
    for r in session.exec(stmt):
        mine = out[r.vendor_id]
        if hashes[r.vendor_id].get(r.entity_id) == r.record_hash:
            mine[r.entity_id] = r.decision
        else:
            mine.pop(r.entity_id, None)
    return out


def read_vendor_csv(data: bytes, filename: str, max_rows: int) -> list[VendorIn]:
    """The vendors of an import CSV (header `name`, optional `country`, `identifiers` split on
    `;`, `external_id`). Every bad row is named; one bad row refuses the whole file."""
    text = names.decode_csv(data, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header:
        raise InputError(
            f"{filename}: line 1: no 'name' column (header: {', '.join(header)[:200]})"
        )
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    if unknown:
        raise InputError(
            f"{filename}: line 1: unknown column(s) {', '.join(unknown)[:200]} "
            f"(known: {', '.join(IMPORT_COLUMNS)})"
        )
    reader.fieldnames = header
    items: list[VendorIn] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=1):
        if number > max_rows:
            raise TooLargeError(
                f"{filename}: more than {max_rows:,} rows (SCREENING_MAX_UPLOAD_ROWS)"
            )
        if None in raw:
            problems.append(f"row {number}: more cells than columns")
            continue
        cells: dict[str, Any] = {k: (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue  # a blank line
        cells["identifiers"] = [
            i.strip() for i in cells.get("identifiers", "").split(";") if i.strip()
        ]
        try:
            items.append(VendorIn.model_validate(cells))
        except ValueError as exc:
            field = _first_field(exc)
            problems.append(f"row {number}: {field}")
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise InputError(f"{filename}: {len(problems)} bad row(s), nothing imported: {shown}")
    if not items:
        raise InputError(f"{filename}: no vendors in the file")
    return items


def _first_field(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        for e in errors():
            where = ".".join(str(p) for p in e.get("loc", ())) or "row"
            return f"{where}: {e.get('msg', 'invalid')}"
    return "invalid"


def import_vendors(
    session: Session, settings: Settings, tenant: str, items: Iterable[VendorIn]
) -> VendorImport:
    """Store every vendor (screened) in one transaction."""
    ensure_tenant(session, tenant)
    rows = [_new_row(tenant, item) for item in items]
    for row in rows:
        _screen(session, settings, row)
    session.add_all(rows)
    session.commit()
    made = [to_model(r) for r in rows]
    return VendorImport(imported=len(made), with_hits=sum(v.has_hits for v in made), vendors=made)
