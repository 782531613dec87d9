"""Exit (如何退) and post-exit monitoring (防返贫监测).

Every line, threshold, period and band is data a county sets (the policy values of exits/policy.py,
the poverty line among them, and VillageStandard), never a constant in code. Sign-offs are an insert-only ledger: a database trigger
refuses updates and deletes, so who signed which step, in which role and when cannot be rewritten.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY, PERCENT
from core.procedures.models import NoticeObjectionBase, SignoffBase
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import (
    EXIT_FINAL_STATES,
    MONITORING_FINAL_STATES,
    AreaExitStateChoices,
    CampaignStateChoices,
    CheckTaskStateChoices,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
    RiskChoices,
)

COUNTY: dict[str, str] = {"level": "county"}


def default_class_bands() -> list[dict]:  # named by migration 0001; the default is exits.policy's
    """Guizhou's village classes by incidence (seed 004): class 1 at or above 37.5%, class 2 from 31%
    to below 37.5%, class 3 from 27% to below 31%."""
    return [
        {"class": 1, "min": "37.5", "max": None},
        {"class": 2, "min": "31", "max": "37.5"},
        {"class": 3, "min": "27", "max": "31"},
    ]


# -- household exit ---------------------------------------------------------------------------------


@pghistory.track()
class ExitFlag(models.Model):
    """The screening job's verdict for one household and year; recomputed in place (idempotent)."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="exit_flags",
        verbose_name=_("household"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    eligible = models.BooleanField(_("exit-eligible"))
    failing = ArrayField(models.CharField(max_length=20), verbose_name=_("failing conditions"), default=list)
    proposed = models.BooleanField(_("exit proposed"))
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household__village__code", "household__number"]
        verbose_name = _("exit flag")
        verbose_name_plural = _("exit flags")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="exit_flag_once_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.eligible}"


@pghistory.track()
class ExitProcedure(TimeStampedModel, VersionedModel):
    """A household's exit procedure (贫困户退出): proposal, village verification, democratic review,
    signed consent, public notice, township review, county approval. Its state moves only through
    exits.services.exit_procedure_sign, which follows EXIT_TRANSITIONS and writes an ExitSignoff."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="exit_procedures",
    )
    year = models.PositiveSmallIntegerField(_("exit year"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ExitProcedureStateChoices.choices,
        default=ExitProcedureStateChoices.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    notice_started_on = models.DateField(_("public notice started on"), null=True, blank=True)
    sent_back_reason = models.TextField(_("reason sent back"), blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.PROPOSE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-id"]
        verbose_name = _("exit procedure")
        verbose_name_plural = _("exit procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(state__in=EXIT_FINAL_STATES),
                name="exit_procedure_one_open_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("exits:procedure", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in EXIT_FINAL_STATES


@pghistory.track()
class ExitSignoff(SignoffBase):
    """Insert-only: one row per signed step of an exit procedure (分级签字确认)."""

    procedure = models.ForeignKey(
        ExitProcedure, on_delete=models.PROTECT, related_name="signoffs", verbose_name=_("procedure")
    )
    step = models.CharField(_("step"), max_length=20, choices=ExitStepChoices.choices)
    from_state = models.CharField(
        max_length=20, choices=ExitProcedureStateChoices.choices, blank=True, verbose_name=_("from state")
    )
    to_state = models.CharField(
        max_length=20, choices=ExitProcedureStateChoices.choices, verbose_name=_("to state")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "procedure__household__village"

    class Meta:
        ordering = ["procedure", "signed_at", "id"]
        verbose_name = _("exit sign-off")
        verbose_name_plural = _("exit sign-offs")
        triggers = [
            pgtrigger.Protect(name="exit_signoff_insert_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"#{self.procedure_id} · {self.get_step_display()}"


@pghistory.track()
class ExitObjection(NoticeObjectionBase):
    """An objection raised during the village public notice, and the township's decision on it."""

    procedure = models.ForeignKey(
        ExitProcedure, on_delete=models.PROTECT, related_name="objections", verbose_name=_("procedure")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "procedure__household__village"

    class Meta:
        ordering = ["procedure", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.status}"


# -- village and county exit ------------------------------------------------------------------------


@pghistory.track()
class VillageStandard(TimeStampedModel, VersionedModel):
    """One of a county's village exit standards (seed 001: Jincheng checks 13)."""

    county = models.ForeignKey(
        "areas.Area",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="village_standards",
        limit_choices_to=COUNTY,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("standard"), max_length=200)
    active = models.BooleanField(pgettext_lazy("standard", "active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "county"

    class Meta:
        ordering = ["county__code", "position", "id"]
        verbose_name = _("village exit standard")
        verbose_name_plural = _("village exit standards")

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class VillageExit(TimeStampedModel, VersionedModel):
    """A poor village's exit for a year: the incidence at proposal and at decision, and the standards."""

    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="exits",
        limit_choices_to={"level": "village"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=12, choices=AreaExitStateChoices.choices, default=AreaExitStateChoices.PROPOSED
    )
    poor_people = models.PositiveIntegerField(_("poor people"))
    population = models.PositiveIntegerField(_("rural population"))
    incidence = models.DecimalField(_("incidence (%)"), null=True, **PERCENT)
    threshold = models.DecimalField(_("threshold (%)"), **PERCENT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"
    write_capability = Capability.PROPOSE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["village__code", "-year"]
        verbose_name = _("village exit")
        verbose_name_plural = _("village exits")
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_exit_once_per_year")]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("exits:village-exit", args=[self.pk])


@pghistory.track()
class VillageStandardCheck(models.Model):
    """Whether a village met one standard, as checked for its exit."""

    village_exit = models.ForeignKey(
        VillageExit, on_delete=models.CASCADE, related_name="checks", verbose_name=_("village exit")
    )
    standard = models.ForeignKey(
        VillageStandard, on_delete=models.PROTECT, related_name="+", verbose_name=_("standard")
    )
    met = models.BooleanField(_("met"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "village_exit__village"

    class Meta:
        ordering = ["village_exit", "standard__position"]
        verbose_name = _("standard check")
        verbose_name_plural = _("standard checks")
        constraints = [
            models.UniqueConstraint(fields=["village_exit", "standard"], name="standard_checked_once")
        ]

    def __str__(self) -> str:
        met = _("met") if self.met else _("not met")
        return f"{self.standard} · {met}"


@pghistory.track()
class CountyExit(TimeStampedModel, VersionedModel):
    """A county's exit (摘帽): incidence below the threshold, the province's check and the third-party
    assessment, recorded with the figures they reported."""

    county = models.ForeignKey(
        "areas.Area",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="county_exits",
        limit_choices_to=COUNTY,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=12, choices=AreaExitStateChoices.choices, default=AreaExitStateChoices.PROPOSED
    )
    poor_people = models.PositiveIntegerField(_("poor people"))
    population = models.PositiveIntegerField(_("rural population"))
    incidence = models.DecimalField(_("incidence (%)"), null=True, **PERCENT)
    threshold = models.DecimalField(_("threshold (%)"), **PERCENT)
    province_check_passed = models.BooleanField(_("province check passed"), null=True)
    province_check_on = models.DateField(_("province check date"), null=True, blank=True)
    province_check_note = models.TextField(_("province check note"), blank=True)
    assessor = models.CharField(_("third-party assessor"), max_length=200, blank=True)
    assessment_on = models.DateField(_("assessment date"), null=True, blank=True)
    assessment_passed = models.BooleanField(_("third-party assessment passed"), null=True)
    wrong_exit_rate = models.DecimalField(_("wrong exit rate (%)"), null=True, blank=True, **PERCENT)
    missed_rate = models.DecimalField(_("left-out rate (%)"), null=True, blank=True, **PERCENT)
    satisfaction_rate = models.DecimalField(_("public approval (%)"), null=True, blank=True, **PERCENT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "county"
    write_capability = Capability.APPROVE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["county__code", "-year"]
        verbose_name = _("county exit")
        verbose_name_plural = _("county exits")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="county_exit_once_per_year")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"


# -- monitoring (防返贫) ------------------------------------------------------------------------------


@pghistory.track()
class MonitoringCase(TimeStampedModel, VersionedModel):
    """A household taken up as a monitoring object: how it came in, its risks, the procedure towards
    the county's decision (within the deadline), assistance, and risk removal after a stable period."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    category = models.CharField(_("category"), max_length=20, choices=MonitoringCategoryChoices.choices)
    source = models.CharField(_("source"), max_length=20, choices=MonitoringSourceChoices.choices)
    risks = ArrayField(
        models.CharField(max_length=20, choices=RiskChoices.choices), verbose_name=_("risks"), default=list
    )
    description = models.TextField(_("situation"), blank=True)
    essential_spending = models.DecimalField(
        _("essential spending this year"), null=True, blank=True, **MONEY
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=MonitoringStateChoices.choices,
        default=MonitoringStateChoices.REPORTED,
        db_index=True,
    )
    reported_on = models.DateField(_("reported on"))
    decision_due = models.DateField(_("decision due"))
    notice_started_on = models.DateField(_("notice started on"), null=True, blank=True)
    included_on = models.DateField(_("included on"), null=True, blank=True)
    removed_on = models.DateField(_("risk removed on"), null=True, blank=True)
    status_before = models.CharField(_("household status before"), max_length=20, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("monitoring object")
        verbose_name_plural = _("monitoring objects")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(state__in=MONITORING_FINAL_STATES),
                name="monitoring_one_open_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_category_display()}"

    @classmethod
    def history_display(cls, field_name: str, value: object) -> str | None:
        """The household's status before the case, named as the household page names statuses."""
        if field_name != "status_before":
            return None
        from households.choices import HouseholdStatusChoices

        return str(dict(HouseholdStatusChoices.choices).get(str(value), value))

    def get_absolute_url(self) -> str:
        return reverse("exits:monitoring-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in MONITORING_FINAL_STATES

    @property
    def risk_labels(self) -> list[str]:
        return [str(RiskChoices(r).label) for r in self.risks if r in RiskChoices.values]


@pghistory.track()
class MonitoringSignoff(SignoffBase):
    """Insert-only: one row per signed step of a monitoring case."""

    case = models.ForeignKey(
        MonitoringCase, on_delete=models.PROTECT, related_name="signoffs", verbose_name=_("case")
    )
    step = models.CharField(_("step"), max_length=20, choices=MonitoringStepChoices.choices)
    from_state = models.CharField(
        max_length=20, choices=MonitoringStateChoices.choices, blank=True, verbose_name=_("from state")
    )
    to_state = models.CharField(
        max_length=20, choices=MonitoringStateChoices.choices, verbose_name=_("to state")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "case__household__village"

    class Meta:
        ordering = ["case", "signed_at", "id"]
        verbose_name = _("monitoring sign-off")
        verbose_name_plural = _("monitoring sign-offs")
        triggers = [
            pgtrigger.Protect(
                name="monitoring_signoff_insert_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"#{self.case_id} · {self.get_step_display()}"


@pghistory.track()
class MonitoringAssistance(TimeStampedModel):
    """An assistance measure taken for a monitoring object (帮扶措施)."""

    case = models.ForeignKey(
        MonitoringCase, on_delete=models.CASCADE, related_name="assistance", verbose_name=_("case")
    )
    measure = models.CharField(_("measure"), max_length=200)
    started_on = models.DateField(_("started on"))
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "case__household__village"

    class Meta:
        ordering = ["case", "started_on", "id"]
        verbose_name = _("monitoring assistance")
        verbose_name_plural = _("monitoring assistance")

    def __str__(self) -> str:
        return self.measure


# -- re-verification (回头看) -------------------------------------------------------------------------


@pghistory.track()
class Campaign(TimeStampedModel, VersionedModel):
    """A re-verification campaign (回头看) over an area: one check task per household in scope."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=12, choices=CampaignStateChoices.choices, default=CampaignStateChoices.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    task_count = models.PositiveIntegerField(_("tasks"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("re-verification campaign")
        verbose_name_plural = _("re-verification campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")), name="campaign_due_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exits:campaign", args=[self.pk])


@pghistory.track()
class CheckTask(TimeStampedModel, VersionedModel):
    """Revisit one household for a campaign: confirm the record or note the problem found."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("campaign")
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="check_tasks",
        verbose_name=_("household"),
    )
    cadre = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CheckTaskStateChoices.choices,
        default=CheckTaskStateChoices.PENDING,
    )
    findings = models.TextField(_("findings"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["campaign", "household__village__code", "household__number"]
        verbose_name = _("check task")
        verbose_name_plural = _("check tasks")
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="check_task_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.household_id}"
