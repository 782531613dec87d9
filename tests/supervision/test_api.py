"""The supervision API: the ledger, complaints and figures; errors in the caller's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from supervision.choices import ComplaintKindChoices, ProblemStatusChoices
from supervision.models import Complaint, Problem

pytestmark = pytest.mark.django_db


def test_problems_list_and_overdue_filter(county: Any, overdue_problem: Problem, api: Any) -> None:
    client = api(county.county_official)
    rows = client.get("/api/supervision/problems/", {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [overdue_problem.pk]
    assert rows[0]["is_overdue"] is True
    assert client.get("/api/supervision/problems/", {"overdue": "false"}).json()["results"] == []
    assert api(county.staff_b).get(f"/api/supervision/problems/{overdue_problem.pk}/").status_code == 404


def test_create_a_problem_with_errors_then_correctly(county: Any, api: Any, today: dt.date) -> None:
    client = api(county.county_official)
    payload = {
        "area": county.village_b1.code,
        "category": "funds",
        "description": "扶贫项目资金公示不及时",
        "responsible_unit": "枹罕镇人民政府",
        "responsible_person": county.staff_a.pk,
        "deadline": today.isoformat(),
    }
    bad = client.post("/api/supervision/problems/", payload)
    assert bad.status_code == 400
    assert "不在王坪村工作" in bad.json()["errors"]["responsible_person"][0]
    assert Problem.objects.count() == 0
    good = client.post("/api/supervision/problems/", {**payload, "responsible_person": county.staff_b.pk})
    assert good.status_code == 201
    assert good.json()["status"] == ProblemStatusChoices.OPEN


def test_follow_up_and_close_through_the_api(county: Any, problem: Problem, api: Any) -> None:
    assert (
        api(county.staff_a)
        .post(f"/api/supervision/problems/{problem.pk}/follow-ups/", {"note": "已整改"})
        .status_code
        == 201
    )
    close = api(county.county_official).post(
        f"/api/supervision/problems/{problem.pk}/close/", {"version": 2, "closure_note": "已整改到位"}
    )
    assert close.status_code == 400
    assert "evidence" in close.json()["errors"]
    stale = api(county.county_official).patch(
        f"/api/supervision/problems/{problem.pk}/",
        {
            "version": 1,
            "description": problem.description,
            "responsible_unit": "x",
            "responsible_person": county.staff_a.pk,
            "deadline": problem.deadline.isoformat(),
        },
        format="json",
    )
    assert stale.status_code == 409


def test_complaints_flow_and_rates(county: Any, api: Any, today: dt.date) -> None:
    client = api(county.county_official)
    created = client.post(
        "/api/supervision/complaints/",
        {
            "area": county.village_a1.code,
            "kind": ComplaintKindChoices.WRONG_INCLUSION,
            "content": "反映某户家有轿车仍为贫困户",
            "received_on": today.isoformat(),
            "channel": "online",
        },
    ).json()
    assigned = client.post(
        f"/api/supervision/complaints/{created['id']}/assign/", {"version": 1, "assignee": county.staff_a.pk}
    )
    assert assigned.status_code == 200
    answered = api(county.staff_a).post(
        f"/api/supervision/complaints/{created['id']}/answer/",
        {"version": 2, "answer": "经核实属实，启动清退", "finding": "upheld"},
    )
    assert answered.status_code == 200
    rates = client.get(f"/api/supervision/figures/{county.county.code}/rates/").json()
    assert rates["wrong_inclusion"] == 1
    assert Complaint.objects.get().finding == "upheld"


def test_creates_answer_201_with_the_row_as_the_list_reads_it(county: Any, api: Any, today: dt.date) -> None:
    client = api(county.county_official)
    inspection = client.post(
        "/api/supervision/inspections/",
        {"area": county.town_b.code, "title": "  督导  ", "inspected_on": today.isoformat()},
    )
    assert inspection.status_code == 201
    body = inspection.json()
    assert (body["title"], body["problem_count"], body["open_count"]) == ("督导", 0, 0)
    complaint = client.post(
        "/api/supervision/complaints/",
        {
            "area": county.village_b2.code,
            "kind": "unfair",
            "content": "反映",
            "received_on": today.isoformat(),
        },
    )
    assert complaint.status_code == 201
    assert complaint.json()["channel"] == Complaint.objects.get().channel == "hotline"


def test_supervision_lists_have_a_fixed_number_of_queries(
    county: Any, problem: Problem, api: Any, django_assert_max_num_queries: Any, today: dt.date
) -> None:
    # given: several rows of each, so a query per row would show
    for i in range(6):
        api(county.county_official).post(
            f"/api/supervision/problems/{problem.pk}/follow-ups/", {"note": f"进展{i}"}
        )
        api(county.county_official).post(
            "/api/supervision/complaints/",
            {
                "area": county.village_b2.code,
                "kind": "unfair",
                "content": f"反映{i}",
                "received_on": today.isoformat(),
            },
        )
        api(county.county_official).post(
            "/api/supervision/inspections/",
            {"area": county.town_b.code, "title": f"督导{i}", "inspected_on": today.isoformat()},
        )
    assert Complaint.objects.count() == 6
    client = api(county.county_official)
    for url in (
        "/api/supervision/problems/",
        "/api/supervision/complaints/",
        "/api/supervision/inspections/",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_ids_from_outside_the_callers_areas_are_refused_like_made_up_ones(
    county: Any, problem: Problem, api: Any, today: dt.date
) -> None:
    # given: a supervisor of one township, and a household, an inspection and a person of the other
    from accounts.roles import RoleChoices
    from tests.factories import make_household, make_user

    supervisor_b = make_user(RoleChoices.COUNTY_OFFICIAL, county.town_b, username="supervisor_b")
    household_a = make_household(county.village_a1)
    client = api(supervisor_b)
    payload = {
        "area": county.village_b1.code,
        "category": "funds",
        "description": "扶贫项目资金公示不及时",
        "responsible_unit": "枹罕镇人民政府",
        "responsible_person": county.staff_b.pk,
        "deadline": (today + dt.timedelta(days=5)).isoformat(),
    }
    missing = 10**9

    # when: each id is given once from the other township and once made up
    answers = {}
    for field, outside in (
        ("household", household_a.pk),
        ("inspection", problem.inspection_id),
        ("responsible_person", county.staff_a.pk),
    ):
        answers[field] = (
            client.post("/api/supervision/problems/", {**payload, field: outside}),
            client.post("/api/supervision/problems/", {**payload, field: missing}),
        )

    # then: the same 400 and message either way, naming nothing of the other township; nothing saved
    outside_ids = {
        "household": household_a.pk,
        "inspection": problem.inspection_id,
        "responsible_person": county.staff_a.pk,
    }
    for field, (outside, made_up) in answers.items():
        assert outside.status_code == made_up.status_code == 400, field
        said = outside.json()["errors"][field][0].replace(str(outside_ids[field]), "?")
        assert said == made_up.json()["errors"][field][0].replace(str(missing), "?"), field
        body = outside.content.decode()
        assert "折桥" not in body, field
        assert county.staff_a.display_name not in body, field
    assert Problem.objects.count() == 1


def test_assessment_api_has_the_visits_the_page_shows(county: Any, api: Any, today: dt.date) -> None:
    # given: a cadre who visited a household of the county twice, promising one follow-up
    from assistance.models import Cadre, CadrePairing
    from assistance.services import visit_log
    from tests.factories import make_household

    household = make_household(county.village_a1)
    cadre = Cadre.objects.create(name="马一", unit="县农业农村局", area=county.town_a, user=county.cadre_a)
    CadrePairing.objects.create(household=household, cadre=cadre, start=today - dt.timedelta(days=100))
    visit_log(
        household=household, visited_on=today - dt.timedelta(days=3), findings="缺劳力", user=county.cadre_a
    )
    visit_log(
        household=household,
        visited_on=today,
        findings="看病难",
        follow_ups=[("办慢病卡", today + dt.timedelta(days=5))],
        user=county.cadre_a,
    )

    # when
    answer = api(county.county_official).get(f"/api/supervision/figures/{county.county.code}/assessment/")

    # then
    assert answer.status_code == 200
    cadres = answer.json()["other"]["cadres"]
    assert [(c["label"], c["visits"], c["follow_ups_promised"]) for c in cadres] == [(str(cadre), 2, 1)]
    assert answer.json()["other"]["exits"] == {"verified_by_person": [], "approved_by_township": []}


def test_the_complainant_is_shown_in_full_only_to_supervisors_and_the_assignee(
    county: Any, api: Any, web: Any, today: dt.date
) -> None:
    # given: a complaint with a name and phone, seen by a supervisor and by a read-only viewer
    from supervision.services import complaint_receive

    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.LEFT_OUT,
        content="反映本村某户漏评",
        received_on=today,
        channel="hotline",
        complainant="张三丰",
        contact="13912345678",
    )
    url = f"/api/supervision/complaints/{complaint.pk}/"

    # when
    official = api(county.county_official).get(url).json()
    viewer = api(county.viewer).get(url).json()
    viewer_page = web(county.viewer).get(f"/supervision/complaints/{complaint.pk}/").content.decode()
    official_page = (
        web(county.county_official).get(f"/supervision/complaints/{complaint.pk}/").content.decode()
    )

    # then
    assert (official["complainant"], official["contact"]) == ("张三丰", "13912345678")
    assert (viewer["complainant"], viewer["contact"]) == ("张**", "139****5678")
    assert "13912345678" not in viewer_page
    assert "张三丰" not in viewer_page
    assert "139****5678" in viewer_page
    assert "13912345678" in official_page
    searched = api(county.viewer).get("/api/supervision/complaints/", {"q": "张三丰"}).json()["results"]
    assert searched == []


def test_a_complaint_opens_no_problem_with_an_overlong_unit_and_says_why(
    county: Any, api: Any, today: dt.date
) -> None:
    # The responsible unit's column holds 120 characters: a longer one is a 400 naming the field (the
    # problem endpoint's own serializer says so), not a database error and a 500, and nothing is written.
    from supervision.services import complaint_receive

    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.LEFT_OUT,
        content="反映本村某户漏评",
        received_on=today,
        channel="hotline",
    )
    response = api(county.county_official).post(
        f"/api/supervision/complaints/{complaint.pk}/open-problem/",
        {
            "category": "assistance",
            "responsible_unit": "折" * 121,
            "responsible_person": county.staff_a.pk,
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "responsible_unit" in response.json()["errors"]
    assert Problem.objects.count() == 0
    assert Complaint.objects.get(pk=complaint.pk).problem_id is None


def test_a_problem_update_with_an_overlong_unit_is_a_400_naming_it(
    county: Any, problem: Problem, api: Any
) -> None:
    # as the complaint's open-problem step: the column's 120 characters, not a database error and a 500
    response = api(county.county_official).patch(
        f"/api/supervision/problems/{problem.pk}/",
        {
            "version": problem.version,
            "description": problem.description,
            "responsible_unit": "折" * 121,
            "responsible_person": county.staff_a.pk,
            "deadline": problem.deadline.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "responsible_unit" in response.json()["errors"]
    problem.refresh_from_db()
    assert problem.responsible_unit == "折桥镇人民政府"
