"""How they help (怎么扶): visits and their follow-ups, household and village plans, and the measures
that reach each household."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assistance.choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PlanStatusChoices,
)
from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .teams import Cadre, WorkTeam


@pghistory.track()
class Visit(models.Model):
    """A visit to a household (入户走访): a log entry, never edited afterwards. It records what was
    found and needed, so the log shows needs met rather than calls made."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("date of visit"), db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="assistance_visits",
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    team = models.ForeignKey(
        WorkTeam,
        verbose_name=_("work team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    findings = models.TextField(_("what was found"))
    needs = models.TextField(_("household's needs"), blank=True)
    # When the server received it; `captured_at` is when a phone says it was recorded (offline app):
    # a claim, kept beside the received time, never trusted for the rules.
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    captured_at = models.DateTimeField(_("recorded on the phone at (claimed)"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.LOG_VISIT  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["household", "-visited_on"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:visit", args=[self.pk])


@pghistory.track()
class FollowUp(TimeStampedModel, VersionedModel):
    """Something promised to a household during a visit, with a due date, and whether it was done."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("promised at visit"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("what was promised"), max_length=300)
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatusChoices.choices,
        default=FollowUpStatusChoices.OPEN,
        db_index=True,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_visit = models.ForeignKey(
        Visit,
        verbose_name=_("confirmed at visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups_closed",
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=FollowUpStatusChoices.DONE) | models.Q(done_on__isnull=False),
                name="follow_up_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description


# -- plans and measures ---------------------------------------------------------------------------


@pghistory.track()
class AssistancePlan(TimeStampedModel, VersionedModel):
    """A household's assistance plan for a year (户帮扶计划): goals and the measures under it."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="assistance_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2014)])
    goals = models.TextField(_("goals"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["household", "-year"]
        verbose_name = _("household assistance plan")
        verbose_name_plural = _("household assistance plans")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="assistance_plan_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


@pghistory.track()
class Measure(TimeStampedModel, VersionedModel):
    """One assistance measure for a household or one of its members, in one of the five batches
    (五个一批). `amount` is what is paid in yuan, empty where no money is paid; the funds app links the
    fund project that pays for it and records the payments."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="measures"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    plan = models.ForeignKey(
        AssistancePlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    category = models.CharField(
        _("five-batches category"), max_length=20, choices=MeasureCategoryChoices.choices
    )
    kind = models.CharField(_("kind of measure"), max_length=24, choices=MeasureKindChoices.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MeasureStatusChoices.choices,
        default=MeasureStatusChoices.PLANNED,
        db_index=True,
    )
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["household", "-start_date", "-id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [models.Index(fields=["category", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="measure_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="measure_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.household_id}"


@pghistory.track()
class VillagePlan(TimeStampedModel, VersionedModel):
    """A poor village's plan for a year (村级脱贫计划), usually drawn up by its first secretary."""

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2014)])
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"))
    projects = models.TextField(_("planned projects"), blank=True)
    team = models.ForeignKey(
        WorkTeam,
        verbose_name=_("work team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["village__code", "-year"]
        verbose_name = _("village plan")
        verbose_name_plural = _("village plans")
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_plan_once_per_year")]

    def __str__(self) -> str:
        return self.title
