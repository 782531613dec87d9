"""Field work without a signal: the phones that carry a working copy, the records they send, and the
photos they upload in pieces."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ConflictChoices, SyncKindChoices, SyncStatusChoices


@pghistory.track(exclude=["last_seen_at"])
class FieldDevice(models.Model):
    """A phone (one installation of the offline app) a field user registered. The county administrator
    can revoke it when it is lost: its session is ended and its next sync refused."""

    id = models.UUIDField(_("device"), primary_key=True, editable=False)  # made by the phone
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="field_devices",
    )
    label = models.CharField(_("device"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    # The session the phone signs in with (updated on each call), ended when the device is revoked.
    session_key = models.CharField(max_length=40, blank=True, verbose_name=_("sign-in session"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["user", "-registered_at"]
        verbose_name = _("field device")
        verbose_name_plural = _("field devices")

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


@pghistory.track()
class SyncRecord(models.Model):
    """One record made on a phone (a visit, a follow-up closed, a check), by the UUID the phone gave it.
    The UUID is unique: sending it again returns the first answer and writes nothing twice. The phone's
    time is kept as a claim (`claimed_at`) beside the time the server received it."""

    uuid = models.UUIDField(_("record"), primary_key=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    device = models.ForeignKey(
        FieldDevice, null=True, on_delete=models.SET_NULL, related_name="records", verbose_name=_("device")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKindChoices.choices)
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("household"),
    )
    claimed_at = models.DateTimeField(_("made on the phone at (claimed)"))
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=12, choices=SyncStatusChoices.choices)
    conflict = models.CharField(_("conflict"), max_length=20, choices=ConflictChoices.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    errors = models.JSONField(default=dict, blank=True, verbose_name=_("errors"))
    attempts = models.PositiveSmallIntegerField(default=1, verbose_name=_("attempts"))
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    result = models.JSONField(
        default=dict, blank=True, verbose_name=_("result")
    )  # what the phone needs back (new ids)
    visit = models.ForeignKey(
        "assistance.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("visit"),
    )
    follow_up = models.ForeignKey(
        "assistance.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow up"),
    )
    check_task = models.ForeignKey(
        "exits.CheckTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("check task"),
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("synced record")
        verbose_name_plural = _("synced records")
        indexes = [models.Index(fields=["user", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"


class PhotoUpload(models.Model):
    """A photo sent in pieces, so a dropped connection resumes where it stopped. The pieces live in the
    database (any web process can take the next one); the visit that names the photo turns them into
    an attachment through the visit service, and they are deleted."""

    uuid = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    device = models.ForeignKey(
        FieldDevice, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("device")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    received = models.PositiveIntegerField(default=0, verbose_name=_("received"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    visit = models.ForeignKey(
        "assistance.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("visit"),
    )

    class Meta:
        verbose_name = _("photo upload")
        verbose_name_plural = _("photo uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("size")), name="photo_received_le_size"
            )
        ]

    def __str__(self) -> str:
        return f"{self.uuid} {self.received}/{self.size}"

    @property
    def complete(self) -> bool:
        return self.received == self.size


class PhotoChunk(models.Model):
    upload = models.ForeignKey(
        PhotoUpload, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("upload")
    )
    offset = models.PositiveIntegerField(verbose_name=_("offset"))
    data = models.BinaryField()

    class Meta:
        ordering = ["upload", "offset"]
        verbose_name = _("photo piece")
        verbose_name_plural = _("photo pieces")
        constraints = [models.UniqueConstraint(fields=["upload", "offset"], name="photo_chunk_once")]

    def __str__(self) -> str:
        return f"{self.upload_id}@{self.offset}"
