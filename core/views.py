from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock, worklist
from core.job_kinds import job_links, job_message, job_title

from .choices import AttachmentKindChoices
from .exceptions import BadParameter
from .history import history_for
from .models import Attachment, Job, Notification
from .selectors import job_readable_or_404, scoped_record
from .services import attachment_add, job_can_requeue, job_requeue, notifications_mark_read
from .users import request_user


def safe_next(request: HttpRequest, *candidates: str | None, fallback: str = "/") -> str:
    """The first of `candidates` (a `next` field, the Referer) that stays on this site, else `fallback`:
    a redirect after a form never sends the user to another host."""
    for candidate in candidates:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is this site's and not the failing page itself."""
    referer: str = request.META.get("HTTP_REFERER", "")
    if (
        referer
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        and not referer.endswith(request.get_full_path())
    ):
        return referer
    return ""


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A missing page in the site's layout, in the user's language, with a way back (DEBUG off)."""
    return render(request, "404.html", {"back_url": _back_url(request)}, status=404)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A value the request cannot mean (core.exceptions.BadParameter: the parameter and why), in the
    site's layout with a way back; Django's own 400s (a bad host, a broken upload) say it generally."""
    reason = exception.message if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"exception": reason, "back_url": _back_url(request)}, status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """What the role may not do, and why (the service's own message), with a way back."""
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"exception": reason, "back_url": _back_url(request)}, status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page is the user's work queue (core.worklist): what waits for them now."""
    user = request_user(request)
    areas = list(user.areas.all())
    sections = worklist.sections_for(user, clock.today(areas[0] if areas else None))
    approvals = [s for s in sections if s.kind == "approval"]
    jobs = (
        list(Job.objects.visible_to(user).filter(created_by=user)[:5])
        if user.has_capability("run_jobs")
        else []
    )
    for job in jobs:
        job.title = job_title(job)  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "core/home.html",
        {
            "areas": areas,
            # what waits comes first; a task with nothing waiting is one line at the end
            "sections": [s for s in sections if s.count or s.kind == "info"],
            "done": [s for s in sections if not s.count and s.kind == "task"],
            "approvals": approvals,
            "approvals_total": sum(s.count for s in approvals),
            "read_only": not user.can_write_anything,
            "recent_jobs": jobs,
        },
    )


@login_required
def audit_log(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    record = scoped_record(request_user(request), app_label, model_name, pk)
    return render(
        request,
        "core/audit.html",
        {
            "record": record,
            "model_name": record._meta.verbose_name,
            "events": history_for(record, request_user(request), request=request),
        },
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    record = scoped_record(request_user(request), app_label, model_name, pk)
    upload = request.FILES.get("file")
    back = safe_next(request, request.POST.get("next"), request.META.get("HTTP_REFERER"))
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    kind = request.POST.get("kind") or AttachmentKindChoices.DOCUMENT
    if kind not in AttachmentKindChoices.values:
        kind = AttachmentKindChoices.DOCUMENT
    try:
        attachment_add(
            user=request_user(request),
            record=record,
            upload=upload,
            kind=kind,
            description=request.POST.get("description", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("File uploaded."))
    return redirect(back)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Not found, or outside your area."))
    ct: ContentType = attachment.content_type
    # The file is only as visible as the record it belongs to.
    scoped_record(request_user(request), ct.app_label, ct.model, attachment.object_id)
    inline = attachment.mime_type.startswith("image/") or attachment.mime_type == "application/pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = job_readable_or_404(request_user(request), pk)
    if (
        request.headers.get("Accept", "").startswith("application/json")
        or request.GET.get("format") == "json"
    ):
        return JsonResponse(job_payload(job))
    return render(
        request,
        "core/job.html",
        {
            "job": job,
            "can_requeue": job_can_requeue(job, request_user(request)),
            "title": job_title(job),
            "message": job_message(job),
            "links": job_links(job),
        },
    )


@login_required
@require_POST
def job_requeue_view(request: HttpRequest, pk: str) -> HttpResponse:
    job = job_readable_or_404(request_user(request), pk)
    job_requeue(job=job, user=request_user(request))
    messages.success(request, _("The job is queued again."))
    return redirect(safe_next(request, request.POST.get("next"), fallback=reverse("core:job", args=[pk])))


def job_payload(job: Job) -> dict[str, Any]:
    stalled = job.is_stalled
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "title": job_title(job),
        "status": job.status,
        "status_display": _("Stalled: no worker has reported for a while")
        if stalled
        else job.get_status_display(),
        "stalled": stalled,
        "percent": job.percent,
        "done": job.progress_done,
        "total": job.progress_total,
        "message": job_message(job),
        "links": job_links(job),
        "error": job.error,
        "result": job.result,
        "finished": job.is_finished,
    }


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    items = Notification.objects.filter(user=user)[:200]
    if request.method == "POST":
        notifications_mark_read(user=user)
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {"items": items})
