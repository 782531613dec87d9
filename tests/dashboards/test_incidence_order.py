"""The incidence job counts a county's own households and members whatever order they were registered
in: ids of two counties interleaved, a household registered late (the highest id) in the old county, a
member added to an early household after everything else. A read by id range between the county's
lowest and highest household id would take in the other county's members, which sit inside that range.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from core import clock
from dashboards.models import IncidenceFigure
from dashboards.services import incidence_compute_request
from households.choices import HouseholdStatusChoices as S
from households.models import HouseholdStatusChange
from tests.factories import make_area, make_household, make_member, make_user, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PAST = dt.date(2024, 12, 31)


def _history(household: Any, *changes: tuple[str, str, dt.date]) -> None:
    for before, after, effective in changes:
        HouseholdStatusChange.objects.create(
            household=household,
            from_status=before,
            to_status=after,
            changed_at=clock.now(),
            effective_date=effective,
        )


def _figures(area: Any, as_of: dt.date) -> tuple[int, int, int, int, int, int, Decimal | None]:
    f = IncidenceFigure.objects.get(area=area, as_of=as_of)
    return (
        f.poor_households,
        f.poor_people,
        f.exited_households,
        f.exited_people,
        f.monitored_households,
        f.monitored_people,
        f.incidence,
    )


def test_interleaved_and_late_registrations_give_each_county_its_own_counts(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a second county of the same prefecture, whose households are registered between the first
    # county's, and a household registered late (the highest id) in the first county's village a1
    other = make_area("622902000000", "另县", AreaLevelChoices.COUNTY, county.prefecture)
    other_town = make_area("622902101000", "另乡", AreaLevelChoices.TOWNSHIP, other)
    other_village = make_area("622902101201", "另村", AreaLevelChoices.VILLAGE, other_town)
    other_official = make_user(RoleChoices.COUNTY_OFFICIAL, other)
    today = clock.today()
    for year in {today.year, PAST.year}:
        for village, population in ((county.village_a1, 200), (county.village_b1, 100), (other_village, 50)):
            set_population(village, year, population)

    early = make_household(county.village_a1, status=S.REGISTERED, members=2)
    _history(early, ("", S.CANDIDATE, dt.date(2020, 1, 1)), (S.CANDIDATE, S.REGISTERED, dt.date(2020, 3, 1)))
    # registered with it: the county's ids run on (a run of 2), then the other county's begin
    make_household(county.village_a2, status=S.MONITORING, members=2)
    between = [make_household(other_village, status=S.REGISTERED, members=5) for _ in range(2)]
    middle = make_household(county.village_b1, status=S.EXITED, members=3)
    _history(middle, ("", S.REGISTERED, dt.date(2019, 5, 1)), (S.REGISTERED, S.EXITED, dt.date(2023, 6, 1)))
    between.append(make_household(other_village, status=S.MONITORING, members=6))
    late = make_household(county.village_a1, status=S.REGISTERED, members=4)
    _history(late, ("", S.CANDIDATE, dt.date(2025, 1, 5)), (S.CANDIDATE, S.REGISTERED, dt.date(2025, 2, 1)))
    make_member(early)  # a newborn in the early household: the highest member id
    ids = sorted(h.pk for h in (early, middle, late))
    assert all(ids[0] < h.pk < ids[-1] for h in between)  # the other county sits inside the first's range

    # when: both counties' snapshots of today and of a past date are computed
    with django_capture_on_commit_callbacks(execute=True):
        for as_of in (today, PAST):
            incidence_compute_request(user=county.county_official, area=county.county, as_of=as_of)
            incidence_compute_request(user=other_official, area=other, as_of=as_of)

    # then: today, a1 has 2 poor households of 3 + 4 people (7 of 200 = 3.5%), b1 one exited of 3; the
    # other county's 10 poor and 6 monitored people count there and only there
    assert _figures(county.village_a1, today) == (2, 7, 0, 0, 0, 0, Decimal("3.50"))
    assert _figures(county.village_b1, today) == (0, 0, 1, 3, 0, 0, Decimal("0.00"))
    assert _figures(county.village_a2, today) == (0, 0, 0, 0, 1, 2, None)
    assert _figures(county.county, today) == (2, 7, 1, 3, 1, 2, Decimal("2.33"))
    assert _figures(other_village, today) == (2, 10, 0, 0, 1, 6, Decimal("20.00"))
    assert _figures(other, today) == (2, 10, 0, 0, 1, 6, Decimal("20.00"))
    # and at the end of 2024 (from the history), the late household was not registered yet: a1 counts
    # the early one's 3 people; b1's household had exited; the households without history (a2's, the other county's) are as now
    assert _figures(county.village_a1, PAST) == (1, 3, 0, 0, 0, 0, Decimal("1.50"))
    assert _figures(county.county, PAST) == (1, 3, 1, 3, 1, 2, Decimal("1.00"))
    assert _figures(other, PAST) == (2, 10, 0, 0, 1, 6, Decimal("20.00"))
