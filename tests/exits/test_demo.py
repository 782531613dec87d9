"""The demo's exits look like a real county's: signed by users of the household's village or
township, the public notice lasting the rule's minimum before it is closed."""

from __future__ import annotations

import random
from importlib import import_module
from io import StringIO

import pytest

from core import clock
from core.demo import DemoContext
from core.scoping import user_covers_area
from exits.choices import ExitStepChoices
from exits.models import ExitProcedure, ExitSettings, ExitSignoff

pytestmark = pytest.mark.django_db


def test_demo_exit_steps_are_signed_in_the_households_area_and_the_notice_lasts_its_minimum() -> None:
    # given
    ctx = DemoContext(seed=7, households=1200, year=2026, rng=random.Random(7), stdout=StringIO())
    for app in ["areas", "accounts", "households", "assistance", "funds", "exits"]:
        import_module(f"{app}.demo").seed(ctx)
    minimum = ExitSettings.objects.get().notice_min_days

    # then
    signoffs = list(ExitSignoff.objects.select_related("procedure__household__village", "signed_by"))
    assert len(signoffs) > 20
    for signoff in signoffs:
        assert user_covers_area(signoff.signed_by, signoff.procedure.household.village)
    closes = [s for s in signoffs if s.step == ExitStepChoices.NOTICE_CLOSE]
    assert closes
    for close in closes:
        started = close.procedure.notice_started_on
        assert (clock.local_date(close.signed_at) - started).days >= minimum
    for procedure in ExitProcedure.objects.exclude(notice_started_on=None):
        assert procedure.notice_started_on <= clock.today()
