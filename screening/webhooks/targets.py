"""Which URLs a webhook may be delivered to (a guard against server-side request forgery).

A subscriber chooses the URL, and the service then makes requests to it from inside its own
network; unchecked, a webhook would be a way to reach the internal network (an admin page on
127.0.0.1, a database on 10.0.0.5, the cloud metadata service on 169.254.169.254). So a target
must be http(s), carry no credentials, and every address its host resolves to must be public,
unless the operator allows private targets (SCREENING_WEBHOOK_ALLOW_PRIVATE=true, e.g. for a
receiver on the same machine).

The check is made when a webhook is subscribed and again before every delivery attempt, since
DNS may have changed in between; `delivery.py` then connects to the address checked here.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from screening.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_PRIVATE_SETTING = "SCREENING_WEBHOOK_ALLOW_PRIVATE"
_MAX_URL_CHARS = 2048
_EXCERPT_CHARS = 80
# The NAT64 well-known prefix: 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    """A checked target: the parsed URL and the addresses its host resolved to (all allowed)."""

    url: httpx.URL
    addresses: tuple[IPAddress, ...]


def excerpt(text: str, limit: int = _EXCERPT_CHARS) -> str:
    """`text` on one line, cut to `limit` characters (error messages quote only this much)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address leads to (mapped, NAT64, 6to4, Teredo)."""
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _plain_refusal(address: IPAddress) -> str | None:
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (this includes cloud metadata services)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        # e.g. 100.64.0.0/10 (carrier-grade NAT), which is neither private nor public.
        return "an address that is not publicly routable"
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why a webhook may not be delivered to `address` (None: a public address)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        for inner in embedded:
            reason = _plain_refusal(inner)
            if reason is not None:
                return f"{reason} ({inner}, embedded in the IPv6 address)"
        if address.ipv4_mapped is not None or address in _NAT64:
            # The embedded IPv4 address is what is reached, and it is public; the IPv6 flags
            # (such prefixes count as "reserved") would refuse every such address.
            return None
    return _plain_refusal(address)


def _parse(url: str) -> httpx.URL:
    if len(url) > _MAX_URL_CHARS:
        raise InputError(f"The webhook URL is longer than {_MAX_URL_CHARS} characters.")
    if url != url.strip():
        raise InputError("The webhook URL must not begin or end with spaces or line breaks.")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InputError(f"The webhook URL {excerpt(url)!r} is not a valid URL.") from None
    if parsed.scheme not in ("http", "https"):
        raise InputError(f"The webhook URL {excerpt(url)!r} must start with http:// or https://.")
    if parsed.userinfo:
        # Not quoted: the user part is a credential.
        raise InputError(
            "The webhook URL must not contain a user name or password; the signature "
            "authenticates the deliveries."
        )
    if not parsed.host:
        raise InputError(f"The webhook URL {excerpt(url)!r} has no host.")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InputError(f"The webhook URL {excerpt(url)!r} has a port outside 1-65535.")
    return parsed


def _resolve(parsed: httpx.URL) -> tuple[IPAddress, ...]:
    host = parsed.raw_host.decode("ascii")
    try:
        # An IP literal (IPv6 without its brackets) needs no lookup.
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InputError(f"The webhook host {excerpt(host)!r} could not be resolved.") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # A scoped IPv6 address comes as "fe80::1%eth0"; the scope does not change its kind.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise InputError(f"The webhook host {excerpt(host)!r} resolved to no address.")
    return tuple(addresses)


def resolve_target(url: str, allow_private: bool) -> Target:
    """Check `url` as `check_target` does and return it with the addresses it resolved to."""
    parsed = _parse(url)
    addresses = _resolve(parsed)
    if not allow_private:
        for address in addresses:
            reason = refusal_reason(address)
            if reason is not None:
                host = excerpt(parsed.host)
                what = (
                    f"The webhook address {address} is {reason}"
                    if host == str(address)
                    else f"The webhook host {host!r} resolves to {address}, {reason}"
                )
                raise InputError(
                    f"{what}; webhooks to loopback, private or reserved addresses are refused "
                    f"unless {ALLOW_PRIVATE_SETTING}=true."
                )
    return Target(url=parsed, addresses=addresses)


def check_target(url: str, allow_private: bool) -> None:
    """Refuse (InputError) a webhook URL that is not http(s), carries credentials, or whose host
    resolves to any loopback, private, link-local, multicast, reserved or unspecified address
    (IPv4-mapped IPv6 included), unless `allow_private`.

    Resolving the host is a DNS lookup; an IP literal is checked without one.
    """
    resolve_target(url, allow_private)
