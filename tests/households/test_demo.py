"""The demo's people read like real ones: a name fits the member's sex, a spouse is of the other sex."""

from __future__ import annotations

import datetime as dt
import random
from importlib import import_module
from io import StringIO
from typing import Any

import pytest

from core import clock
from core.demo import DemoContext
from households.choices import HouseholdStatusChoices, RelationChoices, SexChoices
from households.demo import GIVEN_FEMALE, GIVEN_MALE
from households.id_numbers import id_number_sex
from households.models import Household, Member

pytestmark = pytest.mark.django_db


def test_demo_names_match_sex_and_spouses_are_of_the_other_sex() -> None:
    # given
    ctx = DemoContext(seed=7, households=200, year=2026, rng=random.Random(7), stdout=StringIO())
    for app in ["areas", "accounts", "households"]:
        import_module(f"{app}.demo").seed(ctx)

    # then
    members = list(Member.objects.select_related("household__head"))
    assert len(members) > 400
    for member in members:
        given = member.name[1:]
        expected = GIVEN_FEMALE if member.sex == SexChoices.FEMALE else GIVEN_MALE
        assert given in expected, (member.name, member.get_sex_display(), member.get_relation_display())
        if member.id_number:  # a newborn's may still be missing
            assert id_number_sex(member.id_number) == member.sex
        if member.relation == RelationChoices.SPOUSE:
            assert member.sex != member.household.head.sex


def test_demo_procedure_steps_are_signed_by_users_of_the_households_area_at_varied_times() -> None:
    from core.scoping import user_covers_area
    from households.models import IdentificationStep

    # given (600 households: the candidates that get a procedure are those of the demo's townships, a
    # random few; at 300 some instants of the suite's clock left 8 steps, under the 10 this reads)
    ctx = DemoContext(seed=7, households=600, year=2026, rng=random.Random(7), stdout=StringIO())
    for app in ["areas", "accounts", "households"]:
        import_module(f"{app}.demo").seed(ctx)

    # then: every signer works in the household's village or township (or is the county's)
    steps = list(IdentificationStep.objects.select_related("procedure__household__village", "signed_by"))
    assert len(steps) > 10
    for step in steps:
        assert user_covers_area(step.signed_by, step.procedure.household.village), (
            step.signed_by.username,
            step.procedure.household.village.name,
        )
    assert len({step.signed_at.astimezone().strftime("%H:%M") for step in steps}) > 5
    # in office hours of working days before today, in time order within a procedure
    by_procedure: dict[int, list[Any]] = {}
    for step in sorted(steps, key=lambda s: s.pk):
        local = clock.localtime(step.signed_at)
        assert local.weekday() < 5, local
        assert dt.time(8, 30) <= local.time() < dt.time(18, 0), local
        assert local.date() < clock.today()
        by_procedure.setdefault(step.procedure_id, []).append(step.signed_at)
    for moments in by_procedure.values():
        assert moments == sorted(moments)
    # and every candidate of every township has its procedure (each township has its demo users)
    candidates = Household.objects.filter(status=HouseholdStatusChoices.CANDIDATE)
    assert candidates.exists()
    assert not candidates.exclude(procedures__isnull=False).exists()
