"""Writes shared by every app: optimistic-concurrency updates, jobs, notifications, attachments,
sensitive-access logging."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core import clock

from .choices import AttachmentKindChoices, JobStatusChoices
from .exceptions import ConflictError
from .models import Attachment, Job, Notification, SensitiveAccess


def versioned_update(obj: models.Model, *, expected_version: int, fields: dict[str, Any]) -> models.Model:
    """Apply `fields` to obj only if its stored version is still `expected_version`.

    One UPDATE ... WHERE version = expected: two users editing the same record cannot both win.
    """
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        **fields, version=F("version") + 1
    )
    if updated != 1:
        raise ConflictError()
    obj.refresh_from_db()
    return obj


# -- jobs -----------------------------------------------------------------------------------------


def job_create(*, kind: str, user: Any, area: Any = None, params: dict | None = None) -> Job:
    return Job.objects.create(kind=kind, created_by=user, area=area, params=params or {})


def job_enqueue(job: Job, task: Any) -> None:
    """Queue the task after the transaction that created the job commits (the worker must see it)."""
    transaction.on_commit(lambda: task.delay(str(job.pk)))


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    values: dict[str, Any] = {"progress_done": done}
    if total is not None:
        values["progress_total"] = total
    if message:
        values["message"] = message[:300]
    Job.objects.filter(pk=job.pk).update(**values)


def job_run(job_id: str, handler: Callable[[Job], dict]) -> Job | None:
    """Run handler(job) as the body of a task: status, attempts and errors are recorded on the job.

    A finished job is not run again, so a redelivered message is harmless. The handler itself must
    be idempotent: a worker killed mid-job leaves the job RUNNING and the message is redelivered.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    Job.objects.filter(pk=job.pk).update(
        status=JobStatusChoices.RUNNING, started_at=clock.now(), attempts=F("attempts") + 1
    )
    job.refresh_from_db()
    from .audit import audit_context

    try:
        with audit_context(job.created_by, job=str(job.pk)):
            result = handler(job)
    except ValidationError as exc:
        # Bad input is the user's to fix, not a crash to retry: keep every message for the report.
        Job.objects.filter(pk=job.pk).update(
            status=JobStatusChoices.FAILED,
            error="\n".join(exc.messages)[:20000],
            result={
                "errors": exc.message_dict if hasattr(exc, "error_dict") else exc.messages,
                **getattr(exc, "result", {}),  # what the handler keeps beside the messages (counts, report)
            },
            finished_at=clock.now(),
        )
        job.refresh_from_db()
        return job
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatusChoices.FAILED, error=str(exc)[:5000], finished_at=clock.now()
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        status=JobStatusChoices.SUCCEEDED,
        result=result or {},
        finished_at=clock.now(),
        progress_done=F("progress_total"),
    )
    job.refresh_from_db()
    return job


def job_fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatusChoices.FAILED, error=message, finished_at=clock.now()
    )


# -- notifications --------------------------------------------------------------------------------


def notification_raise(*, user: Any, key: str, title: str, body: str = "", url: str = "") -> bool:
    """Create the reminder unless this user already has one with this key. True if created.

    The unique (user, key) constraint decides, so two jobs raising the same reminder at once still
    create one.
    """
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, key=key, title=title[:200], body=body, url=url)
    except IntegrityError:
        return False
    return True


# -- sensitive reads ------------------------------------------------------------------------------


def sensitive_access_log(
    *, user: Any, what: str, obj: models.Model | None = None, detail: str = "", request: Any = None
) -> None:
    SensitiveAccess.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        what=what,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:300],
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


# -- attachments ----------------------------------------------------------------------------------

# Leading bytes of the formats we accept; the extension alone proves nothing.
_MAGIC = {
    "application/pdf": [b"%PDF-"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [b"PK\x03\x04"],
}


def attachment_validate(upload: UploadedFile) -> str:
    """Return the MIME type of an acceptable upload, or raise ValidationError saying what is wrong."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.ATTACHMENT_ALLOWED_TYPES
    if ext not in allowed:
        raise ValidationError(
            {
                "file": _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
                % {"ext": ext or "?", "allowed": ", ".join(sorted(allowed))}
            }
        )
    if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
                % {"size": upload.size / 1048576, "limit": settings.ATTACHMENT_MAX_BYTES / 1048576}
            }
        )
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    mime = allowed[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC.get(mime, [b""])):
        raise ValidationError(
            {"file": _("The file's content does not match its “.%(ext)s” extension.") % {"ext": ext}}
        )
    return mime


@transaction.atomic
def attachment_add(
    *,
    user: Any,
    record: models.Model,
    upload: UploadedFile,
    kind: str = AttachmentKindChoices.DOCUMENT,
    description: str = "",
) -> Attachment:
    from .scoping import ensure_can

    # Whoever may see the record and may write anything (not a read-only viewer) may attach to it.
    ensure_can(user, "view", record)
    if not user.can_write_anything:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Your role does not allow this action."))
    mime = attachment_validate(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        kind=kind,
        file=upload,
        original_name=(upload.name or "file")[:200],
        mime_type=mime,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=user,
    )
