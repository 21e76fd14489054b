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
- Body read timeout: a body chunk that does not arrive within `SCREENING_BODY_TIMEOUT`
  seconds answers 408 and closes the connection, so a stalled client cannot hold a request
  (and the thread or memory behind it) for ever. (The request head has its own timeout in
  the server's protocol: screening/api/server.py.)
- A client that goes away while sending its body is logged as one INFO line, not as an
  "Exception in ASGI application" with a traceback: nobody is left to answer.
- Security headers on every response (and a content security policy on pages).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import anyio
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("screening.api")

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


class _Stalled(Exception):
    pass


def _host_name(value: str) -> str:
    """`example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str],
        max_body: int,
        body_timeout: float = 30.0,
        large_bodies: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.max_body = max_body
        # Paths that take more than max_body (an asynchronous job's upload): their limit and the
        # setting that sets it, named when a body is refused.
        self.large_bodies = dict(large_bodies or {})
        self.body_timeout = body_timeout

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
        limit, setting = self.large_bodies.get(
            scope["path"], (self.max_body, "SCREENING_MAX_UPLOAD_BYTES")
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _reply(
                send,
                413,
                f"request body of {declared} bytes is over the {limit}-byte limit ({setting})",
            )
            return

        received = 0
        state = {"too_large": False, "started": False, "stalled": False, "gone": False}
        body_done = False

        async def counted() -> Message:
            nonlocal received, body_done
            if body_done:  # after the body, receive() waits for a disconnect: no time limit
                return await receive()
            try:
                with anyio.fail_after(self.body_timeout):
                    message = await receive()
            except TimeoutError:
                state["stalled"] = True
                raise _Stalled from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    state["too_large"] = True
                    raise _TooLarge
                body_done = not message.get("more_body", False)
            elif message["type"] == "http.disconnect":
                state["gone"] = True
                body_done = True
            return message

        async def guarded(message: Message) -> None:
            if state["too_large"] or state["stalled"]:
                return  # the route's answer to a cut-off body is replaced by the one below
            if message["type"] == "http.response.start":
                state["started"] = True
                extra = list(_HEADERS)
                ctype = dict(message.get("headers", [])).get(b"content-type", b"")
                if ctype.startswith(b"text/html"):
                    extra.append((b"content-security-policy", _CSP))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except (_TooLarge, _Stalled):
            pass  # the route stopped reading: answered below
        except ClientDisconnect:
            state["gone"] = True
        except Exception:
            if not state["gone"]:
                raise
            # Whatever the route made of a body cut short, the client is no longer there.
        if state["gone"]:
            log.info(
                "client disconnected during %s %s after %d body bytes; request abandoned",
                scope["method"],
                scope["path"][:200],
                received,
            )
            return
        if state["too_large"] and not state["started"]:
            await _reply(send, 413, f"request body is over the {limit}-byte limit ({setting})")
        elif state["stalled"] and not state["started"]:
            await _reply(
                send,
                408,
                f"request body: no data for {self.body_timeout:g} s (SCREENING_BODY_TIMEOUT); "
                "send the whole body without pausing",
                close=True,
            )


async def _reply(send: Send, status: int, detail: str, *, close: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    # `close`: the rest of the body was never read, so the connection cannot carry another
    # request; the server closes it after this answer.
    closing = [(b"connection", b"close")] if close else []
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
                *closing,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
