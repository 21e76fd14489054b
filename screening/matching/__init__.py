"""Pure name matching: no I/O, no database, no HTTP. Plain values in, plain values out.

index = Index.build(entries_from_record(source_id, record) ...)   # or Index.load(path, key)
Matcher(index).screen("Hikvision", kind="organization") -> [Match, ...]
compare("Hikvison", "Hangzhou Hikvision Digital Technology Co., Ltd.") -> (score, explanation)
"""

from .algorithm import CONFIGS, FeatureResult, default_threshold
from .entries import IndexEntry, entries_from_record
from .explain import Explanation
from .index import Index
from .matcher import Match, Matcher, compare
from .normalize import analyse_name, normalize_name, weighted_tokens

__all__ = [
    "CONFIGS",
    "Explanation",
    "FeatureResult",
    "Index",
    "IndexEntry",
    "Match",
    "Matcher",
    "analyse_name",
    "compare",
    "default_threshold",
    "entries_from_record",
    "normalize_name",
    "weighted_tokens",
]
