"""The overdue escalation beat job: escalates once, tells the right people, eagerly and on a worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import clock
from core.models import Notification
from supervision.choices import ComplaintChannelChoices, ComplaintKindChoices
from supervision.models import Complaint, Problem
from supervision.services import complaint_receive, overdue_escalate
from supervision.tasks import BEAT_SCHEDULE, overdue_escalate_task
from tests.helpers import wait_for

pytestmark = pytest.mark.dates


def test_overdue_problems_are_escalated_once(county: Any, overdue_problem: Problem) -> None:
    # given
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_b1,
        kind=ComplaintKindChoices.UNFAIR,
        content="反映产业奖补发放不公",
        received_on=clock.today() - dt.timedelta(days=30),
        channel=ComplaintChannelChoices.VISIT,
    )

    # when: the job runs twice (a rerun or a redelivered message)
    first = overdue_escalate()
    second = overdue_escalate()

    # then
    assert first == {"problems": 1, "complaints": 1}
    assert second == {"problems": 0, "complaints": 0}
    overdue_problem.refresh_from_db()
    assert overdue_problem.escalated_at is not None
    overdue_keys = Notification.objects.filter(key__contains=".overdue")
    assert set(overdue_keys.values_list("user__username", flat=True)) == {"staff_a", "county_official"}
    assert overdue_keys.filter(key__startswith="supervision.problem.").count() == 2
    assert Complaint.objects.get(pk=complaint.pk).escalated_at is not None


def test_items_within_their_deadline_are_left_alone(county: Any, problem: Problem) -> None:
    assert overdue_escalate() == {"problems": 0, "complaints": 0}
    problem.refresh_from_db()
    assert problem.escalated_at is None


def test_the_beat_schedule_names_the_task() -> None:
    assert BEAT_SCHEDULE["supervision-overdue-escalate"]["task"] == overdue_escalate_task.name


@pytest.mark.worker
def test_escalation_runs_on_a_real_worker(county: Any, overdue_problem: Problem, celery_worker: Any) -> None:
    # given: a problem three days past its deadline (the fixture)

    # when
    overdue_escalate_task.delay()

    # then
    wait_for(lambda: Problem.objects.filter(pk=overdue_problem.pk, escalated_at__isnull=False).exists())
    assert Notification.objects.filter(user=county.staff_a, key__contains=".overdue").count() == 1
