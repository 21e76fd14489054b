"""The reconciliation service at `/reconcile` (issue 16, point 4): the Reconciliation Service API
0.2 of the W3C Entity Reconciliation CG, as OpenRefine speaks it. Every answer is validated with
the protocol's own published JSON Schemas (tests/fixtures/reconciliation-0.2/, with their
provenance), every query batch sent too.

The database holds three real bundled lists (NDAA §889, the FCC Covered List and the BIS Entity
List: Hikvision, Dahua and Huawei with their Bahraini and Egyptian listings), not the whole
bundle: the tenant test uploads a custom list, which rebuilds the name index. The custom list
is the smallest honest fixture: in-house lists are by nature the user's own rows (no published
file exists), so the test writes the one row it needs. SQLite only: the service reads nothing
the database backends answer differently (the name screening it calls is tested on both)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from uvicorn.logging import AccessFormatter

from screening.api.routes.reconcile import HideKeys
from screening.schemas.accounts import Principal
from screening.service import Screening, Settings
from screening.service.names import KINDS
from screening.service.reconcile import MAX_QUERIES

from .conftest import FIXTURES, Database, make_app, make_settings

SCHEMAS = FIXTURES / "reconciliation-0.2"
HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."
HUAWEI_EG = "us_bis_entity_list:huawei-technology-eg"
TENANT_A = Principal(tenant="tenant-a", role="admin", key_name="a-admin")
IN_HOUSE = "Harbourline Imaging Ltd"  # a tenant's own denied supplier (see the docstring)


def _registry() -> Registry[Any]:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resource = Resource.from_contents(contents, default_specification=DRAFT202012)
            resources.append((contents["$id"], resource))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def valid(schema: str, instance: Any) -> Any:
    """`instance`, after checking it against one of the protocol's schemas (a reference to
    anything outside the fixtures fails rather than reaching the network)."""
    contents = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    validator = Draft202012Validator(contents, registry=REGISTRY)
    errors = [e.message for e in validator.iter_errors(instance)]
    assert not errors, (schema, errors[:5])
    return instance


class Api:
    def __init__(self, client: TestClient, svc: Screening) -> None:
        self.client = client
        self.svc = svc
        self.key_a = svc.create_key("tenant-a", "ci").key
        self.key_b = svc.create_key("tenant-b", "ci").key

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key_a}"}

    def batch(self, queries: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        """A batch POSTed as OpenRefine does: the form field `queries`, key in the URL."""
        valid("reconciliation-query-batch.json", queries)
        r = self.client.post(
            f"/reconcile/{key or self.key_a}", data={"queries": json.dumps(queries)}
        )
        assert r.status_code == 200, r.text
        out: dict[str, Any] = valid("reconciliation-result-batch.json", r.json())
        assert set(out) == set(queries)
        return out

    def one(self, query: dict[str, Any], key: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.batch({"q0": query}, key)["q0"]["result"]
        return found


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("reconcile")
    database = Database("sqlite", tmp)
    settings: Settings = make_settings(database.url, tmp / "state", auth="keys")
    with database.session() as session:
        svc = Screening(session, settings)
        loaded = svc.refresh(["us_ndaa_889", "us_fcc_covered", "us_bis_entity_list"], offline=True)
        assert [o.result for o in loaded] == ["created"] * 3
        svc.add_custom_list(
            "suppliers", f"name,country\r\n{IN_HOUSE},GB\r\n".encode(), "t", who=TENANT_A
        )
        with TestClient(make_app(settings)) as client:
            yield Api(client, svc)
    database.close()


def test_manifest_is_the_protocols_and_names_the_services_kinds(api: Api) -> None:
    r = api.client.get("/reconcile", headers=api.auth())
    assert r.status_code == 200
    manifest = valid("manifest.json", r.json())
    assert manifest["versions"] == ["0.2"]
    types = {t["id"] for t in manifest["defaultTypes"]}
    assert types == {"organization", "person"} and types <= set(KINDS)
    assert manifest["suggest"]["entity"]["service_url"] == "http://testserver/reconcile"
    # The view template opens the API's entity route, which knows the candidates' ids.
    hik = api.one({"query": "Hikvision"})[0]
    url = manifest["view"]["url"].replace("{{id}}", hik["id"])
    entity = api.client.get(url, headers=api.auth())
    assert entity.status_code == 200 and entity.json()["entity_id"] == hik["id"]
    # With the key in the URL, the suggest services are under that same URL.
    keyed = valid("manifest.json", api.client.get(f"/reconcile/{api.key_a}").json())
    assert keyed["suggest"]["type"]["service_url"].endswith(f"/reconcile/{api.key_a}")


def test_one_query_by_get_finds_hikvision_as_one_certain_party(api: Api) -> None:
    queries = {"q0": {"query": "Hikvision", "type": "organization", "limit": 3}}
    r = api.client.get("/reconcile", params={"queries": json.dumps(queries)}, headers=api.auth())
    assert r.status_code == 200, r.text
    found = valid("reconciliation-result-batch.json", r.json())["q0"]["result"]
    assert len(found) == 1  # five listings, one party
    top = found[0]
    assert top["name"] == HIK and top["match"] is True and top["score"] == 100
    assert top["type"] == [{"id": "organization", "name": "Organization"}]
    assert "NDAA" in top["description"] and "FCC Covered List" in top["description"]
    assert {f["id"] for f in top["features"]} >= {"token_similarity"}


def test_a_batch_finds_the_hikvision_family_typos_included(api: Api) -> None:
    names = {
        "exact": "Hikvision",
        "typo": "Hikivision",
        "legal": "Hangzhou Hikvision Digital Technology",
        "brand": "EZVIZ",  # a Hikvision subsidiary, through the corporate-family table
        "again": "Hikvision",  # the same name twice in a batch: screened once, answered twice
        "dahua": "Dahua Technology",
        "unlisted": "Axis Communications",
    }
    out = api.batch({k: {"query": v} for k, v in names.items()})
    hik_id = out["exact"]["result"][0]["id"]
    for key in ("exact", "typo", "legal", "brand"):
        top = out[key]["result"][0]
        assert (top["id"], top["name"]) == (hik_id, HIK), key
    assert out["typo"]["result"][0]["score"] < out["exact"]["result"][0]["score"]
    assert "subsidiary" in out["brand"]["result"][0]["description"]
    assert out["again"] == out["exact"]
    assert "Dahua" in out["dahua"]["result"][0]["name"]
    assert out["unlisted"]["result"] == []


def test_a_form_as_openrefine_posts_it_with_a_chinese_legal_name(api: Api) -> None:
    """OpenRefine's Java client names the charset; the Chinese legal name comes from the
    corporate-family table (data/reference/families.csv)."""
    queries = {"q0": {"query": "杭州海康威视数字技术股份有限公司", "type": "organization"}}
    valid("reconciliation-query-batch.json", queries)
    r = api.client.post(
        f"/reconcile/{api.key_a}",
        content=urlencode({"queries": json.dumps(queries)}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert r.status_code == 200, r.text
    found = valid("reconciliation-result-batch.json", r.json())["q0"]["result"]
    assert found[0]["name"] == HIK


def test_two_parties_that_both_match_are_left_to_the_analyst(api: Api) -> None:
    found = api.one({"query": "Huawei", "limit": 2})
    assert len(found) == 2  # the limit holds
    assert [c["match"] for c in found] == [False, False]
    assert found[0]["score"] >= found[1]["score"] >= 80


def test_the_country_property_narrows(api: Api) -> None:
    def scores(country: str | None) -> dict[str, float]:
        query: dict[str, Any] = {"query": "Huawei Technologies"}
        if country:
            query["properties"] = [{"pid": "country", "v": country}]
        return {c["id"]: c["score"] for c in api.one(query)}

    anywhere, china, egypt = scores(None), scores("CN"), scores("Egypt")
    assert HUAWEI_EG in anywhere
    assert china[HUAWEI_EG] < anywhere[HUAWEI_EG]  # listed in Egypt: a Chinese vendor is not it
    assert max(egypt, key=lambda i: egypt[i]) == HUAWEI_EG
    assert max(china, key=lambda i: china[i]) != HUAWEI_EG


def test_a_type_keeps_only_candidates_of_that_type(api: Api) -> None:
    assert api.one({"query": "Hikvision", "type": "person"}) == []
    found = api.one({"query": "Hikvision", "type": ["person", "organization"]})
    assert found and found[0]["name"] == HIK


def test_jsonp_wraps_the_same_answer_and_refuses_a_script_for_a_name(api: Api) -> None:
    queries = json.dumps({"q0": {"query": "Hikvision"}})
    plain = api.client.get("/reconcile", params={"queries": queries}, headers=api.auth())
    r = api.client.get(
        "/reconcile", params={"queries": queries, "callback": "jQuery12_3.cb"}, headers=api.auth()
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert r.headers["x-content-type-options"] == "nosniff"
    head = "/**/ typeof jQuery12_3.cb === 'function' && jQuery12_3.cb("
    assert r.text.startswith(head) and r.text.endswith(");")
    assert json.loads(r.text[len(head) : -2]) == plain.json()
    for bad in ("alert(1)//", "a;b", "x" * 65, "a.b.c.d.e.f", "1abc"):
        r = api.client.get("/reconcile", params={"callback": bad}, headers=api.auth())
        assert r.status_code == 400 and r.json()["detail"].startswith("callback:"), bad


def test_suggest_services_answer_the_protocols_shapes(api: Api) -> None:
    base = f"/reconcile/{api.key_a}/suggest"
    entity = api.client.get(f"{base}/entity", params={"prefix": "Hikvision"}).json()
    assert valid("suggest-entities-response.json", entity)["result"][0]["name"] == HIK
    props = api.client.get(f"{base}/property", params={"prefix": "co"}).json()
    assert [p["id"] for p in valid("suggest-properties-response.json", props)["result"]] == [
        "country"
    ]
    types = api.client.get(f"{base}/type").json()
    assert {t["id"] for t in valid("suggest-types-response.json", types)["result"]} == set(KINDS)
    assert api.client.get(f"{base}/nothing").status_code == 404


@pytest.mark.parametrize(
    ("queries", "status", "names"),
    [
        ("{not json", 400, "queries: not JSON"),
        ('["Hikvision"]', 400, "queries: expected a JSON object"),
        ('{"q0": "Hikvision"}', 400, "queries.q0:"),
        ('{"q0": {"type": "organization"}}', 400, "queries.q0.query"),
        ('{"q0": {"query": "Hikvision", "limit": 0}}', 400, "queries.q0.limit"),
        ('{"q0": {"query": "x", "limit": true}}', 400, "queries.q0.limit"),
        ('{"q0": {"query": "x", "type": "company"}}', 400, "queries.q0.type"),
        ('{"q0": {"query": "x", "colour": 1}}', 400, "queries.q0: unknown field"),
        ('{"q9": {"query": "x", "properties": [{"pid": "size", "v": 1}]}}', 400, "q9.properties"),
        ('{"a": {"query": "x", "properties": [{"pid": "country", "v": "Atlantis"}]}}', 400, "a."),
        (json.dumps({f"q{i}": {"query": "x"} for i in range(MAX_QUERIES + 1)}), 413, "queries:"),
    ],
)
def test_a_bad_batch_is_a_clear_error_naming_the_query(
    api: Api, queries: str, status: int, names: str
) -> None:
    for r in (
        api.client.post(f"/reconcile/{api.key_a}", data={"queries": queries}),
        api.client.get("/reconcile", params={"queries": queries}, headers=api.auth()),
    ):
        assert r.status_code == status, r.text
        assert names in r.json()["detail"], r.json()
        assert len(r.json()["detail"]) < 400  # quotes a bounded excerpt, never the batch


def test_a_post_without_a_form_field_or_too_large_is_refused(api: Api) -> None:
    url = f"/reconcile/{api.key_a}"
    r = api.client.post(url, json={"queries": {"q0": {"query": "x"}}})
    assert r.status_code == 400 and "form field" in r.json()["detail"]
    r = api.client.post(url, data={"other": "1"})
    assert r.status_code == 400 and "queries" in r.json()["detail"]
    big = json.dumps({"q0": {"query": "x" * 999}}) + " " * (7 * 1024 * 1024)
    r = api.client.post(url, data={"queries": big})
    assert r.status_code == 413 and r.json()["detail"].startswith("queries:")


def test_no_key_or_a_wrong_one_is_401_and_never_echoed(api: Api) -> None:
    queries = {"queries": json.dumps({"q0": {"query": "Hikvision"}})}
    for r in (
        api.client.get("/reconcile"),
        api.client.post("/reconcile", data=queries),
        api.client.get("/reconcile/suggest/entity", params={"prefix": "Hikvision"}),
    ):
        assert r.status_code == 401 and r.headers["www-authenticate"].lower() == "bearer"
    wrong = "scr_" + "Q" * 43
    for r in (
        api.client.get(f"/reconcile/{wrong}"),
        api.client.post(f"/reconcile/{wrong}", data=queries),
        api.client.get(f"/reconcile/{wrong}/suggest/type"),
    ):
        assert r.status_code == 401 and wrong not in r.text
    made = api.svc.create_key("tenant-a", "ci")
    assert api.client.get(f"/reconcile/{made.key}").status_code == 200
    api.svc.revoke_key(made.prefix)
    assert api.client.get(f"/reconcile/{made.key}").status_code == 401


def test_a_tenants_custom_list_is_seen_by_its_keys_only(api: Api) -> None:
    mine = api.one({"query": IN_HOUSE}, key=api.key_a)
    assert mine and mine[0]["id"].startswith("custom:tenant-a:suppliers:")
    assert mine[0]["match"] is True
    theirs = api.one({"query": IN_HOUSE}, key=api.key_b)
    assert all(not c["id"].startswith("custom:") for c in theirs)
    suggested = api.client.get(
        f"/reconcile/{api.key_b}/suggest/entity", params={"prefix": IN_HOUSE}
    ).json()["result"]
    assert all(not s["id"].startswith("custom:") for s in suggested)
    # Public lists are the same for both.
    assert api.one({"query": "Hikvision"}, key=api.key_b)[0]["name"] == HIK


def test_a_key_in_the_path_never_reaches_the_access_log() -> None:
    """uvicorn's access line for a keyed request, formatted as the server formats it, after
    the filter the routes install on uvicorn's loggers."""
    key = "scr_AbCdEfGh" + "x" * 35
    assert HideKeys in {type(f) for f in logging.getLogger("uvicorn.access").filters}
    for path in (
        f"/reconcile/{key}?queries=%7B%7D",
        f"/reconcile/{key}/suggest/entity?prefix=hik",
        f"/reconcile/{key[:20]}",  # a mistyped key is still most of one
        f"/v1/anything?token={key}",
    ):
        record = logging.LogRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "GET", path, "1.1", 200),
            None,
        )
        assert logging.getLogger("uvicorn.access").filter(record)
        line = AccessFormatter(fmt="%(request_line)s %(status_code)s").format(record)
        assert key not in line and key[12:30] not in line, line
        assert "GET /" in line and "200" in line
    assert HideKeys.hide("/reconcile/suggest/entity") == "/reconcile/suggest/entity"
