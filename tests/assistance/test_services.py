"""Business rules of assistance: one cadre per household, rotation history, visits, plans, measures."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from assistance.choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    PairingEndReasonChoices,
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)
from assistance.models import CadrePairing, FollowUp, Measure, TeamVillage, Visit, WorkTeam
from assistance.services import (
    cadre_assign,
    follow_up_close,
    measure_create,
    measure_update,
    pairing_end,
    plan_save,
    team_create,
    team_rotate,
    visit_log,
)
from core import clock
from core.exceptions import ConflictError
from core.models import Attachment
from households.choices import HouseholdStatusChoices
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household, make_member

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _today() -> dt.date:
    return clock.today()


# -- one active cadre per household ---------------------------------------------------------------


def test_reassignment_closes_the_old_pairing_and_keeps_it(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    first, second = make_cadre(county.town_a, name="马一"), make_cadre(county.town_a, name="王二")
    cadre_assign(household=household, cadre=first, start=dt.date(2023, 3, 1), user=county.staff_a)

    # when
    cadre_assign(household=household, cadre=second, start=dt.date(2024, 5, 1), user=county.staff_a)

    # then
    rows = list(CadrePairing.objects.filter(household=household).order_by("start"))
    assert [(p.cadre.name, p.start, p.end, p.end_reason) for p in rows] == [
        ("马一", dt.date(2023, 3, 1), dt.date(2024, 5, 1), PairingEndReasonChoices.REASSIGNED),
        ("王二", dt.date(2024, 5, 1), None, ""),
    ]


def test_the_database_refuses_a_second_open_pairing(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    pair(household, make_cadre(county.town_a))

    # when / then: even a writer that bypasses the service cannot open a second pairing
    with pytest.raises(IntegrityError), transaction.atomic():
        pair(household, make_cadre(county.town_a))
    assert CadrePairing.objects.filter(household=household, end__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_leave_exactly_one_active_cadre(county: Any) -> None:
    # given: two staff members assign two different cadres to the same household at the same moment
    household = make_household(county.village_a1)
    cadres = [make_cadre(county.town_a, name="甲"), make_cadre(county.town_a, name="乙")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(cadre: Any) -> None:
        try:
            barrier.wait(timeout=10)
            cadre_assign(household=household, cadre=cadre, start=_today(), user=county.staff_a)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append("refused: " + "; ".join(exc.messages))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=assign, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    # then: both ran (serialised by the household lock); one pairing is open, the other closed
    assert outcomes == ["ok", "ok"]
    active = CadrePairing.objects.filter(household=household, end__isnull=True)
    assert active.count() == 1
    assert CadrePairing.objects.filter(household=household).count() == 2
    closed = CadrePairing.objects.get(household=household, end__isnull=False)
    assert closed.cadre_id != active.get().cadre_id


@pytest.mark.django_db(transaction=True)
def test_two_transactions_inserting_open_pairings_cannot_both_commit(county: Any) -> None:
    # given: two raw transactions that skip the service (and its lock) entirely
    household = make_household(county.village_a1)
    cadres = [make_cadre(county.town_a), make_cadre(county.town_a)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def insert(cadre: Any) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                CadrePairing.objects.create(household=household, cadre=cadre, start=_today())
            results.append("committed")
        except IntegrityError:
            results.append("refused")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=insert, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    # then
    assert sorted(results) == ["committed", "refused"]
    assert CadrePairing.objects.filter(household=household, end__isnull=True).count() == 1


def test_assignment_refusals_change_nothing(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    cadre = make_cadre(county.town_a, name="马一")
    cadre_assign(household=household, cadre=cadre, start=dt.date(2024, 1, 1), user=county.staff_a)
    other = make_cadre(county.town_a)
    candidate = make_household(county.village_a1, status=HouseholdStatusChoices.CANDIDATE)

    # when / then
    with pytest.raises(ValidationError) as same:
        cadre_assign(household=household, cadre=cadre, user=county.staff_a)
    assert "马一" in same.value.message_dict["cadre"][0]
    with pytest.raises(ValidationError) as future:
        cadre_assign(
            household=household, cadre=other, start=_today() + dt.timedelta(days=3), user=county.staff_a
        )
    assert "start" in future.value.message_dict
    with pytest.raises(ValidationError) as before:
        cadre_assign(household=household, cadre=other, start=dt.date(2023, 1, 1), user=county.staff_a)
    assert "2024-01-01" in before.value.message_dict["start"][0]
    with pytest.raises(ValidationError):
        cadre_assign(household=candidate, cadre=other, user=county.staff_a)
    with pytest.raises(Http404):
        cadre_assign(household=household, cadre=other, user=county.staff_b)
    with pytest.raises(PermissionDenied):
        cadre_assign(household=household, cadre=other, user=county.cadre_a)
    assert list(CadrePairing.objects.values_list("household_id", "cadre_id", "end")) == [
        (household.pk, cadre.pk, None)
    ]


def test_exited_household_keeps_its_cadre(county: Any) -> None:
    # given: 脱贫不脱帮扶
    household = make_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    pairing = cadre_assign(household=household, cadre=make_cadre(county.town_a), user=county.staff_a)

    # when / then: ending the pairing without a successor is refused
    with pytest.raises(ValidationError) as exc:
        pairing_end(pairing=pairing, reason=PairingEndReasonChoices.CADRE_LEFT, user=county.staff_a)
    assert "end_reason" in exc.value.message_dict
    assert CadrePairing.objects.get(pk=pairing.pk).end is None


# -- work teams and rotation ----------------------------------------------------------------------


def test_rotation_hands_over_to_the_successor_and_keeps_the_history(county: Any) -> None:
    # given
    old_secretary, old_member = make_cadre(county.village_a1, name="老书记"), make_cadre(county.village_a1)
    team = team_create(
        name="第一届工作队",
        sending_unit="州农业农村局",
        villages=[county.village_a1],
        term_start=dt.date(2021, 6, 1),
        first_secretary=old_secretary,
        members=[old_member],
        user=county.staff_a,
    )
    new_secretary = make_cadre(county.village_a1, name="新书记")

    # when
    successor = team_rotate(
        team=team,
        expected_version=team.version,
        name="第二届工作队",
        sending_unit="州财政局",
        term_start=dt.date(2023, 6, 1),
        first_secretary=new_secretary,
        handover_notes="交接台账12本",
        user=county.staff_a,
    )

    # then
    team.refresh_from_db()
    assert (team.status, team.term_end) == (WorkTeamStatusChoices.ROTATED, dt.date(2023, 6, 1))
    assert successor.predecessor_id == team.pk
    assert successor.area == county.village_a1
    links = list(TeamVillage.objects.filter(village=county.village_a1).order_by("start"))
    assert [(link.team.name, link.start, link.end) for link in links] == [
        ("第一届工作队", dt.date(2021, 6, 1), dt.date(2023, 6, 1)),
        ("第二届工作队", dt.date(2023, 6, 1), None),
    ]
    assert {(m.cadre.name, m.role) for m in team.memberships.all()} >= {
        ("老书记", TeamMemberRoleChoices.FIRST_SECRETARY)
    }
    assert [m.cadre.name for m in successor.memberships.all()] == ["新书记"]
    with pytest.raises(ValidationError):  # a rotated team cannot be rotated twice
        team_rotate(
            team=team,
            expected_version=team.version,
            name="x",
            sending_unit="y",
            term_start=dt.date(2024, 1, 1),
            user=county.staff_a,
        )


def test_a_village_cannot_have_two_teams_in_post(county: Any) -> None:
    # given
    team_create(
        name="甲队",
        sending_unit="甲局",
        villages=[county.village_a1],
        term_start=dt.date(2022, 1, 1),
        user=county.staff_a,
    )

    # when
    with pytest.raises(ValidationError) as exc:
        team_create(
            name="乙队",
            sending_unit="乙局",
            villages=[county.village_a1, county.village_a2],
            term_start=dt.date(2023, 1, 1),
            user=county.staff_a,
        )

    # then
    assert "折桥村" in exc.value.message_dict["villages"][0]
    assert WorkTeam.objects.count() == 1


def test_rotation_with_a_stale_version_is_a_conflict(county: Any) -> None:
    team = team_create(
        name="甲队",
        sending_unit="甲局",
        villages=[county.village_a1],
        term_start=dt.date(2022, 1, 1),
        user=county.staff_a,
    )
    with pytest.raises(ConflictError):
        team_rotate(
            team=team,
            expected_version=team.version - 1,
            name="乙队",
            sending_unit="乙局",
            term_start=dt.date(2023, 1, 1),
            user=county.staff_a,
        )
    assert WorkTeam.objects.count() == 1
    assert TeamVillage.objects.get().end is None


# -- visits ---------------------------------------------------------------------------------------


def test_visit_with_follow_ups_and_a_kept_promise(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    earlier = visit_log(
        household=household,
        visited_on=_today() - dt.timedelta(days=20),
        findings="屋顶漏雨",
        follow_ups=[("联系危房改造", _today() - dt.timedelta(days=5))],
        user=county.secretary_a1,
    )
    promise = earlier.follow_ups.get()

    # when
    visit = visit_log(
        household=household,
        visited_on=_today(),
        findings="屋顶已修好",
        needs="需要养殖技术培训",
        follow_ups=[("报名技能培训", _today() + dt.timedelta(days=14))],
        done_follow_ups=[promise.pk],
        user=county.secretary_a1,
    )

    # then
    promise.refresh_from_db()
    assert (promise.status, promise.done_on, promise.done_visit_id) == (
        FollowUpStatusChoices.DONE,
        _today(),
        visit.pk,
    )
    assert list(visit.follow_ups.values_list("description", "status")) == [
        ("报名技能培训", FollowUpStatusChoices.OPEN)
    ]
    assert visit.visitor == county.secretary_a1


def test_future_dated_visit_is_refused_and_nothing_is_written(county: Any) -> None:
    # given
    household = make_household(county.village_a1)

    # when
    with pytest.raises(ValidationError) as exc:
        visit_log(
            household=household,
            visited_on=_today() + dt.timedelta(days=1),
            findings="提前填写",
            follow_ups=[("送米面油", _today() + dt.timedelta(days=5))],
            user=county.secretary_a1,
        )

    # then
    assert (_today() + dt.timedelta(days=1)).isoformat() in exc.value.message_dict["visited_on"][0]
    assert Visit.objects.count() == 0
    assert FollowUp.objects.count() == 0


def test_visit_outside_the_visitors_area_is_not_found(county: Any) -> None:
    # given: the first secretary of 折桥村 and a household in 大庄村 and one in another township
    neighbour = make_household(county.village_a2)
    elsewhere = make_household(county.village_b1)

    # when / then
    for household in (neighbour, elsewhere):
        with pytest.raises(Http404):
            visit_log(household=household, visited_on=_today(), findings="x", user=county.secretary_a1)
    assert Visit.objects.count() == 0


def test_a_bad_photo_refuses_the_whole_visit(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    good = SimpleUploadedFile("door.png", PNG, content_type="image/png")
    fake = SimpleUploadedFile("roof.jpg", b"not a jpeg at all", content_type="image/jpeg")

    # when
    with pytest.raises(ValidationError) as exc:
        visit_log(
            household=household,
            visited_on=_today(),
            findings="x",
            photos=[good, fake],
            user=county.secretary_a1,
        )

    # then
    assert "roof.jpg" in exc.value.message_dict["photos"][0]
    assert Visit.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_photos_are_attached_to_the_visit(county: Any) -> None:
    household = make_household(county.village_a1)
    visit = visit_log(
        household=household,
        visited_on=_today(),
        findings="x",
        photos=[SimpleUploadedFile("door.png", PNG, content_type="image/png")],
        user=county.secretary_a1,
    )
    attachment = Attachment.objects.get()
    assert (attachment.object_id, attachment.kind, attachment.original_name) == (
        str(visit.pk),
        "photo",
        "door.png",
    )


def test_follow_ups_of_another_household_cannot_be_closed(county: Any) -> None:
    # given
    one, two = make_household(county.village_a1), make_household(county.village_a1)
    visit = visit_log(
        household=one,
        visited_on=_today(),
        findings="x",
        follow_ups=[("a", _today())],
        user=county.secretary_a1,
    )
    promise = visit.follow_ups.get()

    # when
    with pytest.raises(ValidationError) as exc:
        visit_log(
            household=two,
            visited_on=_today(),
            findings="y",
            done_follow_ups=[promise.pk],
            user=county.secretary_a1,
        )

    # then
    assert "done_follow_ups" in exc.value.message_dict
    assert FollowUp.objects.get(pk=promise.pk).status == FollowUpStatusChoices.OPEN
    assert Visit.objects.count() == 1


def test_a_visit_dated_before_the_promise_cannot_keep_it(county: Any) -> None:
    """Logging a late entry for an earlier visit must not mark a later promise as kept before it was
    made (follow_up_close refuses the same)."""
    # given: a promise made today
    household = make_household(county.village_a1)
    visit = visit_log(
        household=household,
        visited_on=_today(),
        findings="x",
        follow_ups=[("办慢病卡", _today() + dt.timedelta(days=7))],
        user=county.secretary_a1,
    )
    promise = visit.follow_ups.get()

    # when: a visit of last week is logged as keeping it
    with pytest.raises(ValidationError) as exc:
        visit_log(
            household=household,
            visited_on=_today() - dt.timedelta(days=7),
            findings="补录",
            done_follow_ups=[promise.pk],
            user=county.secretary_a1,
        )

    # then: the error names the promise, and nothing changed
    assert "办慢病卡" in " ".join(exc.value.message_dict["done_follow_ups"])
    promise.refresh_from_db()
    assert (promise.status, promise.done_on, promise.version) == (FollowUpStatusChoices.OPEN, None, 1)
    assert Visit.objects.count() == 1


def test_closing_a_follow_up_twice_is_a_conflict(county: Any) -> None:
    household = make_household(county.village_a1)
    visit = visit_log(
        household=household,
        visited_on=_today(),
        findings="x",
        follow_ups=[("a", _today())],
        user=county.secretary_a1,
    )
    promise = visit.follow_ups.get()
    stale = FollowUp.objects.get(pk=promise.pk)
    follow_up_close(follow_up=promise, expected_version=promise.version, user=county.cadre_a)
    with pytest.raises(ConflictError):
        follow_up_close(follow_up=stale, expected_version=stale.version, user=county.secretary_a1)
    assert FollowUp.objects.get(pk=promise.pk).closed_by == county.cadre_a


# -- plans and measures ---------------------------------------------------------------------------


def test_measure_category_follows_its_kind(county: Any) -> None:
    # given
    household = make_household(county.village_a1, members=2)
    member = household.members.last()
    plan = plan_save(household=household, year=_today().year, goals="稳定增收", user=county.secretary_a1)

    # when
    measure = measure_create(
        household=household,
        member=member,
        plan=plan,
        kind=MeasureKindChoices.ECOLOGICAL_POST,
        start_date=dt.date(2024, 3, 1),
        amount=Decimal("6000.00"),
        user=county.secretary_a1,
    )

    # then
    assert measure.category == MeasureCategoryChoices.ECOLOGICAL
    assert measure.amount == Decimal("6000.00")
    updated = measure_update(
        measure=measure,
        expected_version=measure.version,
        kind=MeasureKindChoices.EDUCATION_AID,
        user=county.staff_a,
    )
    assert (updated.category, updated.version) == (MeasureCategoryChoices.EDUCATION, 2)


def test_bad_measures_are_refused_with_field_messages(county: Any) -> None:
    # given
    household = make_household(county.village_a1)
    stranger = make_member(make_household(county.village_a1))

    # when
    with pytest.raises(ValidationError) as exc:
        measure_create(
            household=household,
            member=stranger,
            kind=MeasureKindChoices.RELOCATION,
            category=MeasureCategoryChoices.EDUCATION,
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2024, 1, 1),
            amount=Decimal("-1"),
            user=county.secretary_a1,
        )

    # then
    assert set(exc.value.message_dict) == {"member", "category", "end_date", "amount"}
    assert Measure.objects.count() == 0


def test_a_second_plan_for_the_same_year_is_refused(county: Any) -> None:
    household = make_household(county.village_a1)
    plan = plan_save(household=household, year=2025, goals="a", user=county.secretary_a1)
    with pytest.raises(ValidationError) as exc:
        plan_save(household=household, year=2025, goals="b", user=county.secretary_a1)
    assert "2025" in exc.value.message_dict["year"][0]
    updated = plan_save(
        household=household, year=2025, goals="b", expected_version=plan.version, user=county.staff_a
    )
    assert (updated.goals, updated.version) == ("b", 2)


def test_a_first_secretary_may_pair_township_cadres_but_not_other_townships(county: Any) -> None:
    # given: a cadre of 折桥镇 (above the secretary's village) and one of 枹罕镇
    household = make_household(county.village_a1)
    township_cadre = make_cadre(county.town_a, name="镇干部")
    elsewhere = make_cadre(county.town_b, name="外镇干部")

    # when
    pairing = cadre_assign(household=household, cadre=township_cadre, user=county.secretary_a1)
    with pytest.raises(ValidationError) as exc:
        cadre_assign(household=household, cadre=elsewhere, user=county.secretary_a1)

    # then
    assert pairing.cadre == township_cadre
    assert "cadre" in exc.value.message_dict
    assert CadrePairing.objects.get(household=household, end__isnull=True).cadre == township_cadre


def test_reassignment_is_in_the_audit_trail(county: Any) -> None:
    # given
    from core.audit import audit_events_for

    household = make_household(county.village_a1)
    first = cadre_assign(
        household=household, cadre=make_cadre(county.town_a), start=dt.date(2024, 1, 1), user=county.staff_a
    )

    # when
    cadre_assign(
        household=household, cadre=make_cadre(county.town_a), start=dt.date(2024, 9, 1), user=county.staff_a
    )

    # then: the closed pairing's history shows its insert and the end being set
    events = audit_events_for(first)
    assert [e["action"] for e in events] == ["update", "insert"]
    assert events[0]["changes"]["end"] == [None, "2024-09-01"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0.1, "金额请以精确的十进制文本发送，例如“1234.50”，不要用浮点数。"),
        ("六千", "请输入以元为单位的金额，例如 1234.50。"),
        ("6000.001", "金额以元为单位，最多保留两位小数（到分）。"),
        ("-1", "金额不能为负数。"),
    ],
)
def test_measure_amounts_are_read_by_the_one_money_parser(county: Any, amount: Any, message: str) -> None:
    # given
    from django.utils import translation

    household = make_household(county.village_a1)

    # when
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        measure_create(
            household=household,
            kind=MeasureKindChoices.ECOLOGICAL_POST,
            start_date=dt.date(2024, 3, 1),
            amount=amount,
            user=county.secretary_a1,
        )

    # then: the message next to the amount, and no measure
    assert exc.value.message_dict == {"amount": [message]}
    assert not Measure.objects.filter(household=household).exists()


def test_a_measure_amount_in_text_is_kept_to_the_fen(county: Any) -> None:
    household = make_household(county.village_a1)
    measure = measure_create(
        household=household,
        kind=MeasureKindChoices.ECOLOGICAL_POST,
        start_date=dt.date(2024, 3, 1),
        amount=" 6000.5 ",
        user=county.secretary_a1,
    )
    assert Measure.objects.get(pk=measure.pk).amount == Decimal("6000.50")
