"""Supervision pages: the ledger, a problem's follow-ups and closure, complaints, assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.choices import ComplaintKindChoices, ProblemCategoryChoices, ProblemStatusChoices
from supervision.models import Complaint, Problem
from supervision.services import complaint_receive, problem_create

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _many(county: Any, today: dt.date, n: int) -> None:
    for i in range(n):
        problem_create(
            user=county.county_official,
            area=county.village_a2 if i % 2 else county.village_b1,
            category=ProblemCategoryChoices.DATA_QUALITY,
            description=f"第{i}户信息与明白卡不一致",
            responsible_unit="镇扶贫工作站",
            responsible_person=county.staff_a if i % 2 else county.staff_b,
            deadline=today + dt.timedelta(days=i),
        )
        complaint_receive(
            user=county.county_official,
            area=county.village_a1,
            kind=ComplaintKindChoices.UNFAIR,
            content=f"反映{i}",
            received_on=today,
            channel="hotline",
        )


def test_ledger_page_marks_overdue_and_has_bounded_queries(
    county: Any, overdue_problem: Problem, web: Any, today: dt.date, django_assert_max_num_queries: Any
) -> None:
    # given
    _many(county, today, 8)
    client = web(county.county_official)

    # when
    with django_assert_max_num_queries(15):
        body = client.get("/supervision/").content.decode()
    with django_assert_max_num_queries(15):
        client.get("/supervision/complaints/")
    with django_assert_max_num_queries(15):
        client.get("/supervision/inspections/")

    # then
    assert "table-danger" in body
    assert "部分贫困户帮扶手册填写不完整" in body
    assert "已逾期" in body


def test_township_staff_see_only_their_problems(county: Any, problem: Problem, web: Any) -> None:
    assert web(county.staff_b).get(f"/supervision/problems/{problem.pk}/").status_code == 404
    assert "帮扶手册" not in web(county.staff_b).get("/supervision/").content.decode()


def test_follow_up_then_close_with_evidence_on_the_page(county: Any, problem: Problem, web: Any) -> None:
    # given
    staff, official = web(county.staff_a), None
    staff.post(f"/supervision/problems/{problem.pk}/", {"action": "follow_up", "note": "已补填帮扶手册"})
    problem.refresh_from_db()
    official = web(county.county_official)

    # when: closing without evidence
    refused = official.post(
        f"/supervision/problems/{problem.pk}/",
        {"action": "close", "version": problem.version, "closure_note": "已整改"},
    )

    # then
    assert "请至少上传一份整改佐证材料" in refused.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatusChoices.RECTIFYING

    # when: evidence uploaded, then closed
    official.post(
        f"/attachments/supervision/problem/{problem.pk}/upload/",
        {
            "file": SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
            "kind": "evidence",
            "next": "/",
        },
    )
    closed = official.post(
        f"/supervision/problems/{problem.pk}/",
        {"action": "close", "version": problem.version, "closure_note": "已整改"},
    )

    # then
    assert closed.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatusChoices.CLOSED


def test_new_problem_form_shows_field_errors_and_saves_nothing(county: Any, web: Any, today: dt.date) -> None:
    response = web(county.county_official).post(
        "/supervision/problems/new/",
        {
            "area": county.village_a1.code,
            "category": "funds",
            "description": "资金未公示",
            "responsible_unit": "镇政府",
            "responsible_person": county.staff_b.pk,
            "deadline": (today - dt.timedelta(days=2)).isoformat(),
        },
    )
    body = response.content.decode()
    assert 'data-testid="error-deadline"' in body
    assert 'data-testid="error-responsible_person"' in body
    assert Problem.objects.count() == 0


def test_complaint_page_assigns_and_answers(county: Any, web: Any, today: dt.date) -> None:
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.WRONG_EXIT,
        content="反映脱贫户收入不稳定",
        received_on=today,
        channel="hotline",
    )
    client = web(county.county_official)
    client.post(
        f"/supervision/complaints/{complaint.pk}/",
        {"action": "assign", "version": 1, "assignee": county.staff_a.pk},
    )
    web(county.staff_a).post(
        f"/supervision/complaints/{complaint.pk}/",
        {"action": "answer", "version": 2, "answer": "经核实不属实", "finding": "not_upheld"},
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.assigned_to == county.staff_a
    assert complaint.finding == "not_upheld"


def test_assessment_page_counts_per_township_and_person(
    county: Any, overdue_problem: Problem, web: Any, today: dt.date
) -> None:
    body = (
        web(county.county_official)
        .get(f"/supervision/assessment/?area={county.county.code}")
        .content.decode()
    )
    assert "折桥镇" in body
    assert 'data-testid="assessment-people"' in body


def test_household_page_shows_its_problems_and_complaints(county: Any, web: Any, today: dt.date) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from tests.factories import make_household

    household = make_household(county.village_a1)
    complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        household=household,
        kind=ComplaintKindChoices.WRONG_INCLUSION,
        content="反映该户有经营性车辆",
        received_on=today,
        channel="hotline",
    )
    request = RequestFactory().get("/")
    request.user = county.staff_a
    shown = render_to_string(
        "supervision/_household_panel.html", {"record": household, "user": county.staff_a}, request=request
    )
    request.user = county.staff_b
    hidden = render_to_string(
        "supervision/_household_panel.html", {"record": household, "user": county.staff_b}, request=request
    )
    assert "反映该户有经营性车辆" in shown
    assert "错评" in shown
    assert "反映该户有经营性车辆" not in hidden


def test_a_complaint_names_its_household_by_number_within_the_users_areas(
    county: Any, web: Any, today: dt.date
) -> None:
    # given: a household of the county, and one of a supervisor's other township
    from accounts.roles import RoleChoices
    from tests.factories import make_household, make_user

    household_b = make_household(county.village_b1)
    household_a = make_household(county.village_a1)
    supervisor_b = make_user(RoleChoices.COUNTY_OFFICIAL, county.town_b, username="supervisor_b")
    form = {
        "area": county.village_b1.code,
        "kind": ComplaintKindChoices.WRONG_INCLUSION,
        "channel": "hotline",
        "received_on": today.isoformat(),
        "content": "反映该户家有轿车",
    }

    # when: a number outside the supervisor's areas, then the right one
    refused = web(supervisor_b).post(
        "/supervision/complaints/new/", {**form, "household": household_a.number}
    )
    saved = web(supervisor_b).post("/supervision/complaints/new/", {**form, "household": household_b.number})

    # then: the first is refused as unknown and nothing is saved; the second is linked and shown
    assert refused.status_code == 200
    assert f"没有编号为 {household_a.number} 的户" in refused.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.household == household_b
    detail = web(supervisor_b).get(saved["Location"]).content.decode()
    assert household_b.number in detail


def test_assessment_page_title_is_text_and_each_section_is_shown_once(county: Any, web: Any) -> None:
    # when
    body = (
        web(county.county_official)
        .get(f"/supervision/assessment/?area={county.county.code}")
        .content.decode()
    )

    # then
    title = body[body.index("<title>") + len("<title>") : body.index("</title>")]
    assert "<" not in title
    assert "考核" in title
    assert body.count('data-testid="assessment-teams"') == 1


def test_only_supervisors_are_offered_the_buttons_that_write(county: Any, web: Any) -> None:
    # when
    pages = {
        user: {
            url: web(getattr(county, user)).get(url).content.decode()
            for url in ("/supervision/", "/supervision/complaints/", "/supervision/inspections/")
        }
        for user in ("county_official", "viewer")
    }

    # then
    for url, link in (
        ("/supervision/", "/supervision/problems/new/"),
        ("/supervision/complaints/", "/supervision/complaints/new/"),
        ("/supervision/inspections/", "/supervision/inspections/new/"),
    ):
        assert link in pages["county_official"][url]
        assert link not in pages["viewer"][url]
    assert '<option value="" selected>全部</option>' in pages["viewer"]["/supervision/"]


def test_a_supervisor_changes_the_deadline_and_person_on_the_page(
    county: Any, problem: Problem, web: Any, today: dt.date
) -> None:
    # given
    client = web(county.county_official)
    url = f"/supervision/problems/{problem.pk}/"
    form = {
        "action": "edit",
        "version": problem.version,
        "description": problem.description,
        "responsible_unit": "折桥镇扶贫工作站",
        "responsible_person": county.secretary_a1.pk,
        "deadline": (today + dt.timedelta(days=60)).isoformat(),
    }

    # when: a past deadline first, then a good change, then the same change again from a stale page
    refused = client.post(url, {**form, "deadline": (today - dt.timedelta(days=1)).isoformat()})
    unchanged = Problem.objects.get(pk=problem.pk)
    saved = client.post(url, form)
    stale = client.post(url, {**form, "responsible_unit": "另一个单位"}, follow=True)

    # then
    assert 'data-testid="error-deadline"' in refused.content.decode()
    assert (unchanged.deadline, unchanged.version) == (problem.deadline, problem.version)
    assert saved.status_code == 302
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.responsible_person == county.secretary_a1
    assert problem.deadline == today + dt.timedelta(days=60)
    assert problem.responsible_unit == "折桥镇扶贫工作站"
    assert 'class="alert alert-danger' in stale.content.decode()
    assert Problem.objects.get(pk=problem.pk).responsible_unit == "折桥镇扶贫工作站"
