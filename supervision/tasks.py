"""Celery tasks of supervision."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab


@shared_task(name="supervision.overdue_escalate", acks_late=True, soft_time_limit=600, time_limit=660)
def overdue_escalate_task() -> dict:
    """Escalate overdue rectifications and unanswered complaints (safe to run again)."""
    from core.audit import audit_context

    from .services import overdue_escalate

    with audit_context(None, job="supervision.overdue_escalate"):
        return overdue_escalate()


BEAT_SCHEDULE = {
    "supervision-overdue-escalate": {
        "task": "supervision.overdue_escalate",
        "schedule": crontab(hour=7, minute=0),
    },
}
