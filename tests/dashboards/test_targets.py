"""Exit targets: set, changed with a version, refused with clear errors; progress on the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import ConflictError
from dashboards.models import ExitTarget
from dashboards.selectors import dashboard_data, exit_progress, snapshot_dates
from dashboards.services import exit_target_set

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_progress_counts_exits_since_the_previous_year_against_the_target(county: Any, figures: Any) -> None:
    # given: 4 exited people at both snapshots in the fixture, and one more since
    from households.choices import HouseholdStatusChoices
    from households.models import Household

    exit_target_set(user=county.county_official, area=county.county, year=2024, people=8, households=2)

    # when
    progress = exit_progress(county.county, figures.as_of, snapshot_dates(county.county))

    # then
    assert progress["target_people"] == 8
    assert progress["exited_people"] == 0
    assert str(progress["progress"]) == "0.00"
    assert Household.objects.filter(status=HouseholdStatusChoices.EXITED).count() == 1


def test_a_target_is_changed_with_its_version_and_a_stale_one_is_refused(county: Any) -> None:
    target = exit_target_set(
        user=county.county_official, area=county.town_a, year=2025, people=120, households=40
    )
    with pytest.raises(ValidationError) as error:
        exit_target_set(user=county.county_official, area=county.town_a, year=2025, people=130)
    assert "year" in error.value.message_dict
    updated = exit_target_set(
        user=county.county_official,
        area=county.town_a,
        year=2025,
        people=130,
        expected_version=target.version,
    )
    assert updated.people == 130
    with pytest.raises(ConflictError):
        exit_target_set(
            user=county.county_official,
            area=county.town_a,
            year=2025,
            people=99,
            expected_version=target.version,
        )
    assert ExitTarget.objects.get().people == 130


def test_bad_targets_are_refused_with_every_error_and_nothing_saved(county: Any) -> None:
    with pytest.raises(ValidationError) as error:
        exit_target_set(
            user=county.county_official, area=county.village_a1, year=1999, people=-1, households=5
        )
    assert set(error.value.message_dict) == {"area", "year", "people", "households"}
    with pytest.raises(PermissionDenied):
        exit_target_set(user=county.staff_a, area=county.town_a, year=2025, people=10)
    assert ExitTarget.objects.count() == 0


def test_targets_api_and_page(county: Any, api: Any, web: Any, figures: Any) -> None:
    client = api(county.county_official)
    created = client.post(
        "/api/dashboards/targets/", {"area": county.county.code, "year": 2024, "people": 10}
    )
    assert created.status_code == 201
    duplicate = client.post(
        "/api/dashboards/targets/", {"area": county.county.code, "year": 2024, "people": 11}
    )
    assert duplicate.status_code == 400
    patched = client.patch(f"/api/dashboards/targets/{created.json()['id']}/", {"people": 12, "version": 1})
    assert patched.status_code == 200
    stale = client.patch(f"/api/dashboards/targets/{created.json()['id']}/", {"people": 13, "version": 1})
    assert stale.status_code == 409
    assert api(county.staff_b).get(f"/api/dashboards/targets/{created.json()['id']}/").status_code == 404
    dashboard = client.get(f"/api/dashboards/areas/{county.county.code}/").json()
    assert dashboard["exit_target"]["target_people"] == 12
    page = web(county.county_official).get(f"/dashboards/{county.county.code}/").content.decode()
    assert 'data-testid="exit-target"' in page
    assert web(county.county_official).get("/dashboards/targets/").status_code == 200


def test_editing_on_the_page_carries_the_version(county: Any, web: Any) -> None:
    target = exit_target_set(user=county.county_official, area=county.town_b, year=2025, people=50)
    client = web(county.county_official)
    form = client.get(f"/dashboards/targets/?edit={target.pk}").content.decode()
    assert 'name="version" value="1"' in form
    saved = client.post(
        "/dashboards/targets/",
        {"area": county.town_b.pk, "year": 2025, "people": 55, "households": 0, "version": 1},
    )
    assert saved.status_code == 302
    stale = client.post(
        "/dashboards/targets/",
        {"area": county.town_b.pk, "year": 2025, "people": 60, "households": 0, "version": 1},
    )
    assert stale.status_code == 200
    assert "其他人已修改了它" in stale.content.decode()
    assert ExitTarget.objects.get().people == 55


def test_target_lists_have_a_fixed_number_of_queries(
    county: Any, web: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    # given: several targets
    for year in range(2020, 2026):
        for area in (county.county, county.town_a, county.town_b):
            exit_target_set(user=county.county_official, area=area, year=year, people=year - 2000)

    page, client = web(county.county_official), api(county.county_official)

    # when / then
    with django_assert_max_num_queries(10):
        assert page.get("/dashboards/targets/").status_code == 200
    with django_assert_max_num_queries(8):
        rows = client.get("/api/dashboards/targets/", {"page_size": 100}).json()["results"]
    assert len(rows) == 18


def test_an_edited_target_is_not_served_from_the_dashboard_cache(
    county: Any, figures: Any, days_pass: Any
) -> None:
    # given: the dashboard was computed (and cached) with the first target
    target = exit_target_set(
        user=county.county_official, area=county.county, year=2024, people=8, households=2
    )
    first = dashboard_data(user=county.county_official, area=county.county)
    assert first["exit_target"]["target_people"] == 8
    days_pass(hours=1)

    # when: the target is edited (the cache key reads Max(updated_at) of the area's targets)
    exit_target_set(
        user=county.county_official, area=county.county, year=2024, people=9, expected_version=target.version
    )

    # then
    assert (
        dashboard_data(user=county.county_official, area=county.county)["exit_target"]["target_people"] == 9
    )
