from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from supervision.choices import ProblemCategoryChoices
from supervision.models import Problem
from supervision.services import inspection_create, problem_create


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def problem(county: Any, today: dt.date) -> Problem:
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


def overdue(problem: Problem, days: int = 3) -> Problem:
    """Move a problem's deadline into the past (as if time went by)."""
    Problem.objects.filter(pk=problem.pk).update(deadline=timezone.localdate() - dt.timedelta(days=days))
    problem.refresh_from_db()
    return problem
