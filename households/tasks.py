"""Jobs on the registry: spreadsheet imports and the probable-duplicate scan."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab

from areas.choices import AreaLevelChoices
from areas.models import Area
from core.models import Job
from core.services import job_progress, job_run

from . import imports
from .search import member_search_keys_refresh
from .services import duplicates_scan

IMPORT_KIND = imports.IMPORT_KIND
IMPORT_KINDS = (imports.IMPORT_KIND, imports.MIGRATION_KIND)
DUPLICATES_KIND = "households.duplicates"


def _import_handler(job: Job) -> dict:
    """Stage and check the whole file (nothing written if any row is wrong), then write it in chunks; a
    redelivered job skips the chunks its ledger already holds."""
    return imports.import_run(job, progress=lambda **kw: job_progress(job, **kw))


@shared_task(name="households.import_file", acks_late=True, soft_time_limit=1800, time_limit=1900)
def households_import_task(job_id: str) -> None:
    job_run(job_id, _import_handler)


def _duplicates_handler(job: Job) -> dict:
    """Scan township by township (the comparison itself is registry-wide)."""
    root = job.area
    townships = list(
        Area.objects.filter(
            level=AreaLevelChoices.TOWNSHIP, code__startswith=root.prefix if root else ""
        ).order_by("code")
    )
    job_progress(job, done=0, total=len(townships), message="scanning")
    added = 0
    for index, township in enumerate(townships, start=1):
        added += duplicates_scan(area=township)
        job_progress(job, done=index)
    return {"pairs_added": added}


@shared_task(name="households.duplicates_scan", acks_late=True, soft_time_limit=1800, time_limit=1900)
def households_duplicates_task(job_id: str) -> None:
    job_run(job_id, _duplicates_handler)


@shared_task(name="households.duplicates_scan_nightly", acks_late=True, soft_time_limit=3600, time_limit=3700)
def households_duplicates_nightly() -> int:
    """Nightly: rescan every township; pairs are stored once, so reruns only add new pairs."""
    added = 0
    for township in Area.objects.filter(level=AreaLevelChoices.TOWNSHIP).order_by("code"):
        added += duplicates_scan(area=township)
    return added


BEAT_SCHEDULE = {
    "households-duplicates-nightly": {
        "task": "households.duplicates_scan_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
}


@shared_task(name="households.search_keys_refresh", acks_late=True, soft_time_limit=1800, time_limit=1900)
def households_search_keys_refresh() -> int:
    """Nightly safety net for the pinyin search: keys for any name written without them (plain SQL, a
    restored dump); set-based and idempotent, a second run finds nothing to do."""
    return member_search_keys_refresh()


BEAT_SCHEDULE["households-search-keys-nightly"] = {
    "task": "households.search_keys_refresh",
    "schedule": crontab(hour=3, minute=10),
}
