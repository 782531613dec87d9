"""Incidence snapshots: the dated, frozen figures every dashboard reads.

A snapshot belongs to one county and one as-of date; its figures are one row per village, township and
the county itself, written by one set-based SQL statement for a chunk of counties (dashboards.incidence).
Levels above the county are the sum of their counties' rows for the same date, added up on read.
Once complete a snapshot is frozen: later registry changes do not touch it, and it is only recomputed
on purpose, with the reason and the figures before and after kept in IncidenceRecompute.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY, ZERO
from core.scoping import ScopedQuerySet

from .choices import SnapshotStatusChoices


@pghistory.track()
class IncidenceSnapshot(models.Model):
    """The figures of one county as of one date."""

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("county"), on_delete=models.PROTECT, related_name="incidence_snapshots"
    )
    as_of = models.DateField(_("as of"))
    population_year = models.PositiveSmallIntegerField(_("population year"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SnapshotStatusChoices.choices,
        default=SnapshotStatusChoices.COMPUTING,
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("computed by"),
    )
    recompute_count = models.PositiveSmallIntegerField(_("times recomputed"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path = "county"

    class Meta:
        ordering = ["-as_of", "county__code"]
        verbose_name = _("incidence snapshot")
        verbose_name_plural = _("incidence snapshots")
        constraints = [
            models.UniqueConstraint(fields=["county", "as_of"], name="incidence_snapshot_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.as_of}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:snapshot", args=[self.pk])


@pghistory.track()
class IncidenceFigure(models.Model):
    """One area's figures in a snapshot: people and households by registry status, and incidence."""

    snapshot = models.ForeignKey(
        IncidenceSnapshot, on_delete=models.CASCADE, related_name="figures", verbose_name=_("snapshot")
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=12, choices=AreaLevelChoices.choices)
    as_of = models.DateField(_("as of"))  # copied from the snapshot so trends need no join
    population = models.PositiveIntegerField(_("rural registered population"), default=0)
    villages = models.PositiveIntegerField(_("villages"), default=0)
    villages_without_population = models.PositiveIntegerField(_("villages without population"), default=0)
    poor_people = models.PositiveIntegerField(_("poor people"), default=0)
    poor_households = models.PositiveIntegerField(_("poor households"), default=0)
    exited_people = models.PositiveIntegerField(_("exited people"), default=0)
    exited_households = models.PositiveIntegerField(_("exited households"), default=0)
    returned_people = models.PositiveIntegerField(_("returned people"), default=0)
    returned_households = models.PositiveIntegerField(_("returned households"), default=0)
    monitored_people = models.PositiveIntegerField(_("monitored people"), default=0)
    monitored_households = models.PositiveIntegerField(_("monitored households"), default=0)
    # Percent with two decimals; null when the population is unknown or zero (never a division by zero).
    incidence = models.DecimalField(_("incidence (%)"), max_digits=7, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area__code"]
        verbose_name = _("incidence figure")
        verbose_name_plural = _("incidence figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "area"], name="incidence_figure_once")]
        indexes = [
            models.Index(fields=["area", "as_of"]),
            models.Index(fields=["snapshot", "parent"]),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.as_of}: {self.incidence}"


class IncidenceRecompute(models.Model):
    """Insert-only ledger of deliberate recomputations of a frozen snapshot: who, why, before, after."""

    snapshot = models.ForeignKey(
        IncidenceSnapshot, on_delete=models.CASCADE, related_name="recomputes", verbose_name=_("snapshot")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)
    before = models.JSONField(_("figures before"), default=dict)
    after = models.JSONField(_("figures after"), null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "snapshot__county"

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("snapshot recomputation")
        verbose_name_plural = _("snapshot recomputations")

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.reason}"


@pghistory.track()
class ExitTarget(TimeStampedModel, VersionedModel):
    """The number of people (and households) an area plans to lift out of poverty in a year (年度减贫
    任务), against which the dashboards show exit progress."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    people = models.PositiveIntegerField(_("people to exit"))
    households = models.PositiveIntegerField(_("households to exit"), default=0)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["-year", "area__code"]
        verbose_name = _("exit target")
        verbose_name_plural = _("exit targets")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="exit_target_once_per_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.people}"


@pghistory.track()
class SectionSnapshot(models.Model):
    """One county's dashboard sections (assistance coverage, complaint rates, monitoring objects by
    risk, the rectification ledger, fund execution) as of one day, written by the snapshot job
    (dashboards.snapshots.compute) each time it runs for the county, dated the county's day: these figures are the registry's state on that day (the
    assistance records keep no history to replay a past date from), so a rerun the same day replaces
    them. A dashboard reads a few rows per area from here instead of counting the area's households."""

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    visit_days = models.PositiveSmallIntegerField(_("visit window (days)"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "county"

    class Meta:
        ordering = ["-as_of", "county__code"]
        verbose_name = _("dashboard sections snapshot")
        verbose_name_plural = _("dashboard sections snapshots")
        constraints = [
            models.UniqueConstraint(fields=["county", "as_of"], name="section_snapshot_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.as_of}"


@pghistory.track()
class SectionFigure(models.Model):
    """One area's section figures in a sections snapshot: one row per village, township and the
    county; a village row names the work team stationed there on the day."""

    snapshot = models.ForeignKey(
        SectionSnapshot, on_delete=models.CASCADE, related_name="figures", verbose_name=_("snapshot")
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=12, choices=AreaLevelChoices.choices)
    as_of = models.DateField(_("as of"))
    team = models.ForeignKey(
        "assistance.WorkTeam",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    # assistance coverage (assistance.selectors.coverage_for_area, computed set-based)
    assisted_households = models.PositiveIntegerField(default=0, verbose_name=_("assisted households"))
    without_cadre = models.PositiveIntegerField(default=0, verbose_name=_("without cadre"))
    without_plan = models.PositiveIntegerField(default=0, verbose_name=_("without plan"))
    not_visited = models.PositiveIntegerField(default=0, verbose_name=_("not visited"))
    overdue_follow_ups = models.PositiveIntegerField(default=0, verbose_name=_("overdue follow ups"))
    households_with_overdue = models.PositiveIntegerField(
        default=0, verbose_name=_("households with overdue")
    )
    # complaint rates (supervision.selectors.complaint_rates)
    registered_households = models.PositiveIntegerField(default=0, verbose_name=_("registered households"))
    exited_households = models.PositiveIntegerField(default=0, verbose_name=_("exited households"))
    wrong_inclusion = models.PositiveIntegerField(default=0, verbose_name=_("wrong inclusion"))
    wrong_exit = models.PositiveIntegerField(default=0, verbose_name=_("wrong exit"))
    left_out = models.PositiveIntegerField(default=0, verbose_name=_("left out"))
    complaints = models.PositiveIntegerField(default=0, verbose_name=_("complaints"))
    unanswered = models.PositiveIntegerField(default=0, verbose_name=_("unanswered"))
    answered_late = models.PositiveIntegerField(default=0, verbose_name=_("answered late"))
    # monitoring objects (cases included in monitoring) and how many name each risk
    monitored_cases = models.PositiveIntegerField(default=0, verbose_name=_("monitored cases"))
    risks = models.JSONField(default=dict, verbose_name=_("risks"))
    # the rectification ledger (supervision.selectors.ledger_summary): problems filed at the area or
    # under it, on the snapshot's day
    problems = models.PositiveIntegerField(default=0, verbose_name=_("problems"))
    problems_open = models.PositiveIntegerField(default=0, verbose_name=_("problems not closed"))
    problems_closed = models.PositiveIntegerField(default=0, verbose_name=_("problems closed"))
    problems_overdue = models.PositiveIntegerField(default=0, verbose_name=_("problems past deadline"))
    problems_closed_on_time = models.PositiveIntegerField(
        default=0, verbose_name=_("problems closed on time")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area__code"]
        verbose_name = _("dashboard section figure")
        verbose_name_plural = _("dashboard section figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "area"], name="section_figure_once")]
        indexes = [models.Index(fields=["area", "as_of"]), models.Index(fields=["snapshot", "parent"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.as_of}"


@pghistory.track()
class SectionFund(models.Model):
    """Fund execution of one area in a sections snapshot, per fund source, for the year of the
    snapshot's day (funds.selectors.execution_report by source): allocated is what came down to the
    counties under the area that year, paid what was paid from those allocations on projects under the
    area (net of reversals). One row per area and source that has either."""

    snapshot = models.ForeignKey(
        SectionSnapshot, on_delete=models.CASCADE, related_name="funds", verbose_name=_("snapshot")
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(
        "funds.FundSource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fund source"),
    )
    source_name = models.CharField(_("fund source"), max_length=200)  # as named on the day
    allocated = models.DecimalField(_("allocated (yuan)"), default=ZERO, **MONEY)
    paid = models.DecimalField(_("paid (yuan)"), default=ZERO, **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area__code", "source_name"]
        verbose_name = _("dashboard fund figure")
        verbose_name_plural = _("dashboard fund figures")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "area", "source"], name="section_fund_once")
        ]
        indexes = [models.Index(fields=["area", "as_of"])]

    def __str__(self) -> str:
        return f"{self.area_id} {self.as_of} {self.source_name}"
