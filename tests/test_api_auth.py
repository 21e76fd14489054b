"""Keys, roles and tenants at the API (issue 15, point 1): every call but /health needs a key;
a revoked or unknown key gets 401; roles limit what a key may do (403); one tenant never sees
another's vendors or stored inventories (404, as if they did not exist)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from screening.service import Screening, Settings
from tests.conftest import Database, make_app

INVENTORY = Path(__file__).parent / "fixtures" / "inventories" / "retail_inventory_utf8.csv"


class Keys:
    def __init__(self, svc: Screening) -> None:
        self.svc = svc

    def make(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.svc.create_key(tenant, role).key}"}


@pytest.fixture(scope="module")
def api(loaded: tuple[Database, Settings]) -> Iterator[tuple[TestClient, Keys]]:
    db, settings = loaded
    keyed = settings.model_copy(update={"auth": "keys"})
    with TestClient(make_app(keyed)) as client, db.session() as session:
        yield client, Keys(Screening(session, keyed))


def _operations(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if path not in ("/health", "/health/ready")  # liveness and readiness, for balancers
    ]


def test_every_operation_but_health_needs_a_key(api: tuple[TestClient, Keys]) -> None:
    client, _ = api
    assert client.get("/health").status_code == 200
    operations = _operations(client)
    assert len(operations) >= 12
    for method, path in operations:
        url = path.replace("{", "").replace("}", "").replace(":path", "")
        r = client.request(method, url, json={}, headers={"Content-Type": "application/json"})
        assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
        assert r.json()["detail"] and r.headers["www-authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer scr_" + "A" * 43, "Bearer not-a-key", "Basic dXNlcjpwYXNz", "scr_" + "A" * 43, ""],
)
def test_unknown_or_malformed_credentials_get_401(
    api: tuple[TestClient, Keys], header: str
) -> None:
    client, _ = api
    r = client.get("/v1/sources", headers={"Authorization": header} if header else {})
    assert r.status_code == 401


def test_a_revoked_key_gets_401(api: tuple[TestClient, Keys]) -> None:
    client, keys = api
    made = keys.svc.create_key("acme", "analyst")
    auth = {"Authorization": f"Bearer {made.key}"}
    assert client.get("/v1/sources", headers=auth).status_code == 200
    keys.svc.revoke_key(made.prefix)
    assert client.get("/v1/sources", headers=auth).status_code == 401


def test_a_ci_key_screens_and_checks_but_never_writes(api: tuple[TestClient, Keys]) -> None:
    client, keys = api
    ci = keys.make("acme", "ci")
    assert client.post("/v1/screen", json={"name": "Hikivision"}, headers=ci).status_code == 200
    with INVENTORY.open("rb") as fh:
        files = {"file": ("po.csv", fh, "text/csv")}
        checked = client.post("/v1/purchase-orders/check", files=files, headers=ci)
    assert checked.status_code == 200, checked.text
    assert client.post("/v1/vendors", json={"name": "Dahua"}, headers=ci).status_code == 403
    with INVENTORY.open("rb") as fh:
        stored = client.post("/v1/inventories", files={"file": ("i.csv", fh)}, headers=ci)
    assert stored.status_code == 403
    body = b"name\nAcme Widgets\n"
    listed = client.post(
        "/v1/custom-lists/mine", content=body, headers=ci | {"Content-Type": "text/csv"}
    )
    assert listed.status_code == 403
    assert client.get("/v1/keys", headers=ci).status_code == 403


def test_an_analyst_writes_vendors_but_manages_no_keys_or_lists(
    api: tuple[TestClient, Keys],
) -> None:
    client, keys = api
    analyst = keys.make("acme", "analyst")
    made = client.post("/v1/vendors", json={"name": "Hikivision"}, headers=analyst)
    assert made.status_code == 201 and made.json()["has_hits"]
    assert client.get("/v1/keys", headers=analyst).status_code == 403
    body = b"name\nAcme Widgets\n"
    up = client.post(
        "/v1/custom-lists/mine", content=body, headers=analyst | {"Content-Type": "text/csv"}
    )
    assert up.status_code == 403


def test_an_admin_manages_its_tenants_keys_only(api: tuple[TestClient, Keys]) -> None:
    client, keys = api
    admin = keys.make("acme", "admin")
    made = client.post("/v1/keys", json={"role": "ci", "name": "pipeline"}, headers=admin)
    assert made.status_code == 201
    new = made.json()
    assert new["key"].startswith("scr_") and new["tenant"] == "acme"
    listed = client.get("/v1/keys", headers=admin).json()
    assert new["prefix"] in {k["prefix"] for k in listed}
    assert all("key" not in k and k["tenant"] == "acme" for k in listed)
    other = keys.svc.create_key("globex", "ci")
    assert client.delete(f"/v1/keys/{other.prefix}", headers=admin).status_code == 404
    assert client.delete(f"/v1/keys/{new['prefix']}", headers=admin).status_code == 204
    revoked = {"Authorization": f"Bearer {new['key']}"}
    assert client.get("/v1/sources", headers=revoked).status_code == 401


def test_one_tenant_never_sees_anothers_data(api: tuple[TestClient, Keys]) -> None:
    client, keys = api
    a, b = keys.make("tenant-a", "analyst"), keys.make("tenant-b", "analyst")
    vendor = client.post("/v1/vendors", json={"name": "Zhejiang Dahua"}, headers=a).json()
    with INVENTORY.open("rb") as fh:
        stored = client.post("/v1/inventories", files={"file": ("i.csv", fh)}, headers=a)
    assert stored.status_code == 200, stored.text
    report = stored.json()["id"]
    for path in (
        f"/v1/vendors/{vendor['id']}",
        f"/v1/inventories/{report}",
        f"/v1/inventories/{report}/report?format=csv",
    ):
        assert client.get(path, headers=b).status_code == 404, path
        assert client.get(path, headers=a).status_code == 200, path
    assert client.delete(f"/v1/vendors/{vendor['id']}", headers=b).status_code == 404
    assert client.delete(f"/v1/inventories/{report}", headers=b).status_code == 404
    assert vendor["id"] not in {v["id"] for v in client.get("/v1/vendors", headers=b).json()}
    assert report not in {r["id"] for r in client.get("/v1/inventories", headers=b).json()}
    assert report in {r["id"] for r in client.get("/v1/inventories", headers=a).json()}
    # The public lists are shared: both see the same sources.
    assert (
        client.get("/v1/sources", headers=a).json() == client.get("/v1/sources", headers=b).json()
    )
