"""The demo's exits look like a real county's: every township's procedures signed by users of the
household's village or township (one person per level), in office hours of working days spread over
days, in time order, the public notice lasting the rule's minimum before it is closed."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from importlib import import_module
from io import StringIO
from typing import Any

import pytest

from accounts.models import User
from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.demo import DemoContext
from core.scoping import user_covers_area
from exits.choices import ExitStepChoices, MonitoringStepChoices
from exits.models import ExitProcedure, ExitSignoff, MonitoringSignoff
from exits.selectors import exit_settings_for

pytestmark = pytest.mark.django_db

VILLAGE_EXIT_STEPS = {
    ExitStepChoices.PROPOSE,
    ExitStepChoices.VILLAGE_VERIFY,
    ExitStepChoices.DEMOCRATIC_REVIEW,
    ExitStepChoices.HOUSEHOLD_CONSENT,
    ExitStepChoices.NOTICE_START,
    ExitStepChoices.NOTICE_CLOSE,
}


def _at_work(signed_at: dt.datetime) -> None:
    local = clock.localtime(signed_at)
    assert local.weekday() < 5, local
    assert dt.time(8, 30) <= local.time() < dt.time(18, 0), local
    assert local.date() < clock.today(), local  # nothing signed today: at 00:30 office hours lie ahead


def _in_order(signoffs: list[Any]) -> None:
    """Each case's steps, in the order they were created, on later days one after the other."""
    by_case: dict[int, list[Any]] = defaultdict(list)
    for signoff in sorted(signoffs, key=lambda s: s.pk):
        by_case[signoff.case_id if hasattr(signoff, "case_id") else signoff.procedure_id].append(signoff)
    for steps in by_case.values():
        days = [clock.local_date(s.signed_at) for s in steps]
        assert days == sorted(days), days
        assert len(set(days)) == len(days), days


def test_demo_exit_steps_are_signed_in_the_households_area_at_work_and_the_notice_lasts_its_minimum() -> None:
    # given
    ctx = DemoContext(seed=7, households=1200, year=2026, rng=random.Random(7), stdout=StringIO())
    for app in ["areas", "accounts", "households", "assistance", "funds", "exits"]:
        import_module(f"{app}.demo").seed(ctx)
    settings = exit_settings_for(Area.objects.get(level=AreaLevelChoices.COUNTY))

    # then: every township with villages has its clerk and its cadre in charge of villages
    townships = Area.objects.filter(level=AreaLevelChoices.TOWNSHIP, children__isnull=False).distinct()
    assert townships.count() == 4
    for township in townships:
        assert User.objects.filter(role=RoleChoices.TOWNSHIP_STAFF, areas=township).count() == 2, township

    # and: exit steps by users of the household's village or township, one person per level
    signoffs = list(ExitSignoff.objects.select_related("procedure__household__village", "signed_by"))
    assert len(signoffs) > 20
    village_signers: dict[int, set[int]] = defaultdict(set)
    township_signers: dict[int, set[int]] = defaultdict(set)
    for signoff in signoffs:
        assert user_covers_area(signoff.signed_by, signoff.procedure.household.village)
        _at_work(signoff.signed_at)
        level = village_signers if signoff.step in VILLAGE_EXIT_STEPS else township_signers
        level[signoff.procedure_id].add(signoff.signed_by_id)
    for procedure, signers in township_signers.items():
        assert not signers & village_signers[procedure]
    _in_order(signoffs)
    assert len({clock.localtime(s.signed_at).strftime("%H:%M") for s in signoffs}) > 15
    assert len({clock.local_date(s.signed_at) for s in signoffs}) > 5
    with_procedures = {
        p.household.village.code[:9] for p in ExitProcedure.objects.select_related("household")
    }
    assert with_procedures == {t.code[:9] for t in townships}

    # and: the notice lasted its minimum before it was closed, and began no later than today
    closes = [s for s in signoffs if s.step == ExitStepChoices.NOTICE_CLOSE]
    assert closes
    for close in closes:
        started = close.procedure.notice_started_on
        assert (clock.local_date(close.signed_at) - started).days >= settings.notice_min_days
    for procedure in ExitProcedure.objects.exclude(notice_started_on=None):
        assert procedure.notice_started_on <= clock.today()

    # and: monitoring sign-offs alike; the township reviews once the notice has run its minimum
    monitoring = list(MonitoringSignoff.objects.select_related("case__household__village", "signed_by"))
    assert len(monitoring) > 20
    for signoff in monitoring:
        assert user_covers_area(signoff.signed_by, signoff.case.household.village)
        _at_work(signoff.signed_at)
        if signoff.step == MonitoringStepChoices.TOWNSHIP_REVIEW:
            notice = signoff.case.notice_started_on
            assert (clock.local_date(signoff.signed_at) - notice).days >= settings.monitoring_notice_min_days
        if signoff.step == MonitoringStepChoices.COUNTY_INCLUDE:
            assert clock.local_date(signoff.signed_at) == signoff.case.included_on
    _in_order(monitoring)
