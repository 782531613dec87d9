"""Who helps and how (谁来扶、怎么扶): work teams, responsible cadres and their pairings with
households, visits and follow-ups, household and village plans, and the measures that reach each
household."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PairingEndReasonChoices,
    PlanStatusChoices,
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)

# -- who helps ------------------------------------------------------------------------------------


@pghistory.track()
class Cadre(TimeStampedModel, VersionedModel):
    """A person sent to help (帮扶责任人, or a member of a village work team). `area` is where their
    assistance work is registered (a township or a village): it decides who sees the record."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    unit = models.CharField(_("work unit"), max_length=120)
    position = models.CharField(pgettext_lazy("job title", "position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_profile",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area of work"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("in post"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("responsible cadre")
        verbose_name_plural = _("responsible cadres")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def get_absolute_url(self) -> str:
        return reverse("assistance:cadre", args=[self.pk])


@pghistory.track()
class WorkTeam(TimeStampedModel, VersionedModel):
    """A village work team (驻村工作队) for one term. Rotation (压茬轮换) ends this team and starts its
    successor, which points back through `predecessor`: the chain is the village's whole history."""

    name = models.CharField(_("name"), max_length=120)
    sending_unit = models.CharField(_("sending unit"), max_length=120)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The village served, or the township when the team serves several villages."),
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WorkTeamStatusChoices.choices,
        default=WorkTeamStatusChoices.ACTIVE,
        db_index=True,
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("previous team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    handover_notes = models.TextField(_("handover notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-term_start", "-id"]
        verbose_name = _("work team")
        verbose_name_plural = _("work teams")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="work_team_term_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assistance:team", args=[self.pk])


@pghistory.track()
class TeamVillage(models.Model):
    """A village a team is stationed in, from `start` until `end`. At most one team is stationed in a
    village at a time; a rotation closes these rows and opens the successor's."""

    team = models.ForeignKey(
        WorkTeam, on_delete=models.CASCADE, related_name="village_links", verbose_name=_("team")
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"

    class Meta:
        ordering = ["village__code", "-start"]
        verbose_name = _("stationed village")
        verbose_name_plural = _("stationed villages")
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=models.Q(end__isnull=True), name="one_team_per_village"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}@{self.village_id}"


@pghistory.track()
class TeamMembership(models.Model):
    """A cadre's place in a work team; one first secretary per team."""

    team = models.ForeignKey(
        WorkTeam, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="teams")
    role = models.CharField(
        _("role in team"),
        max_length=20,
        choices=TeamMemberRoleChoices.choices,
        default=TeamMemberRoleChoices.MEMBER,
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "team__area"

    class Meta:
        ordering = ["team", "role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "cadre"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(role=TeamMemberRoleChoices.FIRST_SECRETARY),
                name="one_first_secretary_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} in {self.team_id}"


@pghistory.track()
class CadrePairing(models.Model):
    """One cadre helping one household (结对帮扶) from `start` until `end`. The database holds at most
    one open pairing per household; reassignment closes the old row, so history is kept."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="cadre_pairings",
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="pairings"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason ended"), max_length=24, choices=PairingEndReasonChoices.choices, blank=True
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "-start", "-id"]
        verbose_name = _("cadre pairing")
        verbose_name_plural = _("cadre pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end__isnull=True),
                name="one_active_cadre_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cadre_pairing_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} ↔ {self.household_id}"

    @property
    def is_active(self) -> bool:
        return self.end is None


# -- visits ---------------------------------------------------------------------------------------


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
