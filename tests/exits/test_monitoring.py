"""Monitoring objects (防返贫): entry by report and rule, the procedure within the deadline, notices
without personal data, assistance, and risk removal only after the stable period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import clock
from exits.choices import MonitoringCategoryChoices as Cat
from exits.choices import MonitoringSourceChoices as Src
from exits.choices import MonitoringStateChoices as M
from exits.choices import MonitoringStepChoices as MS
from exits.choices import RiskChoices
from exits.models import MonitoringCase, MonitoringSignoff
from exits.selectors import monitoring_overdue, monitoring_rule_signals
from exits.services import monitoring_assistance_add, monitoring_case_report, monitoring_case_sign
from exits.tasks import monitoring_overdue_reminders_task
from households.choices import HealthChoices, HouseholdStatusChoices
from households.models import Household
from tests.exits.builders import LINE, YEAR, ready_household, set_income, set_line
from tests.factories import set_policy
from tests.helpers import SHANGHAI, county_time

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture
def exited(county: Any) -> Household:
    set_line(county.county)
    household = ready_household(
        county.village_a1, income=Decimal("5000"), status=HouseholdStatusChoices.EXITED
    )
    Household.objects.filter(pk=household.pk).update(phone="13912345678")
    return household


def _report(county: Any, household: Household, **extra: Any) -> MonitoringCase:
    values = {
        "category": Cat.UNSTABLE_EXITED,
        "source": Src.CADRE_VISIT,
        "risks": [RiskChoices.SERIOUS_ILLNESS],
    }
    values.update(extra)
    return monitoring_case_report(household=household, user=county.secretary_a1, **values)


def _include(county: Any, case: MonitoringCase, days_pass: Any) -> MonitoringCase:
    """The procedure up to inclusion, with the village notice up for its five days."""
    case = monitoring_case_sign(case=case, step=MS.VERIFY, user=county.secretary_a1, comment="户主签字同意")
    case = monitoring_case_sign(case=case, step=MS.VILLAGE_REVIEW, user=county.secretary_a1)
    case = monitoring_case_sign(case=case, step=MS.NOTICE_START, user=county.secretary_a1)
    days_pass(5)
    case = monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a)
    return monitoring_case_sign(case=case, step=MS.COUNTY_INCLUDE, user=county.county_official)


def test_rule_income_below_the_multiple_of_the_line(county: Any) -> None:
    multiple = Decimal("1.5")
    just_below = monitoring_rule_signals(
        income=Decimal("5999.99"), line=LINE, multiple=multiple, member_health=[]
    )
    at_multiple = monitoring_rule_signals(
        income=Decimal("6000.00"), line=LINE, multiple=multiple, member_health=[]
    )
    sick = monitoring_rule_signals(
        income=None,
        line=LINE,
        multiple=multiple,
        member_health=[HealthChoices.SERIOUS, HealthChoices.DISABLED],
    )
    assert just_below == [RiskChoices.LOW_INCOME]
    assert at_multiple == []
    assert sick == [RiskChoices.SERIOUS_ILLNESS, RiskChoices.DISABILITY]


def test_report_sets_the_deadline_and_adds_large_spending_by_rule(county: Any, exited: Household) -> None:
    # given: last year's household income is 5000 x 3 = 15000
    # when
    case = _report(county, exited, source=Src.SELF_REPORT, essential_spending=Decimal("15000.01"))

    # then
    assert case.state == M.REPORTED
    assert case.decision_due == clock.today() + dt.timedelta(days=15)
    assert case.risks == [RiskChoices.SERIOUS_ILLNESS, RiskChoices.LARGE_SPENDING]
    assert case.status_before == HouseholdStatusChoices.EXITED


def test_spending_equal_to_last_years_income_is_not_large(county: Any, exited: Household) -> None:
    case = _report(county, exited, essential_spending=Decimal("15000.00"))
    assert case.risks == [RiskChoices.SERIOUS_ILLNESS]


def test_bad_reports_are_refused_and_nothing_is_written(county: Any, exited: Household) -> None:
    with pytest.raises(ValidationError) as refused:
        monitoring_case_report(
            household=exited, category="x", source=Src.RULE, risks=["nope"], user=county.secretary_a1
        )
    assert set(refused.value.message_dict) == {"category", "source", "risks"}
    registered = ready_household(county.village_a1)
    with pytest.raises(ValidationError):
        _report(county, registered)  # only exited households are "unstable exited"
    with pytest.raises(PermissionDenied):
        monitoring_case_report(
            household=exited,
            category=Cat.UNSTABLE_EXITED,
            source=Src.SELF_REPORT,
            risks=[RiskChoices.DISASTER],
            user=county.viewer,
        )
    assert MonitoringCase.objects.count() == 0
    _report(county, exited)
    with pytest.raises(ValidationError):
        _report(county, exited)  # one open case per household
    assert MonitoringCase.objects.count() == 1


def test_the_procedure_includes_the_household_with_signatures(
    county: Any, exited: Household, days_pass: Any
) -> None:
    # when
    case = _include(county, _report(county, exited), days_pass)

    # then
    exited.refresh_from_db()
    assert case.state == M.INCLUDED
    assert case.included_on == clock.today()
    assert exited.status == HouseholdStatusChoices.MONITORING
    assert list(case.signoffs.values_list("step", "signed_by__username")) == [
        (MS.VERIFY, "secretary_a1"),
        (MS.VILLAGE_REVIEW, "secretary_a1"),
        (MS.NOTICE_START, "secretary_a1"),
        (MS.TOWNSHIP_REVIEW, "staff_a"),
        (MS.COUNTY_INCLUDE, "county_official"),
    ]


@pytest.mark.parametrize(
    "started",
    [county_time(2026, 11, 30, 23, 59), county_time(2027, 2, 28, 0, 0), county_time(2028, 2, 29, 23, 59)],
    ids=["month-end-23:59", "feb-28-00:00", "leap-day-23:59"],
)
def test_notice_one_day_short_cannot_go_to_the_township(
    county: Any, exited: Household, time_machine: Any, started: dt.datetime
) -> None:
    # given: the notice put up at `started` (the five days count in county days)
    time_machine.move_to(started, tick=False)
    case = _report(county, exited)
    case = monitoring_case_sign(case=case, step=MS.VERIFY, user=county.secretary_a1, comment="签字")
    case = monitoring_case_sign(case=case, step=MS.VILLAGE_REVIEW, user=county.secretary_a1)
    case = monitoring_case_sign(case=case, step=MS.NOTICE_START, user=county.secretary_a1)
    assert case.notice_started_on == started.date()

    # when: the last minute of the fourth day
    time_machine.move_to(
        dt.datetime.combine(started.date() + dt.timedelta(days=4), dt.time(23, 59), SHANGHAI)
    )
    with pytest.raises(ValidationError) as refused:
        monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a)

    # then
    assert "4" in refused.value.message_dict["step"][0]
    case.refresh_from_db()
    assert case.state == M.IN_NOTICE

    # when: the first minute of the fifth day, which is still the previous day in UTC
    fifth = dt.datetime.combine(started.date() + dt.timedelta(days=5), dt.time(0, 0), SHANGHAI)
    time_machine.move_to(fifth)
    assert fifth.astimezone(dt.UTC).date() < fifth.date()
    case = monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a)
    assert case.state != M.IN_NOTICE


def test_steps_cannot_be_skipped_or_signed_by_the_wrong_role(county: Any, exited: Household) -> None:
    case = _report(county, exited)
    with pytest.raises(ValidationError):
        monitoring_case_sign(case=case, step=MS.COUNTY_INCLUDE, user=county.county_official)
    with pytest.raises(PermissionDenied):
        monitoring_case_sign(case=case, step=MS.VERIFY, user=county.county_official, comment="x")
    with pytest.raises(ValidationError):  # consent must be named
        monitoring_case_sign(case=case, step=MS.VERIFY, user=county.secretary_a1)
    assert MonitoringSignoff.objects.count() == 0


@pytest.mark.parametrize(
    ("included", "earliest"),
    [
        (dt.date(2026, 5, 31), dt.date(2026, 11, 30)),  # 30 November has no 31st
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),  # nor February of a common year a 29th
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # a leap year's February ends on the 29th
        (dt.date(2028, 2, 29), dt.date(2028, 8, 29)),  # from a leap day: the same day number
        (dt.date(2026, 6, 30), dt.date(2026, 12, 30)),  # a 30th stays a 30th
    ],
)
def test_risk_removal_one_day_short_is_refused(
    county: Any, exited: Household, time_machine: Any, included: dt.date, earliest: dt.date
) -> None:
    # given: included at noon on `included` (reported and in notice five days before)
    time_machine.move_to(county_time(included.year, included.month, included.day) - dt.timedelta(days=5))
    case = _include(county, _report(county, exited), lambda days: time_machine.shift(dt.timedelta(days=days)))
    assert case.included_on == included

    # when: the last minute of the day before the six months are complete
    time_machine.move_to(dt.datetime.combine(earliest - dt.timedelta(days=1), dt.time(23, 59), SHANGHAI))
    with pytest.raises(ValidationError) as refused:
        monitoring_case_sign(case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="收入稳定")

    # then: refused, naming the period and the first day it ends
    message = refused.value.message_dict["step"][0]
    assert "6" in message
    assert earliest.isoformat() in message
    case.refresh_from_db()
    assert case.state == M.INCLUDED

    # when: the first minute of that day (16:00 UTC of the day before)
    time_machine.move_to(dt.datetime.combine(earliest, dt.time(0, 0), SHANGHAI))
    case = monitoring_case_sign(
        case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="收入稳定"
    )

    # then
    exited.refresh_from_db()
    assert case.state == M.RISK_REMOVED
    assert case.removed_on == earliest
    assert exited.status == HouseholdStatusChoices.EXITED
    assert list(exited.status_changes.values_list("to_status", flat=True))[-2:] == [
        HouseholdStatusChoices.MONITORING,
        HouseholdStatusChoices.EXITED,
    ]


def test_risk_removal_needs_income_above_the_line(county: Any, exited: Household, days_pass: Any) -> None:
    case = _include(county, _report(county, exited), days_pass)
    days_pass(400)
    set_income(exited, LINE)
    with pytest.raises(ValidationError):
        monitoring_case_sign(case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="x")


def test_stable_period_is_the_countys_data(county: Any, exited: Household, days_pass: Any) -> None:
    set_policy(county.county, {"exits.risk_stable_months": 12})
    case = _include(county, _report(county, exited), days_pass)
    days_pass(7 * 31)
    with pytest.raises(ValidationError) as refused:
        monitoring_case_sign(case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="x")
    assert "12" in refused.value.message_dict["step"][0]


def test_overdue_cases_are_flagged_and_officials_reminded_once(
    county: Any, exited: Household, days_pass: Any
) -> None:
    # given: reported 16 days ago, deadline 15 days
    case = _report(county, exited)
    days_pass(16)
    assert monitoring_overdue(case)
    assert not monitoring_overdue(case, today=case.decision_due)

    # when
    first = monitoring_overdue_reminders_task()
    after_first = county.county_official.notifications.count()
    second = monitoring_overdue_reminders_task()

    # then
    assert (first, second) == (1, 1)
    assert after_first == county.county_official.notifications.count() == 1
    assert county.staff_a.notifications.count() == 0


def test_the_overdue_list_and_the_overdue_flag_are_one_rule(county: Any, days_pass: Any) -> None:
    """Due today is not overdue, one day past is, and a decided case never is: the jobs' list and the
    pages' flag agree on every case."""
    from exits.selectors import monitoring_overdue_cases

    # given
    set_line(county.county)
    decided = _include(
        county,
        _report(county, ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)),
        days_pass,
    )
    cases = []
    for _ in range(2):
        household = ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
        cases.insert(0, _report(county, household))  # cases[1] reported a day before cases[0]
        days_pass(1)
    days_pass(14)  # cases[0] is due today, cases[1] was due yesterday, `decided` days ago
    today = clock.today()
    assert (cases[0].decision_due, cases[1].decision_due) == (today, today - dt.timedelta(days=1))
    assert decided.decision_due < today

    # when
    listed = set(monitoring_overdue_cases(today).values_list("pk", flat=True))

    # then
    flagged = {c.pk for c in [*cases, decided] if monitoring_overdue(c, today)}
    assert listed == flagged == {cases[1].pk}


def test_assistance_measures(county: Any, exited: Household) -> None:
    case = _report(county, exited)
    with pytest.raises(ValidationError):
        monitoring_assistance_add(case=case, measure=" ", user=county.staff_a)
    with pytest.raises(PermissionDenied):
        monitoring_assistance_add(case=case, measure="医疗救助", user=county.cadre_a)
    row = monitoring_assistance_add(
        case=case, measure="大病医疗救助", amount=Decimal("3000.00"), user=county.staff_a
    )
    assert row.amount == Decimal("3000.00")
    assert case.assistance.count() == 1


def test_notice_shows_no_id_phone_or_health(county: Any, exited: Household, web: Any) -> None:
    # given: a case in its village notice
    case = _report(county, exited, description="户主患尿毒症")
    case = monitoring_case_sign(case=case, step=MS.VERIFY, user=county.secretary_a1, comment="签字")
    case = monitoring_case_sign(case=case, step=MS.VILLAGE_REVIEW, user=county.secretary_a1)
    monitoring_case_sign(case=case, step=MS.NOTICE_START, user=county.secretary_a1)
    head = exited.members.get(relation="head")

    # when
    body = web(county.staff_a).get(f"/exits/notice/{county.village_a1.code}/").content.decode()

    # then
    assert exited.number in body
    assert head.name in body
    assert head.id_number not in body
    assert head.id_number[-4:] + "<" not in body
    assert "13912345678" not in body
    assert "尿毒症" not in body
    assert str(HealthChoices.SERIOUS.label) not in body
    assert str(RiskChoices.SERIOUS_ILLNESS.label) not in body


def test_an_edge_household_is_monitored_and_returns_to_its_status(county: Any, days_pass: Any) -> None:
    # given: a household not registered as poor, at the edge
    set_line(county.county)
    edge = ready_household(county.village_a1, income=Decimal("4500"), status=HouseholdStatusChoices.CANDIDATE)
    case = monitoring_case_report(
        household=edge,
        category=Cat.EDGE,
        source=Src.DEPARTMENT_ALERT,
        risks=[RiskChoices.LOW_INCOME],
        user=county.county_official,
    )

    # when
    case = _include(county, case, days_pass)
    edge.refresh_from_db()
    assert edge.status == HouseholdStatusChoices.MONITORING
    days_pass(200)
    case = monitoring_case_sign(
        case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="务工稳定"
    )

    # then
    edge.refresh_from_db()
    assert case.state == M.RISK_REMOVED
    assert edge.status == HouseholdStatusChoices.CANDIDATE


def test_a_registered_poor_household_is_not_an_edge_case(county: Any) -> None:
    set_line(county.county)
    poor = ready_household(county.village_a1)
    with pytest.raises(ValidationError):
        monitoring_case_report(
            household=poor,
            category=Cat.EDGE,
            source=Src.SELF_REPORT,
            risks=[RiskChoices.DISASTER],
            user=county.staff_a,
        )


def test_an_edge_household_found_by_rule_goes_back_to_not_identified(
    county: Any, django_capture_on_commit_callbacks: Any, days_pass: Any
) -> None:
    """A household found not poor at identification, opened by the screening rule and included, is a
    monitoring object; once the risk is removed it is again "not identified", not monitored forever."""
    from exits.services import exit_screening_start

    # given: opened by the rule, included, stable for seven months, income now above the line
    set_line(county.county)
    edge = ready_household(county.village_a1, income=Decimal("4500"), status=HouseholdStatusChoices.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        exit_screening_start(area=county.county, year=YEAR, user=county.county_official)
    case = _include(county, MonitoringCase.objects.get(household=edge), days_pass)
    edge.refresh_from_db()
    assert (case.category, edge.status) == (Cat.EDGE, HouseholdStatusChoices.MONITORING)
    days_pass(7 * 31)

    # when
    case = monitoring_case_sign(
        case=case, step=MS.REMOVE_RISK, user=county.county_official, comment="务工稳定"
    )

    # then
    edge.refresh_from_db()
    assert case.state == M.RISK_REMOVED
    assert edge.status == HouseholdStatusChoices.REJECTED


def test_bad_amounts_are_refused_in_chinese_and_nothing_is_written(county: Any, exited: Household) -> None:
    # given: an open case; a county official setting the line
    from django.utils import translation

    from areas.selectors import policy_get
    from areas.services import policy_set
    from exits.policy import POVERTY_LINE

    def line_set(amount: object) -> None:
        policy_set(
            area=county.county, user=county.county_official, year=YEAR, values={POVERTY_LINE.name: amount}
        )

    case = _report(county, exited)

    # when: text that is no number (was a crash), a float, half a fen, a negative spending
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as garbage:
            monitoring_assistance_add(case=case, measure="医疗救助", amount="三千", user=county.staff_a)
        with pytest.raises(ValidationError) as floating:
            line_set(4100.1)
        with pytest.raises(ValidationError) as fen:
            line_set("4100.005")
        with pytest.raises(ValidationError) as spending:
            _report(county, exited, essential_spending="-1")

    # then
    assert garbage.value.message_dict == {"amount": ["请输入以元为单位的金额，例如 1234.50。"]}
    assert floating.value.message_dict[POVERTY_LINE.name][0].startswith("金额请以精确的十进制文本发送")
    assert fen.value.message_dict == {POVERTY_LINE.name: ["金额以元为单位，最多保留两位小数（到分）。"]}
    assert spending.value.message_dict == {"essential_spending": ["支出不能为负数。"]}
    assert case.assistance.count() == 0
    assert policy_get(POVERTY_LINE, county.county, year=YEAR) == LINE
    assert MonitoringCase.objects.count() == 1
