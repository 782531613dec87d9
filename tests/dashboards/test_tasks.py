"""The incidence job on a real worker, and the nightly beat job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core import clock
from core.choices import JobStatusChoices
from core.models import Job
from dashboards.models import IncidenceFigure, IncidenceSnapshot
from dashboards.services import incidence_compute_request, incidence_nightly_jobs
from dashboards.tasks import BEAT_SCHEDULE, incidence_nightly_task
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population
from tests.helpers import county_time, wait_for


@pytest.mark.django_db
def test_the_nightly_job_computes_today_once(county: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given
    set_population(county.village_a1, clock.today().year, 500)
    make_household(county.village_a1, status=S.REGISTERED, members=4)

    # when: the beat fires twice the same night
    with django_capture_on_commit_callbacks(execute=True):
        incidence_nightly_task()
    again = incidence_nightly_jobs()

    # then
    snapshot = IncidenceSnapshot.objects.get()
    assert snapshot.as_of == clock.today()
    assert IncidenceFigure.objects.get(area=county.village_a1).incidence == Decimal("0.80")
    assert again == []
    assert BEAT_SCHEDULE["dashboards-incidence-nightly"]["task"] == incidence_nightly_task.name


@pytest.mark.django_db
@pytest.mark.dates
def test_a_nightly_run_just_after_midnight_counts_the_countys_new_day_and_year(
    county: Any, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: 00:05 on 1 January 2027 in the county, which is 16:05 on 31 December 2026 in UTC
    time_machine.move_to(county_time(2027, 1, 1, 0, 5), tick=False)
    set_population(county.village_a1, 2026, 400)
    set_population(county.village_a1, 2027, 500)
    make_household(county.village_a1, status=S.REGISTERED, members=4)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        incidence_nightly_task()

    # then: the snapshot is dated the county's new day and divides by the new year's population
    snapshot = IncidenceSnapshot.objects.get()
    assert snapshot.as_of == dt.date(2027, 1, 1)
    assert IncidenceFigure.objects.get(area=county.village_a1).incidence == Decimal("0.80")


@pytest.mark.dates
def test_the_beat_schedule_is_read_in_the_countys_zone(time_machine: Any) -> None:
    # given: the nightly entry (01:30) last ran at 01:30 on 1 December, county time
    schedule = BEAT_SCHEDULE["dashboards-incidence-nightly"]["schedule"]
    last_run = county_time(2026, 12, 1, 1, 30)
    assert str(schedule.tz) == "Asia/Shanghai"

    # when / then: not due at 01:29 the next county day (17:29 UTC), due at 01:30
    time_machine.move_to(county_time(2026, 12, 2, 1, 29), tick=False)
    assert not schedule.is_due(last_run).is_due
    time_machine.move_to(county_time(2026, 12, 2, 1, 30))
    assert schedule.is_due(last_run).is_due


@pytest.mark.worker
def test_the_incidence_job_runs_on_a_real_worker_with_progress(county: Any, celery_worker: Any) -> None:
    # given
    set_population(county.village_b2, 2024, 300)
    make_household(county.village_b2, status=S.RETURNED, members=3)
    # when
    job = incidence_compute_request(
        user=county.county_official, area=county.county, as_of=dt.date(2024, 6, 30)
    )

    # then
    finished = wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatusChoices.SUCCEEDED).first())
    assert finished.progress_done == finished.progress_total == 1
    assert finished.result["computed"] == [county.county.code]
    assert IncidenceFigure.objects.get(area=county.village_b2).incidence == Decimal("1.00")
