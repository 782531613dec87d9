"""Assistance pages: scoped, no per-row queries, errors shown in the user's language, nothing lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from areas.choices import AreaLevelChoices
from assistance.choices import FollowUpStatusChoices, WorkTeamStatusChoices
from assistance.models import Cadre, CadrePairing, FollowUp, Visit, WorkTeam
from assistance.services import measure_create, village_plan_save
from core import clock
from tests.assistance.conftest import make_cadre
from tests.factories import make_area, make_household

pytestmark = pytest.mark.django_db

PAGES = [
    "/assistance/",
    "/assistance/households/",
    "/assistance/visits/",
    "/assistance/follow-ups/",
    "/assistance/cadres/",
    "/assistance/teams/",
    "/assistance/plans/",
    "/assistance/measures/",
    "/assistance/village-plans/",
]


def _more_rows(county: Any, known: Any, n: int) -> None:
    """n more rows of every kind a list page shows, inside staff_a's township."""
    from assistance.services import plan_save, team_create, visit_log

    today = clock.today()
    for _ in range(n):
        h = make_household(county.village_a1)
        cadre = make_cadre(county.town_a)
        CadrePairing.objects.create(household=h, cadre=cadre, start=dt.date(2024, 1, 1))
        measure_create(household=h, kind="industry", start_date=dt.date(2025, 1, 1), user=county.staff_a)
        plan_save(household=h, year=today.year, goals="增收", user=county.staff_a)
        visit_log(
            household=h,
            visited_on=today,
            findings="正常",
            follow_ups=[("送种苗", today + dt.timedelta(days=3))],
            user=county.cadre_a,
        )
    village = make_area(f"6229011032{90 + n:02d}", f"新村{n}", AreaLevelChoices.VILLAGE, county.town_a)
    team_create(
        name=f"新队{n}",
        sending_unit="州民政局",
        villages=[village],
        term_start=dt.date(2025, 1, 1),
        members=[make_cadre(county.town_a) for _ in range(n)],
        user=county.staff_a,
    )
    village_plan_save(village=village, year=2025, title="t", goals="g", user=county.staff_a)


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_do_not_query_per_row(
    url: str, county: Any, known: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    # given: the page's query count with a few more rows of every kind
    _more_rows(county, known, 1)
    client = web(county.staff_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    # when: several more rows of every kind
    _more_rows(county, known, 4)

    # then: no more queries than with fewer rows, and a pinned ceiling
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(few.captured_queries) <= 16


def test_household_page_shows_cadre_follow_ups_plan_and_measures(
    county: Any, known: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    client = web(county.staff_a)

    # when
    with django_assert_max_num_queries(16):
        html = client.get(f"/assistance/households/{known.h2.pk}/").content.decode()

    # then
    assert "马一" in html
    assert "申请公益岗" in html  # the open, overdue follow-up
    assert "甲队" in html
    assert f"{known.today.year}年无帮扶计划" in html  # h2 has only last year's plan


def test_a_visit_without_a_visitor_account_names_its_cadre(county: Any, known: Any, web: Any) -> None:
    """Visits recorded for a cadre without a user account (imported, or logged for them) show the cadre,
    not "unknown", on the household page, the visit list and the visit itself."""
    # given: a visit by 王二, who has no account
    visit = Visit.objects.create(
        household=known.h5, visited_on=known.today, visitor=None, cadre=known.wang, findings="补录走访"
    )
    client = web(county.staff_a)

    # when
    pages = [
        client.get(f"/assistance/households/{known.h5.pk}/").content.decode(),
        client.get("/assistance/visits/").content.decode(),
        client.get(f"/assistance/visits/{visit.pk}/").content.decode(),
    ]

    # then
    household_page = pages[0]
    line = household_page[household_page.index(f"/assistance/visits/{visit.pk}/") :][:300]
    assert "王二" in line
    assert "未知" not in line
    assert all("王二" in page for page in pages[1:])


def test_team_page_lists_the_team_members_as_such(county: Any, known: Any, web: Any) -> None:
    html = web(county.staff_a).get(f"/assistance/teams/{known.team.pk}/").content.decode()
    assert "工作队队员" in html
    assert "家庭成员" not in html


def test_pages_of_another_township_are_not_found(county: Any, known: Any, web: Any) -> None:
    client = web(county.staff_b)
    visit = known.h1.visits.get()
    for url in (
        f"/assistance/households/{known.h1.pk}/",
        f"/assistance/households/{known.h1.pk}/visit/",
        f"/assistance/visits/{visit.pk}/",
        f"/assistance/cadres/{known.ma.pk}/",
        f"/assistance/teams/{known.team.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_visit_form_offers_open_follow_ups_and_closes_the_chosen_one(
    county: Any, known: Any, web: Any
) -> None:
    # given
    client = web(county.cadre_a)
    promise = FollowUp.objects.get(description="申请公益岗")
    form = client.get(f"/assistance/households/{known.h2.pk}/visit/").content.decode()
    assert "申请公益岗" in form

    # when
    response = client.post(
        f"/assistance/households/{known.h2.pk}/visit/",
        {
            "visited_on": known.today.isoformat(),
            "findings": "公益岗已安排",
            "done_follow_ups": [str(promise.pk)],
            "follow_up_1": "三个月后回访收入",
            "follow_up_1_due": (known.today + dt.timedelta(days=90)).isoformat(),
        },
    )

    # then
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == FollowUpStatusChoices.DONE
    page = client.get(response["Location"]).content.decode()
    assert "三个月后回访收入" in page
    assert "公益岗已安排" in page


def test_future_visit_shows_the_error_and_keeps_the_input(county: Any, known: Any, web: Any) -> None:
    # when
    tomorrow = known.today + dt.timedelta(days=1)
    response = web(county.cadre_a).post(
        f"/assistance/households/{known.h2.pk}/visit/",
        {
            "visited_on": tomorrow.isoformat(),
            "findings": "明天再来",
            "follow_up_1": "送药",
            "follow_up_1_due": tomorrow.isoformat(),
        },
    )
    no_due = web(county.cadre_a).post(
        f"/assistance/households/{known.h2.pk}/visit/",
        {"visited_on": known.today.isoformat(), "findings": "今天来过", "follow_up_1": "送药"},
    )

    # then: the errors are shown in Chinese, the input is kept, nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{tomorrow.isoformat()}是将来的日期" in html
    assert "明天再来" in html
    assert "请填写这项跟进事项的完成期限" in no_due.content.decode()
    assert "今天来过" in no_due.content.decode()
    assert Visit.objects.filter(findings__in=["明天再来", "今天来过"]).count() == 0
    assert FollowUp.objects.filter(description="送药").count() == 0


def test_reassign_page(county: Any, known: Any, web: Any) -> None:
    # given
    other = make_cadre(county.town_a, name="李三")
    client = web(county.staff_a)

    # when
    response = client.post(
        f"/assistance/households/{known.h1.pk}/assign/", {"cadre": other.pk, "start": known.today.isoformat()}
    )
    same = client.post(
        f"/assistance/households/{known.h1.pk}/assign/", {"cadre": other.pk, "start": known.today.isoformat()}
    )

    # then
    assert response.status_code == 302
    assert "李三已经是该户的帮扶责任人" in same.content.decode()
    assert list(
        CadrePairing.objects.filter(household=known.h1)
        .order_by("start", "id")
        .values_list("cadre__name", "end")
    ) == [
        ("马一", known.today),
        ("李三", None),
    ]


def test_rotation_page_hands_over_and_shows_the_history(county: Any, known: Any, web: Any) -> None:
    # given
    client = web(county.staff_a)

    # when
    response = client.post(
        f"/assistance/teams/{known.team.pk}/rotate/",
        {
            "name": "乙队",
            "sending_unit": "州教育局",
            "term_start": known.today.isoformat(),
            "version": known.team.version,
            "handover_notes": "移交台账",
        },
    )

    # then
    assert response.status_code == 302
    successor = WorkTeam.objects.get(name="乙队")
    assert WorkTeam.objects.get(pk=known.team.pk).status == WorkTeamStatusChoices.ROTATED
    html = client.get(response["Location"]).content.decode()
    history = html[html.index('data-testid="team-history"') :]
    assert history.index("甲队") < history.index("乙队")
    assert successor.predecessor_id == known.team.pk


def test_stale_rotation_shows_the_conflict(county: Any, known: Any, web: Any) -> None:
    response = web(county.staff_a).post(
        f"/assistance/teams/{known.team.pk}/rotate/",
        {
            "name": "乙队",
            "sending_unit": "x",
            "term_start": known.today.isoformat(),
            "version": known.team.version + 1,
        },
    )
    assert response.status_code == 200
    assert "其他人已修改" in response.content.decode()
    assert WorkTeam.objects.count() == 1


def test_panel_on_the_household_page(county: Any, known: Any) -> None:
    # given: the households app renders {% record_panels household %} on its detail page
    request = RequestFactory().get("/")
    request.user = county.secretary_a1

    # when
    html = Template("{% load povertycase %}{% record_panels h %}").render(
        Context({"h": known.h1, "request": request})
    )

    # then
    assert 'data-testid="assistance-panel"' in html
    assert "马一" in html
    assert "办慢病卡" in html
    assert f"/assistance/households/{known.h1.pk}/visit/" in html


def test_reminders_button_starts_a_job(
    county: Any, known: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = web(county.staff_a).post(
            "/assistance/reminders/run/", {"area": county.town_a.code, "visit_days": 30}
        )
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    assert county.cadre_a.notifications.count() == 4


def test_read_only_viewer_cannot_log_visits(county: Any, known: Any, web: Any) -> None:
    response = web(county.viewer).post(
        f"/assistance/households/{known.h1.pk}/visit/",
        {"visited_on": clock.today().isoformat(), "findings": "x"},
    )
    assert response.status_code == 403
    assert Visit.objects.filter(findings="x").count() == 0


def test_register_a_cadre_and_station_a_team_through_the_pages(county: Any, web: Any) -> None:
    # given
    client = web(county.staff_a)

    # when
    created = client.post(
        "/assistance/cadres/new/",
        {"name": "祁文静", "unit": "临夏市教育局", "phone": "13900001111", "area": county.village_a2.code},
    )
    cadre = Cadre.objects.get(name="祁文静")
    team = client.post(
        "/assistance/teams/new/",
        {
            "name": "大庄村驻村工作队",
            "sending_unit": "临夏市教育局",
            "villages": [county.village_a2.pk],
            "term_start": "2025-04-01",
            "first_secretary": cadre.pk,
        },
    )
    duplicate = client.post(
        "/assistance/teams/new/",
        {
            "name": "又一队",
            "sending_unit": "x",
            "villages": [county.village_a2.pk],
            "term_start": "2025-05-01",
        },
    )

    # then
    assert created.status_code == 302
    assert team.status_code == 302
    assert WorkTeam.objects.get(name="大庄村驻村工作队").memberships.get().cadre == cadre
    assert "大庄村（大庄村驻村工作队）" in duplicate.content.decode()
    assert WorkTeam.objects.count() == 1


def test_plan_and_measure_pages(county: Any, known: Any, web: Any) -> None:
    # given
    client = web(county.secretary_a1)
    member = known.h3.members.first()

    # when
    plan = client.post(
        f"/assistance/households/{known.h3.pk}/plan/",
        {"year": known.today.year, "goals": "稳定就业", "status": "active"},
    )
    bad = client.post(
        f"/assistance/households/{known.h3.pk}/measures/new/",
        {
            "kind": "education_aid",
            "category": "production",
            "start_date": "2025-09-01",
            "status": "planned",
            "amount": "-5",
        },
    )
    good = client.post(
        f"/assistance/households/{known.h3.pk}/measures/new/",
        {
            "kind": "education_aid",
            "member": member.pk,
            "start_date": "2025-09-01",
            "status": "planned",
            "amount": "2500",
        },
    )

    # then
    assert plan.status_code == 302
    assert known.h3.assistance_plans.get().goals == "稳定就业"
    html = bad.content.decode()
    assert "“教育资助”属于“发展教育脱贫一批”" in html
    assert known.h3.measures.count() == 1
    assert good.status_code == 302
    measure = known.h3.measures.get()
    assert (measure.member, measure.amount, measure.category) == (member, Decimal("2500.00"), "education")


def test_village_plan_page(county: Any, known: Any, web: Any) -> None:
    client = web(county.secretary_a1)
    response = client.post(
        "/assistance/village-plans/new/",
        {
            "village": county.village_a1.pk,
            "year": 2025,
            "title": "折桥村2025年计划",
            "goals": "集体经济破十万",
            "team": known.team.pk,
            "status": "active",
        },
    )
    again = client.post(
        "/assistance/village-plans/new/",
        {"village": county.village_a1.pk, "year": 2025, "title": "重复", "goals": "x", "status": "active"},
    )
    assert response.status_code == 302
    assert "该村已有2025年度的计划" in again.content.decode()
    assert "折桥村2025年计划" in client.get("/assistance/village-plans/").content.decode()


def test_english_interface(county: Any, known: Any, web: Any) -> None:
    client = web(county.staff_a)
    client.cookies["django_language"] = "en"
    html = client.get("/assistance/").content.decode()
    assert "Assistance coverage" in html
    assert "By responsible cadre" in html


def test_a_township_cadre_page_opens_for_the_secretary_of_a_village_it_helps(
    county: Any, known: Any, web: Any
) -> None:
    # given: 马一 is registered in 折桥镇 and helps h1 in 折桥村; 王二 helps only in 大庄村
    client = web(county.secretary_a1)

    # when
    own = client.get(f"/assistance/cadres/{known.ma.pk}/")
    other = client.get(f"/assistance/cadres/{known.wang.pk}/")

    # then: the pairings shown are only those the secretary may see
    assert own.status_code == 200
    html = own.content.decode()
    assert f"/assistance/households/{known.h1.pk}/" in html
    assert f"/assistance/households/{known.h2.pk}/" in html
    assert other.status_code == 404


def test_a_township_cadre_page_shows_the_secretary_only_the_teams_in_their_area(
    county: Any, known: Any, web: Any
) -> None:
    """马一 also serves in a team stationed in 大庄村: the secretary of 折桥村 opening 马一's page (they
    help a household of 折桥村) sees 甲队 but not the other village's team."""
    # given
    from assistance.services import team_create

    team_create(
        name="大庄村工作队",
        sending_unit="县教育局",
        villages=[county.village_a2],
        term_start=dt.date(2025, 1, 1),
        members=[known.ma],
        user=county.staff_a,
    )

    # when
    secretary = web(county.secretary_a1).get(f"/assistance/cadres/{known.ma.pk}/").content.decode()
    township = web(county.staff_a).get(f"/assistance/cadres/{known.ma.pk}/").content.decode()

    # then
    assert "甲队" in secretary
    assert "大庄村工作队" not in secretary
    assert "大庄村工作队" in township


def test_a_cadre_who_still_helps_households_cannot_be_marked_as_left(
    county: Any, known: Any, web: Any
) -> None:
    # given
    client = web(county.staff_a)
    form = {"name": "马一", "unit": "县农业农村局", "phone": "13900000000", "version": known.ma.version}

    # when: unticking "in post" while 马一 still helps two households
    refused = client.post(f"/assistance/cadres/{known.ma.pk}/edit/", form)
    renamed = client.post(
        f"/assistance/cadres/{known.ma.pk}/edit/", {**form, "name": "马一鸣", "is_active": "on"}
    )

    # then
    assert "该干部仍在结对帮扶农户" in refused.content.decode()
    assert renamed.status_code == 302
    known.ma.refresh_from_db()
    assert (known.ma.name, known.ma.is_active, known.ma.version) == ("马一鸣", True, 2)


def test_a_cadre_starts_from_their_own_households(county: Any, known: Any, web: Any) -> None:
    # given: cadre_a is 马一, paired with h1 and h2
    client = web(county.cadre_a)

    # when
    own = client.get("/assistance/households/").content.decode()
    everyone = client.get("/assistance/households/?q=").content.decode()

    # then
    assert f"/assistance/households/{known.h1.pk}/" in own
    assert f"/assistance/households/{known.h5.pk}/" not in own
    assert f"/assistance/households/{known.h5.pk}/" in everyone


def test_coverage_page_drills_into_a_village_and_back(county: Any, known: Any, web: Any) -> None:
    client = web(county.staff_a)
    township = client.get("/assistance/?days=30").content.decode()
    village = client.get(f"/assistance/?area={county.village_a1.code}&days=30").content.decode()
    assert f"?area={county.village_a1.code}&amp;days=30" in township
    assert "↑ 折桥镇" in village
    assert client.get(f"/assistance/?area={county.village_b1.code}").status_code == 404


def test_team_page_queries_do_not_grow_with_the_rotations(
    county: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    """The history of a village's teams is read in a fixed number of queries, however many terms."""
    from assistance.services import team_create, team_rotate

    def rotate(team: WorkTeam, n: int) -> WorkTeam:
        for i in range(n):
            team = team_rotate(
                team=team,
                expected_version=team.version,
                name=f"第{team.pk}-{i}届",
                sending_unit="州财政局",
                term_start=team.term_start + dt.timedelta(days=365),
                user=county.staff_a,
            )
        return team

    # given: a team rotated once, and the page's query count for the middle of the chain
    first = team_create(
        name="第一届",
        sending_unit="州农业农村局",
        villages=[county.village_a1],
        term_start=dt.date(2015, 6, 1),
        user=county.staff_a,
    )
    second = rotate(first, 1)
    client = web(county.staff_a)
    with CaptureQueriesContext(connection) as short:
        assert client.get(f"/assistance/teams/{second.pk}/").status_code == 200

    # when: four more terms after it
    last = rotate(second, 4)

    # then: the same number of queries, and the whole chain is listed
    with django_assert_max_num_queries(len(short.captured_queries)):
        html = client.get(f"/assistance/teams/{second.pk}/").content.decode()
    assert html.count('href="/assistance/teams/') >= 5
    assert f"/assistance/teams/{last.pk}/" in html


def test_an_area_code_that_cannot_be_one_is_not_found(county: Any, web: Any, api: Any) -> None:
    """Letters in an area code (a mangled link) are "not found", like any code outside the area; a NUL
    byte is refused before the view (core.inputs: 400 naming the parameter); never a server error."""
    assert web(county.staff_a).get("/assistance/", {"area": "abc"}).status_code == 404
    assert api(county.staff_a).get("/api/assistance/coverage/", {"area": "abc"}).status_code == 404
    assert web(county.staff_a).get("/assistance/", {"area": "\x00"}).status_code == 400
    refused = api(county.staff_a).get("/api/assistance/coverage/", {"area": "\x00"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["area"]


def test_yes_no_filters_offer_any_yes_no(county: Any, known: Any, web: Any) -> None:
    """The overdue filter reads "全部 / 是 / 否" (django-filter's default says "未知", unknown)."""
    html = web(county.staff_a).get("/assistance/follow-ups/").content.decode()
    select = html[html.index('name="overdue"') :]
    select = select[: select.index("</select>")]
    assert [option in select for option in (">全部<", ">是<", ">否<")] == [True, True, True]
    assert "未知" not in select
