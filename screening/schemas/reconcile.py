"""Typed shapes of the reconciliation service (`/reconcile`, the W3C Entity Reconciliation
Community Group's Reconciliation Service API 0.2): the queries a batch carries once read and
checked, and the candidates answered for each. Field names are the protocol's own; the JSON
Schemas published with the protocol (tests/fixtures/reconciliation-0.2/) are the contract."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel


class ReconQuery(BaseModel):
    """One query of a batch, checked: the name, the kinds asked for (empty: any), how many
    candidates, and the properties this service uses (country as ISO-2, identifiers)."""

    query: str
    types: list[str] = Field(default_factory=list)
    limit: int = 5
    country: str | None = None
    identifiers: list[str] = Field(default_factory=list)


class TypeRef(BaseModel):
    """A type of the service's schema: a kind of listed party."""

    id: str
    name: str


class FeatureValue(BaseModel):
    """One scoring feature behind a candidate's score (the protocol's `features`)."""

    id: str
    value: float


class Candidate(BaseModel):
    """A listed party that may be the queried name. `id` is the entity id of its first
    listing (`<source>:<local id>`, as `/v1/entities/{id}` takes), `score` 0-100, `match`
    true only when the service calls it a match and no other party is one too."""

    id: str
    name: str
    score: float
    match: bool
    type: list[TypeRef]
    description: str = ""
    features: list[FeatureValue] = Field(default_factory=list)


class QueryResult(BaseModel):
    """The candidates of one query, best first."""

    result: list[Candidate] = Field(default_factory=list)


class View(BaseModel):
    url: str


class SuggestService(BaseModel):
    service_url: str
    service_path: str


class SuggestSettings(BaseModel):
    entity: SuggestService
    property: SuggestService
    type: SuggestService


class Manifest(BaseModel):
    """The service manifest (`GET /reconcile` without `queries`)."""

    versions: list[str]
    name: str
    identifierSpace: str  # camelCase: the protocol's own field names
    schemaSpace: str
    documentation: str
    serviceVersion: str
    defaultTypes: list[TypeRef]
    view: View
    suggest: SuggestSettings


class ResultBatch(RootModel[dict[str, QueryResult]]):
    """A result batch: each query key of the batch with its candidates."""


class Suggestion(BaseModel):
    """One entry of a suggest answer (entities, properties or types)."""

    id: str
    name: str
    description: str | None = None
    notable: list[TypeRef] | None = None


class SuggestResult(BaseModel):
    result: list[Suggestion] = Field(default_factory=list)
