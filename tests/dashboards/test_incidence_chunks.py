"""The incidence job computes several counties in one statement (settings.INCIDENCE_COUNTIES_PER_STATEMENT)
and reads the registry either whole (a wide run: members and history grouped in one pass each) or
through its indexes (a narrow one): every way gives every area the same figures, today and for a past
date, and a county without villages still gets its empty county row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from areas.choices import AreaLevelChoices
from core import clock
from core.models import Job
from dashboards import incidence
from dashboards.models import IncidenceFigure, IncidenceSnapshot
from dashboards.services import incidence_job_handler
from households.choices import HouseholdStatusChoices as S
from households.models import HouseholdStatusChange
from tests.factories import make_area, make_household, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PAST = dt.date(2024, 12, 31)
COLUMNS = (
    "area_id", "parent_id", "level", "population", "villages", "villages_without_population",
    "poor_people", "poor_households", "exited_people", "exited_households", "returned_people",
    "returned_households", "monitored_people", "monitored_households", "incidence",
)  # fmt: skip


def _registry(county: Any) -> list[Any]:
    """The fixture county, a second county whose households sit between its ones, and an empty county."""
    other = make_area("622902000000", "另县", AreaLevelChoices.COUNTY, county.prefecture)
    other_village = make_area(
        "622902101201", "另村", AreaLevelChoices.VILLAGE, make_area("622902101000", "另乡", "township", other)
    )
    empty = make_area("622903000000", "新设县", AreaLevelChoices.COUNTY, county.prefecture)
    for year in {clock.today().year, PAST.year}:
        for village, population in ((county.village_a1, 300), (county.village_b1, 0), (other_village, 80)):
            set_population(village, year, population)
    early = make_household(county.village_a1, status=S.REGISTERED, members=2)
    make_household(other_village, status=S.MONITORING, members=4)
    exited = make_household(county.village_b1, status=S.EXITED, members=3)
    make_household(other_village, status=S.REGISTERED, members=5)
    late = make_household(county.village_a2, status=S.RETURNED, members=1)
    for household, changes in (
        (early, (("", S.CANDIDATE, dt.date(2020, 1, 1)), (S.CANDIDATE, S.REGISTERED, dt.date(2020, 2, 1)))),
        (exited, (("", S.REGISTERED, dt.date(2019, 1, 1)), (S.REGISTERED, S.EXITED, dt.date(2025, 3, 1)))),
        (late, (("", S.EXITED, dt.date(2025, 5, 1)), (S.EXITED, S.RETURNED, dt.date(2025, 6, 1)))),
    ):
        for before, after, effective in changes:
            HouseholdStatusChange.objects.create(
                household=household, from_status=before, to_status=after, changed_at=clock.now(),
                effective_date=effective,
            )  # fmt: skip
    return [county.county, other, empty]


def _run(counties: list[Any], as_of: dt.date) -> dict[int, tuple[Any, ...]]:
    IncidenceSnapshot.objects.filter(as_of=as_of).delete()
    ids = [c.pk for c in counties]
    params = {"as_of": as_of.isoformat(), "population_year": as_of.year, "county_ids": ids}
    result = incidence_job_handler(Job.objects.create(kind="dashboards.incidence", params=params))
    assert sorted(result["computed"]) == sorted(c.code for c in counties)
    rows = IncidenceFigure.objects.filter(as_of=as_of).values_list(*COLUMNS)
    return {row[0]: row for row in rows}


@pytest.mark.parametrize("as_of", [None, PAST], ids=["today", "past date"])
def test_one_statement_or_one_per_county_wide_or_narrow_give_the_same_figures(
    county: Any, settings: Any, monkeypatch: Any, as_of: dt.date | None
) -> None:
    # given
    counties = _registry(county)
    day = as_of or clock.today()

    # when: the three counties in one statement, read wide and narrow, and one county per statement
    settings.INCIDENCE_COUNTIES_PER_STATEMENT = 3
    monkeypatch.setattr(incidence, "WIDE_SHARE", 0.0)
    wide = _run(counties, day)
    monkeypatch.setattr(incidence, "WIDE_SHARE", 2.0)
    narrow = _run(counties, day)
    settings.INCIDENCE_COUNTIES_PER_STATEMENT = 1
    apart = _run(counties, day)

    # then: the same rows every way, each county with its county row (the empty one with zeros)
    assert wide == narrow == apart
    fixture, other, empty = counties
    assert wide[empty.pk][3:8] == (0, 0, 0, 0, 0)
    assert wide[empty.pk][-1] is None
    if as_of is None:
        # a1: 2 poor people of 300; a2's returned household 1 more (no population); the other county's 5
        assert wide[county.village_a1.pk][6:8] == (2, 1)
        assert wide[fixture.pk][6:8] == (3, 2)
        assert wide[other.pk][6:8] == (5, 1)
    else:
        # end of 2024: b1's household was still registered (exited in 2025), a2's not registered yet
        assert wide[county.village_b1.pk][6:10] == (3, 1, 0, 0)
        assert wide[fixture.pk][6:8] == (5, 2)
        assert county.village_a2.pk not in wide or wide[county.village_a2.pk][6:8] == (0, 0)
