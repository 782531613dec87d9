"""One idempotency key, many requests at the same instant (a double click, a client retrying on a
timeout): exactly one payment or reversal is written, the first request answers 201 and every other
200 with the same body; pages say it was already recorded. Real threads, real connections, real
PostgreSQL (core.idempotency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from funds.models import Disbursement, Project
from funds.services import disbursement_record
from tests.funds.conftest import build_money
from tests.helpers import at_once

pytestmark = pytest.mark.django_db(transaction=True)

CONCURRENT = 10


def _body(money: Any, key: str = "burst-1", **overrides: Any) -> dict:
    return {
        "funding": money.funding.pk,
        "amount": "1234.56",
        "paid_on": money.today.isoformat(),
        "voucher_number": "记-2024-0101",
        "payee": "临夏市路桥建设有限公司",
        "idempotency_key": key,
        **overrides,
    }


def _api(user: Any) -> APIClient:
    client = APIClient()  # one client a thread: a test client is not shared between threads
    client.force_authenticate(user)
    return client


def test_ten_concurrent_payment_requests_with_one_key_make_one_201_and_nine_identical_200s(
    county: Any,
) -> None:
    # given: the key in the Idempotency-Key header (the body's field goes the same way: test_api)
    money = build_money(county)
    body = _body(money)
    headers = {"HTTP_IDEMPOTENCY_KEY": body.pop("idempotency_key")}

    # when: ten clients send the same request at the same instant
    responses = at_once(
        CONCURRENT,
        lambda i: _api(money.official).post("/api/funds/disbursements/", body, format="json", **headers),
    )

    # then: one 201, nine 200, all with the same body; one row and the money counted once
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (CONCURRENT - 1) + [201], statuses
    assert len({r.content for r in responses}) == 1
    assert Disbursement.objects.count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("1234.56")


def test_concurrent_requests_with_one_key_but_different_amounts_write_one_and_refuse_the_rest(
    county: Any,
) -> None:
    # given
    money = build_money(county)

    # when: the same key is sent with ten different amounts at once
    responses = at_once(
        CONCURRENT,
        lambda i: _api(money.official).post(
            "/api/funds/disbursements/", _body(money, amount=f"{100 + i}.00"), format="json"
        ),
    )

    # then: one payment; each other request is told its key was used for a different payment
    assert sorted(r.status_code for r in responses) == [201] + [400] * (CONCURRENT - 1)
    refused = [r.json() for r in responses if r.status_code == 400]
    assert all("already used for a different payment" in r["errors"]["idempotency_key"][0] for r in refused)
    assert Disbursement.objects.count() == 1


def test_ten_concurrent_reversals_with_one_key_make_one_201_and_nine_identical_200s(county: Any) -> None:
    # given: a payment
    money = build_money(county)
    payment = disbursement_record(
        funding=money.funding,
        amount="500.00",
        paid_on=money.today,
        voucher_number="记-1",
        payee="合作社",
        idempotency_key="pay-1",
        user=money.official,
    )
    url = f"/api/funds/disbursements/{payment.pk}/reverse/"

    # when: ten reversal requests with one key at once
    responses = at_once(
        CONCURRENT,
        lambda i: _api(money.official).post(
            url, {"reason": "凭证号录错", "idempotency_key": "rev-1"}, format="json"
        ),
    )

    # then
    assert sorted(r.status_code for r in responses) == [200] * (CONCURRENT - 1) + [201]
    assert len({r.content for r in responses}) == 1
    assert Disbursement.objects.filter(reverses=payment).count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("0.00")


def test_the_payment_form_sent_ten_times_at_once_records_one_payment_and_says_so(county: Any) -> None:
    # given: the form's fields with its hidden key
    money = build_money(county)
    form = {
        "funding": money.funding.pk,
        "amount": "800.00",
        "paid_on": money.today.isoformat(),
        "voucher_number": "记-page-1",
        "payee": "合作社",
        "idempotency_key": "page-key-1",
    }

    def submit(index: int) -> Any:
        client = Client()
        client.force_login(money.official)
        return client.post("/funds/payments/new/", form, follow=True)

    # when
    responses = at_once(CONCURRENT, submit)

    # then: every submit lands on the project page; one says recorded, the others already recorded
    assert all(r.status_code == 200 for r in responses)
    texts = [r.content.decode() for r in responses]
    assert sum("Payment recorded." in t for t in texts) == 1
    assert sum("This payment was already recorded; nothing was added." in t for t in texts) == CONCURRENT - 1
    assert Disbursement.objects.count() == 1
