"""Who is asking: the client address behind trusted reverse proxies, and address allow-lists.

``REMOTE_ADDR`` is the client unless it is one of ``ISI_API_TRUSTED_PROXIES``; only then is
``X-Forwarded-For`` believed, read from the right: the first address that is not itself a
trusted proxy is the client (everything left of it may have been written by the client).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Headers a reverse proxy uses to pass on the client's address.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@lru_cache(maxsize=64)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def networks(entries: Iterable[object]) -> tuple[Network, ...]:
    """Parsed networks of a setting (a list of "10.0.0.0/8", "::1" …)."""
    return _networks(tuple(str(entry) for entry in entries))


def parse_address(text: str) -> Address | None:
    """An IP address from REMOTE_ADDR or a forwarded hop ("1.2.3.4", "1.2.3.4:5678", "[::1]:443")."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def in_networks(address: str, allowed: Iterable[object]) -> bool:
    parsed = parse_address(address)
    return parsed is not None and any(parsed in network for network in networks(allowed))


def trusted_proxies() -> tuple[Network, ...]:
    return networks(getattr(settings, "ISI_API_TRUSTED_PROXIES", ()) or ())


def from_trusted_proxy(request: HttpRequest) -> bool:
    remote = parse_address(str(request.META.get("REMOTE_ADDR") or ""))
    return remote is not None and any(remote in network for network in trusted_proxies())


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the last untrusted hop."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if not from_trusted_proxy(request):
        return remote or "unknown"
    proxies = trusted_proxies()
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    client = remote or "unknown"
    for hop in reversed([hop for hop in hops if hop]):
        address = parse_address(hop)
        if address is None:
            return hop  # written by a trusted proxy ("unknown"): not an address, never allowed
        client = str(address)
        if not any(address in network for network in proxies):
            break
    return client  # the first untrusted hop; if all hops are proxies, the first of them


def forwarded_by_stranger(request: HttpRequest) -> bool:
    """The request names a forwarded client, but not through a trusted proxy: the real client is
    unknown (a proxy ISI was not told about, or a client pretending)."""
    return not from_trusted_proxy(request) and any(request.META.get(h) for h in FORWARDING_HEADERS)
