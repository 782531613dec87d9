from __future__ import annotations

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, VersionedModel
from core.money import MONEY
from core.procedures.models import NoticeObjectionBase, SignoffBase
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import (
    CrossCheckSourceChoices,
    DuplicateKindChoices,
    EducationChoices,
    HealthChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    HousingSafetyChoices,
    IdentificationStageChoices,
    LabourCapacityChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    ProcedureStatusChoices,
    RelationChoices,
    ReviewStatusChoices,
    SchoolingChoices,
    SexChoices,
    StepDecisionChoices,
    WorkStatusChoices,
)
from .search_vectors import HOUSEHOLD_TRIGGERS, MEMBER_TRIGGERS


@pghistory.track(exclude=["search_vector"])
class Household(TimeStampedModel, VersionedModel):
    """A household in a village's registry (建档立卡户), from candidate to exit and after."""

    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": "village"},
    )
    number = models.CharField(_("household number"), max_length=32, unique=True)
    head = models.ForeignKey(
        "Member",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Digits only, without a +86/0086 prefix: the key probable-duplicate review compares.
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    attribute = models.CharField(
        _("household attribute"),
        max_length=20,
        choices=HouseholdAttributeChoices.choices,
        default=HouseholdAttributeChoices.ORDINARY,
    )
    main_cause = models.CharField(_("main poverty cause"), max_length=20, choices=PovertyCauseChoices.choices)
    secondary_causes = ArrayField(
        models.CharField(max_length=20, choices=PovertyCauseChoices.choices),
        verbose_name=_("secondary causes"),
        default=list,
        blank=True,
    )
    typology = models.CharField(
        _("typology"), max_length=20, choices=HouseholdTypologyChoices.choices, blank=True
    )
    year_identified = models.PositiveSmallIntegerField(_("year identified"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=HouseholdStatusChoices.choices,
        default=HouseholdStatusChoices.CANDIDATE,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    # Members' pinyin keys and names, the village code and the keys behind their township, kept by the
    # database (households.search_vectors).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"
    write_capability = Capability.EDIT_REGISTRY  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        triggers = HOUSEHOLD_TRIGGERS
        indexes = [
            GinIndex(fields=["search_vector"], name="household_search_gin"),
            models.Index(fields=["village", "status"]),
            # Search by number prefix (LIKE 'x%') under a non-C collation needs the pattern operator class.
            models.Index(
                fields=["number"], name="household_number_pattern_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("households:detail", args=[self.pk])

    @property
    def village_label(self) -> str:
        """The village with its township: a county has several 刘家村 (load `village__parent`)."""
        village = self.village
        township = village.parent  # None without a query when the village has no parent
        return f"{township.name} {village.name}" if township is not None else village.name

    @property
    def label(self) -> str:
        """How people name a household: by its head and village, not by the 17-digit number
        (load `head` and `village__parent`)."""
        head = self.head  # None without a query when there is no head
        if head is None:
            return _("Household %(number)s, %(village)s") % {
                "number": self.number,
                "village": self.village_label,
            }
        return _("%(head)s's household, %(village)s") % {
            "head": head.name,
            "village": self.village_label,
        }

    @property
    def head_label(self) -> str:
        """The household by its head alone, where the village goes without saying (load `head`)."""
        head = self.head if self.head_id else None
        return _("%(head)s's household") % {"head": head.name} if head is not None else self.number


class HouseholdStatusChange(models.Model):
    """Insert-only history of a household's status: the red/green/yellow record over time."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("household")
    )
    from_status = models.CharField(
        max_length=20, choices=HouseholdStatusChoices.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=HouseholdStatusChoices.choices, verbose_name=_("to status")
    )
    changed_at = models.DateTimeField(_("changed at"))
    effective_date = models.DateField(_("effective date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)  # e.g. "identification:12"

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.from_status} → {self.to_status}"


# The search keys are derived from the name: changing them alone is not a change worth an audit event.
@pghistory.track(exclude=["name_keys", "name_keyed"])
class Member(TimeStampedModel, VersionedModel):
    """A person in the registry. One row per person: `id_number` is unique, and `household` is a single
    value, so nobody can sit in two households at once (村不漏户、户不漏人, and never twice)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    # Normalised (upper-case X, no spaces) 18-character resident ID; null only for a newborn not yet
    # issued one.
    id_number = models.CharField(_("resident ID number"), max_length=18, null=True, blank=True)
    relation = models.CharField(_("relation to head"), max_length=20, choices=RelationChoices.choices)
    sex = models.CharField(_("sex"), max_length=6, choices=SexChoices.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=EducationChoices.choices, blank=True)
    schooling = models.CharField(
        _("current schooling"),
        max_length=20,
        choices=SchoolingChoices.choices,
        default=SchoolingChoices.NOT_IN_SCHOOL,
    )
    health = models.CharField(
        _("health"), max_length=20, choices=HealthChoices.choices, default=HealthChoices.HEALTHY
    )
    labour_capacity = models.CharField(
        _("labour capacity"),
        max_length=20,
        choices=LabourCapacityChoices.choices,
        default=LabourCapacityChoices.ORDINARY,
    )
    work_status = models.CharField(
        _("work status"), max_length=24, choices=WorkStatusChoices.choices, default=WorkStatusChoices.NONE
    )
    medical_insurance = models.BooleanField(_("medical insurance"), default=True)
    pension_insurance = models.BooleanField(_("pension insurance"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Pinyin keys of the name (households.search.name_keys) and the name they were computed from.
    name_keys = models.TextField(blank=True, default="", db_default="", editable=False)
    name_keyed = models.CharField(max_length=60, null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.EDIT_REGISTRY  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(id_number__isnull=False),
                name="member_id_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "birth_date"]),
            models.Index(fields=["name"], name="member_name_pattern_idx", opclasses=["varchar_pattern_ops"]),
            # Pinyin search: LIKE '% zs%' on the keys (pg_trgm). The last digits of an ID number are
            # searched as LIKE '4321%' on reverse(id_number), a range scan of member_id_tail_idx, which
            # migration 0004 creates in SQL (Django cannot write an operator class on an expression).
            GinIndex(fields=["name_keys"], name="member_name_keys_trgm", opclasses=["gin_trgm_ops"]),
        ]
        triggers = MEMBER_TRIGGERS  # keep the household's search vector (households.search_vectors)

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class MembershipPeriod(models.Model):
    """When a person belonged to a household and why they joined and left: moving a member between
    households closes one period and opens another, so history is kept."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="periods", verbose_name=_("member")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="membership_periods", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to head"), max_length=20, choices=RelationChoices.choices)
    joined_on = models.DateField(_("joined on"))
    join_reason = models.CharField(
        _("reason joined"), max_length=20, choices=MembershipChangeReasonChoices.choices
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason left"), max_length=20, choices=MembershipChangeReasonChoices.choices, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["member", "joined_on", "id"]
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        constraints = [
            # At most one open period per person: the database refuses a second active household.
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(left_on__isnull=True), name="membership_one_open_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.household_id} {self.joined_on}–{self.left_on or ''}"


@pghistory.track()
class IncomeRecord(TimeStampedModel, VersionedModel):
    """A household's income for one year. Per-capita net income = (sum of incomes − costs) / members,
    computed by households.services.income_record_save and stored for county-wide queries."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="incomes", verbose_name=_("household")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    wage_income = models.DecimalField(_("wage income"), default=Decimal("0"), **MONEY)
    production_income = models.DecimalField(_("net production income"), default=Decimal("0"), **MONEY)
    property_income = models.DecimalField(_("property income"), default=Decimal("0"), **MONEY)
    transfer_income = models.DecimalField(_("transfer income"), default=Decimal("0"), **MONEY)
    production_costs = models.DecimalField(_("production costs"), default=Decimal("0"), **MONEY)
    member_count = models.PositiveSmallIntegerField(_("members counted"))
    per_capita_net_income = models.DecimalField(_("per-capita net income"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "-year"]
        verbose_name = _("income record")
        verbose_name_plural = _("income records")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(member_count__gt=0), name="income_member_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


@pghistory.track()
class LivingConditions(TimeStampedModel):
    """Assessment of 两不愁三保障 and safe water on a date; the latest one is current."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("household")
    )
    assessed_on = models.DateField(_("assessed on"))
    food_secure = models.BooleanField(_("food secure"), default=False)
    clothing_secure = models.BooleanField(_("clothing secure"), default=False)
    compulsory_education_secured = models.BooleanField(_("compulsory education secured"), default=False)
    medical_insured = models.BooleanField(_("medical insurance"), default=False)
    medical_access = models.BooleanField(_("access to basic medical care"), default=False)
    housing_grade = models.CharField(
        _("housing safety grade"), max_length=1, choices=HousingSafetyChoices.choices
    )
    safe_drinking_water = models.BooleanField(_("safe drinking water"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "-assessed_on", "-id"]
        verbose_name = _("living conditions")
        verbose_name_plural = _("living conditions")

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on}"

    @property
    def housing_safe(self) -> bool:
        return self.housing_grade in (HousingSafetyChoices.A, HousingSafetyChoices.B)


# -- identification procedure (精准识别) -------------------------------------------------------------


@pghistory.track()
class IdentificationProcedure(TimeStampedModel):
    """One run of the identification procedure for a candidate household. Stages are signed in order
    (IdentificationStep); a rejected candidate keeps the procedure, its steps and the reason."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="procedures"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcedureStatusChoices.choices,
        default=ProcedureStatusChoices.IN_PROGRESS,
    )
    # The next stage to sign; empty once the procedure is finished.
    next_stage = models.CharField(
        _("next stage"), max_length=20, choices=IdentificationStageChoices.choices, blank=True
    )
    # The policy in force when the procedure started, kept so a later policy change does not move
    # the goalposts of a running notice.
    notice_min_days = models.PositiveSmallIntegerField(_("minimum public-notice days"))
    notice_started_on = models.DateField(_("public notice posted on"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"
    write_capability = Capability.PROPOSE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("identification procedure")
        verbose_name_plural = _("identification procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="in_progress"),
                name="identification_one_running_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_status_display()}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
class IdentificationStep(SignoffBase):
    """A signed stage: who, in which role, when and with what comment. Insert-only: a database
    trigger refuses any update or delete, so a signature cannot be edited afterwards."""

    procedure = models.ForeignKey(
        IdentificationProcedure, on_delete=models.PROTECT, related_name="steps", verbose_name=_("procedure")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=IdentificationStageChoices.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=StepDecisionChoices.choices)
    signer_name = models.CharField(_("signer"), max_length=60)

    objects = ScopedQuerySet.as_manager()
    scope_path = "procedure__household__village"

    class Meta:
        ordering = ["procedure", "signed_at", "id"]
        verbose_name = _("signed step")
        verbose_name_plural = _("signed steps")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "stage"], name="identification_step_once"),
        ]
        triggers = [pgtrigger.Protect(name="step_insert_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"#{self.procedure_id} · {self.get_stage_display()} · {self.get_decision_display()}"

    @property
    def signer_role_display(self) -> str:
        return self.role_label


@pghistory.track()
class NoticeObjection(NoticeObjectionBase):
    """An objection heard during the village public notice, and how it was resolved."""

    procedure = models.ForeignKey(
        IdentificationProcedure,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("procedure"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "procedure__household__village"

    class Meta:
        ordering = ["procedure", "raised_on", "id"]
        verbose_name = _("public-notice objection")
        verbose_name_plural = _("public-notice objections")

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.raised_on}"


# -- 四看法 -------------------------------------------------------------------------------------------


@pghistory.track()
class FourLooksAssessment(TimeStampedModel):
    """The Four-looks score sheet (一看房、二看粮、三看劳动力强不强、四看有没有读书郎): each look is scored
    0-100 (higher = harder circumstances); the weighted total uses the weights in force, kept here."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="four_looks", verbose_name=_("household")
    )
    assessed_on = models.DateField(_("assessed on"))
    housing_score = models.PositiveSmallIntegerField(_("housing"))
    grain_score = models.PositiveSmallIntegerField(_("grain"))
    labour_score = models.PositiveSmallIntegerField(_("labour"))
    students_score = models.PositiveSmallIntegerField(_("students"))
    weights = models.JSONField(_("weights used"), default=dict)
    total = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "-assessed_on", "-id"]
        verbose_name = _("four-looks score sheet")
        verbose_name_plural = _("four-looks score sheets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(housing_score__lte=100)
                & models.Q(grain_score__lte=100)
                & models.Q(labour_score__lte=100)
                & models.Q(students_score__lte=100),
                name="four_looks_scores_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on} {self.total}"

    @classmethod
    def history_display(cls, field_name: str, value: object) -> str | None:
        """The weights in force read as the four looks' labels (看房 30、看粮 30、…), not as keys."""
        if field_name != "weights" or not isinstance(value, dict):
            return None
        labels = {f.name: str(f.verbose_name) for f in cls._meta.concrete_fields}
        return "、".join(f"{labels.get(f'{key}_score', key)} {weight}" for key, weight in value.items())


# -- data quality: probable duplicates and cross-department checks -------------------------------


@pghistory.track()
class DuplicateCandidate(TimeStampedModel):
    """Two people who are probably the same (same name and birth date) or two households sharing a
    phone (their heads are paired). Stored once per ordered pair and kind, reviewed once."""

    member_a = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member a")
    )
    member_b = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member b")
    )
    kind = models.CharField(_("why"), max_length=12, choices=DuplicateKindChoices.choices)
    status = models.CharField(
        _("review"), max_length=12, choices=ReviewStatusChoices.choices, default=ReviewStatusChoices.PENDING
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "member_a__household__village"

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        constraints = [
            models.UniqueConstraint(fields=["member_a", "member_b", "kind"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(member_a__lt=models.F("member_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.member_a_id} ~ #{self.member_b_id} · {self.get_kind_display()}"


@pghistory.track()
class CrossCheckBatch(TimeStampedModel):
    """A list of ID numbers from another department (比对排除), e.g. vehicle owners, uploaded by the
    township or county. Matches against members become review tasks; nothing is removed."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("kind of data"), max_length=20, choices=CrossCheckSourceChoices.choices)
    source_name = models.CharField(_("source department"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, verbose_name=_("file sha256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    match_count = models.PositiveIntegerField(_("matches"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cross-department check")
        verbose_name_plural = _("cross-department checks")

    def __str__(self) -> str:
        return f"{self.source_name} {self.created_at:%Y-%m-%d}"


@pghistory.track()
class CrossCheckMatch(TimeStampedModel):
    """A registered person found in another department's list: a review task whose result is kept."""

    batch = models.ForeignKey(
        CrossCheckBatch, on_delete=models.PROTECT, related_name="matches", verbose_name=_("batch")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="cross_check_matches", verbose_name=_("member")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cross_check_matches", verbose_name=_("household")
    )
    detail = models.CharField(_("what the department lists"), max_length=200, blank=True)
    status = models.CharField(
        _("review"), max_length=12, choices=ReviewStatusChoices.choices, default=ReviewStatusChoices.PENDING
    )
    review_note = models.TextField(_("review result"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("cross-check match")
        verbose_name_plural = _("cross-check matches")
        constraints = [models.UniqueConstraint(fields=["batch", "member"], name="cross_check_match_once")]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.member_id}"


# -- imports ------------------------------------------------------------------------------------------


class ImportLedger(models.Model):
    """One row per (file, row key) applied by a spreadsheet import. The unique constraint makes a
    redelivered or repeated import skip what is already in, so nothing is written twice."""

    file_sha256 = models.CharField(max_length=64, verbose_name=_("file sha256"))
    row_key = models.CharField(max_length=64, verbose_name=_("row key"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", verbose_name=_("household")
    )
    job_id = models.UUIDField(
        null=True, blank=True, db_index=True, verbose_name=_("job id")
    )  # the households of one import
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        verbose_name = _("import ledger entry")
        verbose_name_plural = _("import ledger entries")
        constraints = [models.UniqueConstraint(fields=["file_sha256", "row_key"], name="import_row_once")]

    def __str__(self) -> str:
        return f"{self.file_sha256[:8]}:{self.row_key}"
