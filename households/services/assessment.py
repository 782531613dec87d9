"""Income records, living conditions and the Four-looks score sheet (四看法)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.dates import business_date_errors, business_dates_check
from core.money import money_parse, to_yuan
from core.numbers import round_half_up
from core.scoping import ensure_can
from core.services import model_upsert

from ..models import (
    FourLooksAssessment,
    Household,
    IncomeRecord,
    LivingConditions,
)
from ..selectors import policy_for

if TYPE_CHECKING:
    from accounts.models import User


def per_capita_net_income(
    *, wage: Decimal, production: Decimal, property_: Decimal, transfer: Decimal, costs: Decimal, members: int
) -> Decimal:
    """(wages + net production + property + transfer − costs) / members, to the fen, half up as all money
    rounds (core.money; was half even, so 50.005 now reads 50.01)."""
    if members <= 0:
        raise ValidationError(_("A household has at least one member."))
    total = wage + production + property_ + transfer - costs
    return to_yuan(total / members)


INCOME_FIELDS = ("wage_income", "production_income", "property_income", "transfer_income", "production_costs")


@transaction.atomic
def income_record_save(
    *,
    household: Household,
    year: int,
    user: User,
    member_count: int | None = None,
    **amounts: Decimal | int | str,
) -> IncomeRecord:
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year as a number.")}) from None
    this_year = clock.today(household.village).year
    if not 2013 <= year <= this_year:
        # an income is recorded for a year that has begun in the county, never ahead of it
        raise ValidationError(
            {"year": _("The income year must be between 2013 and %(year)d.") % {"year": this_year}}
        )
    count = member_count or household.members.count()
    values: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for name in INCOME_FIELDS:
        try:
            # an income may be a loss (below zero); a cost may not
            values[name] = money_parse(
                amounts.get(name, 0),
                field_name=name,
                allow_zero=True,
                allow_negative=name != "production_costs",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    values["per_capita_net_income"] = per_capita_net_income(
        wage=values["wage_income"],
        production=values["production_income"],
        property_=values["property_income"],
        transfer=values["transfer_income"],
        costs=values["production_costs"],
        members=count,
    )
    record, _created = model_upsert(
        IncomeRecord, lookup={"household": household, "year": year}, values={**values, "member_count": count}
    )
    return record


# -- living conditions and the Four-looks score sheet ----------------------------------------------------

CONDITION_FIELDS = (
    "food_secure",
    "clothing_secure",
    "compulsory_education_secured",
    "medical_insured",
    "medical_access",
    "housing_grade",
    "safe_drinking_water",
    "notes",
)


@transaction.atomic
def living_conditions_record(
    *, household: Household, user: User, assessed_on: dt.date, **fields: Any
) -> LivingConditions:
    """A new assessment of 两不愁三保障 and drinking water; earlier ones are kept as history."""
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    business_dates_check(assessed_on=assessed_on)
    if assessed_on > clock.today():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    if not fields.get("housing_grade"):
        raise ValidationError({"housing_grade": _("Choose the housing safety grade.")})
    return LivingConditions.objects.create(
        household=household,
        assessed_on=assessed_on,
        assessed_by=user,
        **{k: v for k, v in fields.items() if k in CONDITION_FIELDS},
    )


def four_looks_total(scores: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    """Weighted mean of the four scores (0-100) with the policy's weights."""
    weight_sum = sum(weights.values(), Decimal("0"))
    if weight_sum <= 0:
        raise ValidationError(_("The four-looks weights add up to zero: ask the county office to set them."))
    total = sum((Decimal(scores[k]) * weights[k] for k in weights), Decimal("0")) / weight_sum
    return round_half_up(total)


@transaction.atomic
def four_looks_assess(
    *,
    household: Household,
    user: User,
    assessed_on: dt.date,
    housing_score: int,
    grain_score: int,
    labour_score: int,
    students_score: int,
    notes: str = "",
) -> FourLooksAssessment:
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    scores = {
        "housing": housing_score,
        "grain": grain_score,
        "labour": labour_score,
        "students": students_score,
    }
    errors = {
        f"{key}_score": _("A score is between 0 and 100.")
        for key, value in scores.items()
        if value is None or not 0 <= int(value) <= 100
    }
    if assessed_on > clock.today():
        errors["assessed_on"] = _("The date cannot be in the future.")
    business_date_errors(errors, assessed_on=assessed_on)
    if errors:
        raise ValidationError(errors)
    weights = policy_for(household.village).weights
    return FourLooksAssessment.objects.create(
        household=household,
        assessed_on=assessed_on,
        housing_score=housing_score,
        grain_score=grain_score,
        labour_score=labour_score,
        students_score=students_score,
        weights={k: str(v) for k, v in weights.items()},
        total=four_looks_total(scores, weights),
        assessed_by=user,
        notes=notes,
    )
