"""The client's address behind the proxy (core.net): one function, trusting only our own proxies,
used by the audit trail's context and the access log; IPv6 limits count by /64."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from core.audit import AuditContextMiddleware
from core.models import SensitiveAccess
from core.net import client_address, rate_limit_key
from core.services import sensitive_access_log

PROXY = "10.0.0.2"


def _request(remote: str = PROXY, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    request.user = AnonymousUser()
    return request


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        # one proxy: the entry it appended (the client may have sent anything before it)
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # two proxies: read right to left, two hops believed
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # fewer entries than proxies: the first one, the best known
        (2, "203.0.113.9", "203.0.113.9"),
        # a forged value that is not an address is not believed: the proxy's address is used
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        # IPv6, and IPv4 written as IPv6
        (1, "2001:db8:1:2::abcd", "2001:db8:1:2::abcd"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_trusted_proxies_are_read_right_to_left(
    settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(_request(PROXY, forwarded)) == expected


def test_ipv6_limits_count_a_whole_64() -> None:
    assert rate_limit_key("2001:db8:1:2::1") == rate_limit_key("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::"
    assert rate_limit_key("2001:db8:1:3::1") != rate_limit_key("2001:db8:1:2::1")
    assert rate_limit_key("203.0.113.9") == "203.0.113.9"


def test_the_audit_context_names_the_client_not_the_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    middleware = AuditContextMiddleware(lambda request: None)
    assert middleware.get_context(_request(PROXY, "6.6.6.6, 203.0.113.9"))["ip"] == "203.0.113.9"


@pytest.mark.django_db
def test_the_access_log_names_the_client_not_the_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    sensitive_access_log(user=None, what="funds.public_lookup", request=_request(PROXY, "203.0.113.9"))
    assert list(SensitiveAccess.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
