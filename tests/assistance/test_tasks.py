"""Reminders for overdue visits and follow-ups: eager, as a job with progress, and on a real worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from assistance.services import reminders_job_start
from assistance.tasks import BEAT_SCHEDULE, reminders_raise_task
from core.choices import JobStatusChoices
from core.models import Job, Notification
from tests.helpers import wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _reminders() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("user__username", "key"))


def test_daily_reminders_reach_the_cadre_once(county: Any, known: Any) -> None:
    # when: the beat task runs twice on the same day
    reminders_raise_task.delay(known.today.isoformat(), 30)
    first = _reminders()
    reminders_raise_task.delay(known.today.isoformat(), 30)

    # then: 马一 (cadre_a) is reminded of h2 (not visited for 40 days) and of three overdue promises;
    # households without a cadre account raise nothing, and nothing is raised twice
    overdue_ids = sorted(
        known.h1.follow_ups.filter(description__in=["办慢病卡", "联系医保"]).values_list("pk", flat=True)
    )
    overdue_ids.append(known.h2.follow_ups.get(description="申请公益岗").pk)
    expected = sorted(
        [("cadre_a", f"assistance:visit-due:{known.h2.pk}:{known.h2.visits.get().visited_on.isoformat()}")]
        + [("cadre_a", f"assistance:follow-up-overdue:{pk}") for pk in overdue_ids]
    )
    assert first == expected
    assert _reminders() == expected
    assert "assistance.raise_reminders" in {entry["task"] for entry in BEAT_SCHEDULE.values()}


def test_reminders_job_reports_progress_and_counts(
    county: Any, known: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = reminders_job_start(area=county.county, visit_days=30, user=county.county_official)

    # then: the county has two townships, the job went through both
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatusChoices.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result == {"visits": 1, "follow_ups": 3}

    # and a second run the same day raises nothing new
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_job_start(area=county.county, visit_days=30, user=county.county_official)
    assert Job.objects.get(pk=again.pk).result == {"visits": 0, "follow_ups": 0}
    assert Notification.objects.count() == 4


def test_reminders_job_refuses_a_bad_window(county: Any) -> None:
    with pytest.raises(ValidationError):
        reminders_job_start(area=county.town_a, visit_days=0, user=county.staff_a)
    assert Job.objects.count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reminders_run_on_a_real_worker(celery_worker: Any, county: Any, known: Any) -> None:
    # when
    reminders_raise_task.delay(known.today.isoformat(), 30)

    # then: the fan-out and the township tasks ran in the worker process
    wait_for(lambda: Notification.objects.filter(user=county.cadre_a).count() == 4, timeout=60)
    assert Notification.objects.count() == 4
