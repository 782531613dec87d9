"""Builders for assistance tests: cadres, teams and pairings on the shared small county."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from areas.models import Area
from assistance.models import Cadre, CadrePairing
from core import clock

_seq = itertools.count(1)


def make_cadre(area: Area, *, name: str | None = None, user: Any = None, unit: str = "县农业农村局") -> Cadre:
    n = next(_seq)
    return Cadre.objects.create(
        name=name or f"干部{n}", unit=unit, area=area, phone=f"1390000{n:04d}", user=user
    )


def pair(household: Any, cadre: Cadre, start: dt.date = dt.date(2024, 1, 1)) -> CadrePairing:
    return CadrePairing.objects.create(household=household, cadre=cadre, start=start)


@pytest.fixture
def cadre_factory() -> Any:
    return make_cadre


@pytest.fixture
def known(county: Any) -> Any:
    """A known picture of town A (折桥镇) for coverage, assessment and reminders, 30-day visit rule:

    折桥村 (team 甲队, member 马一 who has the cadre_a account):
      h1 registered, cadre 马一, plan this year, visited 10 days ago, 2 follow-ups overdue
      h2 exited,     cadre 马一, plan last year only, visited 40 days ago, 1 overdue + 1 done
      h3 monitoring, no cadre, never visited;  h4 returned, no cadre, never visited
      h0 candidate (not counted)
    大庄村 (no team):
      h5 registered, cadre 王二 (no account), plan this year, visited today, 1 follow-up not yet due
      h6 registered, no cadre, never visited
    王坪村 in town B: h7 (outside the area)
    """
    from types import SimpleNamespace

    from assistance.services import follow_up_close, plan_save, team_create, visit_log
    from households.choices import HouseholdStatusChoices as S
    from tests.factories import make_household

    today = clock.today()
    days = dt.timedelta
    h = {
        "h0": make_household(county.village_a1, status=S.CANDIDATE),
        "h1": make_household(county.village_a1, status=S.REGISTERED),
        "h2": make_household(county.village_a1, status=S.EXITED),
        "h3": make_household(county.village_a1, status=S.MONITORING),
        "h4": make_household(county.village_a1, status=S.RETURNED),
        "h5": make_household(county.village_a2, status=S.REGISTERED),
        "h6": make_household(county.village_a2, status=S.REGISTERED),
        "h7": make_household(county.village_b1, status=S.REGISTERED),
    }
    ma = make_cadre(county.town_a, name="马一", user=county.cadre_a)
    wang = make_cadre(county.town_a, name="王二")
    team = team_create(
        name="甲队",
        sending_unit="州民政局",
        villages=[county.village_a1],
        term_start=today - days(400),
        members=[ma],
        user=county.staff_a,
    )
    for key, cadre in (("h1", ma), ("h2", ma), ("h5", wang)):
        pair(h[key], cadre, start=today - days(500))
    pair(h["h7"], make_cadre(county.town_b), start=today - days(500))
    for key in ("h1", "h5"):
        plan_save(household=h[key], year=today.year, goals="增收", user=county.staff_a)
    plan_save(household=h["h2"], year=today.year - 1, goals="巩固", user=county.staff_a)
    visit_log(
        household=h["h1"],
        visited_on=today - days(10),
        findings="看病难",
        follow_ups=[("办慢病卡", today - days(5)), ("联系医保", today - days(2))],
        user=county.cadre_a,
    )
    v2 = visit_log(
        household=h["h2"],
        visited_on=today - days(40),
        findings="缺劳力",
        follow_ups=[("申请公益岗", today - days(1)), ("送化肥", today - days(30))],
        user=county.cadre_a,
    )
    done = v2.follow_ups.get(description="送化肥")
    follow_up_close(
        follow_up=done, expected_version=done.version, done_on=today - days(31), user=county.cadre_a
    )
    visit_log(
        household=h["h5"],
        visited_on=today,
        findings="正常",
        follow_ups=[("送种苗", today + days(7))],
        user=county.staff_a,
    )
    return SimpleNamespace(today=today, team=team, ma=ma, wang=wang, **h)
