"""One delivery attempt of a signed webhook, over a caller-supplied `httpx.Client`.

What an attempt guarantees:
- the target is checked again (`targets.resolve_target`) just before the request, since DNS may
  have changed since the webhook was subscribed;
- for http:// targets the request goes to the checked address itself (the URL's host replaced by
  the address, the original host sent in the Host header), so a DNS answer that changes between
  the check and the connection (DNS rebinding) cannot redirect it to an internal address;
- for https:// targets the client resolves the host again when it connects, which leaves that
  window open in principle, but TLS closes it: an internal server cannot present a certificate
  for the subscriber's host name, so the handshake fails before any byte of the request is sent.
  This holds only with certificate verification on (httpx's default); a client built with
  `verify=False` must not be used here. (Pinning https too would need the SNI name set per
  request, and httpx's pool, keyed by address, would then reuse a connection verified for one
  host name for another.)
- redirects are not followed (a 3xx is a failed attempt): following one would send the signed
  body to a URL that was never checked;
- at most `MAX_RESPONSE_BYTES` of the answer are read, without decompression (we ask for
  `identity`), so a hostile receiver cannot make the service read or inflate a large body.

The client's own settings still apply: a proxy configured on it (or in the environment, if it
trusts the environment) receives the requests, and the proxy then decides where they go.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

import httpx

from screening.errors import InputError
from screening.webhooks.signing import sign
from screening.webhooks.targets import Target, excerpt, resolve_target

MAX_RESPONSE_BYTES = 4096
ERROR_EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt.

    `ok`: the receiver answered 2xx. `status_code`: its HTTP status (None if no answer).
    `error`: why the attempt failed, at most a few hundred characters (None when ok).
    `duration_ms`: wall time of the attempt. `refused`: the target or the secret was refused
    before any request was made (the URL now resolves to a forbidden address, say).
    """

    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    refused: bool = False


def _elapsed_ms(start: float) -> int:
    return round((time.monotonic() - start) * 1000)


def _request_urls(target: Target) -> list[tuple[httpx.URL, dict[str, str]]]:
    """Where to send the request, in order, with the extra headers each needs."""
    if target.url.scheme != "http":
        return [(target.url, {})]
    host_header = target.url.netloc.decode("ascii")
    return [
        (target.url.copy_with(host=str(address)), {"host": host_header})
        for address in target.addresses
    ]


def _read_bounded(response: httpx.Response, deadline: float) -> bytes:
    """At most MAX_RESPONSE_BYTES of the body, stopping early once `deadline` has passed (a
    receiver trickling its body byte by byte would otherwise reset the read timeout forever)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES or time.monotonic() > deadline:
            break
    return b"".join(chunks)[:MAX_RESPONSE_BYTES]


def _outcome(response: httpx.Response, body: bytes, start: float) -> Attempt:
    status = response.status_code
    if 200 <= status < 300:
        return Attempt(ok=True, status_code=status, error=None, duration_ms=_elapsed_ms(start))
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        error = f"HTTP {status}: redirect to {excerpt(location, 120)!r} not followed"
    else:
        text = excerpt(body.decode("utf-8", errors="replace"), ERROR_EXCERPT_CHARS)
        error = f"HTTP {status}: {text}" if text else f"HTTP {status}"
    return Attempt(ok=False, status_code=status, error=error, duration_ms=_elapsed_ms(start))


def deliver(
    client: httpx.Client,
    url: str,
    secret: str,
    msg_id: str,
    body: bytes,
    *,
    timeout: float,
    allow_private: bool,
    timestamp: int | None = None,
) -> Attempt:
    """POST `body` to `url`, signed with `secret` under `msg_id` (Standard Webhooks headers),
    and report the outcome. Never raises for network or receiver failures: they are a failed
    Attempt. `timeout` (seconds) bounds connecting and each read and write; `timestamp`
    (seconds since the epoch) defaults to now.
    """
    start = time.monotonic()
    try:
        target = resolve_target(url, allow_private)
        headers = sign(secret, msg_id, int(time.time()) if timestamp is None else timestamp, body)
    except InputError as exc:
        return Attempt(
            ok=False,
            status_code=None,
            error="refused: " + excerpt(exc.detail, 2 * ERROR_EXCERPT_CHARS),
            duration_ms=_elapsed_ms(start),
            refused=True,
        )
    headers["content-type"] = "application/json"
    headers["accept-encoding"] = "identity"
    deadline = start + timeout
    candidates = _request_urls(target)
    error = "no address to connect to"
    for request_url, extra in candidates:
        try:
            with client.stream(
                "POST",
                request_url,
                content=body,
                headers={**headers, **extra},
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
            ) as response:
                received = _read_bounded(response, deadline)
                return _outcome(response, received, start)
        except httpx.TimeoutException as exc:
            kind = type(exc).__name__
            return Attempt(
                ok=False,
                status_code=None,
                error=f"timed out after {timeout:g} s ({kind})",
                duration_ms=_elapsed_ms(start),
            )
        except httpx.ConnectError as exc:
            # Nothing was sent: try the host's next checked address, as a browser would.
            where = request_url.host if _is_ip(request_url.host) else ""
            error = f"connection failed{' to ' + where if where else ''}: {excerpt(str(exc))}"
            continue
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {excerpt(str(exc), ERROR_EXCERPT_CHARS)}"
            return Attempt(ok=False, status_code=None, error=error, duration_ms=_elapsed_ms(start))
    return Attempt(ok=False, status_code=None, error=error, duration_ms=_elapsed_ms(start))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
