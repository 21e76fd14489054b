"""The webhook delivery core (screening/webhooks): signatures checked by the independent
`standardwebhooks` package, event bodies, target checks against SSRF, delivery against real HTTP
servers on 127.0.0.1, and the retry schedule. Nothing here reaches the internet: public
addresses are IP literals that are only checked, never connected to, and host names under
`.test` (reserved, RFC 2606) are answered by a patched `socket.getaddrinfo`."""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from screening.errors import InputError
from screening.webhooks import (
    MAX_ATTEMPTS,
    MAX_RESPONSE_BYTES,
    check_target,
    deliver,
    event_body,
    message_id,
    new_secret,
    next_attempt_delay,
    refusal_reason,
    resolve_target,
    secret_key,
    sign,
)

# --- signing ------------------------------------------------------------------------------


def test_new_secrets_are_whsec_base64_of_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and second.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32
    assert secret_key(first) == base64.b64decode(first.removeprefix("whsec_"))
    assert first != second


def test_message_ids_are_prefixed_and_unique() -> None:
    ids = {message_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(i.startswith("msg_") and len(i) == 36 and "." not in i for i in ids)


def test_signature_matches_the_specifications_published_test_vector() -> None:
    # The example every Standard Webhooks implementation checks itself against.
    headers = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def _body() -> bytes:
    return event_body(
        "vendor.hit.added",
        datetime.now(UTC),
        {"vendor": {"id": 7, "name": "Zhejiang Dahua Technology Co., Ltd."}, "list": "fcc"},
    )


def test_standardwebhooks_verifies_our_signature_and_returns_the_event() -> None:
    secret, msg_id, body = new_secret(), message_id(), _body()
    headers = sign(secret, msg_id, int(time.time()), body)
    event = Webhook(secret).verify(body, headers)
    assert event["type"] == "vendor.hit.added"
    assert event["data"]["vendor"]["name"] == "Zhejiang Dahua Technology Co., Ltd."


def test_standardwebhooks_rejects_tampered_body_wrong_secret_other_id_and_old_timestamp() -> None:
    secret, msg_id, body = new_secret(), message_id(), _body()
    now = int(time.time())
    headers = sign(secret, msg_id, now, body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b'"id":7', b'"id":8'), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": message_id()})
    # Correctly signed, but 10 minutes old: beyond the 5-minute replay tolerance.
    old = sign(secret, msg_id, now - 600, body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, old)


@pytest.mark.parametrize(
    "secret",
    [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # no prefix
        "whsec_not*base64!",
        "whsec_" + base64.b64encode(b"short").decode(),
        "whsec_" + base64.b64encode(b"x" * 65).decode(),
        "whsec_",
    ],
)
def test_malformed_secrets_are_refused_without_quoting_them(secret: str) -> None:
    with pytest.raises(InputError) as caught:
        secret_key(secret)
    assert "webhook secret" in caught.value.detail
    tail = secret.removeprefix("whsec_")
    if tail:
        assert tail not in caught.value.detail


def test_unpadded_secret_is_accepted_like_the_reference_library_does() -> None:
    padded = "whsec_" + base64.b64encode(b"k" * 25).decode()
    assert padded.endswith("=")
    unpadded = padded.rstrip("=")
    body = b"{}"
    headers = sign(unpadded, "msg_1", int(time.time()), body)
    assert headers == sign(padded, "msg_1", int(headers["webhook-timestamp"]), body)
    Webhook(unpadded).verify(body, headers)


# --- payload ------------------------------------------------------------------------------


def test_event_body_is_compact_deterministic_utf8_json() -> None:
    when = datetime(2026, 12, 1, 18, 30, 5, 250000, tzinfo=timezone(timedelta(hours=1)))
    body = event_body("vendor.hit.removed", when, {"z": 1, "a": {"y": "Škoda", "b": [2, 1]}})
    assert (
        body
        == (
            '{"type":"vendor.hit.removed","timestamp":"2026-12-01T17:30:05.250000Z",'
            '"data":{"a":{"b":[2,1],"y":"Škoda"},"z":1}}'
        ).encode()
    )
    # Insertion order of the data does not change the bytes (they are signed and stored).
    again = event_body("vendor.hit.removed", when, {"a": {"b": [2, 1], "y": "Škoda"}, "z": 1})
    assert again == body
    assert json.loads(body)["data"]["a"]["y"] == "Škoda"


def test_event_body_refuses_naive_timestamps_and_non_json_values() -> None:
    with pytest.raises(ValueError):
        event_body("t", datetime(2026, 1, 1), {})  # naive: the point of the test
    with pytest.raises(ValueError):
        event_body("t", datetime.now(UTC), {"score": float("nan")})
    with pytest.raises(TypeError):
        event_body("t", datetime.now(UTC), {"when": datetime.now(UTC)})


# --- target checks ------------------------------------------------------------------------

REFUSED = [
    ("http://127.0.0.1/hook", "loopback"),
    ("http://127.8.9.10:8080/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://10.1.2.3/hook", "private"),
    ("http://172.16.0.1/hook", "private"),
    ("http://172.31.255.254/hook", "private"),
    ("http://192.168.1.20/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://[fd00::5]/hook", "private"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://[::ffff:10.0.0.1]/hook", "private"),
    ("http://[::ffff:169.254.169.254]/hook", "link-local"),
    ("http://[64:ff9b::a00:1]/hook", "private"),  # NAT64 of 10.0.0.1
    ("http://[2002:7f00:1::]/hook", "loopback"),  # 6to4 of 127.0.0.1
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://[::]/hook", "unspecified"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://[ff02::1]/hook", "multicast"),
    ("http://240.0.0.1/hook", "reserved"),
    ("http://100.64.0.1/hook", "not publicly routable"),
    ("http://localhost:9000/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),  # 127.0.0.1 written as one number
    ("http://0x7f000001/hook", "loopback"),
    ("http://127.1/hook", "loopback"),
    ("https://LOCALHOST/hook", "loopback"),
]


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_internal_targets_are_refused_naming_the_setting(url: str, kind: str) -> None:
    with pytest.raises(InputError) as caught:
        check_target(url, allow_private=False)
    assert kind in caught.value.detail
    assert "SCREENING_WEBHOOK_ALLOW_PRIVATE=true" in caught.value.detail


@pytest.mark.parametrize("url", [u for u, _ in REFUSED])
def test_internal_targets_are_allowed_when_private_targets_are(url: str) -> None:
    check_target(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/hook",
        "http://93.184.216.34:8443/a?b=c",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
        "https://[::ffff:93.184.216.34]/hook",
    ],
)
def test_public_ip_literals_pass_without_a_lookup(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an IP literal needs no DNS lookup")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    check_target(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://93.184.216.34/x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("gopher://93.184.216.34/", "http:// or https://"),
        ("https://user:hunter2@93.184.216.34/hook", "user name or password"),
        ("http:///nohost", "no host"),
        ("http://93.184.216.34:99999/", "port outside"),
        ("http://93.184.216.34:0/", "port outside"),
        (" https://93.184.216.34/", "spaces or line breaks"),
        ("https://93.184.216.34/\n", "spaces or line breaks"),
        ("https://" + "a" * 3000 + ".example/", "longer than"),
    ],
)
def test_malformed_targets_are_refused_even_when_private_is_allowed(url: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        check_target(url, allow_private=True)
    assert words in caught.value.detail
    assert "hunter2" not in caught.value.detail
    assert len(caught.value.detail) < 300


Resolver = Callable[..., list[Any]]


def _fake_dns(answers: dict[str, list[list[str]]], calls: list[str]) -> Resolver:
    """getaddrinfo answering `.test` names from `answers` (one answer per call, the last one
    repeating) and every other name with the real resolver."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(name)
        queue = answers[name]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        result: list[Any] = []
        for text in addresses:
            if ipaddress.ip_address(text).version == 6:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port, 0, 0)))
            else:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port)))
        return result

    return getaddrinfo


def test_a_host_is_refused_if_any_of_its_addresses_is_internal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    answers = {"mixed.example.test": [["93.184.216.34", "10.0.0.7"]]}
    monkeypatch.setattr(socket, "getaddrinfo", _fake_dns(answers, calls))
    with pytest.raises(InputError) as caught:
        check_target("https://mixed.example.test/hook", allow_private=False)
    assert "'mixed.example.test' resolves to 10.0.0.7, a private address" in caught.value.detail
    target = resolve_target("https://mixed.example.test/hook", allow_private=True)
    assert [str(a) for a in target.addresses] == ["93.184.216.34", "10.0.0.7"]


def test_an_unresolvable_host_is_a_clear_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(InputError, match="could not be resolved"):
        check_target("https://gone.example.test/hook", allow_private=True)


def test_refusal_reason_judges_mapped_addresses_by_their_ipv4_address() -> None:
    assert refusal_reason(ipaddress.ip_address("::ffff:93.184.216.34")) is None
    assert refusal_reason(ipaddress.ip_address("64:ff9b::5db8:d822")) is None  # 93.184.216.34
    reason = refusal_reason(ipaddress.ip_address("::ffff:192.168.0.1"))
    assert reason is not None and "192.168.0.1" in reason


# --- delivery against real local servers ---------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: Any = None


@dataclass
class Receiver:
    """A local HTTP server recording what it receives and answering as configured."""

    secret: str
    status: int = 204
    answer: bytes = b""
    location: str = ""
    wait: threading.Event | None = None
    received: list[Received] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def start_receiver() -> Iterator[Callable[..., Receiver]]:
    servers: list[ThreadingHTTPServer] = []
    releases: list[threading.Event] = []

    def start(**options: Any) -> Receiver:
        receiver = Receiver(**options)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                record = Received(dict(self.headers.items()), body)
                try:
                    # The receiver's side: what a user's endpoint does with the package.
                    record.verified = Webhook(receiver.secret).verify(body, record.headers)
                except WebhookVerificationError:
                    record.verified = None
                receiver.received.append(record)
                if receiver.wait is not None:
                    receiver.wait.wait(10)
                status = receiver.status if record.verified is not None else 400
                self.send_response(status)
                if receiver.location:
                    self.send_header("location", receiver.location)
                self.send_header("content-length", str(len(receiver.answer)))
                self.end_headers()
                # The client may stop reading early: that is the point of some tests.
                with contextlib.suppress(OSError):
                    self.wfile.write(receiver.answer)

            def do_GET(self) -> None:
                # Only reached if a redirect were followed (httpx turns a 302 POST into GET).
                receiver.received.append(Received(dict(self.headers.items()), b""))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        if receiver.wait is not None:
            releases.append(receiver.wait)
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/screening"
        return receiver

    yield start
    for release in releases:
        release.set()
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http:
        yield http


def test_a_2xx_answer_is_a_success_and_the_receiver_verifies_the_signature(
    start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    secret, msg_id, body = new_secret(), message_id(), _body()
    receiver = start_receiver(secret=secret, status=204)
    attempt = deliver(client, receiver.url, secret, msg_id, body, timeout=5, allow_private=True)
    assert attempt.ok and attempt.status_code == 204 and attempt.error is None
    assert attempt.duration_ms >= 0 and not attempt.refused
    [got] = receiver.received
    assert got.body == body
    assert got.verified == json.loads(body)
    assert got.headers["webhook-id"] == msg_id
    assert got.headers["content-type"] == "application/json"


def test_a_500_answer_fails_with_a_bounded_excerpt_of_the_answer(
    start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    secret = new_secret()
    answer = b"database is down\n" + b"x" * (50 * MAX_RESPONSE_BYTES)
    receiver = start_receiver(secret=secret, status=500, answer=answer)
    attempt = deliver(
        client, receiver.url, secret, message_id(), _body(), timeout=5, allow_private=True
    )
    assert not attempt.ok and attempt.status_code == 500
    assert attempt.error is not None and attempt.error.startswith("HTTP 500: database is down")
    assert len(attempt.error) <= 220
    assert len(receiver.received) == 1 and receiver.received[0].verified is not None


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed(
    status: int, start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    secret = new_secret()
    elsewhere = start_receiver(secret=secret, status=200)
    redirecting = start_receiver(secret=secret, status=status, location=elsewhere.url)
    attempt = deliver(
        client, redirecting.url, secret, message_id(), _body(), timeout=5, allow_private=True
    )
    assert not attempt.ok and attempt.status_code == status
    assert attempt.error is not None and "not followed" in attempt.error
    assert len(redirecting.received) == 1
    assert elsewhere.received == []


def test_a_slow_receiver_hits_the_timeout(
    start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    secret = new_secret()
    receiver = start_receiver(secret=secret, wait=threading.Event())
    attempt = deliver(
        client, receiver.url, secret, message_id(), _body(), timeout=0.3, allow_private=True
    )
    assert not attempt.ok and attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("timed out after 0.3 s")


def test_nothing_listening_is_a_failed_attempt_not_an_exception(client: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    attempt = deliver(
        client,
        f"http://127.0.0.1:{port}/hook",
        new_secret(),
        message_id(),
        b"{}",
        timeout=2,
        allow_private=True,
    )
    assert not attempt.ok and attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("connection failed")


def test_delivery_to_a_private_target_is_refused_before_any_request(
    start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    secret = new_secret()
    receiver = start_receiver(secret=secret)
    attempt = deliver(
        client, receiver.url, secret, message_id(), _body(), timeout=5, allow_private=False
    )
    assert not attempt.ok and attempt.refused and attempt.status_code is None
    assert attempt.error is not None and "loopback" in attempt.error
    assert receiver.received == []


def test_a_malformed_secret_is_a_refused_attempt(
    start_receiver: Callable[..., Receiver], client: httpx.Client
) -> None:
    receiver = start_receiver(secret=new_secret())
    attempt = deliver(
        client, receiver.url, "whsec_short", message_id(), b"{}", timeout=5, allow_private=True
    )
    assert attempt.refused and not attempt.ok and receiver.received == []


def test_rebinding_between_subscription_and_delivery_is_refused(
    start_receiver: Callable[..., Receiver],
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = new_secret()
    receiver = start_receiver(secret=secret)
    port = httpx.URL(receiver.url).port
    calls: list[str] = []
    # Public when subscribed, loopback when delivered.
    answers = {"rebind.example.test": [["93.184.216.34"], ["127.0.0.1"]]}
    monkeypatch.setattr(socket, "getaddrinfo", _fake_dns(answers, calls))
    url = f"http://rebind.example.test:{port}/hooks/screening"
    check_target(url, allow_private=False)
    attempt = deliver(client, url, secret, message_id(), _body(), timeout=5, allow_private=False)
    assert attempt.refused and "resolves to 127.0.0.1" in (attempt.error or "")
    assert receiver.received == []


def test_http_delivery_connects_to_the_checked_address_without_a_second_lookup(
    start_receiver: Callable[..., Receiver],
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = new_secret()
    receiver = start_receiver(secret=secret)
    port = httpx.URL(receiver.url).port
    calls: list[str] = []
    # If the client looked the name up again it would get a closed port (::1 is not served).
    answers = {"hooks.example.test": [["127.0.0.1"], ["::1"]]}
    monkeypatch.setattr(socket, "getaddrinfo", _fake_dns(answers, calls))
    url = f"http://hooks.example.test:{port}/hooks/screening"
    attempt = deliver(client, url, secret, message_id(), _body(), timeout=5, allow_private=True)
    assert attempt.ok, attempt.error
    assert calls == ["hooks.example.test"]
    [got] = receiver.received
    assert got.headers["host"] == f"hooks.example.test:{port}"
    assert got.verified is not None


def test_a_refused_connection_falls_through_to_the_hosts_next_checked_address(
    start_receiver: Callable[..., Receiver],
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = new_secret()
    receiver = start_receiver(secret=secret)
    port = httpx.URL(receiver.url).port
    calls: list[str] = []
    # Nothing listens on [::1]:port (the receiver is on 127.0.0.1 only).
    answers = {"two.example.test": [["::1", "127.0.0.1"]]}
    monkeypatch.setattr(socket, "getaddrinfo", _fake_dns(answers, calls))
    url = f"http://two.example.test:{port}/hooks/screening"
    attempt = deliver(client, url, secret, message_id(), _body(), timeout=5, allow_private=True)
    assert attempt.ok, attempt.error
    assert len(receiver.received) == 1 and calls == ["two.example.test"]


# --- retry schedule -----------------------------------------------------------------------


def test_backoff_grows_with_bounded_jitter_and_gives_up() -> None:
    for key in ["", message_id(), message_id(), "msg_fixed"]:
        delays = [next_attempt_delay(n, key) for n in range(1, MAX_ATTEMPTS)]
        assert all(d is not None for d in delays)
        present = [d for d in delays if d is not None]
        assert all(a < b for a, b in itertools.pairwise(present))
        assert timedelta(seconds=4) <= present[0] <= timedelta(seconds=6)
        assert timedelta(hours=4) <= present[-1] <= timedelta(hours=8)
        assert sum(present, timedelta()) < timedelta(days=1)
        assert next_attempt_delay(MAX_ATTEMPTS, key) is None
        assert next_attempt_delay(MAX_ATTEMPTS + 5, key) is None
    assert MAX_ATTEMPTS == 8


def test_backoff_is_a_pure_function_of_attempt_and_key() -> None:
    assert next_attempt_delay(3, "msg_a") == next_attempt_delay(3, "msg_a")
    spread = {next_attempt_delay(3, f"msg_{i}") for i in range(50)}
    assert len(spread) > 40  # different deliveries do not retry in lockstep
    with pytest.raises(ValueError):
        next_attempt_delay(0)
