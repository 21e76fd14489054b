"""The reconciliation service for spreadsheets (OpenRefine and other clients of the W3C Entity
Reconciliation CG's Reconciliation Service API 0.2), at `/reconcile`.

Authentication: OpenRefine cannot send an `Authorization` header, so the key may also be
carried in the service URL's path, `/reconcile/<key>`, the URL an analyst pastes once. Both
forms answer alike. The key in a path is a secret in a URL: it is kept out of this service's
logs (`HideKeys` below, on uvicorn's access and error loggers and the API's own), never echoed
in an error, and every response says `Referrer-Policy: no-referrer` (the guard). It still sits
in OpenRefine's preferences and in any proxy's access log in front of this service: give
OpenRefine a key of its own with the `ci` role (screen and read only), and revoke it when the
analyst is done. A key in the query string is not taken: query strings travel further (proxy
logs, `Referer`), and OpenRefine appends its own to the service URL.

The manifest needs a key too, like every call but `/health`: it tells nothing secret, but the
service URL it describes (suggest services) carries the key, and one rule for every route
leaves no route to forget.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ... import __version__
from ...errors import AuthError, ForbiddenError, InputError, NotFoundError, TooLargeError
from ...schemas.accounts import Principal
from ...schemas.reconcile import Candidate, Manifest, ReconQuery, ResultBatch, SuggestResult
from ...schemas.screening import ScreenResult
from ...service import Screening
from ...service import reconcile as rc
from ...service.accounts import can
from ..auth import LOCAL_ADMIN, Screener
from ..deps import ScreeningDep, SettingsDep

router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

# A form-encoded batch is at most about three times its JSON (percent-encoding).
MAX_BODY = 3 * rc.MAX_BATCH_CHARS + 1024
SUGGEST_LIMIT = 10


class HideKeys(logging.Filter):
    """Rewrites log records so that no API key reaches a log: the path segment after
    `/reconcile/` (the key, or whatever was sent in its place) and anything shaped like a key
    become the key's visible prefix (`scr_AbCdEfGh…`, as `screening keys list` names it).
    uvicorn's access formatter unpacks the record's arguments, so they are rewritten one by
    one, never merged into the message."""

    _KEYS = re.compile(r"(scr_[A-Za-z0-9_-]{8})[A-Za-z0-9_-]+")
    _SEGMENT = re.compile(r"(/reconcile/)(?!suggest(?:[/?#\s\"']|$))([^/?#\s\"']+)", re.I)

    @classmethod
    def hide(cls, text: str) -> str:
        text = cls._KEYS.sub(r"\1…", text)
        return cls._SEGMENT.sub(
            lambda m: m.group(1) + (m.group(2) if m.group(2).endswith("…") else "[hidden]"),
            text,
        )

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.hide(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self.hide(a) if isinstance(a, str) else a for a in record.args)
        return True


# Installed when the API is imported, i.e. after uvicorn has configured its loggers in each
# worker process (uvicorn imports the app after `dictConfig`, which keeps a logger's filters).
_HIDE = HideKeys()
for _name in ("uvicorn.access", "uvicorn.error", "screening.api"):
    logging.getLogger(_name).addFilter(_HIDE)


def keyed(key: str, settings: SettingsDep, svc: ScreeningDep) -> Principal:
    """The caller whose key is in the service URL (`/reconcile/<key>`), or 401."""
    if settings.auth == "off":
        return LOCAL_ADMIN
    who = svc.authenticate(key)
    if who is None:
        raise AuthError("the API key in the service URL is unknown or revoked")
    if not can(who.role, "screen"):
        raise ForbiddenError(f"a {who.role} key may not do this (it needs screen rights)")
    return who


KeyedScreener = Annotated[Principal, Depends(keyed)]


async def form_queries(request: Request) -> str:
    """The `queries` form field of a POST (application/x-www-form-urlencoded, as OpenRefine
    sends it), read under `MAX_BODY` bytes."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise InputError(
            "send the batch as the form field `queries` "
            "(Content-Type: application/x-www-form-urlencoded)"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLargeError(f"queries: the request body is over the {MAX_BODY}-byte limit")
        chunks.append(chunk)
    try:
        fields = parse_qs(b"".join(chunks).decode("utf-8"), max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("queries: the form is not UTF-8 form-encoded text") from exc
    found = fields.get("queries")
    if not found:
        raise InputError("queries: the form has no `queries` field")
    return found[0]


FormQueries = Annotated[str, Depends(form_queries)]
QueriesParam = Annotated[
    str | None,
    Query(description="A batch of queries (JSON object of key -> query); absent: the manifest"),
]
CallbackParam = Annotated[
    str | None,
    Query(description="JSONP: the JavaScript function to wrap the answer in (GET only)"),
]
_JSONP = {"application/javascript": {"schema": {"type": "string"}}}
_GET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": Manifest | ResultBatch,
        "description": "The service manifest (no `queries`) or a result batch; JSONP as "
        "application/javascript when `callback` is given",
        "content": _JSONP,
    }
}
_POST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ResultBatch, "description": "The candidates of each query, by query key"}
}
_SUGGEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": SuggestResult,
        "description": "Suggested entities, properties or types; JSONP with `callback`",
        "content": _JSONP,
    }
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"queries": {"type": "string"}},
                    "required": ["queries"],
                }
            }
        },
    }
}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _reply(payload: Any, callback: str | None) -> Response:
    if callback is None:
        return JSONResponse(payload)
    return Response(rc.jsonp(callback, payload), media_type="application/javascript")


def reconcile_batch(svc: Screening, text: str, tenant: str) -> dict[str, Any]:
    """Every query of a batch answered; the batch's distinct (name, type, country,
    identifiers) are screened once each, with the tenant's lists only."""
    queries: dict[str, ReconQuery] = rc.parse_batch(text)
    limits: dict[rc.ScreenKey, int] = {}
    for q in queries.values():
        k = rc.screen_key(q)
        limits[k] = max(limits.get(k, 0), q.limit)
    screened: dict[rc.ScreenKey, ScreenResult] = {}
    for (name, kind, country, identifiers), limit in limits.items():
        screened[(name, kind, country, identifiers)] = svc.screen_name(
            name,
            kind=kind,
            country=country,
            identifiers=list(identifiers) or None,
            limit=rc.screen_limit(limit),
            tenant=tenant,
        )
    found: dict[str, list[Candidate]] = {
        key: rc.candidates(screened[rc.screen_key(q)], q) for key, q in queries.items()
    }
    return rc.answer(found)


def _get(
    request: Request,
    svc: Screening,
    who: Principal,
    queries: str | None,
    callback: str | None,
    service_url: str,
) -> Response:
    cb = rc.check_callback(callback)
    if queries is None:
        return _reply(rc.manifest(service_url, _base(request), __version__).model_dump(), cb)
    return _reply(reconcile_batch(svc, queries, who.tenant), cb)


def _suggest(
    svc: Screening, who: Principal, what: str, prefix: str, callback: str | None
) -> Response:
    cb = rc.check_callback(callback)
    if what == "property":
        found = rc.suggest_properties(prefix)
    elif what == "type":
        found = rc.suggest_types(prefix)
    elif what == "entity":
        found = []
        if prefix.strip():
            q = ReconQuery(query=prefix.strip()[: rc.MAX_QUERY_CHARS], limit=SUGGEST_LIMIT)
            result = svc.screen_name(
                q.query, limit=rc.screen_limit(SUGGEST_LIMIT), tenant=who.tenant
            )
            found = rc.suggest_entities(rc.candidates(result, q))
    else:
        raise NotFoundError(f"no suggest service {what[:20]!r}: use entity, property or type")
    return _reply({"result": [s.model_dump(exclude_none=True) for s in found]}, cb)


# -- the key in the Authorization header (clients that can send one) --------------------------


@router.get("", responses=_GET_RESPONSES, response_class=Response)
def reconcile_get(
    request: Request,
    who: Screener,
    svc: ScreeningDep,
    queries: QueriesParam = None,
    callback: CallbackParam = None,
) -> Response:
    """Reconciliation Service API 0.2: without `queries`, the service manifest; with it (a
    JSON object of query key -> `{query, type, limit, properties}`), each query's candidate
    listed parties (`id` entity id, `name`, `score` 0-100, `match`, `type`, `description`
    naming the lists). Properties: `country` (ISO code or name), `identifier`. At most 500
    queries a batch. `callback` wraps the answer as JSONP."""
    return _get(request, svc, who, queries, callback, f"{_base(request)}/reconcile")


@router.post("", responses=_POST_RESPONSES, response_class=Response, openapi_extra=_POST_BODY)
def reconcile_post(who: Screener, text: FormQueries, svc: ScreeningDep) -> Response:
    """A batch of queries as the form field `queries` (the protocol's POST; see the GET)."""
    return _reply(reconcile_batch(svc, text, who.tenant), None)


@router.get("/suggest/{what}", responses=_SUGGEST_RESPONSES, response_class=Response)
def suggest(
    who: Screener,
    svc: ScreeningDep,
    what: str,
    prefix: Annotated[str, Query(max_length=200)] = "",
    callback: CallbackParam = None,
) -> Response:
    """Suggest services: `entity` (listed parties whose names match `prefix`), `property`
    (country, identifier), `type` (organization, person, vessel, aircraft)."""
    return _suggest(svc, who, what, prefix, callback)


# -- the key in the service URL (OpenRefine) ---------------------------------------------------


@router.get("/{key}", responses=_GET_RESPONSES, response_class=Response)
def reconcile_keyed_get(
    request: Request,
    key: str,
    who: KeyedScreener,
    svc: ScreeningDep,
    queries: QueriesParam = None,
    callback: CallbackParam = None,
) -> Response:
    """As `GET /reconcile`, the key carried in the path: the service URL to paste into
    OpenRefine is `http://<host>:<port>/reconcile/<key>`."""
    return _get(request, svc, who, queries, callback, f"{_base(request)}/reconcile/{key}")


@router.post("/{key}", responses=_POST_RESPONSES, response_class=Response, openapi_extra=_POST_BODY)
def reconcile_keyed_post(
    key: str, who: KeyedScreener, text: FormQueries, svc: ScreeningDep
) -> Response:
    """As `POST /reconcile`, the key carried in the path."""
    del key  # authenticated by `who`
    return _reply(reconcile_batch(svc, text, who.tenant), None)


@router.get("/{key}/suggest/{what}", responses=_SUGGEST_RESPONSES, response_class=Response)
def suggest_keyed(
    key: str,
    who: KeyedScreener,
    svc: ScreeningDep,
    what: str,
    prefix: Annotated[str, Query(max_length=200)] = "",
    callback: CallbackParam = None,
) -> Response:
    """As `GET /reconcile/suggest/{what}`, the key carried in the path."""
    del key
    return _suggest(svc, who, what, prefix, callback)
