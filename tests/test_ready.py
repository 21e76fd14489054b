"""Readiness (issue 18): `/health/ready` answers 503 until this process holds the name index
of the active lists, then 200; like `/health` it needs no key and shows nothing of the lists."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from screening.service import Screening
from tests.conftest import Database, make_app, make_settings


def test_ready_only_once_the_index_of_the_active_lists_is_built(
    db: Database, tmp_path: Path
) -> None:
    settings = make_settings(db.url, tmp_path, auth="keys")
    with db.session() as session:
        svc = Screening(session, settings)
        svc.refresh(["us_ndaa_889"], offline=True)
        # A list of this test's own, so that no index built earlier in this process (the cache
        # is keyed by the lists' versions, whatever the database) already serves these lists.
        svc.add_custom_list("own", f"name\r\nSupplier {uuid.uuid4().hex}\r\n".encode(), "t")
        key = svc.create_key("default", "ci").key
    with TestClient(make_app(settings)) as client:
        waiting = client.get("/health/ready")
        assert waiting.status_code == 503 and "warming up" in waiting.json()["detail"]
        screened = client.post(
            "/v1/screen", json={"name": "Hikivision"}, headers={"Authorization": f"Bearer {key}"}
        )
        assert screened.status_code == 200
        ready = client.get("/health/ready")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}
        # A new version of a list: the index of the old one is not the active lists' index.
        with db.session() as session:
            Screening(session, settings).add_custom_list(
                "extra", f"name\r\nSupplier {uuid.uuid4().hex}\r\n".encode(), "t"
            )
        assert client.get("/health/ready").status_code == 503
