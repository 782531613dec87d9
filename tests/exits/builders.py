"""Builders for the exits tests: a poverty line and households that do or do not meet the exit rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from areas.models import Area
from core import clock
from exits.policy import POVERTY_LINE
from households.choices import HouseholdStatusChoices, HousingSafetyChoices
from households.models import Household, IncomeRecord, LivingConditions
from tests.factories import make_household, set_policy
from tests.helpers import SUITE_INSTANT

YEAR = clock.local_date(SUITE_INSTANT).year  # the year every test starts in
LINE = Decimal("4000.00")


def set_line(county: Area, amount: Decimal = LINE, year: int = YEAR) -> None:
    """The county's poverty line of `year` (the yearly policy value exits.poverty_line)."""
    set_policy(county, {POVERTY_LINE.name: amount}, year=year)


def set_income(household: Household, per_capita: Decimal, year: int = YEAR) -> IncomeRecord:
    members = household.members.count() or 1
    return IncomeRecord.objects.update_or_create(
        household=household,
        year=year,
        defaults={
            "wage_income": per_capita * members,
            "member_count": members,
            "per_capita_net_income": per_capita,
        },
    )[0]


def set_conditions(
    household: Household, assessed_on: dt.date | None = None, **overrides: Any
) -> LivingConditions:
    values = {
        "food_secure": True,
        "clothing_secure": True,
        "compulsory_education_secured": True,
        "medical_insured": True,
        "medical_access": True,
        "housing_grade": HousingSafetyChoices.A,
        "safe_drinking_water": True,
    }
    values.update(overrides)
    return LivingConditions.objects.create(
        household=household, assessed_on=assessed_on or clock.today() - dt.timedelta(days=10), **values
    )


def ready_household(
    village: Area,
    *,
    income: Decimal = Decimal("5200.00"),
    members: int = 3,
    status: str = HouseholdStatusChoices.REGISTERED,
    **conditions: Any,
) -> Household:
    """A registered poor household meeting every exit condition unless told otherwise."""
    household = make_household(village, status=status, members=members)
    set_income(household, income)
    set_conditions(household, **conditions)
    return household
