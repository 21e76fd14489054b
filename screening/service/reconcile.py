"""The reconciliation service's mapping, without I/O: a `queries` batch read and checked
(every problem named by its query key), the service manifest, and name-screening results
turned into the protocol's candidates (W3C Entity Reconciliation CG, Reconciliation Service
API 0.2). The route (screening/api/routes/reconcile.py) authenticates, screens and answers.

What a candidate is: a listed *party* (the listings of one party grouped, as `screen` shows
them), not each listing, so that Hikvision's five listings are one candidate. Its `id` is the
smallest entity id among the party's listings: the same party gets the same id whichever of its
names the query was closest to. `match` is true only when the service's own decision says
match (a non-weak party over its threshold) and no other party of the answer is a match too:
OpenRefine then links the cell without asking; an ambiguous one is left for the analyst.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputError, TooLargeError
from ..inventories.limits import check_json_depth
from ..schemas.reconcile import (
    Candidate,
    FeatureValue,
    Manifest,
    ReconQuery,
    Suggestion,
    SuggestService,
    SuggestSettings,
    TypeRef,
    View,
)
from ..schemas.screening import ScreenResult
from ..sources.countries import to_iso2
from .names import KINDS

VERSION = "0.2"
# A batch is screened synchronously within one request: bounded so that one request cannot
# hold a worker for long (OpenRefine sends 10 queries a batch by default).
MAX_QUERIES = 500
MAX_BATCH_CHARS = 2 * 1024 * 1024
MAX_QUERY_CHARS = 1000
MAX_KEY_CHARS = 200
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
MAX_IDENTIFIERS = 50
TYPE_NAMES = {
    "organization": "Organization",
    "person": "Person",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
}
# The kinds a spreadsheet of vendors reconciles against; vessels and aircraft are accepted
# as types but not offered.
DEFAULT_TYPES = ("organization", "person")
PROPERTIES = {
    "country": (
        "Country",
        "The vendor's country (ISO 3166 code or name): a listed party of another country "
        "scores lower, one of the same country a little higher",
    ),
    "identifier": (
        "Identifier",
        "A registration number, LEI, USCC, ISIN or similar: a listed party that publishes "
        "it scores 1.0",
    ),
}
_QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]{0,63}(\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}$")


def _excerpt(value: str, size: int = 40) -> str:
    return repr(value[:size] + ("…" if len(value) > size else ""))


def parse_batch(text: str) -> dict[str, ReconQuery]:
    """The queries of a `queries` batch (a JSON object of query key -> query), checked. A
    problem is an `InputError` naming the query key and field (`queries.q3.limit: ...`); a
    batch over the limits is a `TooLargeError`."""
    if len(text) > MAX_BATCH_CHARS:
        raise TooLargeError(
            f"queries: {len(text)} characters, over the {MAX_BATCH_CHARS}-character limit "
            "of one batch; send fewer queries per batch"
        )
    if not text.strip():
        raise InputError("queries: empty; send a JSON object of query key -> query")
    check_json_depth(text, "queries")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise InputError(f"queries: not JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise InputError(
            'queries: expected a JSON object of query key -> query ({"q0": {"query": "..."}})'
        )
    if len(raw) > MAX_QUERIES:
        raise TooLargeError(
            f"queries: {len(raw)} queries, over the limit of {MAX_QUERIES} per batch"
        )
    return {key: _query(key, item) for key, item in raw.items()}


def _query(key: str, item: object) -> ReconQuery:
    if len(key) > MAX_KEY_CHARS:
        raise InputError(f"queries: a query key is over {MAX_KEY_CHARS} characters")
    where = f"queries.{key}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected an object with 'query'")
    unknown = sorted(set(item) - _QUERY_FIELDS)
    if unknown:
        fields = ", ".join(_excerpt(str(u), 30) for u in unknown[:5])
        raise InputError(f"{where}: unknown field {fields}; a query takes {sorted(_QUERY_FIELDS)}")
    text = item.get("query")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}.query: a non-empty string is required (names are matched)")
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"{where}.query: over {MAX_QUERY_CHARS} characters")
    country, identifiers = _properties(where, item.get("properties"))
    return ReconQuery(
        query=text.strip(),
        types=_types(where, item.get("type")),
        limit=_limit(where, item.get("limit")),
        country=country,
        identifiers=identifiers,
    )


def _types(where: str, value: object) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(f"{where}.type: a type id or a list of them")
    unknown = [v for v in values if v not in TYPE_NAMES]
    if unknown:
        raise InputError(
            f"{where}.type: unknown type {_excerpt(unknown[0])}; use one of {', '.join(TYPE_NAMES)}"
        )
    return list(dict.fromkeys(values))


def _limit(where: str, value: object) -> int:
    if value is None:
        return DEFAULT_LIMIT
    # JSON has one number type: 3.0 is 3; booleans are not numbers here.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InputError(f"{where}.limit: a whole number from 1 to {MAX_LIMIT}")
    return value


def _values(where: str, v: object) -> list[str]:
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if isinstance(item, dict):  # a previously reconciled value: {id, name}
            item = item.get("id")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise InputError(f"{where}.v: a string, a number or an {{id}} object")
        text = str(item).strip()
        if text:
            out.append(text[:MAX_QUERY_CHARS])
    return out


def _properties(where: str, value: object) -> tuple[str | None, list[str]]:
    if value is None:
        return None, []
    if not isinstance(value, list):
        raise InputError(f"{where}.properties: a list of {{pid, v}} objects")
    country: str | None = None
    identifiers: list[str] = []
    for i, prop in enumerate(value):
        at = f"{where}.properties[{i}]"
        if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
            raise InputError(f"{at}: a {{pid, v}} object")
        pid = prop["pid"]
        if pid not in PROPERTIES:
            raise InputError(
                f"{at}.pid: unknown property {_excerpt(str(pid))}; this service uses "
                f"{', '.join(PROPERTIES)}"
            )
        values = _values(at, prop["v"])
        if pid == "identifier":
            identifiers.extend(values)
            continue
        for text in values[:1]:  # one country per vendor: the first value
            country = to_iso2(text)
            if country is None:
                raise InputError(f"{at}.v: {_excerpt(text)} is not a country name or ISO 3166 code")
    if len(identifiers) > MAX_IDENTIFIERS:
        raise InputError(f"{where}.properties: over {MAX_IDENTIFIERS} identifiers")
    return country, list(dict.fromkeys(identifiers))


ScreenKey = tuple[str, str | None, str | None, tuple[str, ...]]


def screen_key(q: ReconQuery) -> ScreenKey:
    """What one screening of the batch is made of: queries that differ only in their limit or
    in several types are screened once (several types: any kind, then filtered)."""
    kind = q.types[0] if len(q.types) == 1 else None
    return (q.query, kind, q.country, tuple(q.identifiers))


def screen_limit(limit: int) -> int:
    """Listings to ask the screening for so that `limit` parties can be formed (a party
    groups several listings)."""
    return min(1000, max(10, 3 * limit))


def check_callback(callback: str | None) -> str | None:
    """A JSONP callback is a JavaScript identifier path (`cb`, `jQuery1_2.handle`), nothing
    else: it is written into a script, so anything else is refused."""
    if callback is None or callback == "":
        return None
    if not _CALLBACK.match(callback):
        raise InputError(
            "callback: a JavaScript function name (letters, digits, _ and $, dotted) of at "
            "most 64 characters a part"
        )
    return callback


def jsonp(callback: str, payload: Any) -> str:
    """The script of a JSONP answer. The leading comment keeps the first bytes from being
    chosen by the caller (content-sniffing tricks such as Rosetta Flash); `json.dumps` escapes
    every non-ASCII character, U+2028/U+2029 included, which JavaScript strings reject."""
    return f"/**/ typeof {callback} === 'function' && {callback}({json.dumps(payload)});"


def type_ref(kind: str) -> TypeRef:
    return TypeRef(id=kind, name=TYPE_NAMES.get(kind, kind.capitalize()))


def candidates(result: ScreenResult, q: ReconQuery) -> list[Candidate]:
    """The parties of one screening as candidates of query `q`, best first, at most
    `q.limit`, only of the types asked for."""
    kinds = {m.entity_id: m.kind for m in result.matches}
    out: list[Candidate] = []
    for party in result.parties:
        if not party.listings:
            continue
        ids = sorted(listing.entity_id for listing in party.listings)
        # A party found only through the corporate-family table (a brand, a subsidiary)
        # has no per-listing match: the family table lists companies.
        kind = next((kinds[i] for i in ids if i in kinds), "organization")
        if q.types and kind not in q.types:
            continue
        out.append(
            Candidate(
                id=ids[0],
                name=party.name,
                score=round(party.score * 100, 2),
                match=party.match and not party.weak,
                type=[type_ref(kind)],
                description=party.summary[:500],
                features=[FeatureValue(id=f.name, value=round(f.value, 4)) for f in party.features],
            )
        )
    out.sort(key=lambda c: (-c.score, c.id))
    if sum(c.match for c in out) > 1:
        # Two parties the service would call matches: the analyst decides, not OpenRefine.
        out = [c.model_copy(update={"match": False}) for c in out]
    return out[: q.limit]


def answer(results: Mapping[str, list[Candidate]]) -> dict[str, Any]:
    """A result batch in the protocol's JSON shape, keyed like the query batch."""
    return {
        key: {"result": [c.model_dump(mode="json") for c in found]}
        for key, found in results.items()
    }


def manifest(service_url: str, base_url: str, version: str) -> Manifest:
    """The service manifest for a service at `service_url` (which may carry the caller's key
    in its path: the suggest services are paths under it). Entities are viewed at the API's
    entity route; no preview is advertised (every response of this API forbids framing, and
    OpenRefine shows previews in a frame)."""
    return Manifest(
        versions=[VERSION],
        name="screening: restricted-party lists",
        identifierSpace=f"{base_url}/v1/entities/",
        schemaSpace=f"{base_url}/docs#/reconciliation",
        documentation=f"{base_url}/docs",
        serviceVersion=version,
        defaultTypes=[type_ref(k) for k in DEFAULT_TYPES],
        view=View(url=f"{base_url}/v1/entities/{{{{id}}}}"),
        suggest=SuggestSettings(
            entity=SuggestService(service_url=service_url, service_path="/suggest/entity"),
            property=SuggestService(service_url=service_url, service_path="/suggest/property"),
            type=SuggestService(service_url=service_url, service_path="/suggest/type"),
        ),
    )


def suggest_properties(prefix: str) -> list[Suggestion]:
    """The properties a query may carry (`country`, `identifier`) whose id or name starts
    with `prefix` (any, when empty)."""
    p = prefix.strip().lower()
    return [
        Suggestion(id=pid, name=name, description=text)
        for pid, (name, text) in PROPERTIES.items()
        if pid.startswith(p) or name.lower().startswith(p)
    ]


def suggest_types(prefix: str) -> list[Suggestion]:
    p = prefix.strip().lower()
    return [
        Suggestion(id=k, name=TYPE_NAMES[k])
        for k in KINDS
        if k.startswith(p) or TYPE_NAMES[k].lower().startswith(p)
    ]


def suggest_entities(found: list[Candidate]) -> list[Suggestion]:
    return [
        Suggestion(id=c.id, name=c.name, description=c.description, notable=c.type) for c in found
    ]
