"""Jobs on the area tree."""

from __future__ import annotations

import tempfile
from pathlib import Path

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.models import Job
from core.services import job_progress, job_run

from .services import areas_import, read_area_rows


def _import_handler(job: Job) -> dict:
    stored = job.params["file"]
    # Copy out of storage (local disk or S3) so the reader gets a real file.
    with (
        default_storage.open(stored, "rb") as source,
        tempfile.NamedTemporaryFile(suffix=Path(stored).suffix) as tmp,
    ):
        tmp.write(source.read())
        tmp.flush()
        rows = read_area_rows(Path(tmp.name))
    if job.created_by is None:  # the file's rows are checked against its uploader's areas
        raise ValidationError(_("The account that uploaded this file no longer exists: upload it again."))
    job_progress(job, done=0, total=len(rows), message="importing")
    result = areas_import(rows=rows, user=job.created_by, population_year=job.params.get("population_year"))
    default_storage.delete(stored)
    return {"created": result.created, "updated": result.updated, "populations": result.populations}


@shared_task(name="areas.import_file", acks_late=True, soft_time_limit=600, time_limit=660)
def areas_import_task(job_id: str) -> None:
    """Import an uploaded area file: all or nothing, and safe to run again (areas are upserted by code)."""
    job_run(job_id, _import_handler)
