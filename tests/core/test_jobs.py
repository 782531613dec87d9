"""Jobs whose worker died: a heartbeat shows them stalled within the timeout, their creator (or an
administrator) queues them again, and nothing is written twice. The broker's visibility timeout
outlasts the longest task."""

from __future__ import annotations

from typing import Any

import pytest

from core.choices import JobStatusChoices
from core.models import Job
from tests.helpers import wait_for


def test_the_visibility_timeout_outlasts_the_longest_task() -> None:
    from povertycase.celery import app, longest_task_time_limit

    app.finalize()
    longest = longest_task_time_limit(app)
    assert longest >= 3700  # the nightly duplicate scan
    assert app.conf.broker_transport_options["visibility_timeout"] > longest


@pytest.mark.django_db
def test_a_running_job_without_heartbeat_is_stalled_and_only_its_creator_or_an_admin_may_requeue(
    county: Any, web: Any, days_pass: Any, settings: Any
) -> None:
    # given: a job a worker started, then went silent
    from core.services import job_create, job_requeue

    job = job_create(kind="households.import", user=county.staff_a, area=county.town_a)
    Job.objects.filter(pk=job.pk).update(status=JobStatusChoices.RUNNING, task="households.import_file")
    from core import clock

    Job.objects.filter(pk=job.pk).update(heartbeat_at=clock.now())
    assert not Job.objects.get(pk=job.pk).is_stalled

    # when: more than the heartbeat timeout passes
    days_pass(seconds=settings.JOB_HEARTBEAT_TIMEOUT + 1)

    # then
    job.refresh_from_db()
    assert job.is_stalled
    page = web(county.staff_a).get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-requeue"' in page
    other = web(county.staff_b).get(f"/jobs/{job.pk}/")
    assert other.status_code == 404 or 'data-testid="job-requeue"' not in other.content.decode()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        job_requeue(job=job, user=county.cadre_a)
    assert Job.objects.get(pk=job.pk).status == JobStatusChoices.RUNNING


@pytest.mark.worker
def test_a_killed_workers_import_shows_stalled_is_requeued_and_nothing_is_written_twice(
    county: Any, celery_worker: Any, web: Any
) -> None:
    # given: 300 households imported in chunks of 10 by a real worker
    from households.models import Household, ImportLedger, Member, MembershipPeriod
    from tests.households.test_imports import queue_import

    job = queue_import(county, prefix="S-", households=300)
    wait_for(lambda: Job.objects.get(pk=job.pk).progress_done >= 20, timeout=90, interval=0.05)

    # when: the worker is killed (no new worker yet)
    celery_worker.kill()
    client = web(county.staff_a)

    # then: within the heartbeat timeout the page says stalled
    stalled = wait_for(lambda: Job.objects.get(pk=job.pk).is_stalled, timeout=10, interval=0.2)
    assert stalled
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert 'data-testid="job-stalled"' in page
    assert client.get(f"/jobs/{job.pk}/?format=json").json()["stalled"] is True

    # when: its creator queues it again, and a worker is back (it also gets the killed worker's message
    # back from the broker: whichever comes second finds the job running or done)
    response = client.post(f"/jobs/{job.pk}/requeue/", {"next": f"/households/import/{job.pk}/"})
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).status == JobStatusChoices.QUEUED
    celery_worker.start()
    finished = wait_for(lambda: (j := Job.objects.get(pk=job.pk)).is_finished and j, timeout=60, interval=0.2)

    # then: done once, whole: every household and person once, the old message harmless
    assert finished.status == JobStatusChoices.SUCCEEDED, finished.error
    assert Household.objects.filter(number__startswith="S-").count() == 300
    assert Member.objects.filter(household__number__startswith="S-").count() == 600
    assert MembershipPeriod.objects.filter(household__number__startswith="S-").count() == 600
    assert ImportLedger.objects.count() == 600
    import time

    time.sleep(7)  # past the broker's visibility timeout: the killed worker's message comes back
    again = Job.objects.get(pk=job.pk)
    assert (again.status, again.attempts) == (JobStatusChoices.SUCCEEDED, 2)
    assert Member.objects.filter(household__number__startswith="S-").count() == 600
