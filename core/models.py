from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AttachmentKindChoices, JobStatusChoices
from .numbers import progress_percent
from .scoping import ScopedQuerySet

if TYPE_CHECKING:
    from core.users import User


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic concurrency: a write names the version it read; a stale version is a conflict the
    user sees (core.services.model_update), never a silent overwrite."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class JobQuerySet(ScopedQuerySet["Job"]):
    def readable_by(self, user: User) -> JobQuerySet:
        """The jobs `user` may read: in their scope, and started by them or of a kind their role
        supervises (core.job_kinds, `supervised_by`). A job's errors and result hold the rows it read,
        personal data included, so being in the same area is not enough."""
        from .job_kinds import kinds_supervised_by

        qs = self.visible_to(user)
        if getattr(user, "is_superuser", False):
            return qs
        if not getattr(user, "is_authenticated", False):
            return qs.none()
        return qs.filter(models.Q(created_by=user) | models.Q(kind__in=kinds_supervised_by(user)))


class Job(models.Model):
    """A long-running piece of work (import, county-wide computation) and its visible progress.

    The Celery task is only the carrier: state lives here, so a page can show progress, a retried
    task can see how far the last attempt got, and nothing depends on a result backend.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatusChoices.choices, default=JobStatusChoices.QUEUED
    )
    area = models.ForeignKey(
        settings.AREA_MODEL,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0, verbose_name=_("progress done"))
    progress_total = models.PositiveIntegerField(default=0, verbose_name=_("progress total"))
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    task = models.CharField(_("task"), max_length=100, blank=True)  # the Celery task that runs it (requeue)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("heartbeat at")
    )  # refreshed while a worker runs it
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    objects = JobQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        from .job_kinds import job_title

        return f"{job_title(self)} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == JobStatusChoices.SUCCEEDED:
            return 100
        return progress_percent(self.progress_done, self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatusChoices.SUCCEEDED, JobStatusChoices.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Running, but no worker has shown a heartbeat for JOB_HEARTBEAT_TIMEOUT seconds (a killed
        worker): the page says so and the creator or an administrator may requeue it."""
        from core import clock

        if self.status != JobStatusChoices.RUNNING:
            return False
        beat = self.heartbeat_at or self.started_at
        return beat is None or (clock.now() - beat).total_seconds() > settings.JOB_HEARTBEAT_TIMEOUT


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # The stored name never uses the uploaded name: it may hold personal data or path tricks.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.content_type_id}/{uuid.uuid4().hex}.{ext}"


@pghistory.track()
class Attachment(models.Model):
    """A file attached to any record (signed form scan, visit photo, evidence). Served only through
    core.views.attachment_download, which checks the record is in the user's scope."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(max_length=64, verbose_name=_("record number"))
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=AttachmentKindChoices.choices,
        default=AttachmentKindChoices.DOCUMENT,
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(max_length=100, verbose_name=_("mime type"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, verbose_name=_("sha256"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name


class SensitiveAccess(models.Model):
    """Append-only log of reads of personal data in full (core.masking): who, what, which record, from
    where. The database refuses to change or delete a row (trigger `append_only`); the username is
    kept on the row, and a user with rows here cannot be deleted (they are deactivated instead)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True, default="")
    what = models.CharField(max_length=60, verbose_name=_("what"))
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.SET_NULL, verbose_name=_("record type")
    )
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("record number"))
    detail = models.CharField(max_length=300, blank=True, verbose_name=_("detail"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("ip address"))
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app reminder for one user. `key` makes raising the same reminder twice a no-op, so the
    beat jobs that raise them can rerun safely."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    key = models.CharField(max_length=200, verbose_name=_("key"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(max_length=300, blank=True, verbose_name=_("url"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]

    def __str__(self) -> str:
        return self.title
