"""The one sync endpoint: idempotent by UUID, each record answered on its own, conflicts shown, the
phone's clock treated as a claim, inputs bounded."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from assistance.choices import FollowUpStatusChoices
from assistance.models import Visit
from core import clock
from fieldwork.models import SyncRecord
from households.choices import HouseholdStatusChoices
from households.models import Household

from .conftest import visit_record

pytestmark = pytest.mark.django_db


def test_a_visit_is_written_through_the_visit_service_with_its_follow_up(field):
    # given a visit made on the phone with a promised follow-up
    record = visit_record(
        field.second, follow_ups=[{"description": "联系医保", "due_date": clock.today().isoformat()}]
    )
    # when it is synced
    response = field.phone.sync(record)
    # then it is accepted, and the visit and its follow-up are on the server
    assert response.status_code == 200
    answer = response.json()["results"][0]
    assert answer["status"] == "accepted", answer
    visit = Visit.objects.get(pk=answer["result"]["visit"])
    assert visit.household == field.second
    assert visit.visitor == field.phone.user
    assert list(visit.follow_ups.values_list("description", flat=True)) == ["联系医保"]
    assert answer["result"]["follow_ups"] == list(visit.follow_ups.values_list("pk", flat=True))


def test_the_same_uuid_twice_makes_one_visit(field):
    record = visit_record(field.home)
    first = field.phone.sync(record).json()["results"][0]
    # when the phone sends it again (the answer was lost on a dropped connection), even twice in one batch
    again = field.phone.sync(record, record).json()["results"]
    # then one visit, and the same answer each time
    assert Visit.objects.filter(household=field.home, findings="屋顶漏雨").count() == 1
    assert [a["status"] for a in again] == ["accepted", "accepted"]
    assert all(a["duplicate"] for a in again)
    assert {a["result"]["visit"] for a in again} == {first["result"]["visit"]}
    assert SyncRecord.objects.filter(pk=record["uuid"]).count() == 1


def test_out_of_scope_household_is_refused_with_the_reason_and_nothing_written(field):
    visits_before = Visit.objects.count()
    answer = field.phone.sync(visit_record(field.elsewhere)).json()["results"][0]
    assert answer["status"] == "refused"
    assert answer["conflict"] == "out_of_scope"
    assert "该户已不在您的帮扶范围内" in answer["reason"], answer["reason"]
    assert "未写入" in answer["reason"]
    assert Visit.objects.count() == visits_before


def test_household_moved_out_of_the_users_care_after_the_copy_is_a_conflict(field, county):
    # given the household was moved to another village while the phone was offline
    Household.objects.filter(pk=field.second.pk).update(village=county.village_a2)
    answer = field.phone.sync(visit_record(field.second)).json()["results"][0]
    assert (answer["status"], answer["conflict"]) == ("refused", "out_of_scope")
    assert not Visit.objects.filter(household=field.second).exists()


def test_follow_up_closed_by_someone_else_is_a_conflict_and_is_not_overwritten(field, county):
    from assistance.services import follow_up_close

    # given the cadre closed the follow-up on the server while the phone still had it open
    follow_up_close(
        follow_up=field.promise, expected_version=field.promise.version, user=county.staff_a, outcome="已送达"
    )
    record = {
        "uuid": str(uuid.uuid4()),
        "kind": "follow_up_close",
        "made_at": clock.now().isoformat(),
        "data": {
            "household": field.home.pk,
            "follow_up": field.promise.pk,
            "version": 1,
            "done_on": clock.today().isoformat(),
            "outcome": "我也送了",
        },
    }
    answer = field.phone.sync(record).json()["results"][0]
    # then the phone is told who closed it, and the server's record keeps the first closing
    assert (answer["status"], answer["conflict"]) == ("refused", "follow_up_closed")
    assert "staff_a" in answer["reason"] or str(county.staff_a) in answer["reason"]
    field.promise.refresh_from_db()
    assert field.promise.outcome == "已送达"
    assert field.promise.closed_by == county.staff_a


def test_follow_up_closed_on_the_phone(field):
    record = {
        "uuid": str(uuid.uuid4()),
        "kind": "follow_up_close",
        "made_at": clock.now().isoformat(),
        "data": {
            "household": field.home.pk,
            "follow_up": field.promise.pk,
            "version": field.promise.version,
            "done_on": clock.today().isoformat(),
            "outcome": "已送达",
            "seen_status": field.home.status,
        },
    }
    assert field.phone.sync(record).json()["results"][0]["status"] == "accepted"
    field.promise.refresh_from_db()
    assert field.promise.status == FollowUpStatusChoices.DONE
    assert field.promise.closed_by == field.phone.user


def test_household_exited_meanwhile_needs_the_users_confirmation(field):
    # given the household exited after the phone took its copy
    Household.objects.filter(pk=field.home.pk).update(
        status=HouseholdStatusChoices.EXITED, status_changed_at=clock.now()
    )
    record = visit_record(field.home)
    answer = field.phone.sync(record).json()["results"][0]
    assert (answer["status"], answer["conflict"]) == ("refused", "household_exited")
    assert not Visit.objects.filter(household=field.home, findings="屋顶漏雨").exists()
    # when the user chooses "send anyway" (same UUID, confirmed)
    record["data"]["confirm"] = True
    answer = field.phone.sync(record).json()["results"][0]
    # then the visit is written once (脱贫不脱帮扶) and the record's history keeps both attempts
    assert answer["status"] == "accepted"
    assert Visit.objects.filter(household=field.home, findings="屋顶漏雨").count() == 1
    assert SyncRecord.objects.get(pk=record["uuid"]).attempts == 2


@pytest.mark.dates
def test_a_visit_dated_in_the_future_is_refused_as_the_page_refuses_it(field):
    tomorrow = clock.today() + dt.timedelta(days=1)
    answer = field.phone.sync(visit_record(field.home, visited_on=tomorrow.isoformat())).json()["results"][0]
    assert answer["status"] == "refused"
    assert tomorrow.isoformat() in answer["reason"]
    assert "将来" in answer["reason"]
    assert "visited_on" in answer["errors"]
    assert not Visit.objects.filter(household=field.home, visited_on=tomorrow).exists()


@pytest.mark.dates
def test_a_visit_before_the_household_was_registered_is_refused(field, county):
    from tests.factories import make_household

    late = make_household(county.village_a1, members=0, year_identified=None)
    answer = field.phone.sync(
        visit_record(late, visited_on=(clock.today() - dt.timedelta(days=3)).isoformat())
    ).json()["results"][0]
    assert answer["status"] == "refused"
    assert "早于该户建档日期" in answer["reason"], answer["reason"]
    assert not Visit.objects.filter(household=late).exists()


@pytest.mark.dates
def test_the_phones_time_is_kept_as_a_claim_beside_the_received_time(field, time_machine):
    # given a phone whose clock is two hours behind
    claimed = clock.now() - dt.timedelta(hours=2)
    record = visit_record(field.home)
    record["made_at"] = claimed.isoformat()
    answer = field.phone.sync(record).json()["results"][0]
    visit = Visit.objects.get(pk=answer["result"]["visit"])
    stored = SyncRecord.objects.get(pk=record["uuid"])
    # then both times are kept: the claim and the server's
    assert visit.captured_at == claimed
    assert stored.claimed_at == claimed
    assert abs((visit.created_at - clock.now()).total_seconds()) < 60
    assert stored.received_at >= visit.created_at - dt.timedelta(seconds=1)


def test_the_audit_shows_the_claimed_and_the_received_time(field, web):
    claimed = clock.now() - dt.timedelta(hours=5)
    record = visit_record(field.home)
    record["made_at"] = claimed.isoformat()
    visit_id = field.phone.sync(record).json()["results"][0]["result"]["visit"]
    page = web(field.phone.user).get(f"/audit/assistance/visit/{visit_id}/").content.decode()
    stored = SyncRecord.objects.get(pk=record["uuid"])
    assert f"手机记录时间（自报）: {clock.localtime(claimed):%Y-%m-%d %H:%M:%S}" in page
    assert f"服务器接收时间: {clock.localtime(stored.received_at):%Y-%m-%d %H:%M:%S}" in page


def test_a_payload_over_the_size_limit_is_refused_and_nothing_written(field, settings):
    settings.FIELDWORK = {**settings.FIELDWORK, "SYNC_MAX_BYTES": 2048}
    record = visit_record(field.home, findings="很" * 2000)
    response = field.phone.sync(record)
    assert response.status_code == 413
    assert "KB" in response.json()["detail"]
    assert response.json()["code"] == "too_large"
    assert not SyncRecord.objects.exists()
    assert not Visit.objects.filter(household=field.home, findings__startswith="很").exists()


def test_too_many_records_and_too_deep_json_are_refused(field, settings):
    settings.FIELDWORK = {**settings.FIELDWORK, "SYNC_MAX_RECORDS": 2, "JSON_MAX_DEPTH": 6}
    too_many = field.phone.sync(*[visit_record(field.home) for _ in range(3)])
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "too_many"
    deep: dict = {}
    node = deep
    for _ in range(10):
        node["x"] = {}
        node = node["x"]
    record = visit_record(field.home, extra=deep)
    response = field.phone.sync(record)
    assert response.status_code == 400
    assert "6" in response.json()["detail"]
    assert not SyncRecord.objects.exists()


def test_malformed_records_are_refused_each_on_its_own(field):
    good = visit_record(field.second)
    answers = field.phone.sync(
        {"uuid": "not-a-uuid", "kind": "visit"},
        {"uuid": str(uuid.uuid4()), "kind": "teleport", "made_at": clock.now().isoformat(), "data": {}},
        visit_record(field.home, findings=""),
        good,
    ).json()["results"]
    assert [a["status"] for a in answers] == ["refused", "refused", "refused", "accepted"]
    assert answers[2]["errors"]["findings"]
    assert Visit.objects.filter(household=field.second).count() == 1


def test_a_record_uuid_of_another_user_is_refused(field, county):
    from .conftest import Phone

    record = visit_record(field.home)
    field.phone.sync(record)
    cadre_phone = Phone(county.cadre_a)
    from assistance.models import CadrePairing
    from tests.assistance.conftest import make_cadre

    CadrePairing.objects.create(
        household=field.home, cadre=make_cadre(county.town_a, user=county.cadre_a), start=dt.date(2024, 1, 1)
    )
    assert cadre_phone.register().status_code == 200
    answer = cadre_phone.sync(record).json()["results"][0]
    assert answer["status"] == "refused"
    assert not answer["duplicate"]
    assert Visit.objects.filter(household=field.home, findings="屋顶漏雨").count() == 1


def test_invalid_json_is_refused(field):
    response = field.phone.sync(raw=b"{not json")
    assert response.status_code == 400


def test_sync_without_a_registered_device_is_refused(field):
    field.phone.device = str(uuid.uuid4())
    response = field.phone.sync(visit_record(field.home))
    assert response.status_code == 403
    assert response.json()["code"] == "device_unknown"


def test_records_are_not_json_decoded_twice(field):
    # a sync of nothing is answered (the phone's "sync now" with an empty queue) and marks the sync time
    response = field.phone.sync()
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert json.loads(response.content)["received_at"]
