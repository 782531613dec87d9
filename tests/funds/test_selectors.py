"""Execution reports in yuan and 万元, and reconciliation finding what does not add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core.numbers import percent
from funds.choices import FundKindChoices, FundLevelChoices, ProjectStatusChoices, ReportGroupingChoices
from funds.demo import _seed_declared_totals
from funds.models import Allocation, DeclaredTotal, Project, ProjectFunding
from funds.selectors import (
    declared_mismatches,
    execution_report,
    household_receipts,
    ledger_mismatches,
    to_wan,
)
from funds.services import (
    allocation_record,
    declared_total_record,
    disbursement_record,
    disbursement_reverse,
    fund_source_create,
    project_fund,
    project_propose,
    project_transition,
)

pytestmark = pytest.mark.django_db
G = ReportGroupingChoices


def _pay(money: Any, amount: str, key: str, funding: Any = None, **extra: Any) -> Any:
    return disbursement_record(
        funding=funding or money.funding,
        amount=amount,
        paid_on=money.today,
        voucher_number=key,
        payee="合作社",
        idempotency_key=key,
        user=money.official,
        **extra,
    )


def test_wan_and_rate_round_half_up_exactly() -> None:
    assert to_wan(Decimal("12345.00")) == Decimal("1.23")
    assert to_wan(Decimal("12350.00")) == Decimal("1.24")  # half up, not half even
    assert to_wan(Decimal("244298700.00")) == Decimal("24429.87")
    assert percent(Decimal("1"), Decimal("3")) == Decimal("33.33")
    assert percent(Decimal("2"), Decimal("3")) == Decimal("66.67")
    assert percent(Decimal("1"), Decimal("0")) is None


def test_report_by_source_level_and_year(county: Any, money: Any) -> None:
    # given: a second, provincial source with its own allocation paying a second project
    official = money.official
    provincial = fund_source_create(
        area=county.county,
        name="省级财政专项扶贫资金",
        level=FundLevelChoices.PROVINCIAL,
        kind=FundKindChoices.SPECIAL,
        user=official,
    )
    allocation = allocation_record(
        county=county.county,
        source=provincial,
        year=2025,
        document_number="甘财农〔2025〕8号",
        document_date=dt.date(2025, 2, 1),
        amount="30000.00",
        user=official,
    )
    project = project_propose(
        area=county.town_b,
        name="王坪村道路",
        category=money.positive,
        year=2025,
        budget="30000.00",
        user=county.staff_b,
    )
    project = project_transition(project=project, to_status=ProjectStatusChoices.APPROVED, user=official)
    funding = project_fund(project=project, allocation=allocation, amount="20000.00", user=official)
    _pay(money, "25000.00", "a")
    _pay(money, "10000.00", "b", funding=funding)
    reversed_payment = _pay(money, "999.99", "c")
    disbursement_reverse(disbursement=reversed_payment, reason="错", user=official)

    # when
    by_source = {r.label: r for r in execution_report(user=official, by=G.SOURCE)}
    by_level = {r.key: r for r in execution_report(user=official, by=G.LEVEL)}
    by_year = {r.key: r for r in execution_report(user=official, by=G.YEAR, year=2025)}
    by_township = {r.label: r for r in execution_report(user=official, by=G.TOWNSHIP)}
    by_project = {r.label: r for r in execution_report(user=official, by=G.PROJECT)}

    # then: reversals net out; each figure exact in yuan and in 万元
    central = by_source["中央财政专项扶贫资金"]
    assert (central.allocated, central.paid, central.rate) == (
        Decimal("100000.00"),
        Decimal("25000.00"),
        Decimal("25.00"),
    )
    assert central.paid_wan == Decimal("2.50")
    assert by_level[FundLevelChoices.PROVINCIAL].rate == Decimal("33.33")
    assert set(by_year) == {"2025"}
    assert by_year["2025"].paid == Decimal("10000.00")
    assert by_township["折桥镇"].allocated == Decimal("100000.00")
    assert by_township["枹罕镇"].rate == Decimal("50.00")
    assert by_project["王坪村道路"].allocated_wan == Decimal("2.00")


def test_reports_are_scoped_to_the_users_area(county: Any, money: Any) -> None:
    _pay(money, "100.00", "a")
    assert execution_report(user=county.staff_b, by=G.PROJECT) == []
    assert [r.label for r in execution_report(user=county.staff_a, by=G.PROJECT)] == ["折桥村肉牛养殖合作社"]


def test_reconciliation_finds_the_planted_mismatch_from_the_seeds(county: Any) -> None:
    # given: DOMAIN.md section 7 (Linxia's special funds do not add up)
    _seed_declared_totals(county.county)

    # when
    found = declared_mismatches(user=county.county_official)

    # then
    assert [m.record.title for m in found] == ["临夏市2014—2018年财政专项扶贫资金"]
    assert to_wan(found[0].stated) == Decimal("39856.84")
    assert to_wan(found[0].computed) == Decimal("39886.84")
    assert to_wan(found[0].difference) == Decimal("30.00")
    # and only the county's own totals are seeded (another city's report is not Linxia's to reconcile)
    assert set(DeclaredTotal.objects.values_list("area", flat=True)) == {county.county.pk}


def test_a_planted_declared_mismatch_of_one_fen_is_found(county: Any) -> None:
    declared_total_record(
        area=county.county,
        title="测试",
        declared_amount="100.00",
        parts=[("甲", "60.00"), ("乙", "40.01")],
        user=county.county_official,
    )
    found = declared_mismatches(user=county.county_official)
    assert [(m.stated, m.computed, m.difference) for m in found] == [
        (Decimal("100.00"), Decimal("100.01"), Decimal("0.01"))
    ]


def test_the_ledger_check_finds_a_tampered_total(county: Any, money: Any) -> None:
    # given: a correct ledger
    _pay(money, "300.00", "a")
    assert ledger_mismatches(area_prefix=county.county.prefix) == []
    # when: totals are overwritten behind the services' and the triggers' back
    Project.objects.filter(pk=money.project.pk).update(paid_total=Decimal("200.00"))
    Allocation.objects.filter(pk=money.allocation.pk).update(assigned_total=Decimal("99000.00"))
    # then
    found = {(str(m.what), m.stated, m.computed) for m in ledger_mismatches(area_prefix=county.county.prefix)}
    assert found == {
        ("Project paid total", Decimal("200.00"), Decimal("300.00")),
        ("Allocation assigned total", Decimal("99000.00"), Decimal("100000.00")),
    }


def test_a_funding_line_changed_in_the_database_keeps_the_totals_in_step(county: Any, money: Any) -> None:
    # given
    _pay(money, "300.00", "a")
    # when: a line is cut with a plain UPDATE (no service)
    ProjectFunding.objects.filter(pk=money.funding.pk).update(amount=Decimal("99000.00"))
    # then: the triggers moved the allocation's and the project's totals with it
    money.allocation.refresh_from_db()
    money.project.refresh_from_db()
    assert (money.allocation.assigned_total, money.project.allocated_total) == (
        Decimal("99000.00"),
        Decimal("99000.00"),
    )
    assert ledger_mismatches(area_prefix=county.county.prefix) == []


def test_household_receipts_net_reversals(money: Any) -> None:
    _pay(money, "1000.00", "a", household=money.household)
    wrong = _pay(money, "50.00", "b", household=money.household)
    disbursement_reverse(disbursement=wrong, reason="错", user=money.official)
    receipts = household_receipts(household=money.household, user=money.official)
    assert len(receipts.payments) == 3
    assert receipts.total == Decimal("1000.00")
