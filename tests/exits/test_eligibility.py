"""The one household exit rule: income above the year's line and 两不愁三保障 with safe water."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from exits.choices import ExitConditionChoices
from exits.selectors import exit_eligibility, exit_eligibility_many
from households.choices import HousingSafetyChoices
from tests.exits.builders import LINE, YEAR, ready_household, set_conditions, set_income, set_line

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_income_exactly_at_the_line_is_not_enough(county: Any) -> None:
    # given
    set_line(county.county)
    at_line = ready_household(county.village_a1, income=LINE)
    one_fen_above = ready_household(county.village_a1, income=LINE + Decimal("0.01"))

    # when
    refused = exit_eligibility(at_line, YEAR)
    allowed = exit_eligibility(one_fen_above, YEAR)

    # then
    assert not refused.eligible
    assert [c.code for c in refused.failing] == [ExitConditionChoices.INCOME]
    assert "4000.00" in refused.failing[0].message
    assert allowed.eligible
    assert allowed.failing == []


@pytest.mark.parametrize(
    ("overrides", "failing"),
    [
        ({"food_secure": False}, ExitConditionChoices.FOOD),
        ({"clothing_secure": False}, ExitConditionChoices.CLOTHING),
        ({"compulsory_education_secured": False}, ExitConditionChoices.EDUCATION),
        ({"medical_insured": False}, ExitConditionChoices.MEDICAL),
        ({"medical_access": False}, ExitConditionChoices.MEDICAL),
        ({"housing_grade": HousingSafetyChoices.C}, ExitConditionChoices.HOUSING),
        ({"housing_grade": HousingSafetyChoices.D}, ExitConditionChoices.HOUSING),
        ({"safe_drinking_water": False}, ExitConditionChoices.WATER),
    ],
)
def test_each_failing_condition_is_named(county: Any, overrides: dict, failing: str) -> None:
    # given
    set_line(county.county)
    household = ready_household(county.village_a1, **overrides)

    # when
    result = exit_eligibility(household, YEAR)

    # then
    assert not result.eligible
    assert [c.code for c in result.failing] == [failing]
    assert result.failing[0].message


def test_grade_b_housing_is_safe(county: Any) -> None:
    set_line(county.county)
    household = ready_household(county.village_a1, housing_grade=HousingSafetyChoices.B)
    assert exit_eligibility(household, YEAR).eligible


def test_missing_line_income_or_assessment_is_explained(county: Any) -> None:
    # given: no line for the year, no income, no assessment
    household = ready_household(county.village_a1)
    bare = ready_household(county.village_a2)
    bare.incomes.all().delete()
    bare.conditions.all().delete()
    set_line(county.county, year=YEAR - 1)

    # when
    no_line = exit_eligibility(household, YEAR)
    nothing = exit_eligibility(bare, YEAR - 1)

    # then
    assert [c.code for c in no_line.failing] == [ExitConditionChoices.INCOME]
    assert str(YEAR) in no_line.failing[0].message
    assert {c.code for c in nothing.failing} == set(ExitConditionChoices.values)


def test_the_latest_assessment_counts(county: Any) -> None:
    # given: an old failing assessment and a newer passing one, entered in the other order
    set_line(county.county)
    household = ready_household(
        county.village_a1, assessed_on=dt.date(YEAR - 1, 1, 1), safe_drinking_water=False
    )
    set_conditions(household, assessed_on=dt.date(YEAR - 2, 1, 1))

    # then: the one assessed last (YEAR - 1) decides
    assert [c.code for c in exit_eligibility(household, YEAR).failing] == [ExitConditionChoices.WATER]

    # when a newer one passes
    set_conditions(household, assessed_on=dt.date(YEAR - 1, 6, 1))
    assert exit_eligibility(household, YEAR).eligible


def test_the_income_of_the_asked_year_counts(county: Any) -> None:
    set_line(county.county)
    set_line(county.county, year=YEAR - 1)
    household = ready_household(county.village_a1)
    set_income(household, Decimal("3000"), year=YEAR - 1)
    assert exit_eligibility(household, YEAR).eligible
    assert not exit_eligibility(household, YEAR - 1).eligible


def test_bulk_and_single_answers_agree_in_a_fixed_number_of_queries(
    county: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    set_line(county.county)
    households = [
        ready_household(county.village_a1),
        ready_household(county.village_b1, income=LINE),
        ready_household(county.village_b2, safe_drinking_water=False),
    ]

    # when
    with django_assert_max_num_queries(3):
        bulk = exit_eligibility_many(households, YEAR)

    # then
    for household in households:
        assert bulk[household.pk] == exit_eligibility(household, YEAR)
    assert [bulk[h.pk].eligible for h in households] == [True, False, False]
