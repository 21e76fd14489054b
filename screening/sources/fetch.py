"""The one HTTP client factory and the download of a source's files.

Timeouts, retries with exponential backoff (network errors, 429 and 5xx only: a 403 or 404 will
not change by asking again), conditional GET with ETag / Last-Modified, a size cap enforced while
streaming, and a configurable User-Agent (OFAC's host answers 403 to non-browser agents).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ..errors import FetchError
from ..settings import Settings
from .base import RemoteFile

_RETRY_STATUS = {429, 500, 502, 503, 504}


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The client every download uses. Tests pass a `transport` (httpx.MockTransport)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.http_timeout),
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        transport=transport,
    )


@dataclass
class FetchResult:
    files: dict[str, bytes]
    not_modified: bool
    cache: dict[str, Any] = field(default_factory=dict)
    last_modified: datetime | None = None
    urls: list[str] = field(default_factory=list)


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _get(
    client: httpx.Client, rf: RemoteFile, settings: Settings, headers: dict[str, str]
) -> httpx.Response:
    """One file, with retries. Returns the 304 response or the body bytes."""
    last_error = ""
    for attempt in range(settings.http_retries + 1):
        if attempt:
            time.sleep(settings.http_backoff * 2 ** (attempt - 1))
        try:
            with client.stream("GET", rf.url, headers=headers) as resp:
                if resp.status_code == 304:
                    return resp
                if resp.status_code in _RETRY_STATUS:
                    last_error = f"HTTP {resp.status_code}"
                    continue
                if resp.status_code != 200:
                    raise FetchError(
                        f"{rf.url}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip()
                    )
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > settings.max_download_bytes:
                    raise FetchError(
                        f"{rf.url}: {declared} bytes is over the "
                        f"{settings.max_download_bytes}-byte cap"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > settings.max_download_bytes:
                        raise FetchError(
                            f"{rf.url}: body passed the {settings.max_download_bytes}-byte cap"
                        )
                    chunks.append(chunk)
                body = b"".join(chunks)
                resp.extensions["screening_body"] = body
                return resp
        except httpx.TimeoutException:
            last_error = f"timed out after {settings.http_timeout:g} s"
        except httpx.TransportError as exc:
            # Includes a body shorter than its Content-Length (a truncated download).
            last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    raise FetchError(f"{rf.url}: {last_error} (after {settings.http_retries + 1} attempts)")


def fetch_files(
    client: httpx.Client,
    remote: tuple[RemoteFile, ...],
    settings: Settings,
    cache: Mapping[str, Any] | None = None,
) -> FetchResult:
    """Download a source's files. When every file answers 304 Not Modified to the validators in
    `cache`, `not_modified` is set and no bytes are returned; if only some do, those are fetched
    again unconditionally, since the parser needs the whole set."""
    cache = dict(cache or {})
    result = FetchResult(files={}, not_modified=False)
    pending: list[RemoteFile] = []
    answers: dict[str, httpx.Response] = {}
    for rf in remote:
        validators = cache.get(rf.url) or {}
        headers = {}
        if etag := validators.get("etag"):
            headers["If-None-Match"] = etag
        if lm := validators.get("last_modified"):
            headers["If-Modified-Since"] = lm
        try:
            got = _get(client, rf, settings, headers)
        except FetchError:
            if rf.required:
                raise
            continue
        if got.status_code == 304:
            pending.append(rf)
        answers[rf.name] = got
    if pending and len(pending) == len(answers):
        result.not_modified = True
        return result
    for rf in pending:
        got = _get(client, rf, settings, {})
        answers[rf.name] = got
    for rf in remote:
        resp = answers.get(rf.name)
        if resp is None:
            continue
        body: bytes = resp.extensions.get("screening_body", b"")
        if not body.strip(b" \t\r\n\x1a"):
            raise FetchError(f"{rf.url}: empty body")
        if rf.media != "html" and _looks_like_html(body):
            raise FetchError(f"{rf.url}: got an HTML page where {rf.media.upper()} was expected")
        result.files[rf.name] = body
        result.urls.append(rf.url)
        entry: dict[str, str] = {}
        if etag := resp.headers.get("etag"):
            entry["etag"] = etag
        if lm := resp.headers.get("last-modified"):
            entry["last_modified"] = lm
            try:
                when = parsedate_to_datetime(lm)
            except (TypeError, ValueError):
                when = None
            if when and (result.last_modified is None or when > result.last_modified):
                result.last_modified = when
        result.cache[rf.url] = entry
    return result
