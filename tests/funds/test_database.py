"""The database's own guarantees, attempted with raw SQL that bypasses every service and model:
paid ≤ allocated ≤ budget, assigned ≤ allocation, an insert-only ledger, one payment per key, and
totals that follow the rows they summarise. Each refusal leaves the ledger as it was."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from core import clock
from funds.models import Allocation, Disbursement, Project, ProjectFunding
from funds.selectors import ledger_mismatches
from funds.services import disbursement_record
from tests.funds.conftest import build_money

# recorded_at is the last placeholder: the app's clock is appended (never the database's now()).
INSERT = """
    INSERT INTO funds_disbursement (project_id, funding_id, kind, amount, paid_on, voucher_number, payee,
        note, reverses_id, idempotency_key, recorded_at)
    VALUES (%s, %s, %s, %s, %s, 'v', 'p', '', %s, %s, %s) RETURNING id
"""


def _insert(
    money: Any,
    amount: str,
    key: str,
    *,
    kind: str = "payment",
    reverses: int | None = None,
    project_id: int | None = None,
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT,
            [
                project_id or money.project.pk,
                money.funding.pk,
                kind,
                Decimal(amount),
                money.today,
                reverses,
                key,
                clock.now(),
            ],
        )
        return cursor.fetchone()[0]


def _totals(money: Any) -> tuple[Decimal, Decimal, Decimal, int]:
    project = Project.objects.get(pk=money.project.pk)
    line = ProjectFunding.objects.get(pk=money.funding.pk)
    return project.paid_total, line.paid_total, project.allocated_total, Disbursement.objects.count()


def _refused(money: Any, sql: str, params: list[Any], error: type[Exception] = IntegrityError) -> None:
    before = _totals(money)
    if sql is INSERT:
        params = [*params, clock.now()]
    with pytest.raises(error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert _totals(money) == before


def test_a_raw_insert_moves_the_paid_totals(county: Any, money: Any) -> None:
    # when
    _insert(money, "1200.50", "raw-1")
    # then
    assert _totals(money)[:2] == (Decimal("1200.50"), Decimal("1200.50"))
    assert ledger_mismatches(area_prefix=county.county.prefix) == []


def test_a_raw_insert_cannot_overspend_the_allocation(money: Any) -> None:
    # given: 100,000 allocated, 99,000 paid
    _insert(money, "99000.00", "raw-1")
    # when / then: 1,000.01 more is refused by the check constraint, nothing is written
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "payment", Decimal("1000.01"), money.today, None, "raw-2"],
    )
    assert _totals(money)[:2] == (Decimal("99000.00"), Decimal("99000.00"))


def test_a_raw_payment_must_belong_to_its_lines_project(county: Any, money: Any) -> None:
    # given: another project of the county
    other = Project.objects.create(
        area=county.town_a, name="另一个项目", category=money.positive, year=2024, budget=Decimal("10.00")
    )
    # when / then
    _refused(money, INSERT, [other.pk, money.funding.pk, "payment", Decimal("5.00"), money.today, None, "x"])


def test_raw_sign_and_reversal_rules_hold(money: Any) -> None:
    payment = _insert(money, "300.00", "raw-1")
    # a payment with a negative amount, a reversal without its payment
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "payment", Decimal("-5.00"), money.today, None, "neg"],
    )
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "reversal", Decimal("-5.00"), money.today, None, "orphan"],
    )
    # a reversal of a different amount than the payment it reverses
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "reversal", Decimal("-299.00"), money.today, payment, "partial"],
    )
    # the right reversal is accepted and restores the balance; a second one is refused (one-to-one)
    _insert(money, "-300.00", "rev-1", kind="reversal", reverses=payment)
    assert _totals(money)[:2] == (Decimal("0.00"), Decimal("0.00"))
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "reversal", Decimal("-300.00"), money.today, payment, "rev-2"],
    )


def test_raw_updates_and_deletes_of_the_ledger_are_refused(money: Any) -> None:
    payment = _insert(money, "300.00", "raw-1")
    _refused(money, "UPDATE funds_disbursement SET amount = 1 WHERE id = %s", [payment], ProgrammingError)
    _refused(money, "DELETE FROM funds_disbursement WHERE id = %s", [payment], ProgrammingError)
    assert Disbursement.objects.get(pk=payment).amount == Decimal("300.00")


def test_a_raw_second_payment_with_one_key_is_refused(money: Any) -> None:
    _insert(money, "300.00", "same")
    _refused(
        money,
        INSERT,
        [money.project.pk, money.funding.pk, "payment", Decimal("300.00"), money.today, None, "same"],
    )


def test_raw_writes_to_the_totals_themselves_are_refused(money: Any) -> None:
    # paid above allocated, allocated above budget, assigned above the allocation, an allocation cut
    # below what is assigned, a funding line above its allocation
    _refused(
        money,
        "UPDATE funds_project SET paid_total = allocated_total + 0.01 WHERE id = %s",
        [money.project.pk],
    )
    _refused(
        money, "UPDATE funds_project SET allocated_total = budget + 0.01 WHERE id = %s", [money.project.pk]
    )
    _refused(
        money,
        "UPDATE funds_allocation SET assigned_total = amount + 0.01 WHERE id = %s",
        [money.allocation.pk],
    )
    _refused(money, "UPDATE funds_allocation SET amount = 99999.99 WHERE id = %s", [money.allocation.pk])
    _refused(
        money, "UPDATE funds_projectfunding SET amount = amount + 0.01 WHERE id = %s", [money.funding.pk]
    )
    _refused(
        money, "UPDATE funds_projectfunding SET paid_total = amount + 0.01 WHERE id = %s", [money.funding.pk]
    )
    assert Allocation.objects.get(pk=money.allocation.pk).assigned_total == Decimal("100000.00")


def test_a_raw_funding_line_cannot_move_to_another_project(county: Any, money: Any) -> None:
    other = Project.objects.create(
        area=county.town_a, name="另一个项目", category=money.positive, year=2024, budget=Decimal("200000.00")
    )
    _refused(
        money, "UPDATE funds_projectfunding SET project_id = %s WHERE id = %s", [other.pk, money.funding.pk]
    )


def test_a_raw_notice_period_must_end_after_it_starts(money: Any) -> None:
    sql = """INSERT INTO funds_notice (project_id, kind, title, body, starts_on, ends_on, created_at, updated_at)
             VALUES (%s, 'project', 't', 'b', '2024-06-10', '2024-06-09', %s, %s)"""
    _refused(money, sql, [money.project.pk, clock.now(), clock.now()])


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_raw_inserts_that_exceed_the_allocation_exactly_one_commits(county: Any) -> None:
    # given: 100,000 allocated; two connections outside Django, no service, no row lock taken first
    money = build_money(county)
    settings = connection.settings_dict
    dsn = dict(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = ["", ""]

    def insert(index: int) -> None:
        with psycopg.connect(**dsn) as conn:
            try:
                with conn.transaction():
                    barrier.wait(timeout=10)
                    conn.execute(
                        INSERT,
                        [
                            money.project.pk,
                            money.funding.pk,
                            "payment",
                            Decimal("60000.00"),
                            clock.today(),
                            None,
                            f"race-{index}",
                            clock.now(),
                        ],
                    )
                outcomes[index] = "committed"
            except psycopg.errors.CheckViolation:
                outcomes[index] = "refused"

    # when
    threads = [threading.Thread(target=insert, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then: the second waits for the first's row lock, re-reads the total and hits the constraint
    assert sorted(outcomes) == ["committed", "refused"]
    assert _totals(money)[:2] == (Decimal("60000.00"), Decimal("60000.00"))
    assert Disbursement.objects.count() == 1


def test_a_service_payment_and_the_trigger_count_it_once(money: Any) -> None:
    # given / when
    disbursement_record(
        funding=money.funding,
        amount="250.00",
        paid_on=money.today,
        voucher_number="v",
        payee="p",
        idempotency_key="svc-1",
        user=money.official,
    )
    # then
    assert _totals(money)[:2] == (Decimal("250.00"), Decimal("250.00"))
