"""Village exit, county exit (摘帽) and village classes: thresholds and bands are data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from areas.services import policy_set
from exits.choices import AreaExitStateChoices
from exits.models import VillageExit, VillageStandard
from exits.selectors import exit_settings_for, exit_threshold_for, village_class_for, village_rows
from exits.services import county_exit_record, village_exit_decide, village_exit_propose
from households.choices import HouseholdStatusChoices
from households.selectors import incidence_live
from tests.exits.builders import YEAR
from tests.factories import make_household, set_policy, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

GUIZHOU = [
    {"class": 1, "min": "37.5", "max": None},
    {"class": 2, "min": "31", "max": "37.5"},
    {"class": 3, "min": "27", "max": "31"},
]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("37.50", 1),
        ("99", 1),
        ("37.49", 2),
        ("31.00", 2),
        ("30.99", 3),
        ("27.00", 3),
        ("26.99", None),
        (None, None),
    ],
)
def test_village_classes_by_band(rate: str | None, expected: int | None) -> None:
    assert village_class_for(Decimal(rate) if rate else None, GUIZHOU) == expected


def test_threshold_is_two_percent_or_three_in_the_west(county: Any) -> None:
    assert exit_threshold_for(county.village_a1) == Decimal("2.00")
    county.province.is_western = True
    county.province.save()
    assert exit_threshold_for(county.village_a1) == Decimal("3.00")
    set_policy(county.county, {"exits.western_exit_threshold": "2.50"})
    assert exit_threshold_for(county.county) == Decimal("2.50")


@pytest.fixture
def standards(county: Any) -> list[VillageStandard]:
    return [
        VillageStandard.objects.create(county=county.county, position=i, title=t)
        for i, t in enumerate(["道路硬化", "安全饮水"])
    ]


def _village_with_incidence(county: Any, poor_people: int, population: int = 100) -> None:
    set_population(county.village_a1, YEAR, population)
    if poor_people:
        make_household(county.village_a1, members=poor_people)
    make_household(county.village_a1, members=3, status=HouseholdStatusChoices.EXITED)


def test_village_exit_needs_incidence_below_the_threshold_and_every_standard(
    county: Any, standards: list
) -> None:
    # given: 2 poor people of 100 = exactly 2.00%, not below
    _village_with_incidence(county, 2)
    checks = {s.pk: (True, "") for s in standards}
    row = village_exit_propose(village=county.village_a1, year=YEAR, checks=checks, user=county.staff_a)
    assert (row.incidence, row.threshold) == (Decimal("2.00"), Decimal("2.00"))

    # when / then
    with pytest.raises(ValidationError):
        village_exit_decide(village_exit=row, approve=True, user=county.county_official)
    row.refresh_from_db()
    assert row.state == AreaExitStateChoices.PROPOSED


def test_village_exit_approved_below_the_threshold(county: Any, standards: list) -> None:
    _village_with_incidence(county, 1)
    row = village_exit_propose(
        village=county.village_a1,
        year=YEAR,
        checks={s.pk: (True, "已达标") for s in standards},
        user=county.staff_a,
    )
    with pytest.raises(PermissionDenied):
        village_exit_decide(village_exit=row, approve=True, user=county.staff_a)
    row = village_exit_decide(village_exit=row, approve=True, user=county.county_official)
    assert row.state == AreaExitStateChoices.APPROVED
    assert row.incidence == Decimal("1.00")


def test_an_unmet_standard_blocks_the_village_exit(county: Any, standards: list) -> None:
    _village_with_incidence(county, 0)
    row = village_exit_propose(
        village=county.village_a1,
        year=YEAR,
        checks={standards[0].pk: (True, ""), standards[1].pk: (False, "两户未通自来水")},
        user=county.staff_a,
    )
    with pytest.raises(ValidationError) as refused:
        village_exit_decide(village_exit=row, approve=True, user=county.county_official)
    assert "安全饮水" in str(refused.value)
    with pytest.raises(ValidationError):
        village_exit_decide(village_exit=row, approve=False, user=county.county_official, note="")
    row = village_exit_decide(village_exit=row, approve=False, user=county.county_official, note="饮水未达标")
    assert row.state == AreaExitStateChoices.REFUSED


def test_every_standard_must_be_checked(county: Any, standards: list) -> None:
    _village_with_incidence(county, 0)
    with pytest.raises(ValidationError):
        village_exit_propose(
            village=county.village_a1, year=YEAR, checks={standards[0].pk: (True, "")}, user=county.staff_a
        )
    assert VillageExit.objects.count() == 0


def test_county_exit_records_the_three_conditions(county: Any) -> None:
    # given: 1 poor person in 200 = 0.5%
    set_population(county.village_a1, YEAR, 100)
    set_population(county.village_b1, YEAR, 100)
    make_household(county.village_a1, members=1)

    # when: only the province check is in
    pending = county_exit_record(
        county=county.county, year=YEAR, province_check_passed=True, user=county.county_official
    )
    assert pending.state == AreaExitStateChoices.PROPOSED
    assert pending.incidence == Decimal("0.50")

    # when: the third-party assessment passes too
    approved = county_exit_record(
        county=county.county,
        year=YEAR,
        province_check_passed=True,
        assessor="某大学第三方评估组",
        assessment_passed=True,
        wrong_exit_rate=Decimal("0.8"),
        missed_rate=Decimal("0.5"),
        satisfaction_rate=Decimal("96.5"),
        user=county.county_official,
    )
    assert approved.pk == pending.pk
    assert approved.state == AreaExitStateChoices.APPROVED

    # bad input
    with pytest.raises(ValidationError):
        county_exit_record(
            county=county.county, year=YEAR, satisfaction_rate=Decimal("101"), user=county.county_official
        )
    with pytest.raises(PermissionDenied):
        county_exit_record(county=county.county, year=YEAR, user=county.viewer)


def test_county_exit_refused_when_incidence_is_not_below(county: Any) -> None:
    set_population(county.village_a1, YEAR, 100)
    make_household(county.village_a1, members=3)
    row = county_exit_record(
        county=county.county,
        year=YEAR,
        province_check_passed=True,
        assessment_passed=True,
        user=county.county_official,
    )
    assert row.state == AreaExitStateChoices.REFUSED


def test_village_rows_agree_with_the_live_incidence(county: Any, django_assert_max_num_queries: Any) -> None:
    # given
    set_policy(county.county, {"exits.village_class_bands": GUIZHOU})
    set_population(county.village_a1, YEAR, 10)
    set_population(county.village_a2, YEAR, 100)
    make_household(county.village_a1, members=4)
    make_household(county.village_a2, members=1)

    # when
    with django_assert_max_num_queries(8):
        rows = village_rows(user=county.county_official, area=county.county, year=YEAR)

    # then
    by_code = {r.village.code: r for r in rows}
    for code in (county.village_a1.code, county.village_a2.code):
        assert by_code[code].incidence == incidence_live(by_code[code].village, YEAR)
    assert by_code[county.village_a1.code].village_class == 1  # 40%
    assert by_code[county.village_a2.code].below_threshold  # 1%
    assert len(village_rows(user=county.staff_b, area=county.county, year=YEAR)) == 2


def test_settings_are_validated_and_versioned(county: Any) -> None:
    official = county.county_official
    policy_set(area=county.county, user=official, values={"exits.notice_min_days": 9})
    row = policy_set(area=county.county, user=official, values={"exits.notice_min_days": 10})[
        "exits.notice_min_days"
    ]
    assert (exit_settings_for(county.village_a1).notice_min_days, row.version) == (10, 2)
    with pytest.raises(ValidationError):
        policy_set(
            area=county.county,
            user=official,
            values={"exits.village_class_bands": [{"class": 1, "min": "30", "max": "20"}]},
        )
    with pytest.raises(ValidationError):
        policy_set(area=county.county, user=official, values={"exits.monitoring_deadline_days": 0})
    with pytest.raises(ValidationError):  # the exit rules are a county's, not a township's
        policy_set(area=county.town_a, user=official, values={"exits.notice_min_days": 3})
    row.refresh_from_db()
    assert (row.value, row.version) == (10, 2)
    assert exit_settings_for(county.village_a1).monitoring_deadline_days == 15


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("九十", "请输入0到100之间的百分比。"),  # was a server error
        (96.5, "请输入0到100之间的百分比。"),
        ("-1", "请输入0到100之间的百分比。"),
        ("96.555", "百分比最多保留 2 位小数。"),
    ],
)
def test_county_exit_rates_are_read_by_the_one_percent_parser(county: Any, rate: Any, message: str) -> None:
    from django.utils import translation

    from exits.models import CountyExit

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        county_exit_record(
            county=county.county, year=YEAR, satisfaction_rate=rate, user=county.county_official
        )
    assert exc.value.message_dict == {"satisfaction_rate": [message]}
    assert not CountyExit.objects.exists()
    row = county_exit_record(
        county=county.county, year=YEAR, missed_rate=" 0.5 ", user=county.county_official
    )
    assert row.missed_rate == Decimal("0.50")
