"""Household assistance plans, measures (怎么扶) and village plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.money import money_parse
from core.scoping import ensure_can
from core.services import model_update
from households.models import Household, Member

from ..choices import (
    KIND_CATEGORY,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PlanStatusChoices,
)
from ..models import (
    AssistancePlan,
    Measure,
    VillagePlan,
    WorkTeam,
)
from .dates import _today

if TYPE_CHECKING:
    from accounts.models import User

# -- plans and measures (怎么扶) -------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    household: Household,
    year: int,
    goals: str,
    user: User,
    status: str = PlanStatusChoices.ACTIVE,
    expected_version: int | None = None,
) -> AssistancePlan:
    """Create the household's plan for `year`, or update it (naming the version read)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    errors: dict[str, Any] = {}
    if not (goals or "").strip():
        errors["goals"] = _("Write the plan's goals.")
    if year is None or year < 2014 or year > _today().year + 1:
        errors["year"] = _("Choose a year from 2014 to next year.")
    if status not in PlanStatusChoices.values:
        errors["status"] = _("Choose a valid status.")
    if errors:
        raise ValidationError(errors)
    existing = AssistancePlan.objects.filter(household=household, year=year).first()
    if existing is None:
        try:
            with transaction.atomic():
                return AssistancePlan.objects.create(
                    household=household, year=year, goals=goals.strip(), status=status, created_by=user
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"year": _("This household already has a plan for %(year)d.") % {"year": year}}
            ) from exc
    if expected_version is None:
        raise ValidationError({"year": _("This household already has a plan for %(year)d.") % {"year": year}})
    return model_update(
        existing, expected_version=expected_version, fields={"goals": goals.strip(), "status": status}
    )


def _measure_clean(household: Household, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in MeasureKindChoices.values:
        errors["kind"] = _("Choose the kind of measure.")
    else:
        expected = KIND_CATEGORY[kind]
        category = data.get("category") or expected
        if category != expected:
            errors["category"] = _("“%(kind)s” belongs to the “%(category)s” batch.") % {
                "kind": MeasureKindChoices(kind).label,
                "category": MeasureCategoryChoices(expected).label,
            }
        data["category"] = category
    member = data.get("member")
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("This person is not a member of the household.")
    plan = data.get("plan")
    if plan is not None and plan.household_id != household.pk:
        errors["plan"] = _("This plan belongs to another household.")
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        errors["start_date"] = _("Enter the start date.")
    elif end is not None and end < start:
        errors["end_date"] = _("The end date is before the start date.")
    if data.get("amount") is not None:
        try:
            data["amount"] = money_parse(data["amount"], allow_zero=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if data.get("status", MeasureStatusChoices.PLANNED) not in MeasureStatusChoices.values:
        errors["status"] = _("Choose a valid status.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def measure_create(
    *,
    household: Household,
    kind: str,
    start_date: dt.date,
    user: User,
    category: str | None = None,
    member: Member | None = None,
    plan: AssistancePlan | None = None,
    end_date: dt.date | None = None,
    status: str = MeasureStatusChoices.PLANNED,
    amount: Decimal | None = None,
    description: str = "",
) -> Measure:
    """Give a household (or one member) a measure (措施到户). The category follows from the kind."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    data = _measure_clean(
        household,
        {
            "kind": kind,
            "category": category,
            "member": member,
            "plan": plan,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
            "amount": amount,
        },
    )
    return Measure.objects.create(
        household=household, description=description.strip()[:300], created_by=user, **data
    )


@transaction.atomic
def measure_update(*, measure: Measure, expected_version: int, user: User, **fields: Any) -> Measure:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, measure)
    allowed = {
        "kind",
        "category",
        "member",
        "plan",
        "start_date",
        "end_date",
        "status",
        "amount",
        "description",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    current = {name: getattr(measure, name) for name in allowed}
    merged = {**current, **fields}
    if "kind" in fields and "category" not in fields:
        merged["category"] = None  # follow the new kind
    description = merged.pop("description") or ""
    data = _measure_clean(measure.household, merged)
    data["description"] = description.strip()[:300]
    return model_update(measure, expected_version=expected_version, fields=data)


@transaction.atomic
def village_plan_save(
    *,
    village: Area,
    year: int,
    title: str,
    goals: str,
    user: User,
    projects: str = "",
    team: WorkTeam | None = None,
    status: str = PlanStatusChoices.ACTIVE,
    expected_version: int | None = None,
) -> VillagePlan:
    """Create or update a village's plan for a year (村级脱贫计划)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=village)
    errors: dict[str, Any] = {}
    if village.level != AreaLevelChoices.VILLAGE:
        errors["village"] = _("Choose a village.")
    if not (title or "").strip():
        errors["title"] = _("Enter a title.")
    if not (goals or "").strip():
        errors["goals"] = _("Write the plan's goals.")
    if year is None or year < 2014 or year > _today().year + 1:
        errors["year"] = _("Choose a year from 2014 to next year.")
    if team is not None and not team.village_links.filter(village=village).exists():
        errors["team"] = _("This team has never been stationed in the village.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": title.strip(),
        "goals": goals.strip(),
        "projects": projects.strip(),
        "team": team,
        "status": status,
    }
    existing = VillagePlan.objects.filter(village=village, year=year).first()
    if existing is None:
        try:
            with transaction.atomic():
                return VillagePlan.objects.create(village=village, year=year, created_by=user, **fields)
        except IntegrityError as exc:
            raise ValidationError(
                {"year": _("The village already has a plan for %(year)d.") % {"year": year}}
            ) from exc
    if expected_version is None:
        raise ValidationError({"year": _("The village already has a plan for %(year)d.") % {"year": year}})
    return model_update(existing, expected_version=expected_version, fields=fields)
