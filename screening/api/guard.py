"""One ASGI middleware in front of every route: the request-level limits and checks that no
route should have to remember.

- Host: only the names in `SCREENING_ALLOWED_HOSTS` (default: the bound address and the
  loopback names), so a page on another site cannot reach the API through DNS rebinding.
- Cross-site writes: a state-changing request whose `Origin` is not this host, or that a
  browser marks `Sec-Fetch-Site: cross-site`, is refused; so is a `text/plain` body (the one
  content type a cross-site page can send without asking first, and one no route takes).
- Body size: every request body is counted while it is received and refused past
  `SCREENING_MAX_UPLOAD_BYTES` (a declared Content-Length at once; a chunked body as soon as
  it passes the limit), so nothing is spooled or parsed beyond it.
- Security headers on every response (and a content security policy on pages).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# Pages are self-contained: their own inline script and style, assets from this origin only.
_CSP = (
    b"default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    b"base-uri 'none'; frame-ancestors 'none'"
)


class _TooLarge(Exception):
    pass


def _host_name(value: str) -> str:
    """`example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str], max_body: int) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if "*" not in self.allowed and _host_name(host) not in self.allowed:
            await _reply(send, 400, f"host {host[:100]!r} is not allowed (SCREENING_ALLOWED_HOSTS)")
            return
        if scope["method"] in _WRITES:
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
                await _reply(send, 403, "cross-origin request refused")
                return
            if origin == "null" or headers.get("sec-fetch-site") == "cross-site":
                await _reply(send, 403, "cross-site request refused")
                return
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if ctype == "text/plain":
                await _reply(
                    send, 415, "Content-Type text/plain is not accepted: send text/csv or JSON"
                )
                return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await _reply(
                send,
                413,
                f"request body of {declared} bytes is over the {self.max_body}-byte limit",
            )
            return

        received = 0
        state = {"too_large": False, "started": False}

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    state["too_large"] = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            if state["too_large"]:
                return  # the route's answer to a cut-off body is replaced by the 413 below
            if message["type"] == "http.response.start":
                state["started"] = True
                extra = list(_HEADERS)
                ctype = dict(message.get("headers", [])).get(b"content-type", b"")
                if ctype.startswith(b"text/html"):
                    extra.append((b"content-security-policy", _CSP))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        with contextlib.suppress(_TooLarge):  # the route stopped reading: answered below
            await self.app(scope, counted, guarded)
        if state["too_large"] and not state["started"]:
            await _reply(send, 413, f"request body is over the {self.max_body}-byte limit")


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
