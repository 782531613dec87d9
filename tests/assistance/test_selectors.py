"""Coverage and assessment figures on a known fixture (see tests/assistance/conftest.py::known)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistance.selectors import (
    active_cadre_for,
    coverage_for_area,
    follow_ups_overdue,
    household_assistance,
    households_not_visited,
    work_counts_by_cadre,
    work_counts_by_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

FIELDS = (
    "households",
    "without_cadre",
    "without_plan",
    "not_visited",
    "overdue_follow_ups",
    "households_with_overdue",
)


def figures(row: Any) -> tuple[int, ...]:
    return tuple(getattr(row, name) for name in FIELDS)


def test_coverage_of_a_township_in_total_and_per_village_team_and_cadre(
    county: Any, known: Any, django_assert_max_num_queries: Any
) -> None:
    # when
    with django_assert_max_num_queries(4):
        coverage = coverage_for_area(county.town_a, today=known.today, visit_days=30)

    # then: six assisted households (the candidate and the other township's household do not count)
    assert figures(coverage.total) == (6, 3, 4, 4, 3, 2)
    assert {row.label: figures(row) for row in coverage.by_village} == {
        "折桥村": (4, 2, 3, 3, 3, 2),
        "大庄村": (2, 1, 1, 1, 0, 0),
    }
    assert {row.label: figures(row) for row in coverage.by_team} == {
        "甲队": (4, 2, 3, 3, 3, 2),
        "": (2, 1, 1, 1, 0, 0),  # 大庄村 has no team in post
    }
    by_cadre = {row.key: figures(row) for row in coverage.by_cadre}
    assert by_cadre == {known.ma.pk: (2, 0, 1, 1, 3, 2), known.wang.pk: (1, 0, 0, 0, 0, 0)}


def test_the_visit_window_is_configurable(county: Any, known: Any) -> None:
    # 45 days: h2 (visited 40 days ago) now counts as visited; 5 days: h1 (10 days ago) does not
    assert coverage_for_area(county.town_a, today=known.today, visit_days=45).total.not_visited == 3
    assert coverage_for_area(county.town_a, today=known.today, visit_days=5).total.not_visited == 5


def test_coverage_of_a_village_and_of_the_county(county: Any, known: Any) -> None:
    village = coverage_for_area(county.village_a2, today=known.today, visit_days=30)
    whole = coverage_for_area(county.county, today=known.today, visit_days=30)
    assert figures(village.total) == (2, 1, 1, 1, 0, 0)
    assert figures(whole.total) == (7, 3, 5, 5, 3, 2)


def test_assessment_counts_per_cadre_and_team(county: Any, known: Any) -> None:
    # when
    start, end = known.today - dt.timedelta(days=60), known.today
    cadres = work_counts_by_cadre(county.town_a, start=start, end=end, today=known.today)
    teams = work_counts_by_team(county.town_a, start=start, end=end, today=known.today)

    # then: 马一 made two visits, promised four things, kept one, three are overdue
    assert [
        (
            c.label,
            c.visits,
            c.households_visited,
            c.follow_ups_promised,
            c.follow_ups_done,
            c.follow_ups_overdue,
        )
        for c in cadres
    ] == [(str(known.ma), 2, 2, 4, 1, 3)]
    assert [(t.label, t.visits, t.follow_ups_promised) for t in teams] == [("甲队", 2, 4)]
    recent = work_counts_by_cadre(
        county.town_a, start=known.today - dt.timedelta(days=20), end=end, today=known.today
    )
    assert [(c.visits, c.follow_ups_promised) for c in recent] == [(1, 2)]


def test_reminder_inputs(county: Any, known: Any) -> None:
    not_visited = households_not_visited(county.town_a, today=known.today, visit_days=30)
    overdue = follow_ups_overdue(county.town_a, today=known.today)
    assert {h.pk for h in not_visited} == {known.h2.pk, known.h3.pk, known.h4.pk, known.h6.pk}
    assert {h.pk: h.active_cadre_user for h in not_visited}[known.h2.pk] == county.cadre_a
    assert {f.description for f in overdue} == {"申请公益岗", "联系医保", "办慢病卡"}


def test_household_summary_and_active_cadre(
    county: Any, known: Any, django_assert_max_num_queries: Any
) -> None:
    assert active_cadre_for(known.h1) == known.ma
    assert active_cadre_for(known.h3) is None
    with django_assert_max_num_queries(8):
        summary = household_assistance(known.h2, today=known.today)
    assert summary["cadre"] == known.ma
    assert summary["team"] == known.team
    assert [f.description for f in summary["overdue_follow_ups"]] == ["申请公益岗"]
    assert summary["plan"] is None
    assert [p.year for p in summary["plans"]] == [known.today.year - 1]
