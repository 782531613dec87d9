"""Each workload's tasks wait in their own queue (settings.TASK_WORKLOADS), and a worker started without
-Q, as `dev.py up` and the tests start it, consumes every one of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.signals import before_task_publish

from core.choices import JobStatusChoices
from core.models import Job
from dashboards.services import incidence_compute_request
from households.choices import HouseholdStatusChoices as S
from povertycase.celery import app as celery_app
from tests.factories import make_household, set_population
from tests.helpers import wait_for

# What each workload is for: a long import must not hold up the morning's reminders, the nightly
# snapshots must not hold up an official's own job.
EXPECTED = {
    "households.import_file": "imports",
    "areas.import_file": "imports",
    "dashboards.incidence_compute": "snapshots",
    "dashboards.incidence_nightly": "snapshots",
    "households.duplicates_scan_nightly": "snapshots",
    "households.search_keys_refresh": "snapshots",
    "assistance.raise_reminders": "reminders",
    "assistance.raise_reminders_township": "reminders",
    "assistance.reminders_job": "reminders",
    "exits.monitoring_overdue_reminders": "reminders",
    "supervision.overdue_escalate": "reminders",
    "exits.screening": None,
    "funds.household_batch": None,
    "funds.ledger_check": None,
    "households.duplicates_scan": None,
}


def _queue_of(name: str) -> str:
    # Celery's own router, as a send uses it, with the routes of settings.
    return celery_app.amqp.router.route({}, name, (), {})["queue"].name


def test_each_task_is_routed_to_its_workloads_queue() -> None:
    celery_app.loader.import_default_modules()
    default = celery_app.conf.task_default_queue
    registered = {name for name in celery_app.tasks if not name.startswith("celery.")}
    assert set(EXPECTED) <= registered, set(EXPECTED) - registered

    routed = {name: _queue_of(name) for name in EXPECTED}

    assert routed == {
        name: f"{default}.{workload}" if workload else default for name, workload in EXPECTED.items()
    }
    # each queue is reached through its own exchange and key: a message for one lands in that one only
    declared = {q.name: q for q in celery_app.conf.task_queues}
    for name in set(routed.values()):
        route = celery_app.amqp.router.route({}, next(t for t, q in routed.items() if q == name), (), {})
        assert route["queue"] is declared[name]
        assert (declared[name].exchange.name, declared[name].routing_key) == (name, name)
    # and a worker without -Q listens on all of them
    assert {q.name for q in celery_app.conf.task_queues} == {
        default,
        *(f"{default}.{w}" for w in set(EXPECTED.values()) if w),
    }


def test_a_renamed_default_queue_renames_the_workload_queues(settings: Any) -> None:
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = "elsewhere"
    try:
        assert _queue_of("households.import_file") == "elsewhere.imports"
        assert _queue_of("funds.ledger_check") == "elsewhere"
    finally:
        celery_app.conf.task_default_queue = previous


@pytest.mark.worker
def test_a_real_worker_runs_a_task_sent_to_a_workload_queue(county: Any, celery_worker: Any) -> None:
    # given: a real worker started as dev.py starts it (no -Q), and the queue each send goes to
    set_population(county.village_b2, 2024, 300)
    make_household(county.village_b2, status=S.RETURNED, members=3)
    sent: list[tuple[str, str]] = []

    def _record(sender: str, routing_key: str, **_: Any) -> None:
        sent.append((sender, routing_key))

    before_task_publish.connect(_record, weak=False)
    try:
        # when: a snapshot job is queued
        job = incidence_compute_request(
            user=county.county_official, area=county.county, as_of=dt.date(2024, 6, 30)
        )
        finished = wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatusChoices.SUCCEEDED).first())
    finally:
        before_task_publish.disconnect(_record)

    # then: it went to the snapshots queue, not the default one, and the worker ran it
    assert sent == [("dashboards.incidence_compute", f"{celery_worker.queue}.snapshots")]
    assert finished.result["computed"] == [county.county.code]
