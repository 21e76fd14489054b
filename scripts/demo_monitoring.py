#!/usr/bin/env python3
"""Continuous monitoring, shown against a real running server (issue 15).

Starts `screening serve` on a fresh SQLite copy of the bundled lists and checks, step by step:
two tenants with their own keys; tenant A's analyst adds vendors; A's admin subscribes a
webhook receiver on loopback and uploads a new version of A's custom list naming one of A's
vendors; the receiver gets a `vendor.hit.added` delivery whose Standard Webhooks signature
verifies, while tenant B (a vendor of the same name) gets nothing; B's keys get 404 for A's
vendor and inventory; no key, a revoked key and a `ci` key get 401, 401 and 403; a dismissed
hit stays quiet across an unrelated list change and re-opens when its listing changes; and the
server killed (SIGKILL) in the middle of re-screening 600 vendors and started again completes
the work with exactly one alert per vendor.

    .venv/bin/python scripts/demo_monitoring.py        # exit 0 when every check holds

The custom lists are the smallest honest fixture: an in-house list is the user's own rows.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from standardwebhooks import Webhook

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "screening"
VENDOR = "Northwind Optical Trading Ltd"
MANY = 600


def step(text: str) -> None:
    print(f"  ok  {text}", flush=True)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Receiver:
    """A webhook receiver on loopback that keeps what it gets."""

    def __init__(self) -> None:
        got: list[tuple[dict[str, str], bytes]] = []
        self.got = got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [str(EXE), "serve", "--port", str(self.port), "--workers", "1"],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers and the monitor
        )
        wait_for("the server", self._up, 180)

    def _up(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
        try:
            return httpx.get(self.base + "/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(EXE), *args], env=env, capture_output=True, text=True, check=True, timeout=600
    )
    return done.stdout


def custom_list(*rows: str) -> bytes:
    return ("name,country,reason\r\n" + "".join(r + "\r\n" for r in rows)).encode()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="demo-monitoring-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = dict(
        os.environ,
        SCREENING_DATABASE_URL=f"sqlite:///{tmp / 'screening.db'}",
        SCREENING_STATE_DIR=str(tmp / "state"),
        SCREENING_WEBHOOK_ALLOW_PRIVATE="true",  # the receivers listen on loopback
        SCREENING_AUTH="keys",
    )
    env.pop("SCREENING_WORKERS", None)
    print(f"demo in {tmp}", flush=True)
    cli(env, "refresh", "--offline")
    keys = {
        (t, r): cli(env, "keys", "create", "--tenant", t, "--role", r).strip().splitlines()[-1]
        for t in ("tenant-a", "tenant-b")
        for r in ("admin", "analyst", "ci")
    }
    step("two tenants, an admin, an analyst and a ci key each")
    server = Server(env, port, tmp / "server.log")
    server.start()
    try:
        return run(server, keys, tmp)
    finally:
        server.stop()


def run(server: Server, keys: dict[tuple[str, str], str], tmp: Path) -> int:
    def as_(tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[(tenant, role)]}"}

    api = httpx.Client(base_url=server.base, timeout=120)
    a_an, a_ad, b_an, b_ad = (
        as_("tenant-a", "analyst"),
        as_("tenant-a", "admin"),
        as_("tenant-b", "analyst"),
        as_("tenant-b", "admin"),
    )
    mine = api.post("/v1/vendors", json={"name": VENDOR, "country": "GB"}, headers=a_an)
    assert mine.status_code == 201, mine.text
    vendor = mine.json()
    assert not vendor["has_hits"], vendor
    theirs = api.post("/v1/vendors", json={"name": VENDOR, "country": "GB"}, headers=b_an)
    assert theirs.status_code == 201 and not theirs.json()["has_hits"]
    step(f"A's analyst and B's analyst each add {VENDOR!r} (no hit on any public list)")

    rx_a, rx_b = Receiver(), Receiver()
    hook = api.post("/v1/webhooks", json={"url": rx_a.url}, headers=a_ad)
    assert hook.status_code == 201, hook.text
    secret = hook.json()["secret"]
    assert api.post("/v1/webhooks", json={"url": rx_b.url}, headers=b_ad).status_code == 201
    step("A's admin and B's admin subscribe webhook receivers on loopback")

    up = api.post(
        "/v1/custom-lists/suppliers",
        content=custom_list(f"{VENDOR},GB,fraud finding 2026-11"),
        headers=a_ad | {"Content-Type": "text/csv"},
    )
    assert up.status_code == 200 and up.json()["result"] == "created", up.text
    started = time.monotonic()
    headers, body = wait_for("A's webhook delivery", lambda: rx_a.got and rx_a.got[0])
    event = Webhook(secret).verify(body, headers)
    assert event["type"] == "vendor.hit.added", event
    assert event["data"]["vendor"]["id"] == vendor["id"]
    assert event["data"]["list"] == "custom:tenant-a:suppliers"
    step(
        f"A's receiver got vendor.hit.added {time.monotonic() - started:.1f} s after the upload; "
        "its Standard Webhooks signature verifies"
    )
    time.sleep(5)
    assert rx_b.got == [], rx_b.got
    assert api.get("/v1/alerts", headers=b_ad).json() == []
    step("B, with a vendor of the same name, got nothing (no delivery, no alert)")

    inv = Path(__file__).resolve().parent.parent / "tests/fixtures/devices/inventory.csv"
    stored = api.post(
        "/v1/inventories", files={"file": ("estate.csv", inv.read_bytes())}, headers=a_an
    )
    assert stored.status_code == 200, stored.text
    report = stored.json()["id"]
    for path in (f"/v1/vendors/{vendor['id']}", f"/v1/inventories/{report}"):
        assert api.get(path, headers=b_ad).status_code == 404, path
        assert api.get(path, headers=a_an).status_code == 200, path
    step("B's keys get 404 for A's vendor and A's stored inventory")

    assert api.get("/v1/vendors").status_code == 401
    spare = api.post("/v1/keys", json={"role": "analyst", "name": "to revoke"}, headers=a_ad)
    spare_key = spare.json()
    assert api.delete(f"/v1/keys/{spare_key['prefix']}", headers=a_ad).status_code == 204
    revoked = {"Authorization": f"Bearer {spare_key['key']}"}
    assert api.get("/v1/vendors", headers=revoked).status_code == 401
    ci = as_("tenant-a", "ci")
    assert api.post("/v1/vendors", json={"name": "X"}, headers=ci).status_code == 403
    assert api.post("/v1/screen", json={"name": "Hikivision"}, headers=ci).status_code == 200
    step("no key 401, a revoked key 401, a ci key 403 on a write (and 200 on a screen)")

    hit = event["data"]["listing"]["entity_id"]
    review = api.post(
        f"/v1/vendors/{vendor['id']}/reviews",
        json={"entity_id": hit, "decision": "dismissed", "reason": "another company, checked"},
        headers=a_an,
    )
    assert review.status_code == 201, review.text
    last = max(a["id"] for a in api.get("/v1/alerts", headers=a_an).json())
    other = api.post(
        "/v1/custom-lists/unrelated",
        content=custom_list("Someone Else Entirely Ltd,FR,x"),
        headers=a_ad | {"Content-Type": "text/csv"},
    ).json()

    def screened_under(version: str) -> bool:
        got = api.get(f"/v1/vendors/{vendor['id']}", headers=a_an).json()
        return got["screening"]["snapshots"].get(other["source_id"]) == version

    wait_for("re-screening after the unrelated change", lambda: screened_under(other["version"]))
    assert api.get(f"/v1/alerts?after={last}", headers=a_an).json() == []
    step("the dismissed hit stayed quiet across an unrelated list change")
    changed = api.post(
        "/v1/custom-lists/suppliers",
        content=custom_list(f"{VENDOR},GB,fraud finding 2026-11; court order 2026-12"),
        headers=a_ad | {"Content-Type": "text/csv"},
    ).json()
    reopened = wait_for(
        "the re-opening alert",
        lambda: api.get(f"/v1/alerts?after={last}", headers=a_an).json(),
    )
    assert [a["type"] for a in reopened] == ["vendor.hit.changed"], reopened
    assert reopened[0]["data"]["reopened"] is True
    assert reopened[0]["data"]["to_version"] == changed["version"]
    step("its listing changed: vendor.hit.changed with reopened=true")

    names = [f"Kestrel Harbour Supplies {n:04d}" for n in range(MANY)]
    data = ("name\r\n" + "".join(n + "\r\n" for n in names)).encode()
    imported = api.post(
        "/v1/vendors/import", content=data, headers=a_an | {"Content-Type": "text/csv"}
    )
    assert imported.status_code == 201, imported.text
    last = max(a["id"] for a in api.get("/v1/alerts?limit=1000", headers=a_an).json())
    api.post(
        "/v1/custom-lists/kestrel",
        content=custom_list(*(f"{n},GB,r" for n in names)),
        headers=a_ad | {"Content-Type": "text/csv"},
    )

    def kestrel_alerts() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        after = last
        while True:
            page = api.get(f"/v1/alerts?after={after}&limit=1000", headers=a_an).json()
            out += page
            if len(page) < 1000:
                return out
            after = page[-1]["id"]

    before = len(wait_for("the first alerts of the 600", kestrel_alerts, 300))
    server.kill()
    step(f"server killed with SIGKILL after {before} of {MANY} alerts")
    server.start()
    done = wait_for(
        f"all {MANY} alerts after the restart",
        lambda: (got := kestrel_alerts()) and len(got) >= MANY and got,
        600,
    )
    time.sleep(6)  # two more monitoring passes: nothing may be alerted twice
    done = kestrel_alerts()
    ids = [a["data"]["vendor"]["id"] for a in done]
    assert len(ids) == MANY == len(set(ids)), (len(ids), len(set(ids)))
    assert {a["type"] for a in done} == {"vendor.hit.added"}
    step(f"restarted: the re-screening finished, {len(ids)} alerts, one per vendor, none twice")
    audit = api.get("/v1/audit?action=vendor.&limit=5", headers=a_ad).json()
    assert audit and audit[0]["actor"].startswith("analyst key")
    assert api.get("/v1/audit", headers=a_an).status_code == 403
    step("the audit trail names who added the vendors (admin only)")
    print(json.dumps({"killed_after": before, "alerts": len(ids)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
