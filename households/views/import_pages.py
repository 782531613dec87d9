"""Spreadsheet import pages: template, upload, job and its errors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.requests import request_user
from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.choices import JobStatusChoices
from core.downloads import as_download, download_name, scope_name
from core.job_kinds import job_message
from core.models import Job
from core.scoping import ensure_can
from core.selectors import job_readable_or_404
from core.services import job_can_requeue

from .. import imports
from ..forms import (
    ImportForm,
)
from ..tasks import IMPORT_KINDS
from .base import XLSX, form_errors

# -- import ---------------------------------------------------------------------------------------


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    villages = (
        Area.objects.visible_to(request_user(request))
        .filter(level=AreaLevelChoices.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    response = HttpResponse(imports.template_workbook(villages.iterator()), content_type=XLSX)
    return as_download(
        response,
        download_name(
            scope_name(request_user(request)), _("household import template"), clock.today(), ext="xlsx"
        ),
    )


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.IMPORT_REGISTRY)
    form = ImportForm(request.POST or None, request.FILES or None, user=request_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                user=request_user(request),
                upload=form.cleaned_data["file"],
                migration=bool(form.cleaned_data.get("migration")),
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return render(request, "households/import.html", {"form": form, "jobs": []})
        return redirect("households:import-job", pk=job.pk)
    jobs = Job.objects.visible_to(request_user(request)).filter(
        kind__in=IMPORT_KINDS, created_by=request_user(request)
    )[:20]
    return render(request, "households/import.html", {"form": form, "jobs": jobs})


def _import_job(request: HttpRequest, pk: str) -> Job:
    return job_readable_or_404(request_user(request), pk, kinds=IMPORT_KINDS)


ERRORS_PER_PAGE = 100


def import_errors_page(job: Job, page: Any, per_page: Any = ERRORS_PER_PAGE) -> dict[str, Any]:
    """One page of the errors the job kept (the first IMPORT_MAX_ERRORS, by row), and the total count."""
    kept = (job.result or {}).get("errors")
    items = []
    if isinstance(kept, dict):
        for key, messages_ in sorted(kept.items(), key=lambda kv: _row_order(kv[0])):
            row, _sep, column = key.partition(":")
            items += [{"row": row, "column": column, "message": m} for m in messages_]
    elif isinstance(kept, list):
        items = [{"row": "", "column": "", "message": m} for m in kept]
    try:
        size = max(1, min(int(per_page), 1000))
        number = max(1, int(page))
    except (TypeError, ValueError):
        size, number = ERRORS_PER_PAGE, 1
    pages = max(1, -(-len(items) // size))
    number = min(number, pages)
    return {
        "errors": items[(number - 1) * size : number * size],
        "error_count": (job.result or {}).get("error_count", len(items)),
        "kept": len(items),
        "page": number,
        "pages": pages,
    }


@login_required
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    job = _import_job(request, pk)
    context: dict[str, Any] = {
        "job": job,
        "errors": [],
        "error_count": 0,
        "can_requeue": job_can_requeue(job, request_user(request)),
        # while it runs: the step in words; once finished the result below says what happened
        "message": "" if job.is_finished else job_message(job),
    }
    if job.status == JobStatusChoices.FAILED:
        context.update(import_errors_page(job, request.GET.get("page", 1)))
        context["page_numbers"] = range(1, context["pages"] + 1)
    return render(request, "households/import_job.html", context)


def _row_order(key: str) -> tuple[int, str]:
    row, _sep, column = key.partition(":")
    return (int(row) if row.isdigit() else 0, column)


@login_required
def import_errors(request: HttpRequest, pk: str) -> HttpResponse:
    """The error report the job wrote (all errors, not only those kept on the job)."""
    job = _import_job(request, pk)
    report = (job.result or {}).get("report")
    if report and default_storage.exists(report):
        with default_storage.open(report, "rb") as stored:
            content = stored.read()
    else:  # jobs refused before reading rows (header, size) keep all their errors on the job
        page = import_errors_page(job, 1, 1000)
        content = imports.error_report(
            (int(e["row"]) if e["row"].isdigit() else 0, e["column"], e["message"]) for e in page["errors"]
        )
    response = HttpResponse(content, content_type=XLSX)
    name = download_name(_("import errors"), clock.local_date(job.created_at), ext="xlsx")
    return as_download(response, name)
