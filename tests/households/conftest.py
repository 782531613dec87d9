"""Builders for the registry tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from households.choices import (
    HouseholdStatusChoices,
    PovertyCauseChoices,
    RelationChoices,
    SexChoices,
)
from households.id_numbers import id_number_make
from households.models import Household
from households.services import household_register

_seq = itertools.count(500)


def person(
    relation: str = RelationChoices.HEAD,
    *,
    name: str | None = None,
    birth: dt.date | None = None,
    female: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A member as a form or the API would send it, with a valid ID number."""
    n = next(_seq)
    birth = birth or dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    return {
        "name": name or f"测试{n}",
        "id_number": id_number_make(region_for(birth), birth, n * 2, female=female),
        "relation": relation,
        "sex": SexChoices.FEMALE if female else SexChoices.MALE,
        "birth_date": birth,
        **extra,
    }


def region_for(birth: dt.date) -> str:
    """Linxia city (622901): its code is on every resident's number, whatever their age."""
    return "622901"


@pytest.fixture
def register(county: Any) -> Any:
    def build(
        village: Any = None, *, user: Any = None, members: list | None = None, **fields: Any
    ) -> Household:
        return household_register(
            user=user or county.staff_a,
            village=village or county.village_a1,
            members=members or [person(), person(RelationChoices.SPOUSE, female=True)],
            main_cause=fields.pop("main_cause", PovertyCauseChoices.ILLNESS),
            **fields,
        )

    return build


CANDIDATE = HouseholdStatusChoices.CANDIDATE
