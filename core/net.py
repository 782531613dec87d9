"""Who is on the other end of a request: the one place that reads the client's address.

Behind the TLS proxy every connection comes from the proxy, so `REMOTE_ADDR` names the proxy and the
client is in `X-Forwarded-For`. That header is only as good as whoever wrote it: each proxy appends the
address it received the connection from, and the client can send any value it likes before that. So
the header is read right to left and only `settings.TRUSTED_PROXY_COUNT` hops are believed (the
proxies that are ours): with one proxy the client is the last entry, with two the one before it. With
0 (no proxy, the default) the header is ignored and the connection's own address is the client.

Everything that needs the client's address (the public lookup's limits, the login lockout, the audit
trail's context, the access log) calls `client_address`; limits key by `rate_limit_key`, which puts
every address of one IPv6 /64 (one household's or phone's allocation) in one bucket.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings

IPV6_LIMIT_PREFIX = 64


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(parsed)


def client_address(request: Any) -> str | None:
    """The client's IP address, trusting `settings.TRUSTED_PROXY_COUNT` proxies in front of us; None
    without a request or when nothing valid is known. A forwarded value that is not an address (a
    misconfigured proxy, a forged header) is not believed: the connection's address is used."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _valid(meta.get("REMOTE_ADDR"))
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    if not hops:
        return remote
    # The last `trusted` entries were written by our proxies; the entry the outermost one wrote is the
    # client. A shorter header means fewer proxies than configured: its first entry is the best known.
    forwarded = hops[-trusted] if len(hops) >= trusted else hops[0]
    return _valid(forwarded) or remote


def rate_limit_key(address: str | None) -> str:
    """The bucket an address counts in for rate limits and lockouts: an IPv4 address itself, an IPv6
    address by its /64 network (a client gets a whole /64 and can pick any address in it)."""
    if not address:
        return ""
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_LIMIT_PREFIX), strict=False).network_address)
    return str(parsed)


def client_limit_key(request: Any) -> str:
    """`rate_limit_key` of the request's client address."""
    return rate_limit_key(client_address(request))
