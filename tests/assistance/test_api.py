"""The assistance API: scoped lists with pinned query counts, writes through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistance.choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    WorkTeamStatusChoices,
)
from assistance.models import CadrePairing, FollowUp, Measure, Visit, WorkTeam
from assistance.services import measure_create, village_plan_save
from core import clock
from tests.assistance.conftest import make_cadre
from tests.factories import make_household

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/assistance/cadres/",
    "/api/assistance/teams/",
    "/api/assistance/pairings/",
    "/api/assistance/visits/",
    "/api/assistance/follow-ups/",
    "/api/assistance/plans/",
    "/api/assistance/measures/",
    "/api/assistance/village-plans/",
    "/api/assistance/households/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_endpoints_do_not_query_per_row(
    url: str, county: Any, known: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    # given: the known township plus more rows of everything
    for _ in range(5):
        h = make_household(county.village_a1, members=2)
        CadrePairing.objects.create(household=h, cadre=known.ma, start=dt.date(2024, 1, 1))
        measure_create(
            household=h,
            member=h.members.last(),
            kind=MeasureKindChoices.SKILLS_TRAINING,
            start_date=dt.date(2025, 3, 1),
            user=county.staff_a,
        )
    for village in (county.village_a1, county.village_a2):
        village_plan_save(
            village=village, year=2025, title="计划", goals="目标", team=None, user=county.staff_a
        )
    client = api(county.staff_a)

    # when / then
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"], url


def test_lists_are_scoped_to_the_callers_area(county: Any, known: Any, api: Any) -> None:
    # when
    rows = api(county.staff_b).get("/api/assistance/households/").json()["results"]
    pairings = api(county.staff_b).get("/api/assistance/pairings/").json()["results"]
    other = api(county.staff_b).get(f"/api/assistance/visits/{known.h1.visits.get().pk}/")

    # then
    assert [r["id"] for r in rows] == [known.h7.pk]
    assert [p["household"] for p in pairings] == [known.h7.pk]
    assert other.status_code == 404


def test_coverage_endpoint(county: Any, known: Any, api: Any) -> None:
    # when
    data = api(county.staff_a).get("/api/assistance/coverage/", {"days": 30}).json()
    elsewhere = api(county.staff_a).get("/api/assistance/coverage/", {"area": county.town_b.code})

    # then
    assert data["area_code"] == county.town_a.code
    assert {k: data["total"][k] for k in ("households", "without_cadre", "without_plan", "not_visited")} == {
        "households": 6,
        "without_cadre": 3,
        "without_plan": 4,
        "not_visited": 4,
    }
    assert elsewhere.status_code == 404


def test_log_a_visit_with_a_follow_up(county: Any, api: Any) -> None:
    # given
    household = make_household(county.village_a1)
    today = clock.today()

    # when
    response = api(county.secretary_a1).post(
        "/api/assistance/visits/",
        {
            "household": household.pk,
            "visited_on": today.isoformat(),
            "findings": "住房安全，饮水正常",
            "needs": "希望参加电商培训",
            "follow_ups": [
                {"description": "报名电商培训", "due_date": (today + dt.timedelta(days=10)).isoformat()}
            ],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["follow_ups"][0]["description"] == "报名电商培训"
    assert body["follow_ups"][0]["status"] == FollowUpStatusChoices.OPEN


def test_future_and_out_of_area_visits_are_refused(county: Any, api: Any) -> None:
    # given
    own, elsewhere = make_household(county.village_a1), make_household(county.village_b1)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    client = api(county.secretary_a1)

    # when
    future = client.post(
        "/api/assistance/visits/",
        {"household": own.pk, "visited_on": tomorrow, "findings": "x"},
        format="json",
    )
    outside = client.post(
        "/api/assistance/visits/",
        {"household": elsewhere.pk, "visited_on": clock.today().isoformat(), "findings": "x"},
        format="json",
    )
    missing = client.post(
        "/api/assistance/visits/",
        {"household": 999999, "visited_on": clock.today().isoformat(), "findings": "x"},
        format="json",
    )

    # then
    assert future.status_code == 400
    assert "visited_on" in future.json()["errors"]
    assert outside.status_code == 404
    assert missing.status_code == 404
    assert Visit.objects.count() == 0


def test_assign_and_reassign_a_cadre_over_the_api(county: Any, api: Any) -> None:
    # given
    household = make_household(county.village_a1)
    first, second = make_cadre(county.town_a), make_cadre(county.town_a)
    client = api(county.staff_a)

    # when
    one = client.post(
        "/api/assistance/pairings/", {"household": household.pk, "cadre": first.pk, "start": "2024-01-01"}
    )
    two = client.post(
        "/api/assistance/pairings/", {"household": household.pk, "cadre": second.pk, "start": "2024-06-01"}
    )
    again = client.post("/api/assistance/pairings/", {"household": household.pk, "cadre": second.pk})
    by_cadre_role = api(county.cadre_a).post(
        "/api/assistance/pairings/", {"household": household.pk, "cadre": first.pk}
    )

    # then
    assert (one.status_code, two.status_code, again.status_code, by_cadre_role.status_code) == (
        201,
        201,
        400,
        403,
    )
    assert "cadre" in again.json()["errors"]
    history = client.get("/api/assistance/pairings/", {"household": household.pk}).json()["results"]
    assert sorted((p["cadre"], p["end"]) for p in history) == sorted(
        [(first.pk, "2024-06-01"), (second.pk, None)]
    )


def test_rotate_a_team_over_the_api(county: Any, api: Any) -> None:
    # given
    client = api(county.staff_a)
    created = client.post(
        "/api/assistance/teams/",
        {
            "name": "甲队",
            "sending_unit": "州财政局",
            "term_start": "2022-03-01",
            "villages": [county.village_a1.code],
        },
        format="json",
    ).json()

    # when
    stale = client.post(
        f"/api/assistance/teams/{created['id']}/rotate/",
        {
            "version": created["version"] + 5,
            "name": "乙队",
            "sending_unit": "州教育局",
            "term_start": "2024-03-01",
        },
        format="json",
    )
    rotated = client.post(
        f"/api/assistance/teams/{created['id']}/rotate/",
        {
            "version": created["version"],
            "name": "乙队",
            "sending_unit": "州教育局",
            "term_start": "2024-03-01",
        },
        format="json",
    )

    # then
    assert stale.status_code == 409
    assert rotated.status_code == 201, rotated.json()
    assert rotated.json()["predecessor"] == created["id"]
    assert WorkTeam.objects.get(pk=created["id"]).status == WorkTeamStatusChoices.ROTATED
    active = client.get(
        "/api/assistance/teams/", {"village": county.village_a1.code, "status": "active"}
    ).json()
    assert [t["name"] for t in active["results"]] == ["乙队"]


def test_measures_over_the_api(county: Any, api: Any) -> None:
    # given
    household = make_household(county.village_a1)
    client = api(county.secretary_a1)

    # when
    created = client.post(
        "/api/assistance/measures/",
        {"household": household.pk, "kind": "micro_credit", "start_date": "2025-03-01", "amount": "50000.00"},
        format="json",
    )
    wrong = client.post(
        "/api/assistance/measures/",
        {
            "household": household.pk,
            "kind": "micro_credit",
            "category": "education",
            "start_date": "2025-03-01",
        },
        format="json",
    )
    measure_id = created.json()["id"]
    updated = client.patch(
        f"/api/assistance/measures/{measure_id}/", {"version": 1, "status": "in_progress"}, format="json"
    )
    conflict = client.patch(
        f"/api/assistance/measures/{measure_id}/", {"version": 1, "amount": "1.00"}, format="json"
    )

    # then
    assert created.status_code == 201
    assert created.json()["category"] == MeasureCategoryChoices.PRODUCTION
    assert created.json()["amount"] == "50000.00"
    assert wrong.status_code == 400
    assert "category" in wrong.json()["errors"]
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert conflict.status_code == 409
    assert Measure.objects.get().amount == 50000


def test_close_a_follow_up_over_the_api(county: Any, known: Any, api: Any) -> None:
    follow_up = FollowUp.objects.get(description="申请公益岗")
    response = api(county.cadre_a).post(
        f"/api/assistance/follow-ups/{follow_up.pk}/close/", {"version": follow_up.version}, format="json"
    )
    viewer = api(county.viewer).post(
        f"/api/assistance/follow-ups/{follow_up.pk}/close/", {"version": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == FollowUpStatusChoices.DONE
    assert viewer.status_code == 403


def test_pairing_with_a_cadre_of_another_area_names_no_one(county: Any, api: Any) -> None:
    """A cadre working elsewhere (even one who has left) and an id that does not exist get the same
    answer, without the other area's cadre's name, and nothing is paired."""
    # given: a cadre of town B who has left, unseen by town A's staff
    household = make_household(county.village_a1)
    elsewhere = make_cadre(county.town_b, name="外乡干部")
    elsewhere.is_active = False
    elsewhere.save(update_fields=["is_active"])
    missing_id = elsewhere.pk + 1000
    client = api(county.staff_a)

    # when
    other = client.post("/api/assistance/pairings/", {"household": household.pk, "cadre": elsewhere.pk})
    unknown = client.post("/api/assistance/pairings/", {"household": household.pk, "cadre": missing_id})

    # then
    assert (other.status_code, unknown.status_code) == (400, 400)
    assert other.json()["errors"]["cadre"] == unknown.json()["errors"]["cadre"]
    assert "外乡干部" not in other.content.decode()
    assert not CadrePairing.objects.filter(household=household).exists()


def test_a_measure_cannot_name_a_member_or_plan_of_another_area(county: Any, api: Any) -> None:
    """A member or plan id from outside the caller's area is a 404 like an unknown id: the API does not
    tell it exists; nothing is written."""
    # given
    from assistance.services import plan_save
    from tests.factories import make_member

    household = make_household(county.village_a1)
    outside = make_household(county.village_b1)
    outside_member = make_member(outside)
    outside_plan = plan_save(household=outside, year=2025, goals="增收", user=county.staff_b)
    client = api(county.staff_a)
    body = {"household": household.pk, "kind": "micro_credit", "start_date": "2025-03-01"}

    # when
    by_member = client.post("/api/assistance/measures/", {**body, "member": outside_member.pk}, format="json")
    by_plan = client.post("/api/assistance/measures/", {**body, "plan": outside_plan.pk}, format="json")
    unknown = client.post(
        "/api/assistance/measures/", {**body, "member": outside_member.pk + 1000}, format="json"
    )

    # then
    assert (by_member.status_code, by_plan.status_code, unknown.status_code) == (404, 404, 404)
    assert by_member.json() == unknown.json()
    assert not Measure.objects.exists()
