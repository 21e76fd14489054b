"""Risk tiers, their order and the score band each one owns.

`prohibited` > `high` > `medium` > `low` > `none`; `unknown` stands apart (a row with nothing to
identify the device by). A score only ever reaches `high` by itself: `prohibited` comes from a
rule (a list that forbids the maker), never from adding points up. The final score is clamped
into the band of the final tier so the two never contradict (a prohibited device scores 90-100).
"""

from __future__ import annotations

from typing import Literal

Tier = Literal["prohibited", "high", "medium", "low", "none", "unknown"]
TIERS: tuple[Tier, ...] = ("prohibited", "high", "medium", "low", "none", "unknown")
_ORDER: tuple[Tier, ...] = ("none", "low", "medium", "high", "prohibited")
RANK: dict[str, int] = {t: i for i, t in enumerate(_ORDER)}
BANDS: dict[str, tuple[int, int]] = {
    "prohibited": (90, 100),
    "high": (75, 89),
    "medium": (45, 74),
    "low": (1, 44),
    "none": (0, 0),
    "unknown": (0, 0),
}


def check_tier(tier: str, what: str = "tier") -> Tier:
    """`tier` when it is one, else ValueError naming the choices."""
    if tier not in TIERS:
        raise ValueError(f"{what} {tier!r}: use one of {', '.join(TIERS)}")
    return tier


def higher(a: Tier, b: Tier) -> Tier:
    """The more severe of two tiers (`unknown` never takes part)."""
    return a if RANK[a] >= RANK[b] else b


def lower(a: Tier, b: Tier) -> Tier:
    """The less severe of two tiers."""
    return a if RANK[a] <= RANK[b] else b


def step_down(tier: Tier) -> Tier:
    """One tier less severe (`none` stays `none`)."""
    return _ORDER[max(RANK[tier] - 1, 0)]


def tier_for_score(points: int) -> Tier:
    """The tier points alone reach: high from 75, medium from 45, low from 1."""
    if points >= BANDS["high"][0]:
        return "high"
    if points >= BANDS["medium"][0]:
        return "medium"
    return "low" if points > 0 else "none"


def clamp_score(points: int, tier: Tier) -> int:
    """The score shown: the points, moved into the tier's band."""
    low, high = BANDS[tier]
    return max(low, min(high, points))
