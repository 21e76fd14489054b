"""How old every list is, as `screening check` measures it, for the overview page: the day
its bundled copy was last verified (statutes and other bundled-only sources), else its
publisher's date, else when it was fetched; past the gate's warning age (30 days) it is old."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..schemas.sources import SourceSummary
from ..scoring.profiles import PROFILES
from .checks import WARN_AGE


@dataclass(frozen=True)
class ListAge:
    """One list's age and whether it is past the warning age, with the profiles needing it."""

    source: SourceSummary
    basis: str
    dated: str | None
    age_days: int | None
    stale: bool
    profiles: list[str]


def list_ages(sources: list[SourceSummary], now: datetime | None = None) -> list[ListAge]:
    """Every list, the old and empty ones first."""
    now = now or datetime.now(UTC)
    needs: dict[str, list[str]] = {}
    for profile in PROFILES.values():
        for sid in profile.required_sources:
            needs.setdefault(sid, []).append(profile.id)
    out: list[ListAge] = []
    for s in sources:
        dated = s.verified_at or s.published_at or s.fetched_at
        basis = "verified" if s.verified_at else "published" if s.published_at else "fetched"
        age: int | None = None
        if dated and s.version:
            when = datetime.fromisoformat(dated)
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            age = (now - when).days
        stale = age is not None and age > WARN_AGE.days
        day = dated[:10] if dated else None
        out.append(ListAge(s, basis, day, age, stale, needs.get(s.source, [])))
    out.sort(key=lambda f: (not (f.stale or f.age_days is None), f.source.source))
    return out
