"""Turning a score's features into the text a compliance user reads and defends.

A score is the sum of its features' contributions (clamped to [0, 1]); each feature line shows
its value, weight, contribution and explanation (the feature function's docstring plus what it
fired on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .algorithm import FeatureResult


@dataclass(frozen=True, slots=True)
class Explanation:
    """The features behind one score."""

    score: float
    features: tuple[FeatureResult, ...]

    @property
    def text(self) -> str:
        return render(self.score, self.features)

    def __str__(self) -> str:
        return self.text

    def as_dicts(self) -> list[dict[str, object]]:
        """JSON-ready rows: name, value, weight, contribution, explanation."""
        return [feature_dict(f) for f in self.features]


def feature_dict(f: FeatureResult) -> dict[str, object]:
    return {
        "name": f.name,
        "value": round(f.value, 4),
        "weight": round(f.weight, 4),
        "contribution": round(f.contribution, 4),
        "explanation": f.explanation,
    }


def render(score: float, features: Sequence[FeatureResult]) -> str:
    """One line per feature, then the total: `name  value x weight = contribution  text`."""
    lines = [
        f"{f.name:<20} {f.value:6.3f} x {f.weight:+.3f} = {f.contribution:+.3f}  {f.explanation}"
        for f in features
    ]
    raw = sum(f.contribution for f in features)
    total = f"score {score:.4f}"
    if abs(raw - score) > 1e-9:
        total += f" (sum {raw:.4f}, clamped to [0, 1])"
    return "\n".join([*lines, total])
