"""Money (资金使用精准): fund sources, allocations coming down to a county, the county project
library, the money assigned from allocations to projects, payments, public notices and the declared
figures that reports are reconciled against.

Amounts are yuan in DecimalField(14, 2). The ledger is insert-only: a payment is corrected by a
reversal entry, never edited or deleted (a database trigger refuses both). The totals that must always
hold (assigned ≤ allocation, allocated ≤ budget, paid ≤ allocated) are maintained by database triggers
from the funding lines and ledger entries themselves and guarded by check constraints, so no
concurrent request, bulk load or raw SQL can overspend even if a service were bypassed.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY, ZERO
from core.numbers import percent
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import (
    DisbursementKindChoices,
    FundKindChoices,
    FundLevelChoices,
    NoticeKindChoices,
    NoticeStateChoices,
    ProjectStatusChoices,
    UseListChoices,
)

# -- sources and allocations -----------------------------------------------------------------------


@pghistory.track()
class FundSource(TimeStampedModel, VersionedModel):
    """Where money comes from: a level of government and a kind of fund, as a county's ledger names
    it (e.g. 中央财政专项扶贫资金)."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("county"), on_delete=models.PROTECT, related_name="fund_sources"
    )
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(pgettext_lazy("fund", "level"), max_length=12, choices=FundLevelChoices.choices)
    kind = models.CharField(_("kind of fund"), max_length=12, choices=FundKindChoices.choices)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area", "level", "kind", "name"]
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="fund_source_name_once")]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Allocation(TimeStampedModel, VersionedModel):
    """A batch of money that comes down to a county (资金下达) under a document number.

    `assigned_total` is the sum of what has been assigned from it to projects, maintained by the
    services under a row lock and checked by the database never to exceed `amount`.
    """

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("county"), on_delete=models.PROTECT, related_name="allocations"
    )
    source = models.ForeignKey(
        FundSource, verbose_name=_("fund source"), on_delete=models.PROTECT, related_name="allocations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    document_number = models.CharField(_("document number"), max_length=80)
    document_date = models.DateField(_("document date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    assigned_total = models.DecimalField(_("assigned to projects (yuan)"), default=ZERO, **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "county"

    class Meta:
        ordering = ["-year", "-document_date", "-id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=Q(assigned_total__gte=0) & Q(assigned_total__lte=F("amount")),
                name="allocation_assigned_within_amount",
            ),
            models.UniqueConstraint(
                fields=["county", "source", "document_number"], name="allocation_document_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("funds:allocation", args=[self.pk])

    @property
    def unassigned(self) -> Decimal:
        return self.amount - self.assigned_total


# -- project library -------------------------------------------------------------------------------


@pghistory.track()
class ProjectCategory(TimeStampedModel):
    """A kind of use of poverty funds on a county's (or province's) positive or negative list.

    Projects may only use categories on the positive list; negative-list entries name forbidden
    uses and the words that give them away in a project's name or description (e.g. 楼堂馆所).
    A list set on a province applies to every county under it.
    """

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="project_categories"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    list_kind = models.CharField(_("list"), max_length=10, choices=UseListChoices.choices)
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_(
            "Negative list only: words, separated by commas, that mark a project as this forbidden use."
        ),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    history_codes = ("code",)

    class Meta:
        ordering = ["list_kind", "code"]
        verbose_name = _("project category")
        verbose_name_plural = _("project categories")
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="project_category_code_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [w.strip() for w in self.keywords.replace("，", ",").split(",") if w.strip()]


@pghistory.track()
class Project(TimeStampedModel, VersionedModel):
    """A project in the county project library (项目库). `area` is the township that runs it, or the
    county for county-wide projects; money follows projects (资金围绕项目转)."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="fund_projects"
    )
    name = models.CharField(_("project name"), max_length=150)
    category = models.ForeignKey(
        ProjectCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="projects"
    )
    description = models.TextField(pgettext_lazy("project", "description"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProjectStatusChoices.choices,
        default=ProjectStatusChoices.PROPOSED,
        db_index=True,
    )
    villages = models.ManyToManyField(
        "areas.Area",
        verbose_name=_("benefiting villages"),
        through="ProjectVillage",
        related_name="benefiting_projects",
        blank=True,
    )
    households = models.ManyToManyField(
        "households.Household",
        verbose_name=_("benefiting households"),
        through="ProjectBeneficiary",
        related_name="fund_projects",
        blank=True,
    )
    # Maintained by the services under a row lock; the constraints below make overspending impossible.
    allocated_total = models.DecimalField(_("allocated (yuan)"), default=ZERO, **MONEY)
    paid_total = models.DecimalField(_("paid (yuan)"), default=ZERO, **MONEY)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=clock.now)
    status_note = models.CharField(_("status note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.PROPOSE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="project_budget_positive"),
            models.CheckConstraint(
                condition=Q(allocated_total__gte=0) & Q(allocated_total__lte=F("budget")),
                name="project_allocated_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("allocated_total")),
                name="project_paid_within_allocated",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance(self) -> Decimal:
        return self.allocated_total - self.paid_total

    def get_absolute_url(self) -> str:
        return reverse("funds:project", args=[self.pk])

    @property
    def rate(self) -> Decimal | None:
        """Execution rate (拨付率): paid / allocated in percent, two decimals rounded half up."""
        return percent(self.paid_total, self.allocated_total)


@pghistory.track()
class ProjectVillage(models.Model):
    """A village a project benefits."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="village_links", verbose_name=_("project")
    )
    village = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"

    class Meta:
        verbose_name = _("benefiting village")
        verbose_name_plural = _("benefiting villages")
        constraints = [models.UniqueConstraint(fields=["project", "village"], name="project_village_once")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.village_id}"


@pghistory.track()
class ProjectBeneficiary(models.Model):
    """A household a project benefits (the households its payments may go to)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="beneficiary_links", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"

    class Meta:
        verbose_name = _("benefiting household")
        verbose_name_plural = _("benefiting households")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="project_beneficiary_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.household_id}"


@pghistory.track()
@pgtrigger.register(
    # The database, not only the services, keeps the allocation's and the project's totals equal to the
    # sum of their funding lines, so the check constraints see every line however it was written.
    pgtrigger.Trigger(
        name="funding_maintains_totals",
        level=pgtrigger.Row,
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("delta", "numeric")],
        func="""
        IF TG_OP = 'UPDATE' AND (NEW.project_id <> OLD.project_id OR NEW.allocation_id <> OLD.allocation_id) THEN
            RAISE EXCEPTION 'funds: a funding line cannot move to another project or allocation'
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'INSERT' THEN
            delta := NEW.amount;
        ELSIF TG_OP = 'UPDATE' THEN
            delta := NEW.amount - OLD.amount;
        ELSE
            delta := -OLD.amount;
        END IF;
        IF delta <> 0 THEN
            UPDATE funds_allocation SET assigned_total = assigned_total + delta
                WHERE id = COALESCE(NEW.allocation_id, OLD.allocation_id);
            UPDATE funds_project SET allocated_total = allocated_total + delta
                WHERE id = COALESCE(NEW.project_id, OLD.project_id);
        END IF;
        RETURN NULL;
        """,
    )
)
class ProjectFunding(TimeStampedModel):
    """Money from one allocation assigned to one project: the project's budget by source.

    `paid_total` is what payments have drawn from this line; the database keeps it within `amount`.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="fundings"
    )
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="fundings"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_total = models.DecimalField(_("paid (yuan)"), default=ZERO, **MONEY)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("project funding")
        verbose_name_plural = _("project fundings")
        constraints = [
            models.UniqueConstraint(fields=["project", "allocation"], name="project_funding_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="project_funding_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("amount")),
                name="project_funding_paid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.allocation}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_total


@pghistory.track()
class ProjectMeasure(TimeStampedModel):
    """A household's assistance measure (assistance.Measure) that this project pays for. A measure is
    paid by one project; its household becomes one of the project's benefiting households."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="measure_links"
    )
    measure = models.OneToOneField(
        "assistance.Measure", verbose_name=_("measure"), on_delete=models.PROTECT, related_name="fund_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("linked by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("measure paid by a project")
        verbose_name_plural = _("measures paid by projects")

    def __str__(self) -> str:
        return f"{self.project_id} → {self.measure_id}"


# -- payments --------------------------------------------------------------------------------------


@pghistory.track()
@pgtrigger.register(
    pgtrigger.Protect(name="disbursement_insert_only", operation=pgtrigger.Update | pgtrigger.Delete),
    # Every inserted entry, however it was written (service, bulk load, raw SQL), moves the paid totals of
    # its project and funding line, so the check constraints refuse any overspending. Once per statement,
    # so a bulk load updates each project once.
    pgtrigger.Trigger(
        name="disbursement_maintains_paid_totals",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func="""
        IF EXISTS (
            SELECT 1 FROM new_rows n JOIN funds_projectfunding f ON f.id = n.funding_id
            WHERE f.project_id <> n.project_id
        ) THEN
            RAISE EXCEPTION 'funds: a payment must belong to the project of its funding line'
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (
            SELECT 1 FROM new_rows n JOIN funds_disbursement o ON o.id = n.reverses_id
            WHERE n.amount <> -o.amount OR n.funding_id <> o.funding_id OR o.kind <> 'payment'
        ) THEN
            RAISE EXCEPTION 'funds: a reversal must cancel exactly one payment of the same funding line'
                USING ERRCODE = 'check_violation';
        END IF;
        UPDATE funds_project p SET paid_total = p.paid_total + s.total
            FROM (SELECT project_id, SUM(amount) AS total FROM new_rows GROUP BY project_id) s
            WHERE p.id = s.project_id;
        UPDATE funds_projectfunding f SET paid_total = f.paid_total + s.total
            FROM (SELECT funding_id, SUM(amount) AS total FROM new_rows GROUP BY funding_id) s
            WHERE f.id = s.funding_id;
        RETURN NULL;
        """,
    ),
)
class Disbursement(models.Model):
    """One entry of the payment ledger: a payment from a project's funding line (to the project's
    contractor or to a household for a measure), or the reversal of an earlier payment.

    Insert-only: the database refuses updates and deletes. `idempotency_key` is unique, so a request
    submitted twice records one payment.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="disbursements"
    )
    funding = models.ForeignKey(
        ProjectFunding, verbose_name=_("paid from"), on_delete=models.PROTECT, related_name="disbursements"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    measure = models.ForeignKey(
        "assistance.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=DisbursementKindChoices.choices,
        default=DisbursementKindChoices.PAYMENT,
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    voucher_number = models.CharField(_("voucher number"), max_length=60)
    payee = models.CharField(_("payee"), max_length=120)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    idempotency_key = models.CharField(_("request key"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"
    history_hidden = ("idempotency_key",)  # bookkeeping of the request, not the payment
    write_capability = Capability.MANAGE_FUNDS  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        indexes = [models.Index(fields=["project", "kind"]), models.Index(fields=["household", "paid_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=DisbursementKindChoices.PAYMENT, amount__gt=0, reverses__isnull=True)
                    | Q(kind=DisbursementKindChoices.REVERSAL, amount__lt=0, reverses__isnull=False)
                ),
                name="disbursement_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funds:disbursement", args=[self.pk])

    @property
    def is_reversal(self) -> bool:
        return self.kind == DisbursementKindChoices.REVERSAL


# -- public notices --------------------------------------------------------------------------------


@pghistory.track()
class Notice(TimeStampedModel):
    """A public notice (公告公示) of a project or of its payments, open for comments from `starts_on`
    to `ends_on`. `body` is the published text exactly as posted; it never contains ID numbers,
    phones, bank accounts or health details (funds.notices checks before anything is stored)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKindChoices.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("published text"))
    starts_on = models.DateField(_("notice starts"))
    ends_on = models.DateField(_("notice ends"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "project__area"
    write_capability = Capability.PROPOSE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="notice_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funds:notice", args=[self.pk])

    @property
    def state(self) -> str:
        today = clock.today()
        if today < self.starts_on:
            return NoticeStateChoices.UPCOMING
        if today > self.ends_on:
            return NoticeStateChoices.CLOSED
        return NoticeStateChoices.OPEN

    def get_state_display(self) -> str:
        return str(NoticeStateChoices(self.state).label)


# -- reconciliation --------------------------------------------------------------------------------


@pghistory.track()
class DeclaredTotal(TimeStampedModel):
    """A total as a report or document declares it (e.g. a year's poverty funds), with the parts it
    says it is made of. Real reports contain totals that do not add up: the reconciliation view shows
    each one instead of hiding it."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="declared_totals"
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    declared_amount = models.DecimalField(_("declared total (yuan)"), **MONEY)
    source_document = models.CharField(_("source document"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area", "-year", "title"]
        verbose_name = _("declared total")
        verbose_name_plural = _("declared totals")

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class DeclaredPart(models.Model):
    """One part a declared total says it contains (e.g. central 130 万元)."""

    declared_total = models.ForeignKey(
        DeclaredTotal, on_delete=models.CASCADE, related_name="parts", verbose_name=_("declared total")
    )
    label = models.CharField(_("part"), max_length=120)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "declared_total__area"

    class Meta:
        ordering = ["declared_total", "position", "id"]
        verbose_name = _("declared part")
        verbose_name_plural = _("declared parts")

    def __str__(self) -> str:
        return self.label


__all__ = [
    "Allocation",
    "DeclaredPart",
    "DeclaredTotal",
    "Disbursement",
    "FundSource",
    "Notice",
    "Project",
    "ProjectBeneficiary",
    "ProjectCategory",
    "ProjectFunding",
    "ProjectMeasure",
    "ProjectVillage",
]
