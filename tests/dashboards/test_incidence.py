"""The incidence job: known figures, zero population, roll-ups, frozen snapshots, idempotence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import clock
from core.choices import JobStatusChoices
from core.models import Job
from dashboards.choices import SnapshotStatusChoices
from dashboards.models import IncidenceFigure, IncidenceRecompute, IncidenceSnapshot
from dashboards.selectors import area_figures, children_figures
from dashboards.services import incidence_compute_request, incidence_snapshot_recompute
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

YEAR = 2024
AS_OF = dt.date(2024, 12, 31)


def _fixture(county: Any) -> None:
    # a1: 1000 people, 2 poor households of 3 + 1 returned of 2 = 8 poor; one exited of 4
    set_population(county.village_a1, YEAR, 1000)
    make_household(county.village_a1, status=S.REGISTERED, members=3)
    make_household(county.village_a1, status=S.REGISTERED, members=3)
    make_household(county.village_a1, status=S.RETURNED, members=2)
    make_household(county.village_a1, status=S.EXITED, members=4)
    # a2: 400 people, 1 poor of 5, 1 monitoring of 3, 1 candidate (never counted)
    set_population(county.village_a2, YEAR, 400)
    make_household(county.village_a2, status=S.REGISTERED, members=5)
    make_household(county.village_a2, status=S.MONITORING, members=3)
    make_household(county.village_a2, status=S.CANDIDATE, members=2)
    # b1: population recorded as 0, yet 2 poor people: no division by zero
    set_population(county.village_b1, YEAR, 0)
    make_household(county.village_b1, status=S.REGISTERED, members=2)
    # b2: 600 people, nobody poor
    set_population(county.village_b2, YEAR, 600)
    make_household(county.village_b2, status=S.EXITED, members=3)


def _compute(county: Any, as_of: dt.date = AS_OF, captured: Any = None) -> Job:
    job = incidence_compute_request(user=county.county_official, area=county.county, as_of=as_of)
    job.refresh_from_db()
    return job


def _fig(area: Any, as_of: dt.date = AS_OF) -> IncidenceFigure:
    return IncidenceFigure.objects.get(area=area, as_of=as_of)


def test_incidence_on_a_known_fixture(county: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given
    _fixture(county)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = _compute(county)

    # then
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED
    assert job.progress_done == job.progress_total == 1
    a1, a2, b1 = _fig(county.village_a1), _fig(county.village_a2), _fig(county.village_b1)
    assert (a1.poor_people, a1.poor_households, a1.population) == (8, 3, 1000)
    assert a1.incidence == Decimal("0.80")
    assert (a1.returned_people, a1.exited_people, a1.exited_households) == (2, 4, 1)
    assert (a2.poor_people, a2.monitored_people, a2.monitored_households) == (5, 3, 1)
    assert a2.incidence == Decimal("1.25")
    assert b1.poor_people == 2
    assert b1.population == 0
    assert b1.incidence is None
    assert b1.villages_without_population == 1
    town_b = _fig(county.town_b)
    assert (town_b.poor_people, town_b.population, town_b.incidence) == (2, 600, Decimal("0.33"))
    whole = _fig(county.county)
    assert (whole.poor_people, whole.population, whole.villages) == (15, 2000, 4)
    assert whole.incidence == Decimal("0.75")


def test_roll_up_equals_the_sum_of_parts(county: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given
    _fixture(county)
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county)
    numbers = ["population", "poor_people", "poor_households", "exited_people", "monitored_households"]

    # when
    townships = IncidenceFigure.objects.filter(level="township", as_of=AS_OF)
    whole = _fig(county.county)

    # then
    for field in numbers:
        assert getattr(whole, field) == sum(getattr(t, field) for t in townships)
        for township in townships:
            villages = IncidenceFigure.objects.filter(parent=township.area, as_of=AS_OF)
            assert getattr(township, field) == sum(getattr(v, field) for v in villages)
    # levels above the county add up their counties on read
    prefecture = area_figures(county.prefecture, AS_OF)
    assert prefecture is not None
    assert prefecture["poor_people"] == whole.poor_people
    assert prefecture["incidence"] == whole.incidence
    assert [c["code"] for c in children_figures(county.prefecture, AS_OF)] == [county.county.code]


def test_a_frozen_snapshot_does_not_change_with_new_data(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    _fixture(county)
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county)
    before = list(
        IncidenceFigure.objects.filter(as_of=AS_OF).values_list("area_id", "poor_people", "incidence")
    )

    # when: new poor household after the snapshot, and a later snapshot
    make_household(county.village_a1, status=S.REGISTERED, members=6)
    later = dt.date(2025, 3, 31)
    set_population(county.village_a1, 2025, 1000)
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county, as_of=later)

    # then
    after = list(
        IncidenceFigure.objects.filter(as_of=AS_OF).values_list("area_id", "poor_people", "incidence")
    )
    assert after == before
    assert _fig(county.village_a1, later).poor_people == 14
    assert _fig(county.village_a1).poor_people == 8


def test_asking_again_for_a_frozen_date_is_refused_and_changes_nothing(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    _fixture(county)
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county)
    jobs, rows = Job.objects.count(), IncidenceFigure.objects.count()

    # when
    with pytest.raises(ValidationError) as error:
        _compute(county)

    # then
    assert "已冻结" in str(error.value.message_dict["as_of"])
    assert (Job.objects.count(), IncidenceFigure.objects.count()) == (jobs, rows)


def test_the_job_is_idempotent_when_run_twice(county: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given
    _fixture(county)
    with django_capture_on_commit_callbacks(execute=True):
        job = _compute(county)
    first = list(
        IncidenceFigure.objects.order_by("area_id").values_list("area_id", "poor_people", "incidence")
    )

    # when: the same message delivered again, and the job's handler replayed on a new job row
    from dashboards.services import incidence_job_handler
    from dashboards.tasks import incidence_compute_task

    incidence_compute_task(str(job.pk))
    replay = Job.objects.create(kind=job.kind, params=job.params, area=job.area)
    result = incidence_job_handler(replay)

    # then
    again = list(
        IncidenceFigure.objects.order_by("area_id").values_list("area_id", "poor_people", "incidence")
    )
    assert again == first
    assert result["unchanged"] == [county.county.code]
    assert result["computed"] == []
    assert IncidenceSnapshot.objects.count() == 1


def test_a_recompute_on_purpose_is_recorded_with_before_and_after(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    _fixture(county)
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county)
    snapshot = IncidenceSnapshot.objects.get()
    make_household(county.village_b2, status=S.REGISTERED, members=6)  # a late correction

    # when
    with django_capture_on_commit_callbacks(execute=True):
        recompute = incidence_snapshot_recompute(
            snapshot=snapshot, reason="村里补录漏登户", user=county.county_official
        )

    # then
    recompute.refresh_from_db()
    snapshot.refresh_from_db()
    assert recompute.before["poor_people"] == 15
    assert recompute.after["poor_people"] == 21
    assert snapshot.recompute_count == 1
    assert snapshot.status == SnapshotStatusChoices.COMPLETE
    assert _fig(county.village_b2).poor_people == 6


def test_recompute_needs_a_reason_and_the_right_role(county: Any) -> None:
    # given
    snapshot = IncidenceSnapshot.objects.create(
        county=county.county, as_of=AS_OF, population_year=YEAR, status=SnapshotStatusChoices.COMPLETE
    )

    # when / then
    with pytest.raises(ValidationError) as error:
        incidence_snapshot_recompute(snapshot=snapshot, reason=" ", user=county.county_official)
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        incidence_snapshot_recompute(snapshot=snapshot, reason="纠正数据", user=county.viewer)
    assert IncidenceRecompute.objects.count() == 0


def test_future_dates_and_townships_are_refused(county: Any) -> None:
    # when / then
    with pytest.raises(ValidationError) as error:
        incidence_compute_request(
            user=county.county_official, area=county.county, as_of=clock.today() + dt.timedelta(days=1)
        )
    assert "不能晚于今天" in str(error.value.message_dict["as_of"])
    with pytest.raises(ValidationError) as error:
        incidence_compute_request(user=county.county_official, area=county.town_a, as_of=AS_OF)
    assert "area" in error.value.message_dict
    assert Job.objects.count() == 0


def test_a_county_without_villages_gets_an_empty_county_row(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a new county with no village yet
    from areas.choices import AreaLevelChoices
    from tests.factories import make_area, make_user

    empty = make_area("622902000000", "新设县", AreaLevelChoices.COUNTY, county.prefecture)
    official = make_user("county_official", empty)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = incidence_compute_request(user=official, area=empty, as_of=AS_OF)

    # then
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED
    row = IncidenceFigure.objects.get(area=empty)
    assert (row.population, row.poor_people, row.villages, row.incidence) == (0, 0, 0, None)


def test_a_past_date_counts_each_household_by_its_status_on_that_date(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a household poor in 2023 and exited in mid-2024, one registered only in 2025, and one
    # loaded without any status history (taken at its current status)
    from households.models import HouseholdStatusChange

    def history(household: Any, *changes: tuple[str, str, dt.date]) -> None:
        for before, after, effective in changes:
            HouseholdStatusChange.objects.create(
                household=household,
                from_status=before,
                to_status=after,
                changed_at=clock.now(),
                effective_date=effective,
            )

    for year in (2023, 2024):
        set_population(county.village_a1, year, 100)
    exited = make_household(county.village_a1, status=S.EXITED, members=4)
    history(
        exited,
        ("", S.CANDIDATE, dt.date(2023, 2, 1)),
        (S.CANDIDATE, S.REGISTERED, dt.date(2023, 3, 1)),
        (S.REGISTERED, S.EXITED, dt.date(2024, 6, 1)),
    )
    late = make_household(county.village_a1, status=S.REGISTERED, members=3)
    history(late, ("", S.CANDIDATE, dt.date(2025, 1, 5)), (S.CANDIDATE, S.REGISTERED, dt.date(2025, 2, 1)))
    make_household(county.village_a1, status=S.REGISTERED, members=2)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        _compute(county, as_of=dt.date(2023, 12, 31))
        _compute(county, as_of=AS_OF)

    # then: end of 2023, the first household was still poor; end of 2024 it had exited; the 2025
    # household counts in neither
    end_2023, end_2024 = _fig(county.village_a1, dt.date(2023, 12, 31)), _fig(county.village_a1)
    assert (end_2023.poor_households, end_2023.poor_people, end_2023.exited_people) == (2, 6, 0)
    assert end_2023.incidence == Decimal("6.00")
    assert (end_2024.poor_households, end_2024.poor_people, end_2024.exited_people) == (1, 2, 4)
    assert end_2024.incidence == Decimal("2.00")
