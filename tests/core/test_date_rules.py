"""Every date rule at its boundaries: the last minute of a county day (23:59 in Shanghai, 15:59 UTC) and
the first (00:00, 16:00 UTC the day before), month ends (30th, 31st, 28 and 29 February), and the turn
of the year. The procedures' notice periods and the stable months have their own boundary tests in
tests/exits and tests/households; the clock itself in test_clock.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from assistance.selectors import coverage_for_area
from assistance.services import visit_log
from core import clock
from exits.choices import MonitoringCategoryChoices, MonitoringSourceChoices, RiskChoices
from exits.selectors import monitoring_overdue
from exits.services import monitoring_case_report
from funds.models import Disbursement
from funds.services import disbursement_record
from households.choices import HouseholdStatusChoices
from households.models import IncomeRecord
from households.services import income_record_save
from supervision.choices import ComplaintChannelChoices, ComplaintKindChoices, ProblemCategoryChoices
from supervision.services import answer_days, complaint_receive, problem_create
from tests.factories import make_household
from tests.funds.conftest import build_money
from tests.helpers import SHANGHAI, county_time

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

# The last minute of a county day and the first minute of the next, for a month end, February in a
# common and a leap year, and the year's end.
DAY_ENDS = [
    dt.date(2026, 11, 30),
    dt.date(2026, 12, 31),
    dt.date(2027, 2, 28),
    dt.date(2028, 2, 28),
    dt.date(2028, 2, 29),
]


def last_minute(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59), SHANGHAI)


def first_minute(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), SHANGHAI)


@pytest.mark.parametrize("day", DAY_ENDS, ids=str)
def test_a_visit_dated_tomorrow_is_refused_until_the_county_day_turns(
    county: Any, time_machine: Any, day: dt.date
) -> None:
    household = make_household(county.village_a1)
    tomorrow = day + dt.timedelta(days=1)

    # when: at 23:59 (already 15:59 UTC) a visit dated tomorrow
    time_machine.move_to(last_minute(day), tick=False)
    with pytest.raises(ValidationError) as refused:
        visit_log(household=household, visited_on=tomorrow, findings="入户", user=county.secretary_a1)
    assert "visited_on" in refused.value.message_dict

    # when: one minute later, 00:00 in the county and still `day` in UTC
    time_machine.move_to(first_minute(tomorrow))
    assert clock.now().astimezone(dt.UTC).date() == day
    visit = visit_log(household=household, visited_on=tomorrow, findings="入户", user=county.secretary_a1)

    # then: one visit, dated the county's day
    assert visit.visited_on == tomorrow
    assert household.visits.count() == 1


@pytest.mark.parametrize("day", DAY_ENDS, ids=str)
def test_a_payment_dated_tomorrow_is_refused_until_the_county_day_turns(
    county: Any, time_machine: Any, day: dt.date
) -> None:
    time_machine.move_to(last_minute(day), tick=False)
    money = build_money(county)
    tomorrow = day + dt.timedelta(days=1)
    payment = {
        "funding": money.funding,
        "amount": "100.00",
        "paid_on": tomorrow,
        "voucher_number": "记-001",
        "payee": "折桥村肉牛养殖合作社",
        "user": county.county_official,
    }
    with pytest.raises(ValidationError) as refused:
        disbursement_record(**payment, idempotency_key="k-early")
    assert "paid_on" in refused.value.message_dict
    assert not Disbursement.objects.exists()

    time_machine.move_to(first_minute(tomorrow))
    assert disbursement_record(**payment, idempotency_key="k-on-time").paid_on == tomorrow


@pytest.mark.parametrize("day", DAY_ENDS, ids=str)
def test_a_rectification_is_overdue_from_the_first_minute_after_its_deadline(
    county: Any, time_machine: Any, day: dt.date
) -> None:
    # given: a problem due on `day`, listed a month before
    time_machine.move_to(first_minute(day) - dt.timedelta(days=30), tick=False)
    problem = problem_create(
        user=county.county_official,
        area=county.village_a1,
        category=ProblemCategoryChoices.ASSISTANCE,
        description="帮扶手册填写不完整",
        responsible_unit="折桥镇人民政府",
        responsible_person=county.staff_a,
        deadline=day,
    )

    # then: due on its last day until 23:59, overdue at 00:00
    time_machine.move_to(last_minute(day))
    assert not problem.is_overdue
    time_machine.move_to(first_minute(day + dt.timedelta(days=1)))
    assert problem.is_overdue


@pytest.mark.parametrize(
    ("received", "kind"),
    [
        (dt.date(2027, 2, 28), ComplaintKindChoices.WRONG_EXIT),
        (dt.date(2028, 2, 28), ComplaintKindChoices.LEFT_OUT),
        (dt.date(2026, 12, 31), ComplaintKindChoices.UNFAIR),
    ],
    ids=str,
)
def test_a_complaints_answer_deadline_counts_calendar_days_over_month_and_year_ends(
    county: Any, time_machine: Any, received: dt.date, kind: str
) -> None:
    time_machine.move_to(county_time(received.year, received.month, received.day, 9), tick=False)
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=kind,
        content="反映情况",
        received_on=received,
        channel=ComplaintChannelChoices.HOTLINE,
    )
    due = received + dt.timedelta(days=answer_days(kind, county.village_a1))
    assert complaint.answer_deadline == due
    time_machine.move_to(last_minute(due))
    assert not complaint.is_overdue
    time_machine.move_to(first_minute(due + dt.timedelta(days=1)))
    assert complaint.is_overdue


@pytest.mark.parametrize(
    ("reported", "due"),
    [
        (dt.date(2027, 2, 14), dt.date(2027, 3, 1)),  # across a common February
        (dt.date(2028, 2, 14), dt.date(2028, 2, 29)),  # to a leap day
        (dt.date(2026, 12, 20), dt.date(2027, 1, 4)),  # across the year
    ],
    ids=str,
)
def test_the_monitoring_decision_is_due_fifteen_days_after_the_report(
    county: Any, time_machine: Any, reported: dt.date, due: dt.date
) -> None:
    from tests.exits.builders import set_line

    set_line(county.county, year=reported.year)
    household = make_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    time_machine.move_to(last_minute(reported), tick=False)  # reported at 23:59: still that day
    case = monitoring_case_report(
        household=household,
        category=MonitoringCategoryChoices.UNSTABLE_EXITED,
        source=MonitoringSourceChoices.CADRE_VISIT,
        risks=[RiskChoices.SERIOUS_ILLNESS],
        user=county.secretary_a1,
    )
    assert (case.reported_on, case.decision_due) == (reported, due)
    time_machine.move_to(last_minute(due))
    assert not monitoring_overdue(case)
    time_machine.move_to(first_minute(due + dt.timedelta(days=1)))
    assert monitoring_overdue(case)


@pytest.mark.parametrize("day", [dt.date(2026, 12, 31), dt.date(2028, 2, 29)], ids=str)
def test_a_visit_counts_for_exactly_the_last_thirty_days(
    county: Any, time_machine: Any, day: dt.date
) -> None:
    from tests.assistance.conftest import make_cadre, pair

    # given: a paired household visited on `day`
    household = make_household(county.village_a1)
    pair(household, make_cadre(county.town_a))
    time_machine.move_to(county_time(day.year, day.month, day.day, 10), tick=False)
    visit_log(household=household, visited_on=day, findings="入户", user=county.secretary_a1)

    def not_visited() -> int:
        return coverage_for_area(county.town_a, today=clock.today(), visit_days=30).total.not_visited

    # then: visited on the 30th day after it, no longer on the 31st (from its first minute)
    time_machine.move_to(last_minute(day + dt.timedelta(days=30)))
    assert not_visited() == 0
    time_machine.move_to(first_minute(day + dt.timedelta(days=31)))
    assert not_visited() == 1


def test_income_for_a_year_is_accepted_from_the_first_minute_of_that_year(
    county: Any, time_machine: Any
) -> None:
    household = make_household(county.village_a1)
    income = {"wage_income": Decimal("12000.00"), "member_count": 3}

    # at 23:59 on 31 December the next year's income is in the future
    time_machine.move_to(last_minute(dt.date(2026, 12, 31)), tick=False)
    with pytest.raises(ValidationError) as refused:
        income_record_save(household=household, year=2027, user=county.staff_a, **income)
    assert "year" in refused.value.message_dict
    assert not IncomeRecord.objects.filter(household=household).exists()

    # at 00:00 on 1 January (16:00 UTC on 31 December) it is this year's
    time_machine.move_to(first_minute(dt.date(2027, 1, 1)))
    record = income_record_save(household=household, year=2027, user=county.staff_a, **income)
    assert record.year == 2027
