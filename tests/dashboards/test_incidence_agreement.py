"""One definition of poverty incidence: the dashboards' snapshot job (one SQL statement per county),
the registry's live figure (households.selectors.incidence_live, which procedures check) and exits'
per-village rows agree on the same county, for every village, township and the county."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from areas.models import Area
from core import clock
from dashboards.models import IncidenceFigure
from dashboards.services import incidence_compute_request
from exits.selectors import village_rows
from households.choices import HouseholdStatusChoices as S
from households.selectors import incidence_live
from tests.factories import make_household, set_population


def test_the_snapshot_the_live_figure_and_the_exit_rows_agree(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: households of every status, populations whose rates need rounding (1/3, 2/3, a half),
    # and a village without a population figure
    today = clock.today()
    for village, population in ((county.village_a1, 300), (county.village_a2, 600), (county.village_b2, 7)):
        set_population(village, today.year, population)
    for village, status, members in (
        (county.village_a1, S.REGISTERED, 1),
        (county.village_a1, S.RETURNED, 3),
        (county.village_a1, S.EXITED, 4),
        (county.village_a2, S.REGISTERED, 4),
        (county.village_a2, S.MONITORING, 2),
        (county.village_a2, S.CANDIDATE, 5),
        (county.village_b1, S.REGISTERED, 2),
        (county.village_b2, S.RETURNED, 1),
    ):
        make_household(village, status=status, members=members)

    # when: the county's snapshot of today is computed by the job
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county, as_of=today)
    stored = {f.area_id: f for f in IncidenceFigure.objects.filter(as_of=today)}

    # then: every area's stored figure is the live one, and the exit rows say the same per village
    areas = Area.objects.filter(code__startswith=county.county.prefix)
    assert {a.pk for a in areas} == set(stored)
    for area in areas:
        live = incidence_live(area, today.year)
        assert (stored[area.pk].poor_people, stored[area.pk].population, stored[area.pk].incidence) == (
            live.poor_people,
            live.population,
            live.rate,
        ), area.name
    rows = village_rows(user=county.county_official, area=county.county, year=today.year)
    assert {r.village.pk: r.incidence.rate for r in rows} == {
        pk: f.incidence for pk, f in stored.items() if f.level == "village"
    }
    # and the figures are the ones worked out by hand (a1: 4 poor of 300; a2: 4 of 600; b2: 1 of 7;
    # b1 has no population figure)
    villages = (county.village_a1, county.village_a2, county.village_b1, county.village_b2)
    assert [stored[v.pk].incidence for v in villages] == [
        Decimal("1.33"),
        Decimal("0.67"),
        None,
        Decimal("14.29"),
    ]
