"""Every operation of the OpenAPI document, fuzzed by schemathesis against the app in-process
(ASGI transport, the bundled lists loaded): whatever a client sends that the schema allows, and
much that it does not, the answer is never a 5xx, its status is documented, and its content
type and body match what the document says for that status (issue 19, the reliability suite).

The examples per operation are bounded (`EXAMPLES`) so the file runs in well under a minute on
two cores; the 20-minute fuzzing of the issue is `schemathesis run` against a served instance.
No operation is excluded, and none reaches the network: webhook hosts are not looked up
(`_no_dns`), and deliveries are sent only by the served app's background loop, which the
in-process app does not run."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from starlette.testclient import TestClient

from screening.api.routes import MAX_DB_INT
from screening.settings import Settings

from .conftest import Database, make_app, make_settings

EXAMPLES = 25

# The document is read from an app over an empty state directory (serving /openapi.json opens
# no database); each case is then sent to the app over the loaded database. (Schemathesis's
# `from_fixture` would load it from the fixture directly, but does not run under pytest 9.)
_DOC_STATE = Path(tempfile.mkdtemp(prefix="schemathesis-doc-"))
# A request the schema allows may still be refused for what it means, which no schema can say:
# an unknown source in `sources`, an empty or unreadable file, a list that would shrink too
# far. Those answers are documented (400 "the input cannot be used", 404, 409, 413) and are
# accepted here; any other answer to well-formed data (422, another 4xx, 5xx) fails.
CONFIG = schemathesis.Config.from_dict(
    {
        # Both schema-valid and schema-violating requests (the default, said here on purpose).
        "generation": {"mode": "all"},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2XX", 400, 404, 409, 413]}},
    }
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    make_app(make_settings(f"sqlite:///{_DOC_STATE}/unused.db", _DOC_STATE)),
    config=CONFIG,
)


@pytest.fixture(scope="module")
def loaded(loaded_sqlite: tuple[Database, Settings]) -> tuple[Database, Settings]:
    """SQLite only: the API's contract is checked above the storage (see `loaded_sqlite`)."""
    return loaded_sqlite


@pytest.fixture(scope="module", autouse=True)
def _no_dns() -> Iterator[None]:
    """No test reaches the network: `POST /v1/webhooks` resolves the host it is given (to
    refuse private addresses), so every lookup here fails as it would offline -- the route then
    answers its documented 400. The app itself runs in-process and needs none."""

    def offline(*_: object, **__: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "no lookups in the tests")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", offline)
        yield


@pytest.fixture(scope="module")
def api(loaded: tuple[Database, Settings]) -> FastAPI:
    return make_app(loaded[1])


# Readiness answers 503 while the index is built: its documented answer to a load balancer,
# not a server error. Every other check holds for it; its status is asserted instead.
READINESS = "/health/ready"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Case, api: FastAPI) -> None:
    if case.operation.path == READINESS:
        r = case.call_and_validate(
            app=api, excluded_checks=[not_a_server_error, positive_data_acceptance]
        )
        assert r.status_code in (200, 405, 503), r.status_code
        return
    case.call_and_validate(app=api)


# Defects the fuzzing found, each reproduced at its smallest --------------------------------


@pytest.fixture(scope="module")
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api) as c:
        yield c


def test_a_whole_number_as_json_float_is_an_integer(client: TestClient) -> None:
    """`limit: 2.0` is the integer 2 in JSON (the document says integer); it was a 422."""
    ok = client.post("/v1/screen", json={"name": "Hikvision", "limit": 2.0})
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["matches"]) <= 2
    for bad in (2.5, True, "2"):
        r = client.post("/v1/screen", json={"name": "Hikvision", "limit": bad})
        assert r.status_code == 422 and "body.limit" in r.json()["detail"], (bad, r.text)


def test_threshold_bounds_are_in_the_document(client: TestClient) -> None:
    """The bounds of `threshold` were left as `ge`/`le` (not JSON Schema) on a union type, so
    the document allowed any number; the API refused outside [0, 1]."""
    doc = client.get("/openapi.json").json()
    props = doc["components"]["schemas"]["ScreenRequest"]["properties"]
    number = next(t for t in props["threshold"]["anyOf"] if t.get("type") == "number")
    assert (number["minimum"], number["maximum"]) == (0.0, 1.0)
    for bad in (-0.1, 1.5, False):
        r = client.post("/v1/screen", json={"name": "Hikvision", "threshold": bad})
        assert r.status_code == 422 and "body.threshold" in r.json()["detail"], (bad, r.text)
    assert client.post("/v1/screen", json={"name": "Hikvision", "threshold": 1}).status_code == 200


def test_custom_list_upload_documents_its_body_and_its_409(client: TestClient) -> None:
    """The CSV body is read raw, so FastAPI left it out of the document (clients and fuzzers
    sent none), and the 409 of a refused shrink was undocumented."""
    op = client.get("/openapi.json").json()["paths"]["/v1/custom-lists/{name}"]["post"]
    assert op["requestBody"]["required"] is True
    assert list(op["requestBody"]["content"]) == ["text/csv"]
    assert "409" in op["responses"]
    # In-house names (a custom list is the user's own; these are the smallest honest ones).
    names = [b"Example Trading One Ltd", b"Example Trading Two Ltd", b"Example Trading Three Ltd"]
    csv = {"content-type": "text/csv"}
    url = "/v1/custom-lists/regression-shrink"
    full = client.post(url, content=b"name\n" + b"\n".join(names), headers=csv)
    assert full.status_code == 200, full.text
    shrunk = client.post(url, content=b"name\n" + names[0], headers=csv)
    assert shrunk.status_code == 409 and "force=true" in shrunk.json()["detail"], shrunk.text


def test_405_allows_every_method_of_the_path(client: TestClient) -> None:
    """A stored report takes GET and DELETE; Starlette's 405 named only the first route's."""
    r = client.request("OPTIONS", "/v1/inventories/nosuchreport")
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert {"GET", "DELETE"} <= allowed and "POST" not in allowed
    assert r.json() == {"detail": "Method Not Allowed"}
    r = client.put("/v1/sources")
    assert r.status_code == 405 and {m.strip() for m in r.headers["allow"].split(",")} >= {"GET"}


def test_405_on_a_fixed_path_names_its_own_methods(client: TestClient) -> None:
    """`/v1/vendors/import` (POST) also matches `/v1/vendors/{vendor_id}`; its 405 named the
    templated route's methods as well, which the document does not give that path."""
    doc = client.get("/openapi.json").json()["paths"]
    r = client.request("OPTIONS", "/v1/vendors/import")
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert allowed == {m.upper() for m in doc["/v1/vendors/import"]}


@pytest.mark.parametrize("path", ["/v1/alerts", "/v1/audit"])
def test_since_is_an_iso_date_time_not_a_number(client: TestClient, path: str) -> None:
    """`since=0.5` was taken as 0.5 s after 1970 though the document says date-time."""
    r = client.get(path, params={"since": "0.5"})
    assert r.status_code == 422 and "query.since" in r.json()["detail"], r.text
    # A date-time without an offset (or a bare date) is UTC; it was a 500 (naive date-time).
    for since in ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00Z", "2026-01-01"):
        assert client.get(path, params={"since": since}).status_code == 200, since


@pytest.mark.parametrize(
    ("path", "param"), [("/v1/alerts", "after"), ("/v1/audit", "after"), ("/v1/vendors", "offset")]
)
def test_integers_past_a_database_integer_are_refused(
    client: TestClient, path: str, param: str
) -> None:
    """`after=2**63` reached the query and failed it (OverflowError on SQLite, integer out of
    range on PostgreSQL, whose id columns are 32-bit): a 500."""
    assert client.get(path, params={param: str(MAX_DB_INT)}).status_code == 200
    r = client.get(path, params={param: str(MAX_DB_INT + 1)})
    assert r.status_code == 422 and f"query.{param}" in r.json()["detail"], r.text


# With keys on (as served) and no key sent: every operation but /health answers 401, and that
# answer is documented too. Fewer examples: the request is refused before its body is read.


@pytest.fixture(scope="module")
def keyed_api(loaded: tuple[Database, Settings]) -> FastAPI:
    return make_app(loaded[1].model_copy(update={"auth": "keys"}))


keyed_schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    make_app(make_settings(f"sqlite:///{_DOC_STATE}/unused.db", _DOC_STATE)),
    # Without a key, 401 is the documented answer to a well-formed request.
    config=schemathesis.Config.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ["2XX", 401]}}}
    ),
)


@keyed_schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_without_a_key_every_operation_answers_as_documented(
    case: Case, keyed_api: FastAPI
) -> None:
    if case.operation.path == READINESS:
        r = case.call_and_validate(
            app=keyed_api, excluded_checks=[not_a_server_error, positive_data_acceptance]
        )
        assert r.status_code in (200, 405, 503), r.status_code  # no key needed, like /health
        return
    response = case.call_and_validate(app=keyed_api)
    if case.operation.path == "/health":
        return
    # Nothing is done for a caller without a key: 401, unless the request is refused before
    # the key is looked at -- by the request guard (413, 415), by routing (404, 405), or while
    # FastAPI reads a declared body (a JSON or multipart body is parsed before any dependency
    # runs: 400 or 422 for a malformed one). A raw body is read after the key check.
    assert response.status_code in (400, 401, 404, 405, 413, 415, 422), (
        case.operation.label,
        response.status_code,
    )
    if case.operation.path in RAW_BODY_PATHS:
        assert response.status_code in (401, 404, 405, 413, 415), response.status_code


RAW_BODY_PATHS = ("/v1/custom-lists/{name}", "/v1/vendors/import", "/v1/screen/batch")


@pytest.mark.parametrize("path", RAW_BODY_PATHS)
def test_a_raw_body_is_not_read_for_a_caller_without_a_key(keyed_api: FastAPI, path: str) -> None:
    """The raw body was received (and an empty one answered 400 "the upload is empty") before
    the key was checked: up to the size limit read for anyone."""
    with TestClient(keyed_api) as c:
        r = c.post(path.replace("{name}", "x"), content=b"", headers={"content-type": "text/csv"})
    assert r.status_code == 401, r.text


def test_a_delivery_id_past_a_database_integer_is_refused(client: TestClient) -> None:
    """Redelivering delivery 2**64 of an existing webhook failed the query (a 500). The hook
    names a public address literal, so nothing is looked up; nothing is sent in-process."""
    hook = client.post("/v1/webhooks", json={"url": "https://8.8.8.8/hook"})
    assert hook.status_code == 201, hook.text
    url = f"/v1/webhooks/{hook.json()['id']}/deliveries"
    assert client.post(f"{url}/{MAX_DB_INT}/redeliver").status_code == 404
    r = client.post(f"{url}/{2**64}/redeliver")
    assert r.status_code == 422 and "path.delivery_id" in r.json()["detail"], r.text


@pytest.mark.parametrize("out", ["json", "ndjson", "csv"])
def test_batch_with_an_unknown_kind_is_a_400_in_every_format(client: TestClient, out: str) -> None:
    """The kind was checked when the streamed rows were first read: after the 200 had started
    (CSV and NDJSON), so the response broke off ("response already started")."""
    r = client.post(f"/v1/screen/batch?format={out}&kind=planet", json=[{"name": "Hikvision"}])
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith("kind: unknown kind 'planet'")
    ok = client.post(f"/v1/screen/batch?format={out}&kind=organization", json=[])
    assert ok.status_code == 200, ok.text
