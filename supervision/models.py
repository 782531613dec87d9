"""Supervision (督导): inspections and their problem lists, the rectification ledger (整改台账) with
follow-ups and closure on evidence, and complaints from the public."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.models import TimeStampedModel, VersionedModel
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import (
    ComplaintChannelChoices,
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemCategoryChoices,
    ProblemStatusChoices,
)


@pghistory.track()
class Inspection(TimeStampedModel, VersionedModel):
    """A supervision visit (督导检查) to an area; what it finds becomes its problem list."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area inspected"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.SUPERVISE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection", args=[self.pk])


@pghistory.track()
class Problem(TimeStampedModel, VersionedModel):
    """One problem in a problem list (问题清单) and its line in the rectification ledger: who must fix
    it, by when, what was done, and the evidence it was closed on."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("problem category"), max_length=20, choices=ProblemCategoryChoices.choices)
    description = models.TextField(_("problem description"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=120)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="supervision_problems",
    )
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatusChoices.choices, default=ProblemStatusChoices.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closure_note = models.TextField(_("how it was rectified"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.SUPERVISE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="problem_closed_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("supervision:problem", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status != ProblemStatusChoices.CLOSED and self.deadline < clock.today()


class ProblemFollowUp(models.Model):
    """Insert-only: what was done on a problem and when (整改进展)."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("problem")
    )
    note = models.TextField(_("progress made"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("progress recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "problem__area"

    class Meta:
        ordering = ["problem", "recorded_at", "id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")

    def __str__(self) -> str:
        return self.note[:60]


@pghistory.track()
class Complaint(TimeStampedModel, VersionedModel):
    """A complaint from the public: received, assigned, answered within its deadline; when upheld it
    counts in the left-out, wrong-inclusion and wrong-exit rates and may open a problem."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKindChoices.choices)
    channel = models.CharField(
        _("channel"),
        max_length=12,
        choices=ComplaintChannelChoices.choices,
        default=ComplaintChannelChoices.HOTLINE,
    )
    complainant = models.CharField(_("complainant"), max_length=60, blank=True)
    contact = models.CharField(_("contact"), max_length=40, blank=True)
    content = models.TextField(pgettext_lazy("complaint", "content"))
    received_on = models.DateField(_("date received"))
    answer_deadline = models.DateField(_("answer deadline"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ComplaintStatusChoices.choices,
        default=ComplaintStatusChoices.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_complaints",
    )
    answer = models.TextField(_("answer"), blank=True)
    finding = models.CharField(
        _("finding"), max_length=12, choices=ComplaintFindingChoices.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    problem = models.OneToOneField(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaint",
        verbose_name=_("problem"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.SUPERVISE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["kind", "finding"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.content[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:complaint", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status != ComplaintStatusChoices.ANSWERED and self.answer_deadline < clock.today()
