"""What one tenant may see of the lists: every public list, and its own custom lists only.

Custom lists belong to the tenant that uploaded them (`source.tenant_id`); a list of another
tenant is invisible (its entities answer 404, its hits never appear). When no tenant but the
caller has a custom list, nothing is filtered (the common case costs one small query).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlmodel import Session

from ..errors import NotFoundError
from ..models import SourceRow
from .active import ActiveView


def owners(session: Session) -> dict[str, str]:
    """{custom source id: owning tenant}."""
    rows = session.execute(
        select(SourceRow.id, SourceRow.tenant_id).where(  # type: ignore[call-overload]
            SourceRow.tenant_id.is_not(None)  # type: ignore[union-attr]
        )
    ).all()
    return {str(r[0]): str(r[1]) for r in rows}


def hidden_sources(session: Session, tenant: str) -> set[str]:
    """The sources `tenant` must not see (other tenants' custom lists)."""
    return {sid for sid, owner in owners(session).items() if owner != tenant}


def visible_sources(
    view: ActiveView, hidden: set[str], asked: list[str] | None = None
) -> list[str] | None:
    """The source filter for a screening that must not see `hidden` (`hidden_sources` of the
    tenant): None (no filter) when nothing is hidden and nothing was asked for; otherwise the
    asked (or all active party) sources minus the hidden ones. Asking for a hidden source is
    asking for one that does not exist."""
    if asked:
        denied = sorted(set(asked) & hidden)
        if denied:
            raise NotFoundError(f"sources: no data for {', '.join(denied)[:200]}")
        return asked
    if not hidden:
        return None
    return [a.source for a in view.of_type("party") if a.source not in hidden]


def can_see(session: Session, tenant: str, source_id: str) -> bool:
    return source_id not in hidden_sources(session, tenant)


def check_visible(session: Session, tenant: str, source_id: str) -> None:
    if not can_see(session, tenant, source_id):
        raise NotFoundError(f"unknown source {source_id[:120]!r}")


def key_of(versions: dict[str, str]) -> str:
    """A short key of a set of list versions."""
    text = ";".join(f"{s}={v}" for s, v in sorted(versions.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def screening_key(view: ActiveView, hidden: set[str]) -> str:
    """The key of the party lists' versions one tenant screens against now: a vendor screened
    under another key is due for re-screening."""
    return key_of({a.source: a.version for a in view.of_type("party") if a.source not in hidden})
