"""Reviews: an analyst confirms or dismisses one hit (vendor, listing), against the listing as
it then was (its record hash and the list versions). A decision holds while the listing is
unchanged; once the listing changes the hit is open again (and the alert says it re-opened)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Review
from ..schemas.accounts import Principal
from ..schemas.monitoring import ReviewIn, ReviewOut
from ..snapshots import now_utc
from . import audit
from .vendors import _row as vendor_row


def dismissed_fingerprints(session: Session, vendor_id: str) -> dict[str, str]:
    """{entity id: record hash} of the latest decision per listing when it is a dismissal."""
    stmt = select(Review).where(Review.vendor_id == vendor_id).order_by(col(Review.id))
    latest: dict[str, Review] = {}
    for r in session.exec(stmt):
        latest[r.entity_id] = r
    return {e: r.record_hash or "" for e, r in latest.items() if r.decision == "dismissed"}


def _out(r: Review, hashes: dict[str, str]) -> ReviewOut:
    return ReviewOut(
        id=r.id or 0,
        vendor_id=r.vendor_id,
        entity_id=r.entity_id,
        decision=r.decision,
        reason=r.reason,
        actor=r.actor,
        role=r.role,
        created_at=r.created_at.isoformat(),
        snapshots=dict(r.snapshots),
        current=hashes.get(r.entity_id) == r.record_hash,
    )


def add_review(session: Session, who: Principal, vendor_id: str, item: ReviewIn) -> ReviewOut:
    """Record a decision on one of the vendor's current hits (a listing it does not hit now
    cannot be reviewed)."""
    row = vendor_row(session, who.tenant, vendor_id)
    hashes = dict(row.listing_hashes)
    if item.entity_id not in hashes:
        raise InputError(
            f"entity_id {item.entity_id[:120]!r} is not a current hit of vendor {vendor_id[:40]!r}"
        )
    review = Review(
        tenant_id=who.tenant,
        vendor_id=vendor_id,
        entity_id=item.entity_id,
        decision=item.decision,
        reason=item.reason.strip(),
        actor=who.key_name,
        role=who.role,
        created_at=now_utc(),
        record_hash=hashes[item.entity_id],
        snapshots=dict(row.snapshots),
    )
    session.add(review)
    audit.record(
        session,
        who,
        f"review.{item.decision}",
        vendor_id,
        snapshots=dict(row.snapshots),
        detail={"entity_id": item.entity_id, "reason": item.reason[:500], "vendor": row.name},
    )
    session.commit()
    return _out(review, hashes)


def list_reviews(session: Session, tenant: str, vendor_id: str) -> list[ReviewOut]:
    row = vendor_row(session, tenant, vendor_id)
    stmt = select(Review).where(Review.vendor_id == vendor_id).order_by(col(Review.id))
    return [_out(r, dict(row.listing_hashes)) for r in session.exec(stmt)]
