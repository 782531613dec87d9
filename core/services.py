"""Writes shared by every app: optimistic-concurrency updates, jobs, notifications, attachments,
sensitive-access logging."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

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
from .inputs import within_column
from .log_filters import redact_database_detail
from .models import Attachment, Job, Notification, SensitiveAccess
from .net import client_address

if TYPE_CHECKING:
    from core.users import AnyUser, User

M = TypeVar("M", bound=models.Model)


def _stamped(model: type[models.Model], fields: dict[str, Any], *, bump_version: bool) -> dict[str, Any]:
    """`fields` with `updated_at` stamped and `version` bumped with F() where the model has them."""
    names = {f.name for f in model._meta.concrete_fields}
    values = dict(fields)
    if "updated_at" in names:
        values["updated_at"] = clock.now()
    if "version" in names and bump_version:
        values["version"] = F("version") + 1
    return values


def model_update_rows(rows: models.QuerySet[M], *, fields: dict[str, Any], bump_version: bool = True) -> int:
    """The one UPDATE statement for domain rows (model_update for one row, or a set of rows changed
    alike, such as the follow-ups a visit closes): stamps `updated_at` and bumps `version` with F().
    Returns how many rows it changed."""
    return rows.update(**_stamped(rows.model, fields, bump_version=bump_version))


def model_update(
    obj: M,
    *,
    fields: dict[str, Any],
    expected_version: int | None = None,
    only_if: dict[str, Any] | None = None,
    refresh: bool = True,
    bump_version: bool = True,
) -> M:
    """The one update path for domain rows: one UPDATE of `fields` that also stamps `updated_at` and
    bumps `version` with F() when the model has them (a queryset update does neither by itself).

    With `expected_version` the row is written only if its stored version is still that one, and with
    `only_if` only if those columns still hold those values: either way a miss raises ConflictError,
    so two users acting on the same record cannot both win. The object is refreshed unless told not to.
    `bump_version=False` is only for completing a row created in the same transaction (a registration
    setting its head): the row's first version is the whole registration.
    """
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if only_if:
        rows = rows.filter(**only_if)
    if model_update_rows(rows, fields=fields, bump_version=bump_version) != 1:
        raise ConflictError()
    if refresh:
        obj.refresh_from_db()
    else:
        for name, value in fields.items():
            setattr(obj, name, value)
    return obj


def model_upsert(model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool]:
    """update_or_create through the one update path: the row matching `lookup` is locked and changed by
    model_update (stamped, version bumped), or created with `values`. (row, created)."""
    manager = model._default_manager
    row = manager.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                return manager.create(**lookup, **values), True
        except IntegrityError:  # created meanwhile by a concurrent call: change that row instead
            row = manager.select_for_update().get(**lookup)
    return model_update(row, fields=values), False


def model_bulk_complete(objs: list[M], *, fields: list[str], batch_size: int = 2000) -> None:
    """Set `fields` on many rows created in this same transaction (a bulk load setting each household's
    head once its members exist): stamped, version not bumped, as model_update(bump_version=False)."""
    if not objs:
        return
    now = clock.now()
    names = {f.name for f in type(objs[0])._meta.concrete_fields}
    if "updated_at" in names:
        for obj in objs:
            obj.updated_at = now  # type: ignore[attr-defined]
        fields = [*fields, "updated_at"]
    type(objs[0])._default_manager.bulk_update(objs, fields, batch_size=batch_size)


# -- jobs -----------------------------------------------------------------------------------------


def job_create(
    *, kind: str, user: User | None, area: Any = None, params: dict[str, Any] | None = None
) -> Job:
    return Job.objects.create(kind=kind, created_by=user, area=area, params=params or {})


def job_enqueue(job: Job, task: Any) -> None:
    """Queue the task after the transaction that created the job commits (the worker must see it). The
    task's name is kept on the job, so a stalled job can be queued again."""
    Job.objects.filter(pk=job.pk).update(task=task.name)
    job.task = task.name
    transaction.on_commit(lambda: task.delay(str(job.pk)))


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    values: dict[str, Any] = {"progress_done": done, "heartbeat_at": clock.now()}
    if total is not None:
        values["progress_total"] = total
    if message:
        values["message"] = message[:300]
    Job.objects.filter(pk=job.pk).update(**values)


class _Heartbeat:
    """Refreshes the job's heartbeat from a thread of its own while the handler runs (a long chunk makes
    no progress call); a killed worker stops beating, and the job shows as stalled."""

    def __init__(self, job_id: Any) -> None:
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.wait(settings.JOB_HEARTBEAT_INTERVAL):
                Job.objects.filter(pk=self.job_id, status=JobStatusChoices.RUNNING).update(
                    heartbeat_at=clock.now()
                )
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)


def _job_claim(job_id: str) -> bool:
    """Mark the job running for this worker, unless another worker runs it (fresh heartbeat): a message
    redelivered or requeued while the first run is alive does nothing."""
    now = clock.now()
    stale = now - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(
            models.Q(status=JobStatusChoices.QUEUED)
            | models.Q(status=JobStatusChoices.RUNNING, heartbeat_at__lt=stale)
            | models.Q(status=JobStatusChoices.RUNNING, heartbeat_at__isnull=True)
        )
        .update(status=JobStatusChoices.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def _job_claim_when_free(job_id: str) -> bool:
    """Claim the job; while another worker's heartbeat is fresh, wait (up to the heartbeat timeout) for
    it to finish or fall silent: a message restored right after its worker died is not dropped."""
    deadline = time.monotonic() + settings.JOB_HEARTBEAT_TIMEOUT + 2 * settings.JOB_HEARTBEAT_INTERVAL
    while True:
        if _job_claim(job_id):
            return True
        job = Job.objects.filter(pk=job_id).first()
        if job is None or job.status != JobStatusChoices.RUNNING or time.monotonic() > deadline:
            return False
        time.sleep(min(1.0, settings.JOB_HEARTBEAT_INTERVAL))


def job_run(job_id: str, handler: Callable[[Job], dict[str, Any]]) -> Job | None:
    """Run handler(job) as the body of a task: status, attempts, heartbeat and errors are recorded on
    the job.

    A finished job is not run again, and a job another worker is running (its heartbeat is fresh) is
    left to it, so a redelivered or requeued message is harmless. The handler itself must be
    idempotent: a worker killed mid-job leaves the job RUNNING; the message is redelivered after the
    visibility timeout, or the job's creator requeues it once it shows as stalled.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished or not _job_claim_when_free(job_id):
        return Job.objects.filter(pk=job_id).first()
    job.refresh_from_db()
    from .audit import audit_context

    try:
        with _Heartbeat(job.pk), audit_context(job.created_by, job=str(job.pk)):
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
        # The job's page shows its error: a refused write's values (an ID number in a constraint's
        # DETAIL) are redacted as in the logs (core.log_filters).
        error = redact_database_detail(str(exc))[:5000]
        Job.objects.filter(pk=job.pk).update(
            status=JobStatusChoices.FAILED, error=error, finished_at=clock.now()
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


def job_can_requeue(job: Job, user: User) -> bool:
    """A stalled job may be queued again by its creator or an administrator of its area."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from .scoping import ensure_can

    if not job.is_stalled or not job.task:
        return False
    if job.created_by_id == getattr(user, "pk", None):
        return True
    try:
        ensure_can(user, "administer", area=job.area)
    except (PermissionDenied, Http404):
        return False
    return True


@transaction.atomic
def job_requeue(*, job: Job, user: User) -> Job:
    """Queue a stalled job again (its worker was killed): the handler continues where the last attempt
    stopped (it is idempotent), and a late redelivery of the old message finds it running or done."""
    from celery import current_app
    from django.core.exceptions import PermissionDenied

    locked = Job.objects.select_for_update().get(pk=job.pk)
    if not job_can_requeue(locked, user):
        raise PermissionDenied(
            _("Only a stalled job can be queued again, by its creator or an administrator.")
        )
    Job.objects.filter(pk=locked.pk).update(
        status=JobStatusChoices.QUEUED, heartbeat_at=None, message=_("Queued again")
    )
    task_name = locked.task
    transaction.on_commit(lambda: current_app.send_task(task_name, args=[str(locked.pk)]))
    locked.refresh_from_db()
    return locked


# -- notifications --------------------------------------------------------------------------------


def notification_raise(*, user: User, key: str, title: str, body: str = "", url: str = "") -> bool:
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


def notifications_mark_read(*, user: User) -> int:
    """Mark the user's unread notifications read; how many were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


# -- sensitive reads ------------------------------------------------------------------------------


def sensitive_access_log(
    *, user: AnyUser | None, what: str, obj: models.Model | None = None, detail: str = "", request: Any = None
) -> None:
    sensitive_access_log_many(user=user, what=what, records=[obj], detail=detail, request=request)


def sensitive_access_log_many(
    *,
    user: AnyUser | None,
    what: str,
    records: Iterable[models.Model | None],
    detail: str = "",
    request: Any = None,
) -> None:
    """One SensitiveAccess row per record read in full (a response that reveals many), in one
    statement; None stands for a read not tied to a record."""
    account = user if user is not None and user.is_authenticated else None
    address = client_address(request)
    SensitiveAccess.objects.bulk_create(
        [
            SensitiveAccess(
                user=account,
                username=account.get_username() if account is not None else "",
                what=what,
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk) if obj is not None else "",
                detail=detail[:300],
                ip_address=address,
            )
            for obj in records
        ]
    )


# -- attachments ----------------------------------------------------------------------------------

# Leading bytes of the formats we accept; the extension alone proves nothing.
_MAGIC = {
    "application/pdf": [b"%PDF-"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [b"PK\x03\x04"],
}


def attachment_validate(upload: UploadedFile[bytes]) -> str:
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
def attachment_capability(record: models.Model | type[models.Model]) -> str:
    """The capability that attaching a file to this record needs: its model's `write_capability`."""
    return getattr(record, "write_capability", None) or "superuser_only"


def attachment_add(
    *,
    user: User,
    record: models.Model,
    upload: UploadedFile[bytes],
    kind: str = AttachmentKindChoices.DOCUMENT,
    description: str = "",
) -> Attachment:
    from .scoping import ensure_can

    # Attaching a file changes the record: it needs the capability that governs the record (the model's
    # `write_capability`); a model that declares none takes attachments from superusers only.
    ensure_can(user, attachment_capability(record), record)
    mime = attachment_validate(upload)
    description = within_column(Attachment, "description", (description or "").strip())
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
