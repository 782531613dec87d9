"""Real concurrency: two database connections in two threads racing for the same money."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funds.models import Disbursement, Project, ProjectFunding
from funds.services import disbursement_record
from tests.funds.conftest import build_money

pytestmark = pytest.mark.django_db(transaction=True)


def _race(money: Any, requests: list[tuple[str, str]]) -> list[Any]:
    """Start one thread per (amount, key), released together by a barrier; returns each outcome."""
    barrier = threading.Barrier(len(requests))
    outcomes: list[Any] = [None] * len(requests)

    def worker(index: int, amount: str, key: str) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = disbursement_record(
                funding=money.funding,
                amount=amount,
                paid_on=money.today,
                voucher_number=f"记-{key}",
                payee="合作社",
                idempotency_key=key,
                user=money.official,
            )
        except ValidationError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *req)) for i, req in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_concurrent_payments_that_together_exceed_the_allocation_exactly_one_succeeds(
    county: Any,
) -> None:
    # given: 100,000 allocated to the project
    money = build_money(county)

    # when: two payments of 60,000 race
    outcomes = _race(money, [("60000.00", "race-a"), ("60000.00", "race-b")])

    # then: one payment, one clear refusal, and the totals agree with the ledger
    payments = [o for o in outcomes if isinstance(o, Disbursement)]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(payments) == 1
    assert len(refusals) == 1
    assert "40,000.00" in refusals[0].message_dict["amount"][0]
    assert Disbursement.objects.count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("60000.00")
    assert ProjectFunding.objects.get(pk=money.funding.pk).paid_total == Decimal("60000.00")


def test_a_concurrent_double_submit_records_one_payment(county: Any) -> None:
    # given
    money = build_money(county)

    # when: the same request (same key) arrives twice at once
    outcomes = _race(money, [("500.00", "same"), ("500.00", "same")])

    # then: both callers get the same payment
    assert all(isinstance(o, Disbursement) for o in outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    assert Disbursement.objects.count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("500.00")
