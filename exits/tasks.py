"""Jobs for exits: the exit screening over a county or township, chunked by village, and the daily
reminder for monitoring cases past their decision deadline."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab
from django.utils.translation import gettext as _

from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.models import Job
from core.services import job_progress, job_run

LIST_CAP = 500  # households listed per category in a job's result; the flags page has them all

SCREENING_KIND = "exits.screening"


def screening_handler(job: Job) -> dict[str, Any]:
    """Refresh exit flags village by village; each village is its own transaction, so a redelivered job
    redoes at most the unfinished villages' work, and upserts make a rerun give the same flags."""
    from .services import exit_flags_refresh_village

    year = int(job.params["year"])
    area = job.area
    villages = list(
        Area.objects.filter(level=AreaLevelChoices.VILLAGE, code__startswith=area.prefix).order_by("code")
    )
    job_progress(
        job, done=0, total=len(villages), message=_("Screening %(n)d villages") % {"n": len(villages)}
    )
    totals: dict[str, Any] = {
        "year": year,
        "villages": len(villages),
        "checked": 0,
        "monitoring_opened": 0,
        "eligible_not_proposed": [],
        "proposed_not_eligible": [],
    }
    for index, village in enumerate(villages, start=1):
        part = exit_flags_refresh_village(village=village, year=year, opened_by=job.created_by)
        totals["checked"] += part["checked"]
        totals["monitoring_opened"] += part["monitoring_opened"]
        for key in ("eligible_not_proposed", "proposed_not_eligible"):
            totals[key].extend({**row, "village": village.name} for row in part[key])
        job_progress(job, done=index, message=village.name)
    for key in ("eligible_not_proposed", "proposed_not_eligible"):
        totals[f"{key}_count"] = len(totals[key])
        totals[key] = totals[key][:LIST_CAP]
    return totals


@shared_task(name="exits.screening", acks_late=True, soft_time_limit=1800, time_limit=1860)
def exits_screening_task(job_id: str) -> None:
    job_run(job_id, screening_handler)


@shared_task(name="exits.monitoring_overdue_reminders", acks_late=True, soft_time_limit=300, time_limit=360)
def monitoring_overdue_reminders_task() -> int:
    """Remind the county officials of each overdue monitoring case; returns how many are overdue."""
    from .services import monitoring_overdue_remind

    # Run at 07:30: every zone a Chinese county may keep is on the same date then.
    return monitoring_overdue_remind(today=clock.today())


BEAT_SCHEDULE = {
    "exits-monitoring-overdue-reminders": {
        "task": "exits.monitoring_overdue_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}
