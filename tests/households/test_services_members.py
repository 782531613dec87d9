"""Members join, leave and move with a reason and a date; history is kept on both sides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from core import clock
from core.exceptions import ConflictError
from households.choices import MembershipChangeReasonChoices, RelationChoices
from households.models import Member, MembershipPeriod
from households.services import member_leave, member_move, member_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
R = MembershipChangeReasonChoices


def test_a_member_leaves_and_the_period_is_closed_not_deleted(county: Any, register: Any) -> None:
    # given
    household = register()
    spouse = household.members.get(relation=RelationChoices.SPOUSE)
    today = clock.today()

    # when
    member_leave(member=spouse, user=county.staff_a, left_on=today, reason=R.DEATH)

    # then
    spouse.refresh_from_db()
    assert spouse.household is None
    period = MembershipPeriod.objects.get(member=spouse)
    assert (period.household, period.left_on, period.leave_reason) == (household, today, R.DEATH)
    assert household.members.count() == 1


def test_the_head_leaving_needs_a_new_head(county: Any, register: Any) -> None:
    household = register()
    head = household.head
    spouse = household.members.get(relation=RelationChoices.SPOUSE)

    with pytest.raises(ValidationError) as exc:
        member_leave(member=head, user=county.staff_a, left_on=clock.today(), reason=R.DEATH)
    assert "new_head" in exc.value.message_dict
    head.refresh_from_db()
    assert head.household == household

    member_leave(member=head, user=county.staff_a, left_on=clock.today(), reason=R.DEATH, new_head=spouse)
    household.refresh_from_db()
    spouse.refresh_from_db()
    assert household.head == spouse
    assert spouse.relation == RelationChoices.HEAD


def test_dates_in_the_future_or_before_joining_are_refused(county: Any, register: Any) -> None:
    spouse = register().members.get(relation=RelationChoices.SPOUSE)
    with pytest.raises(ValidationError) as future:
        member_leave(
            member=spouse,
            user=county.staff_a,
            left_on=clock.today() + dt.timedelta(days=1),
            reason=R.DEATH,
        )
    with pytest.raises(ValidationError) as early:
        member_leave(member=spouse, user=county.staff_a, left_on=dt.date(2000, 1, 1), reason=R.DEATH)
    assert "left_on" in future.value.message_dict
    assert "left_on" in early.value.message_dict
    assert MembershipPeriod.objects.get(member=spouse).left_on is None


def test_moving_a_member_keeps_the_history_in_both_households(county: Any, register: Any) -> None:
    # given: a daughter marries into another household
    origin = register()
    daughter = origin.members.get(relation=RelationChoices.SPOUSE)
    target = register()
    today = clock.today()

    # when
    member_move(
        member=daughter,
        to_household=target,
        user=county.staff_a,
        moved_on=today,
        reason=R.MARRIAGE,
        relation=RelationChoices.CHILD_IN_LAW,
    )

    # then
    daughter.refresh_from_db()
    assert daughter.household == target
    periods = list(MembershipPeriod.objects.filter(member=daughter).order_by("id"))
    assert [(p.household, p.left_on, p.leave_reason, p.join_reason) for p in periods] == [
        (origin, today, R.MARRIAGE, R.REGISTRATION),
        (target, None, "", R.MARRIAGE),
    ]
    assert origin.membership_periods.filter(member=daughter).exists()


def test_moving_to_another_township_is_refused_as_not_found(county: Any, register: Any) -> None:
    from django.http import Http404

    from tests.factories import make_household

    member = register().members.get(relation=RelationChoices.SPOUSE)
    elsewhere = make_household(county.village_b1)
    with pytest.raises(Http404):
        member_move(
            member=member,
            to_household=elsewhere,
            user=county.staff_a,
            moved_on=clock.today(),
            reason=R.MARRIAGE,
            relation=RelationChoices.SPOUSE,
        )
    member.refresh_from_db()
    assert member.household_id != elsewhere.pk


def test_member_update_validates_and_detects_conflicts(county: Any, register: Any) -> None:
    member = register().head
    other = register().head

    with pytest.raises(ValidationError) as duplicate:
        member_update(
            member=member,
            user=county.staff_a,
            expected_version=1,
            id_number=other.id_number,
            birth_date=other.birth_date,
            sex=other.sex,
        )
    assert "id_number" in duplicate.value.message_dict

    member_update(member=member, user=county.staff_a, expected_version=1, ethnicity="回族")
    with pytest.raises(ConflictError):
        member_update(member=member, user=county.staff_a, expected_version=1, ethnicity="汉族")
    assert Member.objects.get(pk=member.pk).ethnicity == "回族"


def test_an_edit_started_before_a_move_is_a_conflict(county: Any, register: Any) -> None:
    # given: someone opened the spouse's edit form (version 1), then the spouse moved
    origin, target = register(), register()
    spouse = origin.members.get(relation=RelationChoices.SPOUSE)
    member_move(
        member=spouse,
        to_household=target,
        user=county.staff_a,
        moved_on=clock.today(),
        reason=R.MARRIAGE,
        relation=RelationChoices.CHILD_IN_LAW,
    )

    # then: saving the stale form is refused
    with pytest.raises(ConflictError):
        member_update(member=spouse, user=county.staff_a, expected_version=1, ethnicity="回族")
