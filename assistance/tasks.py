"""Reminders for overdue visits and follow-ups (hourly beat, and on demand as a job with progress).

Work is chunked by township: the beat task only fans out one task per township, each of which calls
the service for that township. Reminder keys make every task safe to run again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab

from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.audit import audit_context
from core.models import Job
from core.services import job_progress, job_run

BEAT_SCHEDULE = {
    "assistance-reminders": {
        "task": "assistance.raise_reminders",
        # Every hour: a follow-up due yesterday is overdue from 00:00 in its county, whatever zone the
        # county keeps, and the reminder should be there when the day starts. Keys make reruns free.
        "schedule": crontab(minute=15),
    },
}


def townships_under(area: Area) -> list[Area]:
    """The township chunks of an area (the area itself at township level or below)."""
    if area.level in (AreaLevelChoices.TOWNSHIP, AreaLevelChoices.VILLAGE):
        return [area]
    return list(
        Area.objects.filter(code__startswith=area.prefix, level=AreaLevelChoices.TOWNSHIP).order_by("code")
    )


@shared_task(name="assistance.raise_reminders", acks_late=True, soft_time_limit=120, time_limit=150)
def reminders_raise_task(today: str | None = None, visit_days: int | None = None) -> int:
    """Beat entry point: queue one reminder task per township, each for its county's day."""
    townships = list(Area.objects.filter(level=AreaLevelChoices.TOWNSHIP).order_by("code"))
    for township in townships:
        day = today or clock.today(township).isoformat()
        reminders_raise_township_task.delay(township.pk, day, visit_days)
    return len(townships)


@shared_task(name="assistance.raise_reminders_township", acks_late=True, soft_time_limit=600, time_limit=660)
def reminders_raise_township_task(area_id: int, today: str, visit_days: int | None = None) -> dict:
    from .selectors import visit_days_for
    from .services import reminders_raise_for_area

    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        return {}
    with audit_context(None, source="assistance.reminders"):
        return reminders_raise_for_area(
            area=area, today=dt.date.fromisoformat(today), visit_days=visit_days or visit_days_for(area)
        )


def _reminders_handler(job: Job) -> dict:
    from .services import reminders_raise_for_area

    today = clock.today(job.area)
    chunks = townships_under(job.area)
    job_progress(job, done=0, total=len(chunks))
    totals = {"visits": 0, "follow_ups": 0}
    for done, township in enumerate(chunks, start=1):
        raised = reminders_raise_for_area(
            area=township, today=today, visit_days=int(job.params["visit_days"])
        )
        for key, value in raised.items():
            totals[key] += value
        job_progress(job, done=done, message=township.name)
    return totals


@shared_task(name="assistance.reminders_job", acks_late=True, soft_time_limit=1800, time_limit=1860)
def reminders_job_task(job_id: str) -> None:
    """Raise reminders for the job's area now (started from the coverage page)."""
    job_run(job_id, _reminders_handler)
