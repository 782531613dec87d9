from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, VersionedModel
from core.scoping import ScopedQuerySet

from .choices import (
    EducationChoices,
    HealthChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    HousingSafetyChoices,
    LabourCapacityChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    RelationChoices,
    SchoolingChoices,
    SexChoices,
    WorkStatusChoices,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


@pghistory.track()
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

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["village", "status"])]

    def __str__(self) -> str:
        return self.number


class HouseholdStatusChange(models.Model):
    """Insert-only history of a household's status: the red/green/yellow record over time."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=HouseholdStatusChoices.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=HouseholdStatusChoices.choices)
    changed_at = models.DateTimeField(_("changed at"))
    effective_date = models.DateField(_("effective date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
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


@pghistory.track()
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
    name = models.CharField(_("name"), max_length=60)
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

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

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
        indexes = [models.Index(fields=["name", "birth_date"])]

    def __str__(self) -> str:
        return self.name


class MembershipPeriod(models.Model):
    """When a person belonged to a household and why they joined and left: moving a member between
    households closes one period and opens another, so history is kept."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="membership_periods")
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

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes")
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

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="conditions")
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
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
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
