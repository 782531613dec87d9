"""Each role's day starts on its own work: sign in, land on the work queue, finish one item from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from assistance.choices import FollowUpStatusChoices
from assistance.models import FollowUp, Visit
from core import clock
from dashboards.services import incidence_compute_request
from exits.choices import ExitProcedureStateChoices
from exits.models import ExitProcedure
from households.choices import HouseholdStatusChoices, IdentificationStageChoices
from households.services import procedure_sign, procedure_start
from supervision.choices import ProblemCategoryChoices
from supervision.services import inspection_create, problem_create
from tests.assistance.conftest import make_cadre, pair
from tests.exits.builders import YEAR, ready_household, set_line
from tests.factories import make_household, make_member, set_population
from tests.helpers import login, screenshot

PASSWORD = "pw-123456-test"  # tests.factories.make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def work(page: Any, key: str) -> Any:
    return page.locator(f"[data-testid=work-{key}]")


def test_township_staff_signs_the_next_identification_step(page: Any, county: Any) -> None:
    # given: a candidate of 折桥村 whose application is signed; the survey is the township's to sign
    household = make_household(county.village_a1, status=HouseholdStatusChoices.CANDIDATE, members=0)
    make_member(household, relation="head", name="马尕西木")
    procedure = procedure_start(household=household, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=IdentificationStageChoices.APPLICATION, user=county.staff_a)
    other = make_household(county.village_b1, status=HouseholdStatusChoices.CANDIDATE, members=1)
    procedure_start(household=other, user=county.staff_b)

    # when: the township's staff member signs in
    login(page, "staff_a")

    # then: the start page is the work queue, with this household named by head and village
    section = work(page, "identification-steps")
    assert "马尕西木户（折桥镇 折桥村）" in section.inner_text()
    assert "下一环节：入户调查和实地踏勘" in section.inner_text()
    assert "枹罕镇" not in page.locator("[data-testid=work-queue]").inner_text()
    screenshot(page, "start-township-staff")

    # when: they open it and sign the survey
    section.get_by_text("马尕西木户（折桥镇 折桥村）").click()
    page.locator("[data-testid=sign-form] textarea, [data-testid=sign-form] input[name=comment]").first.fill(
        "入户核实，情况属实"
    )
    with page.expect_navigation():
        page.locator("[data-testid=sign-form] button").click()

    # then: signed, and the next step is the township data cross-check
    assert page.locator("[data-testid=next-stage]").inner_text() == "部门数据比对排除"
    procedure.refresh_from_db()
    assert procedure.next_stage == IdentificationStageChoices.CROSS_CHECK
    page.goto(page.base_url + "/")
    assert "下一环节：部门数据比对排除" in work(page, "identification-steps").inner_text()


def test_first_secretary_closes_an_overdue_follow_up_from_the_phone_start_page(
    phone_page: Any, county: Any
) -> None:
    # given: a household of the secretary's village with a promise two days overdue
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    pair(household, make_cadre(county.town_a, name="何建华"), start=dt.date(2023, 4, 1))
    today = clock.today()
    earlier = Visit.objects.create(
        household=household, visited_on=today - dt.timedelta(days=40), visitor=county.secretary_a1
    )
    promise = FollowUp.objects.create(
        household=household, visit=earlier, description="送饲草料", due_date=today - dt.timedelta(days=2)
    )
    pg = phone_page

    # when
    login(pg, "secretary_a1")

    # then: overdue follow-ups first, and the household also among those not visited for 30 days
    overdue = work(pg, "overdue-follow-ups")
    assert "马尕西木户" in overdue.inner_text()
    assert "送饲草料" in overdue.inner_text()
    assert "马尕西木户" in work(pg, "not-visited").inner_text()
    screenshot(pg, "start-first-secretary-phone")

    # when: "log a visit" from the queue, marking the promise done
    overdue.get_by_role("link", name="登记走访").first.click()
    form = pg.locator("[data-testid=visit-form]")
    form.get_by_label("送饲草料").check()
    pg.fill("#id_findings", "饲草料已送到")
    with pg.expect_navigation():
        pg.locator("[data-testid=save-visit]").click()

    # then: the follow-up is done and the start page has nothing overdue left
    promise.refresh_from_db()
    assert promise.status == FollowUpStatusChoices.DONE
    pg.goto(pg.base_url + "/")
    assert "没有逾期的跟进事项" in pg.locator("[data-testid=work-done]").inner_text()
    assert "马尕西木户" not in pg.locator("[data-testid=work-queue]").inner_text()


def test_cadre_lands_on_their_own_paired_households(page: Any, county: Any) -> None:
    # given: the cadre is paired with one household; the township has others
    mine = make_household(county.village_a2, members=0)
    make_member(mine, relation="head", name="韩福海")
    pair(mine, make_cadre(county.town_a, name="赵干部", user=county.cadre_a))
    for _ in range(3):
        pair(make_household(county.village_a1, members=1), make_cadre(county.town_a))

    # when
    login(page, "cadre_a")

    # then: only their household, longest unvisited first
    section = work(page, "my-households")
    assert section.locator("li").count() == 1
    assert "韩福海户（折桥镇 大庄村）" in section.inner_text()
    assert "从未走访" in section.inner_text()
    screenshot(page, "start-cadre")

    # when: they log the visit from the start page
    section.get_by_role("link", name="登记走访").click()
    pg = page
    pg.fill("#id_findings", "家中老人身体好转")
    with pg.expect_navigation():
        pg.locator("[data-testid=save-visit]").click()

    # then
    assert Visit.objects.filter(household=mine, visitor=county.cadre_a).count() == 1
    pg.goto(pg.base_url + "/")
    assert "上次走访" in work(pg, "my-households").inner_text()


def test_county_official_approves_an_exit_from_the_inbox(page: Any, county: Any) -> None:
    # given: one exit reviewed by the township, and one procedure still in the village
    set_line(county.county)
    set_population(county.village_a1, YEAR, 100)
    waiting = ready_household(county.village_a1, members=4)
    ExitProcedure.objects.create(
        household=waiting,
        year=YEAR,
        state=ExitProcedureStateChoices.TOWNSHIP_REVIEWED,
        proposed_by=county.staff_a,
    )
    ExitProcedure.objects.create(
        household=ready_household(county.village_a2),
        year=YEAR,
        state=ExitProcedureStateChoices.PROPOSED,
        proposed_by=county.staff_a,
    )

    # when
    login(page, "county_official")

    # then: the inbox counts what waits for the county
    inbox = page.locator("[data-testid=approvals-inbox]")
    assert inbox.locator("[data-testid=count-exit-approvals]").inner_text() == "1"
    assert inbox.locator("[data-testid=count-identification-approvals]").inner_text() == "0"
    screenshot(page, "start-county-official")

    # when: they open the exit and approve it
    work(page, "exit-approvals").locator("a").first.click()
    form = page.locator("[data-testid=sign-county_approve]")
    form.locator("input[name=comment]").fill("县扶贫开发领导小组审定")
    with page.expect_navigation():
        form.locator("button").click()

    # then
    assert page.locator("[data-testid=procedure-state]").inner_text() == "县级已批准：已脱贫"
    page.goto(page.base_url + "/")
    assert page.locator("[data-testid=count-exit-approvals]").inner_text() == "0"


def test_prefecture_viewer_follows_indicators_read_only(
    page: Any, county: Any, django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    # given: a snapshot of the county, and a rectification three days past its deadline
    set_population(county.village_a1, clock.today().year, 1000)
    make_household(county.village_a1, members=3)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=county.county_official, area=county.county)
    now = clock.now()
    time_machine.move_to(now - dt.timedelta(days=33), tick=True)
    inspection = inspection_create(
        user=county.county_official,
        area=county.town_a,
        title="督导",
        inspected_on=clock.today(),
        inspectors="督导组",
    )
    problem = problem_create(
        user=county.county_official,
        inspection=inspection,
        area=county.village_a1,
        category=ProblemCategoryChoices.ASSISTANCE,
        description="走访记录缺失",
        responsible_unit="折桥镇人民政府",
        responsible_person=county.staff_a,
        deadline=clock.today() + dt.timedelta(days=30),
    )
    time_machine.move_to(now, tick=True)

    # when
    login(page, "viewer")

    # then: read-only, the county's incidence, the overdue rectification; no tasks
    assert page.locator("[data-testid=read-only]").is_visible()
    indicators = page.locator("[data-testid=indicators]")
    assert "临夏市" in indicators.inner_text()
    assert "0.30%" in indicators.inner_text()
    overdue = work(page, "overdue-rectifications")
    assert "折桥镇 折桥村" in overdue.inner_text()
    assert page.get_by_role("link", name="登记走访").count() == 0
    screenshot(page, "start-prefecture")

    # when: they open the rectification
    overdue.locator("a").first.click()

    # then: they read it; nothing to edit
    assert problem.description in page.content()
    assert page.locator("main form[method=post]").count() == 0

    # and the exit pages offer no tab they cannot open
    page.goto(page.base_url + "/exits/")
    assert page.get_by_role("link", name="扶贫标准与规则").count() == 0


def test_system_administrator_unlocks_a_locked_out_sign_in_from_the_start_page(
    page: Any, county: Any
) -> None:
    # given: a township clerk typed a wrong password five times and is locked out
    county.staff_a.full_name = "马秀兰"
    county.staff_a.save()
    clerk = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        clerk.post("/login/", {"username": "staff_a", "password": "wrong", "next": "/"})
    assert clerk.post("/login/", {"username": "staff_a", "password": PASSWORD}).status_code == 429

    # when: the county's system administrator signs in
    login(page, "county_admin")

    # then: the start page lists the locked-out sign-in, with when the lock ends
    section = work(page, "locked-sign-ins")
    assert "马秀兰（staff_a）" in section.inner_text()
    assert "密码错误次数过多" in section.inner_text()
    screenshot(page, "start-system-administrator")

    # when: they follow "unlock" to the user list and run the unlock action on the clerk
    section.get_by_role("link", name="解除锁定").click()
    page.locator(f"input[name=_selected_action][value='{county.staff_a.pk}']").check()
    page.select_option("select[name=action]", "unlock")
    with page.expect_navigation():
        page.locator("button[name=index]").click()

    # then: the clerk signs in again, and the start page has no lock left
    assert "已解除 1 个用户的登录锁定" in page.locator(".messagelist").inner_text()
    assert clerk.post("/login/", {"username": "staff_a", "password": PASSWORD}).status_code == 302
    page.goto(page.base_url + "/")
    assert "没有被锁定的账号" in page.locator("[data-testid=work-done]").inner_text()
