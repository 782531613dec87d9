"""Celery tasks of the dashboards app."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab

from core.services import job_run


@shared_task(name="dashboards.incidence_compute", acks_late=True, soft_time_limit=1800, time_limit=1900)
def incidence_compute_task(job_id: str) -> None:
    """Compute incidence snapshots for the job's counties (idempotent; frozen snapshots are kept)."""
    from .services import incidence_job_handler

    job_run(job_id, incidence_job_handler)


@shared_task(name="dashboards.incidence_nightly", acks_late=True, soft_time_limit=300, time_limit=360)
def incidence_nightly_task() -> None:
    """Queue tonight's snapshot for every county that has none for today."""
    from .services import incidence_nightly_jobs

    incidence_nightly_jobs()


BEAT_SCHEDULE = {
    "dashboards-incidence-nightly": {
        "task": "dashboards.incidence_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
}
