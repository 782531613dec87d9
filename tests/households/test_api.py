"""The registry API: same FilterSet and services, cursor pagination, masked IDs by role, logged
full numbers, errors in the caller's language, conflicts as 409."""

from __future__ import annotations

from typing import Any

import pytest

from core import clock
from core.models import SensitiveAccess
from households.choices import HouseholdStatusChoices, IdentificationStageChoices, RelationChoices
from households.models import Household, Member
from tests.factories import make_household

from .conftest import person

pytestmark = pytest.mark.django_db
URL = "/api/households/households/"


def _json(member: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in member.items()}


def test_register_through_the_api(county: Any, api: Any) -> None:
    # when
    response = api(county.staff_a).post(
        URL,
        {
            "village": county.village_a1.pk,
            "main_cause": "illness",
            "phone": "13809312345",
            "members": [_json(person()), _json(person(RelationChoices.SPOUSE, female=True))],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == HouseholdStatusChoices.CANDIDATE
    assert len(body["members"]) == 2
    assert body["phone"] == "138****2345"


def test_api_errors_name_the_member_field_and_nothing_is_written(county: Any, api: Any) -> None:
    bad = _json(person())
    bad["id_number"] = bad["id_number"][:-1] + ("1" if bad["id_number"][-1] != "1" else "2")

    response = api(county.staff_a).post(
        URL, {"village": county.village_a1.pk, "main_cause": "illness", "members": [bad]}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert "members[0].id_number" in body["errors"]
    assert "校验位" in body["detail"]
    assert not Household.objects.exists()


def test_list_filters_with_the_shared_filterset_and_is_cursor_paginated(
    county: Any, api: Any, register: Any
) -> None:
    # given
    for _ in range(3):
        make_household(county.village_a1, main_cause="disability")
    target = register(members=[person(name="韩尕娃")])
    make_household(county.village_b1)
    client = api(county.staff_a)

    # when
    page = client.get(URL, {"page_size": 2}).json()
    second = client.get(page["next"]).json()
    by_cause = client.get(URL, {"cause": "disability"}).json()["results"]
    by_name = client.get(URL, {"q": "韩尕"}).json()["results"]
    by_status = client.get(URL, {"status": [HouseholdStatusChoices.CANDIDATE]}).json()["results"]

    # then
    assert len(page["results"]) == 2
    assert "cursor=" in page["next"]
    assert not {r["id"] for r in page["results"]} & {r["id"] for r in second["results"]}
    assert len(by_cause) == 3
    assert [r["id"] for r in by_name] == [target.pk]
    assert [r["id"] for r in by_status] == [target.pk]
    assert all(
        r["village_code"].startswith("622901103")
        for r in client.get(URL, {"page_size": 500}).json()["results"]
    )


def test_list_endpoints_run_a_fixed_number_of_queries(
    county: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(25):
        make_household(county.village_a1, members=3)
    client = api(county.staff_a)
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 25
    with django_assert_max_num_queries(7):
        assert len(client.get("/api/households/members/").json()["results"]) == 50
    with django_assert_max_num_queries(6):
        client.get("/api/households/identifications/")
    with django_assert_max_num_queries(6):
        client.get("/api/households/duplicates/")
    with django_assert_max_num_queries(6):
        client.get("/api/households/cross-check-matches/")


def test_ids_are_masked_by_role_and_every_full_number_returned_is_logged(
    county: Any, api: Any, register: Any
) -> None:
    # given
    household = register()
    numbers = set(household.members.values_list("id_number", flat=True))

    # when
    listed = api(county.staff_a).get(URL).json()["results"][0]
    full = api(county.staff_a).get(f"{URL}{household.pk}/").json()
    masked = api(county.cadre_a).get(f"{URL}{household.pk}/").json()

    # then
    assert listed["head_id_number"].count("*") == 8
    assert {m["id_number"] for m in full["members"]} == numbers
    assert all("********" in m["id_number"] for m in masked["members"])
    logged = SensitiveAccess.objects.filter(what="full_id_number")
    assert logged.count() == 2
    assert {entry.user for entry in logged} == {county.staff_a}


def test_other_areas_are_404_and_readers_cannot_write(county: Any, api: Any, register: Any) -> None:
    household = register()
    assert api(county.staff_b).get(f"{URL}{household.pk}/").status_code == 404
    assert (
        api(county.staff_b).patch(f"{URL}{household.pk}/", {"version": 1, "address": "x"}).status_code == 404
    )
    assert (
        api(county.viewer).patch(f"{URL}{household.pk}/", {"version": 1, "address": "x"}).status_code == 403
    )
    household.refresh_from_db()
    assert household.address == ""


def test_stale_version_is_409_and_changes_nothing(county: Any, api: Any, register: Any) -> None:
    household = register(address="一社")
    client = api(county.staff_a)
    assert (
        client.patch(f"{URL}{household.pk}/", {"version": 1, "address": "二社"}, format="json").status_code
        == 200
    )
    response = client.patch(f"{URL}{household.pk}/", {"version": 1, "address": "三社"}, format="json")
    assert response.status_code == 409
    household.refresh_from_db()
    assert household.address == "二社"


def test_identification_through_the_api(county: Any, api: Any, register: Any) -> None:
    household = register()
    staff = api(county.staff_a)
    procedure = staff.post(f"{URL}{household.pk}/identification/").json()

    signed = staff.post(
        f"/api/households/identifications/{procedure['id']}/sign/",
        {"stage": IdentificationStageChoices.APPLICATION, "comment": "本人申请"},
        format="json",
    )
    skipped = staff.post(
        f"/api/households/identifications/{procedure['id']}/sign/",
        {"stage": IdentificationStageChoices.CROSS_CHECK},
        format="json",
    )
    cadre = api(county.cadre_a).post(
        f"/api/households/identifications/{procedure['id']}/sign/",
        {"stage": IdentificationStageChoices.SURVEY},
        format="json",
    )

    assert signed.status_code == 201
    assert signed.json()["signer_role"] == "township_staff"
    assert skipped.status_code == 400
    assert "stage" in skipped.json()["errors"]
    assert cadre.status_code == 403
    detail = staff.get(f"/api/households/identifications/{procedure['id']}/").json()
    assert [s["stage"] for s in detail["steps"]] == [IdentificationStageChoices.APPLICATION]


def test_member_leave_and_move_through_the_api(county: Any, api: Any, register: Any) -> None:
    origin, target = register(), register()
    spouse = origin.members.get(relation=RelationChoices.SPOUSE)
    client = api(county.staff_a)

    moved = client.post(
        f"/api/households/members/{spouse.pk}/move/",
        {
            "to_household": target.pk,
            "moved_on": clock.today().isoformat(),
            "reason": "marriage",
            "relation": "child_in_law",
        },
        format="json",
    )

    assert moved.status_code == 200, moved.json()
    assert Member.objects.get(pk=spouse.pk).household == target
    assert spouse.periods.count() == 2


def test_cross_check_upload_and_import_through_the_api(
    county: Any, api: Any, register: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.choices import JobStatusChoices
    from core.models import Job
    from households.models import CrossCheckMatch

    from .test_imports import household_rows, xlsx

    household = register()
    client = api(county.staff_a)

    batch = client.post(
        "/api/households/cross-checks/",
        {
            "area": county.town_a.pk,
            "source": "property",
            "source_name": "县不动产登记中心",
            "file": SimpleUploadedFile("p.csv", f"{household.head.id_number},商品房一套\n".encode()),
        },
        format="multipart",
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            f"{URL}import/",
            {"file": SimpleUploadedFile("a.xlsx", xlsx(household_rows("API-1", county.village_a1.code)))},
            format="multipart",
        )
    refused = api(county.cadre_a).post(f"{URL}import/", {}, format="multipart")

    assert batch.status_code == 201, batch.json()
    assert batch.json()["match_count"] == 1
    assert CrossCheckMatch.objects.get().detail == "商品房一套"
    assert queued.status_code == 202
    job = Job.objects.get(pk=queued.json()["job"])
    assert job.status == JobStatusChoices.SUCCEEDED
    assert (
        client.get(queued.json()["status_url"].replace("?format=json", ""), {"format": "json"}).status_code
        == 200
    )
    assert Household.objects.filter(number="API-1").exists()
    assert refused.status_code == 403


def test_duplicate_and_cross_check_reviews_through_the_api(county: Any, api: Any, register: Any) -> None:
    import datetime as dt

    from households.choices import ReviewStatusChoices
    from households.models import CrossCheckMatch, DuplicateCandidate
    from households.services import cross_check_upload, duplicates_scan

    # given: a probable duplicate pair and a cross-check match in township A
    birth = dt.date(1990, 1, 1)
    register(members=[person(name="张小燕", birth=birth, female=True)])
    household = register(members=[person(name="张小燕", birth=birth, female=True)])
    duplicates_scan(area=county.town_a)
    pair = DuplicateCandidate.objects.get()
    cross_check_upload(
        user=county.staff_a,
        area=county.town_a,
        source="property",
        source_name="县不动产登记中心",
        file_name="p.csv",
        content=f"{household.head.id_number},商品房一套\n".encode(),
    )
    match = CrossCheckMatch.objects.get()
    client = api(county.staff_a)

    # when: township B reviews them, township A without a note, then township A with one
    outside = api(county.staff_b).post(
        f"/api/households/duplicates/{pair.pk}/review/", {"status": "cleared", "review_note": "x"}
    )
    no_note = client.post(
        f"/api/households/duplicates/{pair.pk}/review/", {"status": "cleared", "review_note": ""}
    )
    cleared = client.post(
        f"/api/households/duplicates/{pair.pk}/review/",
        {"status": "cleared", "review_note": "两人同名，身份证不同"},
    )
    confirmed = client.post(
        f"/api/households/cross-check-matches/{match.pk}/review/",
        {"status": "confirmed", "review_note": "属实"},
    )

    # then: out of the area is a 404, the service's refusal names the field, the answers are the entries
    assert outside.status_code == 404
    assert no_note.status_code == 400
    assert "review_note" in no_note.json()["errors"]
    assert cleared.status_code == 200, cleared.json()
    assert (cleared.json()["id"], cleared.json()["status"]) == (pair.pk, ReviewStatusChoices.CLEARED)
    assert confirmed.status_code == 200, confirmed.json()
    assert (confirmed.json()["id"], confirmed.json()["status"]) == (match.pk, ReviewStatusChoices.CONFIRMED)
    pair.refresh_from_db()
    match.refresh_from_db()
    assert (pair.review_note, pair.reviewed_by) == ("两人同名，身份证不同", county.staff_a)
    assert (match.status, match.review_note) == (ReviewStatusChoices.CONFIRMED, "属实")
