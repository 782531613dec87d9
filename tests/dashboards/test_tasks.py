"""The incidence job on a real worker, and the nightly beat job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from core.choices import JobStatusChoices
from core.models import Job
from dashboards.models import IncidenceFigure, IncidenceSnapshot
from dashboards.services import incidence_compute_request, incidence_nightly_jobs
from dashboards.tasks import BEAT_SCHEDULE, incidence_nightly_task
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population
from tests.helpers import wait_for


@pytest.mark.django_db
def test_the_nightly_job_computes_today_once(county: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given
    set_population(county.village_a1, timezone.localdate().year, 500)
    make_household(county.village_a1, status=S.REGISTERED, members=4)

    # when: the beat fires twice the same night
    with django_capture_on_commit_callbacks(execute=True):
        incidence_nightly_task()
    again = incidence_nightly_jobs()

    # then
    snapshot = IncidenceSnapshot.objects.get()
    assert snapshot.as_of == timezone.localdate()
    assert IncidenceFigure.objects.get(area=county.village_a1).incidence == Decimal("0.80")
    assert again == []
    assert BEAT_SCHEDULE["dashboards-incidence-nightly"]["task"] == incidence_nightly_task.name


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
