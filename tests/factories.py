"""Test data builders shared by every app's tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from accounts.models import User
from accounts.roles import RoleChoices
from accounts.services import user_create
from areas.choices import AreaLevelChoices
from areas.models import Area, AreaPopulation
from households.choices import (
    HouseholdStatusChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    RelationChoices,
    SexChoices,
)
from households.id_numbers import id_number_make
from households.models import Household, Member, MembershipPeriod
from households.search import member_search_keys_refresh

_seq = itertools.count(1)


def make_area(code: str, name: str, level: str, parent: Area | None = None) -> Area:
    return Area.objects.create(code=code, name=name, level=level, parent=parent)


def make_user(role: str, *areas: Area, username: str | None = None, **extra: Any) -> User:
    return user_create(
        username=username or f"{role}-{next(_seq)}",
        password="pw-123456-test",
        role=role,
        areas=areas,
        **extra,
    )


def make_household(
    village: Area,
    *,
    status: str = HouseholdStatusChoices.REGISTERED,
    members: int = 1,
    number: str | None = None,
    **fields: Any,
) -> Household:
    household = Household.objects.create(
        village=village,
        number=number or f"{village.code}{next(_seq):05d}",
        status=status,
        main_cause=fields.pop("main_cause", PovertyCauseChoices.ILLNESS),
        **fields,
    )
    for position in range(members):
        make_member(household, relation=RelationChoices.HEAD if position == 0 else RelationChoices.CHILD)
    return household


def make_member(
    household: Household,
    *,
    relation: str = RelationChoices.CHILD,
    name: str | None = None,
    birth_date: dt.date | None = None,
    female: bool = False,
    **fields: Any,
) -> Member:
    n = next(_seq)
    birth = birth_date or dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
    member = Member.objects.create(
        household=household,
        name=name or f"成员{n}",
        relation=relation,
        birth_date=birth,
        sex=SexChoices.FEMALE if female else SexChoices.MALE,
        id_number=fields.pop("id_number", None) or id_number_make("622901", birth, n * 2, female=female),
        **fields,
    )
    member_search_keys_refresh([member.pk])  # as the services and imports do
    MembershipPeriod.objects.create(
        member=member,
        household=household,
        relation=relation,
        joined_on=dt.date(2015, 1, 1),
        join_reason=MembershipChangeReasonChoices.REGISTRATION,
    )
    if relation == RelationChoices.HEAD:
        Household.objects.filter(pk=household.pk).update(head=member)
    return member


def set_population(village: Area, year: int, population: int) -> AreaPopulation:
    return AreaPopulation.objects.create(area=village, year=year, rural_population=population)


def build_county() -> dict[str, Any]:
    """A small county: two townships with two villages each, and one user per role."""
    province = make_area("620000000000", "甘肃省", AreaLevelChoices.PROVINCE)
    prefecture = make_area("622900000000", "临夏回族自治州", AreaLevelChoices.PREFECTURE, province)
    county = make_area("622901000000", "临夏市", AreaLevelChoices.COUNTY, prefecture)
    town_a = make_area("622901103000", "折桥镇", AreaLevelChoices.TOWNSHIP, county)
    town_b = make_area("622901101000", "枹罕镇", AreaLevelChoices.TOWNSHIP, county)
    village_a1 = make_area("622901103201", "折桥村", AreaLevelChoices.VILLAGE, town_a)
    village_a2 = make_area("622901103202", "大庄村", AreaLevelChoices.VILLAGE, town_a)
    village_b1 = make_area("622901101201", "王坪村", AreaLevelChoices.VILLAGE, town_b)
    village_b2 = make_area("622901101202", "江牌村", AreaLevelChoices.VILLAGE, town_b)
    return {
        "province": province,
        "prefecture": prefecture,
        "county": county,
        "town_a": town_a,
        "town_b": town_b,
        "village_a1": village_a1,
        "village_a2": village_a2,
        "village_b1": village_b1,
        "village_b2": village_b2,
        "staff_a": make_user(RoleChoices.TOWNSHIP_STAFF, town_a, username="staff_a"),
        "staff_b": make_user(RoleChoices.TOWNSHIP_STAFF, town_b, username="staff_b"),
        "secretary_a1": make_user(RoleChoices.WORK_TEAM, village_a1, username="secretary_a1"),
        "cadre_a": make_user(RoleChoices.CADRE, town_a, username="cadre_a"),
        "county_official": make_user(RoleChoices.COUNTY_OFFICIAL, county, username="county_official"),
        "viewer": make_user(RoleChoices.OVERSIGHT, prefecture, username="viewer"),
        "county_admin": make_user(RoleChoices.SYSTEM_ADMIN, county, username="county_admin"),
    }


def set_policy(area: Area, values: dict[str, Any], year: int | None = None) -> None:
    """Policy values set on an area (for `year`, the yearly ones) as its administrator would
    (checked by the key, stored as areas.services.policy_set stores them), without needing the
    administrator."""
    from areas.models import PolicyValue
    from areas.policy import policy_key

    for name, raw in values.items():
        key = policy_key(name)
        assert key.yearly == (year is not None), f"{name}: a yearly key needs a year, the others none"
        PolicyValue.objects.update_or_create(
            area=area, key=name, year=year, defaults={"value": key.dump(key.parse(raw))}
        )
