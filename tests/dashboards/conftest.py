from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from dashboards.services import incidence_compute_request
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population

AS_OF = dt.date(2024, 12, 31)
EARLIER = dt.date(2023, 12, 31)


@pytest.fixture
def figures(county: Any, django_capture_on_commit_callbacks: Any) -> SimpleNamespace:
    """Two snapshots of the small county: a year ago and now (one more poor household since)."""
    for year in (2023, 2024):
        for village, population in (
            (county.village_a1, 1000),
            (county.village_a2, 400),
            (county.village_b1, 0),
            (county.village_b2, 600),
        ):
            set_population(village, year, population)
    make_household(county.village_a1, status=S.REGISTERED, members=3)
    make_household(county.village_a2, status=S.EXITED, members=4)
    make_household(county.village_b2, status=S.MONITORING, members=2)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county, as_of=EARLIER)
    make_household(county.village_b1, status=S.RETURNED, members=5)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county, as_of=AS_OF)
    return SimpleNamespace(as_of=AS_OF, earlier=EARLIER)
