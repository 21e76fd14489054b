"""Live reload (issue 18, point 3): on PostgreSQL a snapshot switch is announced when its
transaction commits (NOTIFY), and a server's listener hears it at once instead of at its next
periodic check; a refresh that changes nothing announces nothing. On SQLite there is no
listener (the periodic check is the only way)."""

from __future__ import annotations

import threading
from pathlib import Path

from screening.service import Screening
from screening.service.warmup import _Listener, wait_for_switch
from tests.conftest import Database, make_settings


def test_a_switch_is_announced_to_listeners(db: Database, tmp_path: Path) -> None:
    settings = make_settings(db.url, tmp_path)
    listener = _Listener(db.engine)
    if db.engine.dialect.name != "postgresql":
        assert listener.conn is None
        stop = threading.Event()
        stop.set()
        assert wait_for_switch(listener, stop, 5.0)  # only the stop (or the period) ends it
        return
    assert listener.conn is not None
    assert not listener.wait(0.2)  # nothing announced yet

    def upload(rows: bytes) -> None:
        with db.session() as session:
            Screening(session, settings).add_custom_list("watch", rows, "t")

    worker = threading.Thread(target=upload, args=(b"name\r\nFirst Supplier Ltd\r\n",))
    worker.start()
    heard = listener.wait(30.0)
    worker.join()
    assert heard
    listener.wait(0.2)  # drain
    # The same list again: no new snapshot, so nothing is announced.
    upload(b"name\r\nFirst Supplier Ltd\r\n")
    assert not listener.wait(0.5)
