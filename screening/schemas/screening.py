"""Typed results of name screening: what `screen --json`, `POST /v1/screen`, the batch endpoint
and `compare` return, and what the CLI and the page at `/` render.

`ScreenResult` keeps the per-listing `matches` (the single-entity view, unchanged) and adds
`parties`: listings that are the same party grouped, with how the screened name relates to it
(`listed`, or a corporate-family relation such as `subsidiary of ...`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Feature(BaseModel):
    """One scoring feature: value x weight = contribution, and what it means."""

    name: str
    value: float
    weight: float
    contribution: float
    explanation: str


class Match(BaseModel):
    """One listed entity whose name matched, with the features behind its score."""

    entity_id: str
    source: str
    snapshot_version: str | None = None
    matched_name: str
    name_type: str
    kind: str
    score: float
    threshold: float
    match: bool
    features: list[Feature] = Field(default_factory=list)


class Listing(BaseModel):
    """One entry of a party on one list: the list's own id, name, date and programmes."""

    entity_id: str
    source: str
    matched_name: str
    score: float
    listed_on: str | None = None
    programs: list[str] = Field(default_factory=list)
    snapshot_version: str | None = None


class FamilyLink(BaseModel):
    """How a name found through the corporate-family table leads to a listed party: the
    families.csv row it matched, that row's relation, source and confidence."""

    row: str
    matched_name: str
    name_score: float
    relation: str
    family: str | None
    source: str
    confidence: str
    line: int
    in_force: bool
    note: str = ""


class Party(BaseModel):
    """One party with every listing found for it. `relation` is `listed` when the screened name
    is the listed party itself, else the family relation that leads to it (`subsidiary of
    Hangzhou Hikvision Digital Technology Co., Ltd.`); `family` then says which row and how
    sure it is. A `weak` party (a low-confidence or ended family relation) never counts as a
    match on its own."""

    name: str
    score: float
    match: bool
    relation: str
    weak: bool = False
    summary: str = ""
    family: FamilyLink | None = None
    listings: list[Listing] = Field(default_factory=list)
    features: list[Feature] = Field(default_factory=list)


class Query(BaseModel):
    name: str
    kind: str | None = None
    country: str | None = None
    identifiers: list[str] = Field(default_factory=list)


class ScreenResult(BaseModel):
    """One screened name: parties first (grouped listings), then the per-listing matches."""

    query: Query
    snapshots: dict[str, str]
    parties: list[Party] = Field(default_factory=list)
    matches: list[Match] = Field(default_factory=list)


class CompareResult(BaseModel):
    """Two names scored against each other, with the explanation."""

    name1: str
    name2: str
    kind: str
    score: float
    threshold: float
    match: bool
    features: list[Feature] = Field(default_factory=list)
    explanation: str


class BatchRow(BaseModel):
    """One row of `screen --file` / `/v1/screen/batch`: the input columns (kept as given, any
    names) followed by the result columns. JSON carries real booleans and numbers; CSV text."""

    model_config = ConfigDict(extra="allow")

    match: bool = False
    score: float = 0.0
    entity_id: str = ""
    source: str = ""
    matched_name: str = ""
    hits: int = 0
    hit_sources: str = ""
    error: str = ""
    party: str = ""
    relation: str = ""
