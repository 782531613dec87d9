"""The start page is each role's work queue, read through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistance.models import FollowUp, Visit
from core import clock
from core.models import Notification
from core.procedures.workflow import LevelChoices
from exits.choices import ExitProcedureStateChoices
from exits.models import ExitProcedure
from funds.models import Project
from households.choices import HouseholdStatusChoices, IdentificationStageChoices
from households.services import IDENTIFICATION_WORKFLOW, procedure_sign, procedure_start
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db


def _section(body: str, key: str) -> str:
    start = body.find(f'data-testid="work-{key}"')
    assert start >= 0, f"no {key} section"
    return body[start : body.find("</section>", start) if "</section>" in body[start:] else start + 3000]


def _candidate(village: Any, head: str) -> Any:
    household = make_household(village, status=HouseholdStatusChoices.CANDIDATE, members=0)
    make_member(household, relation="head", name=head)
    return household


def test_township_staff_see_their_townships_steps_only(county: Any, web: Any) -> None:
    # given: one candidate in each township
    procedure_start(household=_candidate(county.village_a1, "马尕西木"), user=county.staff_a)
    procedure_start(household=_candidate(county.village_b1, "王成"), user=county.staff_b)

    # when
    body = web(county.staff_a).get("/").content.decode()

    # then
    steps = _section(body, "identification-steps")
    assert "马尕西木户（折桥镇 折桥村）" in steps
    assert "王成" not in body
    assert 'data-testid="approvals-inbox"' not in body
    assert "work-imports" in body  # the township imports the villages' spreadsheets


def test_the_county_inbox_counts_what_waits_for_the_county(county: Any, web: Any) -> None:
    # given: an identification at the county stage, an exit reviewed by the township, a proposed project
    household = _candidate(county.village_a1, "马尕西木")
    procedure = procedure_start(household=household, user=county.staff_a)
    for stage in list(IdentificationStageChoices)[:-1]:
        if stage == IdentificationStageChoices.PUBLIC_NOTICE:
            procedure.notice_started_on = clock.today() - dt.timedelta(days=procedure.notice_min_days)
            procedure.save(update_fields=["notice_started_on"])
        village_stage = IDENTIFICATION_WORKFLOW.level_of(stage) == LevelChoices.VILLAGE
        procedure_sign(
            procedure=procedure, stage=stage, user=county.secretary_a1 if village_stage else county.staff_a
        )
    ExitProcedure.objects.create(
        household=make_household(county.village_b1),
        year=clock.today().year,
        state=ExitProcedureStateChoices.TOWNSHIP_REVIEWED,
    )

    # when
    official = web(county.county_official).get("/").content.decode()

    # then
    assert 'data-testid="count-identification-approvals">1<' in official
    assert 'data-testid="count-exit-approvals">1<' in official
    assert 'data-testid="count-project-approvals">0<' in official
    assert "马尕西木户（折桥镇 折桥村）" in _section(official, "identification-approvals")
    assert "2 项待县级审批" in official
    assert not Project.objects.exists()

    # and a township does not see the county's approvals
    staff = web(county.staff_a).get("/").content.decode()
    assert "identification-approvals" not in staff


def test_a_cadre_lands_on_their_own_households_not_the_township(county: Any, web: Any) -> None:
    mine = make_household(county.village_a1, members=0)
    make_member(mine, relation="head", name="韩福海")
    pair(mine, make_cadre(county.town_a, user=county.cadre_a))
    others = [make_household(county.village_a1) for _ in range(4)]
    for household in others:
        pair(household, make_cadre(county.town_a))

    body = web(county.cadre_a).get("/").content.decode()

    section = _section(body, "my-households")
    assert "韩福海户（折桥镇 折桥村）" in section
    assert section.count("登记走访") == 1
    for household in others:
        assert f"/assistance/households/{household.pk}/" not in body


def test_a_first_secretary_sees_overdue_follow_ups_and_households_not_visited(county: Any, web: Any) -> None:
    today = clock.today()
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    visit = Visit.objects.create(
        household=household, visited_on=today - dt.timedelta(days=45), visitor=county.secretary_a1
    )
    FollowUp.objects.create(
        household=household, visit=visit, description="送饲草料", due_date=today - dt.timedelta(days=1)
    )
    outside = make_household(county.village_b1)

    body = web(county.secretary_a1).get("/").content.decode()

    # one village: the household is named by its head alone
    assert "马尕西木户" in _section(body, "overdue-follow-ups")
    assert "送饲草料" in _section(body, "overdue-follow-ups")
    assert "马尕西木户" in _section(body, "not-visited")
    assert f"/{outside.pk}/" not in body


def test_the_prefecture_is_read_only_and_asked_for_nothing(county: Any, web: Any) -> None:
    body = web(county.viewer).get("/").content.decode()
    assert 'data-testid="read-only"' in body
    assert "登记走访" not in body
    assert "work-indicators" in body
    assert "identification-steps" not in body
    # the county rules tab would be a 403 for a user above the county: not offered
    exits_page = web(county.viewer).get("/exits/").content.decode()
    assert "/exits/settings/" not in exits_page
    assert "/exits/settings/" in web(county.county_official).get("/exits/").content.decode()


def test_reminders_name_the_household_by_head_and_village(county: Any) -> None:
    from assistance.services import reminders_raise_for_area

    today = clock.today()
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    pair(household, make_cadre(county.town_a, user=county.cadre_a))
    visit = Visit.objects.create(
        household=household, visited_on=today - dt.timedelta(days=5), visitor=county.cadre_a
    )
    FollowUp.objects.create(
        household=household, visit=visit, description="送饲草料", due_date=today - dt.timedelta(days=1)
    )

    reminders_raise_for_area(area=county.town_a, today=today, visit_days=30)

    titles = list(Notification.objects.filter(user=county.cadre_a).values_list("title", flat=True))
    assert titles == ["马尕西木户（折桥镇 折桥村）：有跟进事项已逾期"]
    assert household.number not in titles[0]


def test_reminders_are_raised_every_hour_not_once_a_morning() -> None:
    from assistance.tasks import BEAT_SCHEDULE

    schedule = BEAT_SCHEDULE["assistance-reminders"]["schedule"]
    assert schedule.hour == set(range(24))
    assert schedule.minute == {15}
