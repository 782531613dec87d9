"""A county official opens a dashboard nothing has been computed for, is told so, starts the snapshot
job from the page and comes back to figures that say when they were computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import clock
from households.choices import HouseholdStatusChoices as S
from supervision.choices import ProblemCategoryChoices
from supervision.models import Problem
from tests.factories import make_household, set_population
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_county_official_computes_the_missing_figures_from_the_dashboard(page: Any, county: Any) -> None:
    # given: registry records and an overdue problem, but no snapshot job has run yet
    set_population(county.village_a1, clock.today().year, 900)
    make_household(county.village_a1, status=S.REGISTERED, members=3)
    Problem.objects.create(
        area=county.village_a1,
        category=ProblemCategoryChoices.choices[0][0],
        description="帮扶措施不精准",
        responsible_unit="乡政府",
        responsible_person=county.staff_a,
        deadline=clock.today() - dt.timedelta(days=2),
    )

    # when: the official opens the township's dashboard
    login(page, "county_official")
    page.goto(page.base_url + f"/dashboards/{county.town_a.code}/")

    # then: the page says nothing is computed yet and offers the county's job
    notice = page.locator("[data-testid=sections-as-of]").inner_text()
    assert "尚未计算" in notice
    assert page.locator("[data-testid=missing-funds]").count() == 1
    screenshot(page, "dashboards-not-computed")

    # when: they start it from the page (the job runs; its page lists the county)
    page.locator("[data-testid=sections-as-of] [data-testid=compute-now] button").click()
    page.wait_for_url("**/jobs/**")
    assert "临夏市" in page.content()

    # and come back to the dashboard
    page.goto(page.base_url + f"/dashboards/{county.town_a.code}/")

    # then: the figures are there, with the time the job computed them
    notice = page.locator("[data-testid=sections-as-of]").inner_text()
    assert "快照任务计算于" in notice
    assert page.locator("[data-testid=compute-now]").count() == 0
    assert page.locator("[data-testid=overdue-count]").inner_text() == "1"
    assert page.locator("[data-testid=table-funds]").count() == 1
    screenshot(page, "dashboards-computed")
