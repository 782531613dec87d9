"""The rectification ledger and fund execution of the dashboards from the snapshot job: the same figures
as the live selectors (supervision.selectors.ledger_summary, funds.selectors.execution_report by
source) on a known county, the page's queries the same at two sizes, the computation time on the page,
and a page with nothing computed yet that says so and offers the job to whoever may run it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from core import clock
from core.money import to_wan
from dashboards.models import SectionSnapshot
from dashboards.services import incidence_compute_request
from dashboards.snapshots.read import sections
from funds.choices import FundKindChoices, FundLevelChoices, ProjectStatusChoices, ReportGroupingChoices
from funds.models import ProjectCategory
from funds.selectors import execution_report
from funds.services import (
    allocation_record,
    disbursement_record,
    disbursement_reverse,
    fund_source_create,
    project_fund,
    project_propose,
    project_transition,
)
from households.choices import HouseholdStatusChoices as S
from supervision.choices import ProblemCategoryChoices, ProblemStatusChoices
from supervision.models import Problem
from supervision.selectors import ledger_summary
from tests.factories import make_household

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _problem(county: Any, area: Any, deadline: dt.date, closed_at: dt.datetime | None = None) -> None:
    Problem.objects.create(
        area=area,
        category=ProblemCategoryChoices.choices[0][0],
        description="帮扶措施不精准",
        responsible_unit="乡政府",
        responsible_person=county.staff_a,
        deadline=deadline,
        status=ProblemStatusChoices.CLOSED if closed_at else ProblemStatusChoices.OPEN,
        closed_at=closed_at,
    )


def _money(county: Any) -> None:
    """This year's allocations of two sources to the county; a township project paid twice from the
    first, one payment reversed; an older allocation's payment that this year's figures leave out."""
    official, today = county.county_official, clock.today()
    category = ProjectCategory.objects.create(
        area=county.county, code="industry", name="产业发展", list_kind="positive"
    )
    central, province = (
        fund_source_create(
            area=county.county, name=name, level=level, kind=FundKindChoices.SPECIAL, user=official
        )
        for name, level in (
            ("中央财政专项扶贫资金", FundLevelChoices.CENTRAL),
            ("省级财政扶贫资金", FundLevelChoices.PROVINCIAL),
        )
    )

    def allocate(source: Any, year: int, amount: str, number: str) -> Any:
        return allocation_record(
            county=county.county,
            source=source,
            year=year,
            document_number=number,
            document_date=dt.date(year, 1, 2),
            amount=amount,
            user=official,
        )

    this_year = allocate(central, today.year, "100000.00", "临财〔本年〕1号")
    allocate(province, today.year, "30000.00", "临财〔本年〕2号")
    last_year = allocate(province, today.year - 1, "50000.00", "临财〔上年〕1号")
    for allocation, key in ((this_year, "now"), (last_year, "before")):
        project = project_propose(
            area=county.town_a,
            name=f"肉牛养殖合作社{key}",
            category=category,
            year=allocation.year,
            budget="40000.00",
            user=county.staff_a,
            villages=[county.village_a1],
            households=[],
        )
        project = project_transition(project=project, to_status=ProjectStatusChoices.APPROVED, user=official)
        funding = project_fund(project=project, allocation=allocation, amount="40000.00", user=official)
        payments = [
            disbursement_record(
                funding=funding,
                amount=amount,
                paid_on=today,
                voucher_number=f"{key}-{i}",
                payee="合作社",
                idempotency_key=f"{key}-{i}",
                user=official,
            )
            for i, amount in enumerate(("12345.00", "5000.00"))
        ]
        if key == "now":
            disbursement_reverse(disbursement=payments[1], reason="重复拨付", user=official)


@pytest.fixture
def ledger_and_money(county: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Problems at villages, a township and the county (open, overdue, closed on time and late), this
    year's money, then today's snapshot job."""
    today, now = clock.today(), clock.now()
    _problem(county, county.village_a1, today - dt.timedelta(days=3))  # overdue
    _problem(county, county.village_a1, today + dt.timedelta(days=3))  # open, in time
    _problem(county, county.village_a2, today - dt.timedelta(days=1), closed_at=now)  # closed late
    _problem(county, county.town_a, today + dt.timedelta(days=1), closed_at=now)  # closed on time
    _problem(county, county.village_b1, today - dt.timedelta(days=9))  # overdue
    _problem(county, county.county, today + dt.timedelta(days=9))
    _money(county)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county)


def test_the_ledger_from_the_snapshot_agrees_with_ledger_summary(county: Any, ledger_and_money: Any) -> None:
    today = clock.today()
    for area in (county.county, county.town_a, county.town_b, county.village_a1, county.village_b1):
        live = ledger_summary(user=county.county_official, area=area)
        got = sections(area, today)["ledger"]
        assert got == live, area.name
    county_ledger = sections(county.county, today)["ledger"]
    assert (county_ledger["total"], county_ledger["overdue"], county_ledger["closed"]) == (6, 2, 2)
    assert county_ledger["closed_on_time"] == 1


def test_fund_execution_from_the_snapshot_agrees_with_execution_report(
    county: Any, ledger_and_money: Any
) -> None:
    today = clock.today()
    # an official whose scope is the area sees what the area's dashboard shows
    for area, user in ((county.county, county.county_official), (county.town_a, county.staff_a)):
        live = execution_report(user=user, by=ReportGroupingChoices.SOURCE, year=today.year)
        got = sections(area, today)["funds"]["rows"]
        assert got == [[r.label, r.allocated_wan, r.paid_wan, r.rate] for r in live], area.name
    rows = {r[0]: r for r in sections(county.county, today)["funds"]["rows"]}
    # 12,345 yuan paid of 100,000 (5,000 paid and reversed; last year's payment not in this year's)
    assert rows["中央财政专项扶贫资金"][1:] == [
        to_wan(Decimal("100000.00")),
        Decimal("1.23"),
        Decimal("12.35"),
    ]
    assert rows["省级财政扶贫资金"][1:] == [Decimal("3.00"), Decimal("0.00"), Decimal("0.00")]
    assert all(isinstance(v, Decimal) for row in rows.values() for v in row[1:])
    assert sections(county.town_b, today)["funds"]["rows"] == []


def test_the_page_costs_the_same_queries_at_two_sizes_and_names_the_computation(
    county: Any,
    ledger_and_money: Any,
    web: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web(county.county_official)
    url = f"/dashboards/{county.county.code}/"
    client.get(url)  # the session and the translations loaded once
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        body = client.get(url).content.decode()
    computed = SectionSnapshot.objects.get(county=county.county, as_of=clock.today()).computed_at
    assert f"快照任务计算于 {clock.localtime(computed):%Y-%m-%d %H:%M}" in body

    # when: 60 more households, problems and payments, and the job again
    for i in range(60):
        household = make_household(county.village_b2 if i % 2 else county.village_a2, status=S.REGISTERED)
        _problem(county, household.village, clock.today() - dt.timedelta(days=i % 5))
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(
            user=county.county_official, area=county.county, as_of=clock.today() - dt.timedelta(days=1)
        )
    cache.clear()

    # then: the same number of queries, and the new problems counted
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert sections(county.county, clock.today())["ledger"]["total"] == 66


def test_a_page_with_nothing_computed_says_so_and_offers_the_job(county: Any, web: Any) -> None:
    # given: no snapshot job has run for the county
    url = f"/dashboards/{county.town_a.code}/"

    # when: the county official (may run jobs) and the township's staff (may not) open it
    official = web(county.county_official).get(url).content.decode()
    staff = web(county.staff_a).get(url).content.decode()

    # then: both are told; only the official gets the button, which starts the county's job
    for body in (official, staff):
        assert "由快照任务计算：本地区尚未计算" in body
        assert 'data-testid="missing-funds"' in body
    assert 'data-testid="compute-now"' in official
    assert f'name="area" value="{county.county.pk}"' in official
    assert 'data-testid="compute-now"' not in staff
    response = web(county.county_official).post(
        "/dashboards/snapshots/", {"area": county.county.pk, "as_of": clock.today().isoformat()}
    )
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]


def test_another_townships_user_sees_no_ledger_or_funds(county: Any, ledger_and_money: Any, web: Any) -> None:
    assert web(county.staff_b).get(f"/dashboards/{county.town_a.code}/").status_code == 404
    from dashboards.figures import dashboard

    data = dashboard(user=county.staff_b, area=county.town_a)
    assert (data["ledger"], data["funds"], data["overdue"]) == (None, None, [])


def test_above_the_county_the_figures_add_up_the_counties_each_at_its_last_computation(
    county: Any, ledger_and_money: Any
) -> None:
    from areas.choices import AreaLevelChoices
    from dashboards.models import SectionFigure, SectionFund
    from dashboards.snapshots.compute import sections_compute_county
    from tests.factories import make_area

    # given: a second county of the prefecture whose job last ran yesterday (one registered household
    # with an overdue problem)
    today = clock.today()
    other = make_area("622902000000", "临夏县", AreaLevelChoices.COUNTY, county.prefecture)
    town = make_area("622902101000", "韩集镇", AreaLevelChoices.TOWNSHIP, other)
    village = make_area("622902101201", "阳洼村", AreaLevelChoices.VILLAGE, town)
    make_household(village, status=S.REGISTERED)
    _problem(county, village, today - dt.timedelta(days=2))
    sections_compute_county(county=other)
    yesterday = today - dt.timedelta(days=1)
    for model in (SectionSnapshot, SectionFigure, SectionFund):
        rows = (
            model.objects.filter(county=other)
            if model is SectionSnapshot
            else model.objects.filter(snapshot__county=other)
        )
        rows.update(as_of=yesterday)

    # then: the prefecture and the province count both counties (the other at yesterday's figures),
    # name the older day, and agree with the live selectors of an official scoped to the prefecture
    for area in (county.prefecture, county.province):
        got = sections(area, today)
        assert got["sections_as_of"] == yesterday, area.name
        assert (
            got["rates"]["registered_households"]
            == sections(county.county, today)["rates"]["registered_households"] + 1
        )
        assert got["ledger"] == ledger_summary(user=county.viewer, area=area), area.name
        live = execution_report(user=county.viewer, by=ReportGroupingChoices.SOURCE, year=today.year)
        assert got["funds"]["rows"] == [[r.label, r.allocated_wan, r.paid_wan, r.rate] for r in live]
    assert sections(county.prefecture, today)["ledger"]["total"] == 7
    # coverage above the county: a row per child area (its counties' rows added up), never a row per
    # village of the province
    own = sections(county.county, today)["coverage"]["rows"][0][1:]
    others = sections(other, today)["coverage"]["rows"][0][1:]
    assert others == [1, 1, 1, 1, 0]  # its registered household: no cadre, no plan, no visit
    both = [a + b for a, b in zip(own, others, strict=True)]
    prefecture = sections(county.prefecture, today)["coverage"]
    assert prefecture["header"][0] == "县（市、区）"
    assert prefecture["rows"] == [
        [county.prefecture.name, *both],
        [county.county.name, *own],
        [other.name, *others],
    ]
    province = sections(county.province, today)["coverage"]
    assert province["rows"] == [[county.province.name, *both], [county.prefecture.name, *both]]
    assert [c["code"] for c in sections(county.prefecture, today)["ledger"]["children"]] == [
        county.county.code,
        other.code,
    ]


def test_the_export_and_the_api_give_the_snapshot_s_ledger_and_funds(
    county: Any, ledger_and_money: Any, web: Any, api: Any
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    # when: the funds and ledger tables as xlsx, and the whole dashboard from the API
    def sheet(table: str) -> list[tuple[Any, ...]]:
        response = web(county.county_official).get(f"/dashboards/{county.county.code}/export/{table}.xlsx")
        assert response.status_code == 200
        return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))

    funds, ledger = sheet("funds"), sheet("ledger")
    data = api(county.county_official).get(f"/api/dashboards/areas/{county.county.code}/").json()

    # then: the snapshot's figures, money as exact decimals (strings in the API)
    assert funds[1][0] == "中央财政专项扶贫资金"
    assert [Decimal(str(v)) for v in funds[1][1:]] == [Decimal("10.00"), Decimal("1.23"), Decimal("12.35")]
    assert {row[1]: row[2:] for row in ledger[1:]} == {"枹罕镇": (1, 1, 0), "折桥镇": (2, 1, 2)}
    assert data["funds"]["rows"][0] == ["中央财政专项扶贫资金", "10.00", "1.23", "12.35"]
    assert data["ledger"]["overdue"] == 2
    # the live list of the overdue problems, most overdue first (王坪村 9 days, 折桥村 3)
    assert [p["area"] for p in data["overdue"]] == ["王坪村", "折桥村"]
    assert data["sections_computed_at"] is not None


def test_a_frozen_date_is_refused_unless_its_sections_are_missing(
    county: Any, ledger_and_money: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import ValidationError

    # given: today's incidence snapshot is complete (frozen) and so are its sections: refused
    with pytest.raises(ValidationError, match="已冻结"):
        incidence_compute_request(user=county.county_official, area=county.county)

    # when: the county's sections of its day are missing (dropped, or the job failed after incidence)
    SectionSnapshot.objects.filter(county=county.county).delete()

    # then: the job is accepted, leaves the frozen snapshot alone and writes the sections
    with django_capture_on_commit_callbacks(execute=True):
        job = incidence_compute_request(user=county.county_official, area=county.county)
    job.refresh_from_db()
    assert job.result["unchanged"] == [county.county.code]
    assert sections(county.county, clock.today())["ledger"]["total"] == 6
