"""Problem lists, the rectification ledger and complaints: the rules and the errors users see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from core.choices import AttachmentKindChoices
from core.exceptions import ConflictError
from core.models import Notification
from core.services import attachment_add
from supervision.choices import (
    ComplaintChannelChoices,
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemCategoryChoices,
    ProblemStatusChoices,
)
from supervision.models import Complaint, Problem, ProblemFollowUp
from supervision.services import (
    complaint_answer,
    complaint_assign,
    complaint_open_problem,
    complaint_receive,
    problem_close,
    problem_create,
    problem_follow_up,
    problem_update,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _evidence(problem: Problem, user: Any) -> None:
    attachment_add(
        user=user,
        record=problem,
        upload=SimpleUploadedFile("整改照片.png", PNG, content_type="image/png"),
        kind=AttachmentKindChoices.EVIDENCE,
    )


def test_a_problem_is_listed_with_its_person_told(county: Any, problem: Problem) -> None:
    assert problem.status == ProblemStatusChoices.OPEN
    assert problem.inspection is not None
    assert Notification.objects.filter(
        user=county.staff_a, key=f"supervision.problem.{problem.pk}.assigned"
    ).exists()


def test_a_problem_needs_a_person_who_works_there_and_a_future_deadline(county: Any, today: dt.date) -> None:
    # when
    with pytest.raises(ValidationError) as error:
        problem_create(
            user=county.county_official,
            area=county.village_a1,
            category=ProblemCategoryChoices.FUNDS,
            description=" ",
            responsible_unit="",
            responsible_person=county.staff_b,  # works in the other township
            deadline=today - dt.timedelta(days=1),
        )

    # then
    errors = error.value.message_dict
    assert set(errors) == {"description", "responsible_unit", "responsible_person", "deadline"}
    assert "不在折桥村工作" in errors["responsible_person"][0]
    assert Problem.objects.count() == 0


def test_only_supervisors_list_problems_and_only_in_their_area(county: Any, today: dt.date) -> None:
    data = {
        "area": county.village_a1,
        "category": ProblemCategoryChoices.FUNDS,
        "description": "资金拨付滞后",
        "responsible_unit": "县财政局",
        "responsible_person": county.staff_a,
        "deadline": today,
    }
    with pytest.raises(PermissionDenied):
        problem_create(user=county.staff_a, **data)
    with pytest.raises(Http404):
        problem_create(user=county.staff_b, **data)
    assert Problem.objects.count() == 0


def test_follow_ups_by_the_person_responsible_move_it_to_rectifying(county: Any, problem: Problem) -> None:
    # when
    problem_follow_up(problem=problem, note="已组织驻村工作队逐户补填帮扶手册", user=county.staff_a)

    # then
    problem.refresh_from_db()
    assert problem.status == ProblemStatusChoices.RECTIFYING
    assert problem.follow_ups.count() == 1
    with pytest.raises(PermissionDenied):
        problem_follow_up(problem=problem, note="x", user=county.cadre_a)
    with pytest.raises(ValidationError):
        problem_follow_up(problem=problem, note="  ", user=county.staff_a)
    assert problem.follow_ups.count() == 1


def test_closing_needs_evidence_and_a_note(county: Any, problem: Problem) -> None:
    # when: no evidence yet
    with pytest.raises(ValidationError) as error:
        problem_close(
            problem=problem, closure_note="", user=county.county_official, expected_version=problem.version
        )

    # then
    assert set(error.value.message_dict) == {"evidence", "closure_note"}
    problem.refresh_from_db()
    assert problem.status == ProblemStatusChoices.OPEN
    assert problem.closed_at is None

    # when: evidence attached
    _evidence(problem, county.county_official)
    closed = problem_close(
        problem=problem,
        closure_note="手册已补齐，走访记录录入系统",
        user=county.county_official,
        expected_version=problem.version,
    )

    # then
    assert closed.status == ProblemStatusChoices.CLOSED
    assert closed.closed_by == county.county_official
    with pytest.raises(ValidationError):
        problem_follow_up(problem=closed, note="再补一条", user=county.staff_a)


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    county: Any, problem: Problem, today: dt.date
) -> None:
    # given: someone else moved the deadline first
    stale = problem.version
    problem_update(
        problem=problem,
        user=county.county_official,
        expected_version=stale,
        responsible_unit=problem.responsible_unit,
        responsible_person=problem.responsible_person,
        deadline=today + dt.timedelta(days=60),
        description=problem.description,
    )

    # when / then
    with pytest.raises(ConflictError):
        problem_update(
            problem=problem,
            user=county.county_official,
            expected_version=stale,
            responsible_unit="别的单位",
            responsible_person=problem.responsible_person,
            deadline=today + dt.timedelta(days=10),
            description=problem.description,
        )
    problem.refresh_from_db()
    assert problem.deadline == today + dt.timedelta(days=60)
    assert problem.responsible_unit == "折桥镇人民政府"


def test_a_complaint_is_received_assigned_answered_and_opens_a_problem_once(
    county: Any, today: dt.date
) -> None:
    # when
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a2,
        kind=ComplaintKindChoices.LEFT_OUT,
        content="村民反映家中两人重病，收入低，未被纳入建档立卡",
        received_on=today,
        channel=ComplaintChannelChoices.HOTLINE,
        complainant="马某",
    )
    complaint = complaint_assign(
        complaint=complaint,
        assignee=county.staff_a,
        user=county.county_official,
        expected_version=complaint.version,
    )
    complaint = complaint_answer(
        complaint=complaint,
        answer="经入户核实，情况属实，已启动识别程序",
        finding=ComplaintFindingChoices.UPHELD,
        user=county.staff_a,
        expected_version=complaint.version,
    )
    problem = complaint_open_problem(
        complaint=complaint,
        user=county.county_official,
        category=ProblemCategoryChoices.IDENTIFICATION,
        responsible_unit="折桥镇扶贫工作站",
        responsible_person=county.staff_a,
        deadline=today + dt.timedelta(days=15),
    )

    # then
    complaint.refresh_from_db()
    assert complaint.answer_deadline == today + dt.timedelta(days=15)
    assert complaint.status == ComplaintStatusChoices.ANSWERED
    assert complaint.problem == problem
    assert problem.description == complaint.content
    with pytest.raises(ValidationError):
        complaint_open_problem(
            complaint=complaint,
            user=county.county_official,
            category=ProblemCategoryChoices.IDENTIFICATION,
            responsible_unit="x",
            responsible_person=county.staff_a,
            deadline=today,
        )
    assert Problem.objects.count() == 1


def test_an_answer_needs_a_finding_and_only_the_assignee_or_a_supervisor(county: Any, today: dt.date) -> None:
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.WRONG_EXIT,
        content="反映已脱贫户实际收入未达标",
        received_on=today,
        channel=ComplaintChannelChoices.LETTER,
    )
    with pytest.raises(PermissionDenied):
        complaint_answer(
            complaint=complaint,
            answer="x",
            finding=ComplaintFindingChoices.UPHELD,
            user=county.staff_a,
            expected_version=1,
        )
    with pytest.raises(ValidationError) as error:
        complaint_answer(
            complaint=complaint, answer="", finding="", user=county.county_official, expected_version=1
        )
    assert set(error.value.message_dict) == {"answer", "finding"}
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatusChoices.RECEIVED
    assert Complaint.objects.filter(finding="").count() == 1
    assert ProblemFollowUp.objects.count() == 0
