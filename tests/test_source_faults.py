"""The foundation's fault behaviour for every source with a live download, and hostile XML
arriving through OFAC's XML forms: each fault fails the refresh cleanly, keeps the bundled
snapshot active and records why — on SQLite and PostgreSQL. Served with httpx.MockTransport
from the real bundled bytes (no test reaches the internet)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from screening.service import catalog
from screening.settings import Settings
from screening.snapshots import RefreshOutcome, refresh_source
from screening.sources.base import SourceSpec
from screening.sources.bundled import has_bundle, load_bundle
from screening.sources.fetch import make_client
from screening.sources.ofac import CONS_SPEC
from screening.sources.registry import FIXED_SOURCES

from .conftest import DATA, Database, make_settings

LIVE = [s for s in FIXED_SOURCES if s.files and s.parse and has_bundle(DATA, s.id)]


def test_every_live_source_with_a_bundle_is_exercised() -> None:
    assert {s.id for s in LIVE} >= {"gb_fcdo_sanctions", "us_trade_csl", "un_sc", "us_ofac_sdn"}


Fault = Callable[[str, bytes], httpx.Response]
FAULTS: dict[str, tuple[Fault, str]] = {
    "http-500": (lambda name, body: httpx.Response(500), "HTTP 500"),
    "http-403": (lambda name, body: httpx.Response(403), "HTTP 403"),
    "empty": (lambda name, body: httpx.Response(200, content=b""), "empty body"),
    "html-error-page": (
        lambda name, body: httpx.Response(
            200, content=b"<!DOCTYPE html><html><body>Access Denied</body></html>"
        ),
        "HTML page",
    ),
    "truncated": (lambda name, body: httpx.Response(200, content=body[: len(body) // 2]), ""),
}


def _bundle_urls(spec: SourceSpec) -> dict[str, bytes]:
    files = load_bundle(DATA, spec.id).files
    return {f.url: files[f.name] for f in spec.files if f.name in files}


@pytest.fixture(scope="module")
def loaded(
    module_db: Database, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Database, Settings, dict[str, RefreshOutcome]]:
    """One database per backend for the module; each source's bundled snapshot is loaded into
    it once, by the first fault tried on it (a failed refresh changes no snapshot, so the
    next fault meets the same state: loading OFAC's SDN once per fault cost 6-8 s a case)."""
    return module_db, make_settings(module_db.url, tmp_path_factory.mktemp("faults")), {}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("spec", LIVE, ids=[s.id for s in LIVE])
def test_live_fault_keeps_the_bundled_snapshot(
    loaded: tuple[Database, Settings, dict[str, RefreshOutcome]], spec: SourceSpec, fault: str
) -> None:
    db, settings, first_of = loaded
    make, reason = FAULTS[fault]
    if fault == "html-error-page" and any(f.media == "html" for f in spec.files):
        reason = ""  # an HTML source gets HTML: its parser refuses the page (no table)
    by_url = _bundle_urls(spec)
    names = {f.url: f.name for f in (*spec.files, *(x for alt in spec.alternatives for x in alt))}

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        body = by_url.get(url, b"")
        return make(names.get(url, ""), body)

    with db.session() as s:
        first = first_of.get(spec.id)
        if first is None:
            first = first_of[spec.id] = refresh_source(s, spec, settings, offline=True)
            assert first.result == "created"
        with make_client(settings, httpx.MockTransport(handler)) as client:
            out = refresh_source(s, spec, settings, client=client)
        assert out.result == "failed", out
        assert reason in (out.detail or "")
        summary = catalog.get_source(s, spec.id)
    assert summary.status == "refresh_failed"
    assert summary.version == first.version and summary.entity_count == first.entity_count
    assert summary.last_error == out.detail


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    b'<sdnList xmlns="http://tempuri.org/sdnList.xsd"><publshInformation>'
    b"<Publish_Date>&lol3;</Publish_Date></publshInformation></sdnList>"
)
MALFORMED = (
    b'<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd"><sdnEntry><uid>1</uid>'
)
UNKNOWN_NS = b'<?xml version="1.0"?><sdnList xmlns="http://example.com/not-ofac"><publshInformation/></sdnList>'


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (BOMB, "forbidden"),
        (MALFORMED, "consolidated.xml"),
        (UNKNOWN_NS, "http://example.com/not-ofac"),
    ],
    ids=["xml-bomb", "malformed", "unknown-namespace"],
)
def test_hostile_xml_through_the_xml_form_keeps_the_snapshot(
    db: Database, tmp_path: Path, body: bytes, reason: str
) -> None:
    """The CSV form is gone (404), so the refresh falls back to CONSOLIDATED.XML, which is
    hostile or broken: the refresh fails and the bundled consolidated list stays active."""
    xml_url = CONS_SPEC.alternatives[0][0].url

    def handler(request: httpx.Request) -> httpx.Response:
        return (
            httpx.Response(200, content=body)
            if str(request.url) == xml_url
            else httpx.Response(404)
        )

    settings = make_settings(db.url, tmp_path)
    spec = dataclasses.replace(CONS_SPEC, alternatives=CONS_SPEC.alternatives[:1])
    with db.session() as s:
        first = refresh_source(s, spec, settings, offline=True)
        with make_client(settings, httpx.MockTransport(handler)) as client:
            out = refresh_source(s, spec, settings, client=client)
        summary = catalog.get_source(s, spec.id)
    assert out.result == "failed" and reason in (out.detail or ""), out.detail
    assert summary.status == "refresh_failed" and summary.version == first.version
    assert summary.entity_count == 442
