"""household_register, household_update, member_add: the registration rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from core.exceptions import ConflictError
from households.choices import HouseholdStatusChoices, PovertyCauseChoices, RelationChoices
from households.models import Household, Member, MembershipPeriod
from households.services import household_register, household_update, member_add, phone_key

from .conftest import person

pytestmark = pytest.mark.django_db


def test_register_creates_a_candidate_with_members_head_and_periods(county: Any) -> None:
    # given
    head, spouse = person(name="马建国"), person(RelationChoices.SPOUSE, name="苏秀兰", female=True)

    # when
    household = household_register(
        user=county.staff_a,
        village=county.village_a1,
        members=[head, spouse],
        main_cause=PovertyCauseChoices.ILLNESS,
        secondary_causes=[PovertyCauseChoices.ILLNESS, PovertyCauseChoices.SKILLS],
        phone="+86 138-0931-2345",
    )

    # then
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.CANDIDATE
    assert household.number == f"{county.village_a1.code}00001"
    assert household.head.name == "马建国"
    assert household.secondary_causes == [PovertyCauseChoices.SKILLS]  # the main cause is not repeated
    assert household.phone_key == "13809312345"
    assert MembershipPeriod.objects.filter(household=household, left_on__isnull=True).count() == 2
    second = household_register(
        user=county.staff_a, village=county.village_a1, members=[person()], main_cause="illness"
    )
    assert second.number == f"{county.village_a1.code}00002"


def test_invalid_id_number_is_refused_with_the_member_and_field_named_and_nothing_written(
    county: Any,
) -> None:
    # given
    bad = person(RelationChoices.SPOUSE)
    bad["id_number"] = bad["id_number"][:-1] + ("0" if bad["id_number"][-1] != "0" else "1")

    # when
    with pytest.raises(ValidationError) as exc:
        household_register(
            user=county.staff_a, village=county.village_a1, members=[person(), bad], main_cause="illness"
        )

    # then
    assert "members[1].id_number" in exc.value.message_dict
    assert "校验位" in exc.value.message_dict["members[1].id_number"][0]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0


def test_birth_date_and_sex_must_agree_with_the_id_number(county: Any) -> None:
    wrong = person()
    wrong["sex"] = "female"
    wrong["birth_date"] = wrong["birth_date"].replace(day=wrong["birth_date"].day % 27 + 1)

    with pytest.raises(ValidationError) as exc:
        household_register(
            user=county.staff_a, village=county.village_a1, members=[wrong], main_cause="illness"
        )

    assert set(exc.value.message_dict) == {"members[0].sex", "members[0].birth_date"}
    assert Household.objects.count() == 0


def test_exactly_one_head(county: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        household_register(
            user=county.staff_a, village=county.village_a1, members=[person(), person()], main_cause="illness"
        )
    assert "members" in exc.value.message_dict
    assert Household.objects.count() == 0


def test_a_person_registered_in_another_area_is_refused_without_saying_where(county: Any) -> None:
    # given: the person is registered in township B
    someone = person(name="韩有才")
    household_register(
        user=county.staff_b, village=county.village_b1, members=[someone], main_cause="illness"
    )

    # when: township A tries to register them again
    with pytest.raises(ValidationError) as exc:
        household_register(
            user=county.staff_a,
            village=county.village_a1,
            members=[person(), {**someone, "relation": RelationChoices.CHILD}],
            main_cause="illness",
        )

    # then
    message = exc.value.message_dict["members[1].id_number"][0]
    assert "another household" in message or "其他" in message or "已在" in message
    assert "王坪村" not in message
    assert county.village_b1.code not in message
    assert someone["id_number"] not in message  # masked
    assert Household.objects.filter(village=county.village_a1).count() == 0


def test_the_database_refuses_the_same_person_twice_even_past_the_services(
    county: Any, register: Any
) -> None:
    # given
    household = register()
    member = household.members.first()

    # then: a second row with the same ID number, or a second open membership, is refused by PostgreSQL
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=household,
            name="x",
            id_number=member.id_number,
            relation="child",
            sex="male",
            birth_date=member.birth_date,
        )
    other = register()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipPeriod.objects.create(
            member=member,
            household=other,
            relation="child",
            joined_on=member.birth_date,
            join_reason="moved_in",
        )


def test_member_add_refuses_a_registered_person(county: Any, register: Any) -> None:
    household = register()
    existing = household.members.first()
    before = Member.objects.count()

    with pytest.raises(ValidationError) as exc:
        member_add(
            household=register(),
            user=county.staff_a,
            name="重复",
            id_number=existing.id_number,
            relation=RelationChoices.CHILD,
            sex=existing.sex,
            birth_date=existing.birth_date,
        )

    assert "id_number" in exc.value.message_dict
    assert Member.objects.count() == before + 2  # only the second household's own members


def test_register_outside_the_area_is_404_and_wrong_role_403(county: Any) -> None:
    with pytest.raises(Http404):
        household_register(
            user=county.staff_b, village=county.village_a1, members=[person()], main_cause="illness"
        )
    with pytest.raises(PermissionDenied):
        household_register(
            user=county.viewer, village=county.village_a1, members=[person()], main_cause="illness"
        )
    assert Household.objects.count() == 0


def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(county: Any, register: Any) -> None:
    # given: two clerks read version 1; the first saves
    household = register(address="一社")
    household_update(household=household, user=county.staff_a, expected_version=1, address="二社")

    # when: the second saves on top of the old version
    with pytest.raises(ConflictError):
        household_update(household=household, user=county.staff_a, expected_version=1, address="三社")

    # then
    household.refresh_from_db()
    assert (household.address, household.version) == ("二社", 2)


def test_update_validates_phone_and_year(county: Any, register: Any) -> None:
    household = register()
    with pytest.raises(ValidationError) as exc:
        household_update(
            household=household, user=county.staff_a, expected_version=1, phone="12", year_identified=1999
        )
    assert set(exc.value.message_dict) == {"phone", "year_identified"}
    household.refresh_from_db()
    assert household.version == 1


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("138 0931 2345", "13809312345"),
        ("+86-13809312345", "13809312345"),
        ("0086 13809312345", "13809312345"),
        ("0930-1234567", "09301234567"),
    ],
)
def test_phone_key_normalises(raw: str, key: str) -> None:
    assert phone_key(raw) == key


def test_the_main_cause_is_required(county: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        household_register(user=county.staff_a, village=county.village_a1, members=[person()])
    assert "main_cause" in exc.value.message_dict
    assert Household.objects.count() == 0


def test_household_and_member_errors_come_back_together(county: Any) -> None:
    bad = person()
    bad["id_number"] = "12345"
    with pytest.raises(ValidationError) as exc:
        household_register(user=county.staff_a, village=county.village_a1, members=[bad], phone="1")
    assert {"main_cause", "phone", "members[0].id_number"} <= set(exc.value.message_dict)
