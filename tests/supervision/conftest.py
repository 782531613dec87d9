from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import clock
from supervision.choices import ProblemCategoryChoices
from supervision.models import Problem
from supervision.services import inspection_create, problem_create


@pytest.fixture
def today() -> dt.date:
    return clock.today()


@pytest.fixture
def problem(county: Any, today: dt.date) -> Problem:
    return _problem(county, today)


def _problem(county: Any, today: dt.date) -> Problem:
    inspection = inspection_create(
        user=county.county_official,
        area=county.town_a,
        title="2024年第三季度脱贫攻坚督导",
        inspected_on=today,
        inspectors="县扶贫办督导组",
    )
    return problem_create(
        user=county.county_official,
        inspection=inspection,
        area=county.village_a1,
        category=ProblemCategoryChoices.ASSISTANCE,
        description="部分贫困户帮扶手册填写不完整，走访记录缺失",
        responsible_unit="折桥镇人民政府",
        responsible_person=county.staff_a,
        deadline=today + dt.timedelta(days=30),
    )


@pytest.fixture
def overdue_problem(county: Any, time_machine: Any) -> Problem:
    """A problem found 33 days ago with the usual 30 days to fix it: three days overdue today, for this
    process and for a real worker alike (time went by; nothing was rewritten behind the services)."""
    now = clock.now()
    time_machine.move_to(now - dt.timedelta(days=33), tick=True)
    problem = _problem(county, clock.today())
    time_machine.move_to(now)
    assert problem.deadline == clock.today() - dt.timedelta(days=3)
    return problem
