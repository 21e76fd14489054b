"""Continuous monitoring (issue 15, points 3-6), through the service on SQLite and PostgreSQL:
a list change re-screens every affected tenant's vendors and raises alerts naming the vendor,
party, listing, list, both versions and the diff entry; other tenants hear nothing; reviews
keep a dismissed hit quiet until its listing changes; an interrupted run resumes without a
duplicate alert; every write lands in the audit trail; alerts reach a signed webhook.

The custom lists here are the smallest honest fixture: in-house lists are by nature the
user's own rows (no published file exists), so each test writes the one row it needs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from standardwebhooks import Webhook as Verifier

from screening.schemas.accounts import Principal
from screening.schemas.monitoring import ReviewIn, WebhookIn
from screening.schemas.vendors import VendorIn
from screening.service import Screening, Settings
from tests.conftest import FIXTURES, Database, make_settings

A = Principal(tenant="tenant-a", role="admin", key_name="a-admin")
B = Principal(tenant="tenant-b", role="admin", key_name="b-admin")
VENDOR = "Northwind Optical Trading Ltd"


def _list(*rows: str) -> bytes:
    return ("name,country,reason\r\n" + "".join(r + "\r\n" for r in rows)).encode()


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[Screening]:
    """A fresh database with two small real lists (NDAA §889 and the FCC Covered List): every
    custom-list change rebuilds the name index, which over all bundled lists costs seconds."""
    settings = make_settings(db.url, tmp_path, webhook_allow_private=True)
    with db.session() as session:
        service = Screening(session, settings)
        loaded = service.refresh(["us_ndaa_889", "us_fcc_covered"], offline=True)
        assert [o.result for o in loaded] == ["created", "created"]
        yield service


def _types(alerts: list[Any]) -> list[str]:
    return [a.type for a in alerts]


def test_a_list_change_alerts_the_tenant_whose_vendor_it_names(svc: Screening) -> None:
    listed = svc.add_vendor(VendorIn(name="Hikivision"), A.tenant, who=A)
    assert listed.has_hits  # the public lists are searched for every tenant
    mine = svc.add_vendor(VendorIn(name=VENDOR, country="GB"), A.tenant, who=A)
    theirs = svc.add_vendor(VendorIn(name=VENDOR, country="GB"), B.tenant, who=B)
    assert not mine.has_hits and not theirs.has_hits
    svc.rescreen()  # nothing is due yet
    start_a = max([a.id for a in svc.alerts(A.tenant)], default=0)

    out = svc.add_custom_list("suppliers", _list(f"{VENDOR},GB,fraud"), "t", who=A)
    assert out.result == "created" and out.source_id == "custom:tenant-a:suppliers"
    run = svc.rescreen()
    assert run.alerts >= 1 and run.job is not None

    alerts = svc.alerts(A.tenant, after_id=start_a)
    assert _types(alerts) == ["vendor.hit.added"]
    data = alerts[0].data
    assert data["vendor"]["id"] == mine.id and data["list"] == out.source_id
    assert data["to_version"] == out.version and data["from_version"] is None
    assert data["listing"]["matched_name"] == VENDOR
    assert svc.vendor(mine.id, A.tenant).has_hits
    # Tenant B has a vendor of the same name: it neither sees A's list nor hears of it.
    assert svc.alerts(B.tenant) == []
    assert not svc.vendor(theirs.id, B.tenant).has_hits
    # Running again raises nothing more (every vendor is current).
    assert svc.rescreen().alerts == 0
    assert len(svc.alerts(A.tenant, after_id=start_a)) == 1


def test_a_dismissed_hit_stays_quiet_until_its_listing_changes(svc: Screening) -> None:
    v = svc.add_vendor(VendorIn(name="Harbourline Imaging Ltd"), A.tenant, who=A)
    svc.add_custom_list("watch", _list("Harbourline Imaging Ltd,GB,first reason"), "t", who=A)
    svc.rescreen()
    hit = svc.vendor(v.id, A.tenant).screening.hits[0].listings[0]
    review = svc.review(
        v.id,
        ReviewIn(
            entity_id=hit.entity_id,
            decision="dismissed",
            reason="same name, different company (checked)",
        ),
        who=A,
    )
    assert review.current and review.snapshots
    assert svc.vendor(v.id, A.tenant).screening.hits[0].listings[0].review == "dismissed"
    assert svc.vendor(v.id, A.tenant).tier == "low"  # its only hit is dismissed
    assert v.id in {x.id for x in svc.vendors(A.tenant, reviewed=True)}
    assert v.id not in {x.id for x in svc.vendors(A.tenant, reviewed=False)}
    last = max(a.id for a in svc.alerts(A.tenant))

    # An unrelated list change: the vendor is re-screened, the dismissed hit stays quiet.
    svc.add_custom_list("unrelated", _list("Some Other Party Ltd,FR,x"), "t", who=A)
    svc.rescreen()
    assert svc.alerts(A.tenant, after_id=last) == []
    assert svc.vendor(v.id, A.tenant).screening.hits[0].listings[0].review == "dismissed"

    # Its listing changes: the hit re-opens, and the alert says so.
    svc.add_custom_list("watch", _list("Harbourline Imaging Ltd,GB,second reason"), "t", who=A)
    svc.rescreen()
    alerts = svc.alerts(A.tenant, after_id=last)
    assert _types(alerts) == ["vendor.hit.changed"]
    assert alerts[0].data["reopened"] is True
    assert alerts[0].data["diff"]["change"] == "changed"
    assert svc.vendor(v.id, A.tenant).screening.hits[0].listings[0].review == "open"
    assert not svc.reviews(v.id, A.tenant)[0].current


def test_a_listing_removed_raises_hit_removed(svc: Screening) -> None:
    v = svc.add_vendor(VendorIn(name="Lowfield Security Systems"), A.tenant, who=A)
    svc.add_custom_list(
        "gone", _list("Lowfield Security Systems,GB,x", "Keep Me Ltd,GB,y"), "t", who=A
    )
    svc.rescreen()
    last = max(a.id for a in svc.alerts(A.tenant))
    svc.add_custom_list("gone", _list("Keep Me Ltd,GB,y", "Also Kept Ltd,GB,z"), "t", who=A)
    svc.rescreen()
    alerts = svc.alerts(A.tenant, after_id=last)
    assert _types(alerts) == ["vendor.hit.removed"]
    assert alerts[0].data["diff"]["change"] == "removed"
    assert not svc.vendor(v.id, A.tenant).has_hits


def test_an_interrupted_run_resumes_without_duplicate_alerts(svc: Screening) -> None:
    names = [f"Eastgate Camera Supplies {n}" for n in ("North", "South", "West")]
    made = [svc.add_vendor(VendorIn(name=n), "tenant-c") for n in names]
    c_admin = Principal(tenant="tenant-c", role="admin", key_name="c")
    svc.add_custom_list("c-list", _list(*(f"{n},GB,r" for n in names)), "t", who=c_admin)
    first = svc.rescreen(max_vendors=1)  # "killed" after one vendor
    assert first.vendors == 1
    rest = svc.rescreen()
    assert rest.vendors >= 2
    alerts = svc.alerts("tenant-c")
    assert sorted(a.data["vendor"]["id"] for a in alerts) == sorted(v.id for v in made)
    assert svc.rescreen().alerts == 0


def test_writes_and_alerts_are_in_the_audit_trail(svc: Screening) -> None:
    v = svc.add_vendor(
        VendorIn(name="Audit Trail Optics"),
        "tenant-d",
        who=Principal(
            tenant="tenant-d", role="analyst", key_name="d-analyst", key_prefix="scr_abcdefgh"
        ),
    )
    d_admin = Principal(tenant="tenant-d", role="admin", key_name="d-admin")
    svc.add_custom_list("d", _list("Audit Trail Optics,GB,r"), "t", who=d_admin)
    svc.rescreen()
    entries = svc.audit_entries("tenant-d")
    actions = [e.action for e in entries]
    assert actions[0] == "vendor.add" and "custom-list.upload" in actions
    assert "alert.vendor.hit.added" in actions
    add = entries[0]
    assert add.actor == "d-analyst (scr_abcdefgh)" and add.role == "analyst" and add.target == v.id
    assert add.snapshots  # the list versions the screening used
    assert [e.action for e in svc.audit_entries("tenant-d", action="alert.")] == [
        "alert.vendor.hit.added"
    ]
    assert svc.audit_entries("tenant-a", action="vendor.add", actor="d-analyst") == []


class _Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_alerts_reach_a_signed_webhook_and_are_logged(svc: Screening) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        e_admin = Principal(tenant="tenant-e", role="admin", key_name="e")
        hook = svc.add_webhook(
            WebhookIn(url=f"http://127.0.0.1:{server.server_port}/hook"), who=e_admin
        )
        assert hook.secret.startswith("whsec_")
        svc.add_vendor(VendorIn(name="Webhook Vision Ltd"), "tenant-e")
        svc.add_custom_list("e", _list("Webhook Vision Ltd,GB,r"), "t", who=e_admin)
        svc.rescreen()
        assert svc.deliver_due() == 1
        headers, body = _Receiver.got[-1]
        payload = Verifier(hook.secret).verify(body, headers)
        assert payload["type"] == "vendor.hit.added"
        assert payload["data"]["vendor"]["name"] == "Webhook Vision Ltd"
        log = svc.deliveries(hook.id, "tenant-e")
        assert [(d.status, d.attempts, d.last_status_code) for d in log] == [("delivered", 1, 204)]
        assert svc.deliver_due() == 0  # nothing is sent twice
        again = svc.redeliver(hook.id, log[0].id, who=e_admin)
        assert again.status == "pending" and svc.deliver_due() == 1
        assert len(_Receiver.got) >= 2 and _Receiver.got[-1][1] == body
    finally:
        server.shutdown()


def test_private_webhook_targets_are_refused_by_default(loaded: tuple[Database, Settings]) -> None:
    from screening.errors import InputError

    db, settings = loaded
    with db.session() as session:
        strict = Screening(session, settings.model_copy(update={"webhook_allow_private": False}))
        for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest"):
            with pytest.raises(InputError):
                strict.add_webhook(WebhookIn(url=url), who=A)
        assert strict.webhooks(A.tenant) == []


def test_an_alert_round_trips_as_json(svc: Screening) -> None:
    """The feed's alerts are plain JSON values (webhook bodies are built from them)."""
    svc.add_vendor(VendorIn(name="Round Trip Optics Ltd"), A.tenant, who=A)
    svc.add_custom_list("rt", _list("Round Trip Optics Ltd,GB,r"), "t", who=A)
    svc.rescreen()
    alerts = svc.alerts(A.tenant)
    assert len(alerts) == 1
    dumped = alerts[0].model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped
    assert dumped["data"]["vendor"]["name"] == "Round Trip Optics Ltd"


def test_a_stored_inventory_is_scored_again_and_tier_changes_alert(
    db: Database, tmp_path: Path
) -> None:
    """Only the KEV catalogue is loaded, so the Tiandy and Uniview devices of the example
    inventory are on no list; the tenant's own list then names Tiandy (its legal name), and
    the stored inventory's Tiandy device moves up a tier: one alert, naming the device."""
    settings = make_settings(db.url, tmp_path)
    inventory = (FIXTURES / "devices" / "inventory.csv").read_bytes()
    f_admin = Principal(tenant="tenant-f", role="admin", key_name="f")
    with db.session() as session:
        svc = Screening(session, settings)
        assert [o.result for o in svc.refresh(["us_cisa_kev"], offline=True)] == ["created"]
        stored = svc.score_upload(
            inventory, "estate.csv", "inventory", "default", store=True, who=f_admin
        )
        assert stored.id is not None
        tiers = {d.asset_id: d.tier for d in stored.devices}  # type: ignore[union-attr]
        assert svc.rescreen().alerts == 0  # scored under the current lists already

        svc.add_custom_list(
            "makers", _list('"Tiandy Technologies Co., Ltd.",CN,policy'), "t", who=f_admin
        )
        run = svc.rescreen()
        assert run.inventories == 1
        alerts = svc.alerts("tenant-f")
        assert alerts and {a.type for a in alerts} == {"inventory.tier.changed"}
        moved = {a.data["device"]["asset_id"]: a.data for a in alerts}
        assert "CAM-033" in moved  # the Tiandy camera
        assert moved["CAM-033"]["from_tier"] == tiers["CAM-033"] != moved["CAM-033"]["to_tier"]
        assert all(a.data["inventory"]["id"] == stored.id for a in alerts)
        assert "custom:tenant-f:makers" in moved["CAM-033"]["to_versions"]
        # The stored report itself now has the new tiers; running again raises nothing.
        again = svc.report(stored.id, "tenant-f")
        assert {d.asset_id: d.tier for d in again.devices}["CAM-033"] == moved["CAM-033"]["to_tier"]  # type: ignore[union-attr]
        assert svc.rescreen().alerts == 0
