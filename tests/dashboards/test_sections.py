"""The dashboard's sections from the snapshot job (dashboards.snapshots): the same figures as the live
selectors on a known county, read back in a number of queries that does not grow with the
households, cached per area for everyone who may see it, and nothing for a user outside it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from assistance.selectors import coverage_for_area, visit_days_for
from core import clock
from dashboards.selectors import dashboard_data
from dashboards.services import incidence_compute_request
from dashboards.snapshots.compute import _VILLAGES_SQL
from dashboards.snapshots.read import sections
from exits.choices import MonitoringStateChoices, RiskChoices
from exits.models import MonitoringCase
from exits.selectors import monitoring_case_list
from households.choices import HouseholdStatusChoices as S
from supervision.choices import ComplaintFindingChoices, ComplaintKindChoices, ComplaintStatusChoices
from supervision.models import Complaint
from supervision.selectors import complaint_rates
from supervision.services import complaint_receive
from tests.assistance.conftest import known  # noqa: F401 (the coverage picture, as a fixture)
from tests.factories import make_household

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

COVERAGE = ("households", "without_cadre", "without_plan", "not_visited", "overdue_follow_ups")
RATES = (
    "registered_households",
    "exited_households",
    "left_out",
    "wrong_inclusion",
    "wrong_exit",
    "left_out_rate",
    "wrong_inclusion_rate",
    "wrong_exit_rate",
    "complaints",
    "unanswered",
    "answered_late",
)


def _complaint(
    county: Any, area: Any, kind: str, finding: str = "", household: Any = None, **extra: Any
) -> None:
    complaint = complaint_receive(
        user=county.county_official,
        area=area,
        kind=kind,
        content="反映情况",
        received_on=clock.today() - dt.timedelta(days=20),
        channel="hotline",
        household=household,
    )
    if finding:
        Complaint.objects.filter(pk=complaint.pk).update(
            finding=finding, status=ComplaintStatusChoices.ANSWERED, **extra
        )


def _case(household: Any, risks: list[str], state: str = MonitoringStateChoices.INCLUDED) -> None:
    today = clock.today()
    MonitoringCase.objects.create(
        household=household,
        category="edge",
        source="self_report",
        risks=risks,
        state=state,
        reported_on=today,
        decision_due=today,
    )


@pytest.fixture
def picture(county: Any, known: Any, django_capture_on_commit_callbacks: Any) -> Any:  # noqa: F811
    """The assistance picture of town A, complaints filed at villages, a township and the county,
    and monitoring cases with several risks; then today's snapshot job."""
    upheld, partly = ComplaintFindingChoices.UPHELD, ComplaintFindingChoices.PARTLY
    late = clock.now()
    _complaint(county, county.village_a1, ComplaintKindChoices.WRONG_INCLUSION, upheld, known.h1)
    _complaint(county, county.town_a, ComplaintKindChoices.WRONG_INCLUSION, partly, known.h1)
    _complaint(county, county.village_a1, ComplaintKindChoices.WRONG_INCLUSION, upheld)
    _complaint(county, county.village_a2, ComplaintKindChoices.WRONG_INCLUSION, "not_upheld", known.h5)
    _complaint(county, county.village_a1, ComplaintKindChoices.WRONG_EXIT, upheld, known.h2, answered_at=late)
    _complaint(county, county.county, ComplaintKindChoices.LEFT_OUT, upheld)
    _complaint(county, county.village_b1, ComplaintKindChoices.LEFT_OUT, upheld, known.h7)
    _complaint(county, county.village_b1, ComplaintKindChoices.LEFT_OUT)  # not answered yet
    _case(known.h3, [RiskChoices.SERIOUS_ILLNESS, RiskChoices.LOW_INCOME])
    _case(known.h4, [RiskChoices.LOW_INCOME])
    _case(known.h7, [RiskChoices.DISASTER])
    _case(known.h6, [RiskChoices.LOST_WORK], state=MonitoringStateChoices.REPORTED)  # not included
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county)
    return known


def _live_monitoring(user: Any, area: Any) -> list[list[Any]]:
    """What the dashboard computed per load before the snapshot: included cases under the area."""
    cases = monitoring_case_list(user=user).filter(
        household__village__code__startswith=area.prefix, state=MonitoringStateChoices.INCLUDED
    )
    counts = {risk: 0 for risk in RiskChoices}
    for risks in cases.values_list("risks", flat=True):
        for risk in risks:
            counts[RiskChoices(risk)] += 1
    return [[str(r.label), n] for r, n in counts.items()] + [
        [_("Monitoring objects (households)"), cases.count()]
    ]


def test_the_snapshot_sections_agree_with_the_live_selectors(county: Any, picture: Any) -> None:
    today = clock.today()
    user = county.county_official
    for area in (county.county, county.town_a, county.town_b, county.village_a1, county.village_a2):
        got = sections(area, today)
        assert got["sections_as_of"] == today
        # coverage: the total and each village (or, for the county, each stationed team)
        live = coverage_for_area(area, today=today, visit_days=visit_days_for(area))
        parts = live.by_team if area.level == "county" else live.by_village
        expected = [
            [area.name, *(getattr(live.total, f) for f in COVERAGE)],
            *([r.label or _("No team"), *(getattr(r, f) for f in COVERAGE)] for r in parts),
        ]
        assert got["coverage"]["rows"] == expected, area.name
        # complaint rates, counts and rates alike
        rates = complaint_rates(user=user, area=area)
        assert {k: got["rates"][k] for k in RATES} == {k: rates[k] for k in RATES}, area.name
        assert got["monitoring"]["rows"] == _live_monitoring(user, area), area.name

    # and the figures are the ones worked out by hand for the county: 2 wrong inclusions (h1 once,
    # one naming no household), 1 wrong exit answered late, 2 left out; 3 included cases
    rates = sections(county.county, today)["rates"]
    assert (rates["wrong_inclusion"], rates["wrong_exit"], rates["left_out"]) == (2, 1, 2)
    assert (rates["complaints"], rates["unanswered"], rates["answered_late"]) == (8, 1, 1)
    assert sections(county.county, today)["monitoring"]["rows"][-1][1] == 3
    assert sections(county.town_a, today)["coverage"]["rows"][0][1:] == [6, 3, 4, 4, 3]


def test_reading_the_sections_costs_the_same_queries_whatever_the_households(
    county: Any, picture: Any, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    # given: the queries to read the county's sections with the picture's households
    # (the date, the area's rows, the villages or teams, the ledger's children, the funds)
    with django_assert_num_queries(5) as small:
        sections(county.county, clock.today())

    # when: 60 more households, today's job again
    for i in range(60):
        make_household(county.village_b2 if i % 2 else county.village_a2, status=S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(
            user=county.county_official, area=county.county, as_of=clock.today() - dt.timedelta(days=1)
        )

    # then: the same queries, and the new households counted
    with django_assert_num_queries(len(small.captured_queries)):
        got = sections(county.county, clock.today())
    assert got["rates"]["registered_households"] == 6 + 60  # h1, h2, h4, h5, h6, h7


def test_the_village_statement_has_no_subquery_per_household(county: Any, picture: Any) -> None:
    # The statement is set-based: each assistance table is joined once, grouped by household; a
    # correlated subquery would show as a SubPlan run for every household.
    today = clock.today()
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + _VILLAGES_SQL,
            {
                "prefix": county.county.prefix + "%",
                "assisted": ["registered"],
                "registered": ["registered"],
                "exited": "exited",
                "year": today.year,
                "today": today,
                "cutoff": today,
                "open": "open",
                "included": "included",
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" not in plan
    assert "Hash" in plan or "Merge" in plan or "Nested Loop" in plan


def test_the_dashboard_is_cached_per_area_and_another_township_gets_nothing(
    county: Any, picture: Any, django_assert_max_num_queries: Any
) -> None:
    # given: the township's dashboard read once by its staff (cached)
    cache.clear()
    first = dashboard_data(user=county.staff_a, area=county.town_a)
    assert first["coverage"]["rows"][0][1] == 6

    # when: another official who may see the township reads it (cadre_a is scoped to town A too)
    # (the scope, the snapshot dates and three stamps of the cache key: no figure is recomputed)
    with django_assert_max_num_queries(5):
        second = dashboard_data(user=county.cadre_a, area=county.town_a)

    # then: the same figures from the cache, and the other township's staff get nothing
    assert second["coverage"] == first["coverage"]
    other = dashboard_data(user=county.staff_b, area=county.town_a)
    assert other["sections_as_of"] is None
    assert "coverage" not in other
    assert "rates" not in other
    assert other["summary"] is None
    assert other["children"] == []
