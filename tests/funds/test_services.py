"""The money rules: limits, idempotency, reversal-only corrections, lists and lifecycle, by role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.http import Http404

from core.money import money_parse
from funds.choices import DisbursementKindChoices, ProjectStatusChoices
from funds.models import Allocation, Disbursement, Project, ProjectFunding
from funds.services import (
    allocation_record,
    disbursement_record,
    disbursement_reverse,
    project_fund,
    project_propose,
    project_transition,
    project_update,
)
from tests.factories import make_household

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

S = ProjectStatusChoices


def _pay(money: Any, amount: str, key: str, **extra: Any) -> Disbursement:
    return disbursement_record(
        funding=money.funding,
        amount=amount,
        paid_on=money.today,
        voucher_number=f"记-{key}",
        payee="临夏市路桥建设有限公司",
        idempotency_key=key,
        user=money.official,
        **extra,
    )


def _totals(money: Any) -> tuple[Decimal, Decimal, int]:
    project = Project.objects.get(pk=money.project.pk)
    line = ProjectFunding.objects.get(pk=money.funding.pk)
    return project.paid_total, line.paid_total, Disbursement.objects.count()


# -- amounts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.1, 1e3, True])
def test_floats_are_refused_as_amounts(value: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        money_parse(value)
    assert "floating-point" in exc.value.message_dict["amount"][0]


@pytest.mark.parametrize("value", ["abc", "12.345", "NaN", "Infinity", "", "0", "-5.00", "1e999"])
def test_garbage_and_non_positive_amounts_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        money_parse(value)


def test_amounts_are_exact_decimals() -> None:
    assert money_parse("0.10") + money_parse("0.20") == Decimal("0.30")
    assert money_parse(Decimal("12")) == Decimal("12.00")


# -- allocations -----------------------------------------------------------------------------------


def test_the_same_document_cannot_be_recorded_twice_for_a_source(county: Any, money: Any) -> None:
    # when
    with pytest.raises(ValidationError) as exc:
        allocation_record(
            county=county.county,
            source=money.source,
            year=2024,
            document_number="临市财农〔2024〕1号",
            document_date=dt.date(2024, 3, 1),
            amount="5.00",
            user=money.official,
        )
    # then
    assert "document_number" in exc.value.message_dict
    assert Allocation.objects.count() == 1


def test_township_staff_cannot_record_allocations(county: Any, money: Any) -> None:
    with pytest.raises(Http404):  # the county is outside a township user's area
        allocation_record(
            county=county.county,
            source=money.source,
            year=2024,
            document_number="X",
            document_date=dt.date(2024, 3, 1),
            amount="5.00",
            user=county.staff_a,
        )


# -- project library -------------------------------------------------------------------------------


def test_township_proposes_and_county_approves(county: Any, money: Any) -> None:
    # given
    project = project_propose(
        area=county.town_a,
        name="大庄村花椒种植",
        category=money.positive,
        year=2024,
        budget="50000.00",
        user=county.staff_a,
    )
    # when / then: township staff may not approve
    with pytest.raises(PermissionDenied):
        project_transition(project=project, to_status=S.APPROVED, user=county.staff_a)
    approved = project_transition(project=project, to_status=S.APPROVED, user=county.county_official)
    assert approved.status == S.APPROVED
    assert approved.approved_by == county.county_official
    started = project_transition(project=approved, to_status=S.IN_PROGRESS, user=county.staff_a)
    assert started.status == S.IN_PROGRESS
    with pytest.raises(ValidationError):
        project_transition(project=started, to_status=S.ACCEPTED, user=county.county_official)


def test_negative_list_category_and_keywords_are_refused(county: Any, money: Any) -> None:
    # when: a forbidden category
    with pytest.raises(ValidationError) as forbidden:
        project_propose(
            area=county.town_a,
            name="镇政府",
            category=money.negative,
            year=2024,
            budget="1.00",
            user=county.staff_a,
        )
    # when: an allowed category whose description gives a forbidden use away
    with pytest.raises(ValidationError) as keyword:
        project_propose(
            area=county.town_a,
            name="产业服务中心",
            category=money.positive,
            description="新建镇扶贫办公楼一栋",
            year=2024,
            budget="1.00",
            user=county.staff_a,
        )
    # then
    assert "negative list" in " ".join(forbidden.value.message_dict["category"])
    assert "办公楼" in " ".join(keyword.value.message_dict["category"])
    assert Project.objects.count() == 1


def test_township_cannot_propose_in_another_township(county: Any, money: Any) -> None:
    with pytest.raises(Http404):
        project_propose(
            area=county.town_b,
            name="王坪村项目",
            category=money.positive,
            year=2024,
            budget="1.00",
            user=county.staff_a,
        )


def test_beneficiaries_must_live_in_the_project_area(county: Any, money: Any) -> None:
    other = make_household(county.village_b1)
    with pytest.raises(ValidationError) as exc:
        project_propose(
            area=county.town_a,
            name="项目",
            category=money.positive,
            year=2024,
            budget="1.00",
            households=[other],
            user=county.staff_a,
        )
    assert "households" in exc.value.message_dict


def test_stale_project_edit_is_a_conflict(county: Any, money: Any) -> None:
    from core.exceptions import ConflictError

    # given: two people read version 2 (proposal, approval)
    version = money.project.version
    project_update(
        project=money.project, expected_version=version, user=county.staff_a, description="第一次修改"
    )
    # when / then
    with pytest.raises(ConflictError):
        project_update(
            project=money.project, expected_version=version, user=county.staff_a, description="第二次"
        )
    assert Project.objects.get(pk=money.project.pk).description == "第一次修改"


def test_budget_never_drops_below_what_is_allocated(county: Any, money: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        project_update(
            project=money.project, expected_version=money.project.version, user=county.staff_a, budget="10.00"
        )
    assert "budget" in exc.value.message_dict


def test_funding_never_exceeds_the_allocation_or_the_budget(county: Any, money: Any) -> None:
    # given: a second project and an allocation already fully assigned
    other = project_propose(
        area=county.town_a,
        name="另一个项目",
        category=money.positive,
        year=2024,
        budget="900.00",
        user=county.staff_a,
    )
    other = project_transition(project=other, to_status=S.APPROVED, user=money.official)
    # when / then
    with pytest.raises(ValidationError) as exc:
        project_fund(project=other, allocation=money.allocation, amount="0.01", user=money.official)
    assert "unassigned" in exc.value.message_dict["amount"][0]
    assert Allocation.objects.get(pk=money.allocation.pk).assigned_total == Decimal("100000.00")


def test_a_proposed_project_cannot_receive_money(county: Any, money: Any) -> None:
    proposed = project_propose(
        area=county.town_a,
        name="待审项目",
        category=money.positive,
        year=2024,
        budget="900.00",
        user=county.staff_a,
    )
    with pytest.raises(ValidationError):
        project_fund(project=proposed, allocation=money.allocation, amount="1.00", user=money.official)


# -- payments --------------------------------------------------------------------------------------


def test_a_payment_updates_the_project_and_line(money: Any) -> None:
    # when
    payment = _pay(money, "30000.50", "k1")
    # then
    assert payment.amount == Decimal("30000.50")
    assert _totals(money) == (Decimal("30000.50"), Decimal("30000.50"), 1)


def test_paying_more_than_allocated_is_refused_and_changes_nothing(money: Any) -> None:
    # given
    _pay(money, "99999.99", "k1")
    # when
    with pytest.raises(ValidationError) as exc:
        _pay(money, "0.02", "k2")
    # then
    assert "0.01" in exc.value.message_dict["amount"][0]
    assert _totals(money) == (Decimal("99999.99"), Decimal("99999.99"), 1)


def test_a_double_submit_with_one_key_records_one_payment(money: Any) -> None:
    # when: the same request arrives twice
    first = _pay(money, "500.00", "same-key")
    second = _pay(money, "500.00", "same-key")
    # then
    assert first.pk == second.pk
    assert _totals(money) == (Decimal("500.00"), Decimal("500.00"), 1)


def test_a_key_reused_for_a_different_payment_is_refused(money: Any) -> None:
    _pay(money, "500.00", "same-key")
    with pytest.raises(ValidationError) as exc:
        _pay(money, "700.00", "same-key")
    assert "idempotency_key" in exc.value.message_dict
    assert _totals(money) == (Decimal("500.00"), Decimal("500.00"), 1)


def test_a_reversal_restores_the_balance_and_keeps_the_payment(money: Any) -> None:
    # given
    payment = _pay(money, "100000.00", "k1")
    # when
    reversal = disbursement_reverse(disbursement=payment, reason="凭证录错", user=money.official)
    # then
    assert reversal.kind == DisbursementKindChoices.REVERSAL
    assert reversal.amount == Decimal("-100000.00")
    assert _totals(money) == (Decimal("0.00"), Decimal("0.00"), 2)
    assert Disbursement.objects.get(pk=payment.pk).amount == Decimal("100000.00")
    # and the restored balance can be paid again
    _pay(money, "100000.00", "k2")
    assert _totals(money)[0] == Decimal("100000.00")


def test_a_payment_is_reversed_once_and_a_reversal_never(money: Any) -> None:
    payment = _pay(money, "10.00", "k1")
    reversal = disbursement_reverse(disbursement=payment, reason="错", user=money.official)
    with pytest.raises(ValidationError):
        disbursement_reverse(disbursement=payment, reason="再冲", user=money.official)
    with pytest.raises(ValidationError):
        disbursement_reverse(disbursement=reversal, reason="再冲", user=money.official)
    assert _totals(money) == (Decimal("0.00"), Decimal("0.00"), 2)


def test_household_payments_go_only_to_benefiting_households(county: Any, money: Any) -> None:
    stranger = make_household(county.village_a2)
    with pytest.raises(ValidationError) as exc:
        _pay(money, "10.00", "k1", household=stranger)
    assert "household" in exc.value.message_dict
    paid = _pay(money, "10.00", "k2", household=money.household)
    assert paid.household == money.household


def test_a_viewer_cannot_pay(county: Any, money: Any) -> None:
    with pytest.raises(PermissionDenied):
        disbursement_record(
            funding=money.funding,
            amount="1.00",
            paid_on=money.today,
            voucher_number="v",
            payee="p",
            idempotency_key="k",
            user=county.viewer,
        )


# -- database guarantees ---------------------------------------------------------------------------


def test_the_database_refuses_a_paid_total_above_the_allocation(money: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=money.project.pk).update(paid_total=Decimal("100000.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFunding.objects.filter(pk=money.funding.pk).update(paid_total=Decimal("100000.01"))


def test_the_database_refuses_to_edit_or_delete_a_payment(money: Any) -> None:
    payment = _pay(money, "10.00", "k1")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        Disbursement.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        Disbursement.objects.filter(pk=payment.pk).delete()
    assert Disbursement.objects.get(pk=payment.pk).amount == Decimal("10.00")


def test_the_database_refuses_two_payments_with_one_key(money: Any) -> None:
    payment = _pay(money, "10.00", "k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            project=payment.project,
            funding=payment.funding,
            amount=Decimal("10.00"),
            paid_on=payment.paid_on,
            voucher_number="v",
            payee="p",
            idempotency_key="k1",
        )
