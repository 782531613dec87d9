"""The public lookup's two budgets behind the proxy: per client address (from X-Forwarded-For as far as
TRUSTED_PROXY_COUNT allows, IPv6 by /64) and per ID number whatever the address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.models import SensitiveAccess

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
URL = "/api/funds/public-lookup/"


def _lookup(client: Any, forwarded: str, id_number: str = "x", name: str = "y") -> int:
    return client.post(
        URL,
        {"id_number": id_number, "name": name},
        format="json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    ).status_code


def test_behind_the_proxy_each_citizen_has_a_budget_of_their_own(money: Any, settings: Any) -> None:
    # given: one proxy in front, every request arriving from it (test rate: 5 a minute per address)
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    # when: one citizen uses up their budget, then another one asks, and the first one forges a header
    first = [_lookup(client, "203.0.113.1", id_number=f"x{i}") for i in range(6)]
    second = _lookup(client, "203.0.113.2", id_number="y0")
    forged = _lookup(client, "9.9.9.9, 203.0.113.1", id_number="z0")
    # then: the first is limited (a made-up entry before the proxy's does not help), the second is not
    assert first == [404] * 5 + [429]
    assert second == 404
    assert forged == 429
    refused = SensitiveAccess.objects.filter(detail__startswith="refused")
    assert set(refused.values_list("ip_address", flat=True)) == {"203.0.113.1"}


def test_addresses_of_one_ipv6_64_share_a_budget(money: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    statuses = [_lookup(client, f"2001:db8:5:6::{i + 1:x}", id_number=f"x{i}") for i in range(6)]
    other_network = _lookup(client, "2001:db8:5:7::1", id_number="y0")
    assert statuses == [404] * 5 + [429]
    assert other_network == 404


def test_one_id_number_cannot_be_probed_from_many_addresses(money: Any, settings: Any) -> None:
    # given: a real member's number, and a prober trying names from a new address each time
    settings.TRUSTED_PROXY_COUNT = 1
    head = money.household.head
    client = APIClient()
    # when: eight wrong names (the test budget: 8 a day per number), then the right name, from new addresses
    wrong = [_lookup(client, f"203.0.113.{i + 10}", head.id_number, f"猜{i}") for i in range(8)]
    right = _lookup(client, "203.0.113.99", head.id_number, head.name)
    page = Client().post(
        "/funds/public/lookup/",
        {"id_number": head.id_number, "name": head.name},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.100",
    )
    another_number = _lookup(client, "203.0.113.101", "110101199003074514", "某人")
    # then: the number is refused on the API and the page, with the reason; others are not affected
    assert wrong == [404] * 8
    assert right == 429
    assert page.status_code == 429
    assert "Too many lookups of this ID number" in page.content.decode()
    assert head.id_number not in page.content.decode()
    assert another_number == 404
    refused = SensitiveAccess.objects.filter(detail="refused: ID number budget")
    assert refused.count() == 2
