"""The signed household exit procedure: order, roles, notice period, objections, the insert-only
ledger, and what changes when the county approves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import ProgrammingError, transaction
from django.http import Http404
from django.utils import translation

from accounts.roles import RoleChoices
from core import clock
from core.exceptions import ConflictError
from exits.choices import ExitProcedureStateChoices as S
from exits.choices import ExitStepChoices as E
from exits.choices import ObjectionStatusChoices
from exits.models import ExitObjection, ExitProcedure, ExitSignoff
from exits.services import (
    EXIT_TRANSITIONS,
    exit_can_transition,
    exit_objection_decide,
    exit_objection_record,
    exit_procedure_propose,
    exit_procedure_sign,
    household_return_to_poverty,
)
from households.choices import HouseholdStatusChoices
from households.models import HouseholdStatusChange
from households.selectors import incidence_live
from tests.exits.builders import LINE, YEAR, ready_household, set_income, set_line
from tests.factories import make_user, set_policy, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

VILLAGE_STEPS = [E.VILLAGE_VERIFY, E.DEMOCRATIC_REVIEW, E.HOUSEHOLD_CONSENT, E.NOTICE_START]


def _to_notice(county: Any, household: Any) -> ExitProcedure:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    for step in VILLAGE_STEPS:
        procedure = exit_procedure_sign(
            procedure=procedure, step=step, user=county.secretary_a1, comment="户主马某签字同意"
        )
    return procedure


@pytest.fixture
def household(county: Any) -> Any:
    set_line(county.county)
    set_population(county.village_a1, YEAR, 100)
    return ready_household(county.village_a1, members=4)


def test_full_procedure_signed_by_the_right_roles_exits_the_household(
    county: Any, household: Any, days_pass: Any
) -> None:
    # given
    before = incidence_live(county.village_a1, YEAR)
    procedure = _to_notice(county, household)
    days_pass(7)

    # when
    procedure = exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)
    procedure = exit_procedure_sign(procedure=procedure, step=E.TOWNSHIP_REVIEW, user=county.staff_a)
    procedure = exit_procedure_sign(
        procedure=procedure, step=E.COUNTY_APPROVE, user=county.county_official, comment="县级公告"
    )

    # then
    household.refresh_from_db()
    assert procedure.state == S.APPROVED
    assert procedure.approved_on == clock.today()
    assert household.status == HouseholdStatusChoices.EXITED
    change = HouseholdStatusChange.objects.get(household=household, to_status=HouseholdStatusChoices.EXITED)
    assert change.source == f"exit:{procedure.pk}"
    assert change.changed_by == county.county_official
    ledger = list(procedure.signoffs.values_list("step", "role", "signed_by__username"))
    assert ledger == [
        (E.PROPOSE, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.VILLAGE_VERIFY, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.DEMOCRATIC_REVIEW, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.HOUSEHOLD_CONSENT, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.NOTICE_START, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.NOTICE_CLOSE, RoleChoices.WORK_TEAM, "secretary_a1"),
        (E.TOWNSHIP_REVIEW, RoleChoices.TOWNSHIP_STAFF, "staff_a"),
        (E.COUNTY_APPROVE, RoleChoices.COUNTY_OFFICIAL, "county_official"),
    ]
    after = incidence_live(county.village_a1, YEAR)
    assert (before.poor_people, after.poor_people) == (4, 0)
    assert (before.rate, after.rate) == (Decimal("4.00"), Decimal("0.00"))


@pytest.mark.parametrize("step", [E.DEMOCRATIC_REVIEW, E.NOTICE_START, E.TOWNSHIP_REVIEW, E.COUNTY_APPROVE])
def test_steps_cannot_be_skipped(county: Any, household: Any, step: str) -> None:
    # given: a fresh proposal
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    signer = {E.TOWNSHIP_REVIEW: county.staff_a, E.COUNTY_APPROVE: county.county_official}.get(
        step, county.secretary_a1
    )

    # when / then
    with pytest.raises(ValidationError) as refused:
        exit_procedure_sign(procedure=procedure, step=step, user=signer, comment="x")
    assert "step" in refused.value.message_dict
    procedure.refresh_from_db()
    assert procedure.state == S.PROPOSED
    assert procedure.signoffs.count() == 1
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.REGISTERED


def test_the_transition_map_is_one_chain(county: Any, household: Any) -> None:
    procedure = ExitProcedure(household=household, year=YEAR, state=S.PROPOSED)
    assert [step for step in EXIT_TRANSITIONS if exit_can_transition(procedure, step)] == [
        E.VILLAGE_VERIFY,
        E.WITHDRAW,
    ]
    procedure.state = S.APPROVED
    assert not any(exit_can_transition(procedure, step) for step in EXIT_TRANSITIONS)


@pytest.mark.parametrize(
    ("step", "state", "signer"),
    [
        (E.VILLAGE_VERIFY, S.PROPOSED, "county_official"),  # county does not sign village steps
        (E.VILLAGE_VERIFY, S.PROPOSED, "cadre_a"),
        (E.TOWNSHIP_REVIEW, S.NOTICE_CLOSED, "secretary_a1"),  # village cannot sign for the township
        (E.COUNTY_APPROVE, S.TOWNSHIP_REVIEWED, "staff_a"),  # township cannot approve
        (E.COUNTY_APPROVE, S.TOWNSHIP_REVIEWED, "viewer"),
    ],
)
def test_a_step_signed_by_the_wrong_role_is_refused(
    county: Any, household: Any, step: str, state: str, signer: str
) -> None:
    # given
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    ExitProcedure.objects.filter(pk=procedure.pk).update(state=state)
    procedure.refresh_from_db()

    # when / then
    with pytest.raises(PermissionDenied):
        exit_procedure_sign(procedure=procedure, step=step, user=getattr(county, signer))
    procedure.refresh_from_db()
    assert procedure.state == state
    assert procedure.signoffs.count() == 1


def test_a_signer_outside_the_area_gets_404(county: Any, household: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    other_secretary = make_user(RoleChoices.WORK_TEAM, county.village_b1)
    with pytest.raises(Http404):
        exit_procedure_sign(procedure=procedure, step=E.VILLAGE_VERIFY, user=other_secretary)
    assert procedure.signoffs.count() == 1


def test_notice_one_day_short_cannot_close(county: Any, household: Any, days_pass: Any) -> None:
    # given: the county's minimum is 7 days; the notice has been up 6
    set_policy(county.county, {"exits.notice_min_days": 7})
    procedure = _to_notice(county, household)
    days_pass(6)

    # when / then
    with pytest.raises(ValidationError) as refused:
        exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)
    assert "7" in refused.value.message_dict["step"][0]
    procedure.refresh_from_db()
    assert procedure.state == S.IN_NOTICE

    # when the seventh day comes
    days_pass(7)
    procedure = exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)
    assert procedure.state == S.NOTICE_CLOSED


def test_notice_minimum_is_the_countys_data(county: Any, household: Any, days_pass: Any) -> None:
    set_policy(county.county, {"exits.notice_min_days": 10})
    procedure = _to_notice(county, household)
    days_pass(9)
    with pytest.raises(ValidationError):
        exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)


def test_an_upheld_objection_sends_the_procedure_back_with_the_reason(
    county: Any, household: Any, days_pass: Any
) -> None:
    # given
    procedure = _to_notice(county, household)
    objection = exit_objection_record(
        procedure=procedure,
        content="该户家中有人长期务工，收入不实",
        raised_by="村民",
        user=county.secretary_a1,
    )
    days_pass(8)

    # then: an open objection blocks closing the notice
    with pytest.raises(ValidationError):
        exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)

    # when the township upholds it
    exit_objection_decide(
        objection=objection, upheld=True, reason="收入核算有误，重新核实", user=county.staff_a
    )

    # then
    procedure.refresh_from_db()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatusChoices.UPHELD
    assert procedure.state == S.SENT_BACK
    assert "收入核算有误" in procedure.sent_back_reason
    assert procedure.notice_started_on is None
    last = procedure.signoffs.last()
    assert (last.step, last.signed_by, last.to_state) == (E.SEND_BACK, county.staff_a, S.SENT_BACK)
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.REGISTERED
    # and it starts again from village verification, with a new notice
    assert [s for s in EXIT_TRANSITIONS if exit_can_transition(procedure, s)] == [
        E.VILLAGE_VERIFY,
        E.WITHDRAW,
    ]


def test_a_dismissed_objection_lets_the_notice_close(county: Any, household: Any, days_pass: Any) -> None:
    procedure = _to_notice(county, household)
    objection = exit_objection_record(procedure=procedure, content="有意见", user=county.secretary_a1)
    days_pass(7)
    with pytest.raises(PermissionDenied):  # village cannot decide objections
        exit_objection_decide(
            objection=objection, upheld=False, reason="经核实不属实", user=county.secretary_a1
        )
    exit_objection_decide(objection=objection, upheld=False, reason="经核实不属实", user=county.staff_a)
    procedure = exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)
    assert procedure.state == S.NOTICE_CLOSED
    with pytest.raises(ValidationError):
        exit_objection_decide(objection=objection, upheld=True, reason="again", user=county.staff_a)


def test_objections_only_during_the_notice(county: Any, household: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    with pytest.raises(ValidationError):
        exit_objection_record(procedure=procedure, content="x", user=county.secretary_a1)
    assert ExitObjection.objects.count() == 0


def test_consent_and_send_back_need_a_comment(county: Any, household: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    for step in (E.VILLAGE_VERIFY, E.DEMOCRATIC_REVIEW):
        procedure = exit_procedure_sign(procedure=procedure, step=step, user=county.secretary_a1)
    with pytest.raises(ValidationError) as refused:
        exit_procedure_sign(
            procedure=procedure, step=E.HOUSEHOLD_CONSENT, user=county.secretary_a1, comment="  "
        )
    assert "comment" in refused.value.message_dict
    procedure.refresh_from_db()
    assert procedure.state == S.REVIEWED


def test_signoffs_are_insert_only_so_nothing_can_be_backdated(county: Any, household: Any) -> None:
    # given
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    signoff = procedure.signoffs.get()
    assert abs((clock.now() - signoff.signed_at).total_seconds()) < 60

    # when / then: the database refuses to rewrite or remove a sign-off
    with pytest.raises(ProgrammingError), transaction.atomic():
        ExitSignoff.objects.filter(pk=signoff.pk).update(signed_at=signoff.signed_at - dt.timedelta(days=30))
    with pytest.raises(ProgrammingError), transaction.atomic():
        ExitSignoff.objects.filter(pk=signoff.pk).delete()
    signoff.refresh_from_db()
    assert abs((clock.now() - signoff.signed_at).total_seconds()) < 60


def test_a_stale_version_is_a_conflict(county: Any, household: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    exit_procedure_sign(
        procedure=procedure, step=E.VILLAGE_VERIFY, user=county.secretary_a1, expected_version=1
    )
    with pytest.raises(ConflictError):
        exit_procedure_sign(
            procedure=procedure, step=E.DEMOCRATIC_REVIEW, user=county.staff_a, expected_version=1
        )
    procedure.refresh_from_db()
    assert (procedure.state, procedure.signoffs.count()) == (S.VERIFIED, 2)


def test_an_ineligible_household_cannot_be_proposed_and_nothing_is_written(county: Any) -> None:
    # given
    set_line(county.county)
    household = ready_household(county.village_a1, income=LINE, safe_drinking_water=False)

    # when / then
    with pytest.raises(ValidationError) as refused:
        exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    messages = refused.value.message_dict["household"]
    assert len(messages) == 2
    assert ExitProcedure.objects.count() == 0
    assert ExitSignoff.objects.count() == 0


def test_one_open_procedure_per_household(county: Any, household: Any) -> None:
    exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    with pytest.raises(ValidationError):
        exit_procedure_propose(household=household, year=YEAR, user=county.staff_a)
    assert ExitProcedure.objects.count() == 1


def test_county_approval_rechecks_eligibility(county: Any, household: Any, days_pass: Any) -> None:
    # given: the income was corrected below the line during the procedure
    procedure = _to_notice(county, household)
    days_pass(7)
    procedure = exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1)
    procedure = exit_procedure_sign(procedure=procedure, step=E.TOWNSHIP_REVIEW, user=county.staff_a)
    set_income(household, LINE - Decimal("1"))

    # when / then
    with pytest.raises(ValidationError):
        exit_procedure_sign(procedure=procedure, step=E.COUNTY_APPROVE, user=county.county_official)
    household.refresh_from_db()
    procedure.refresh_from_db()
    assert household.status == HouseholdStatusChoices.REGISTERED
    assert procedure.state == S.TOWNSHIP_REVIEWED


def test_after_exit_the_household_keeps_its_history_and_can_return_to_poverty(
    county: Any, household: Any, days_pass: Any
) -> None:
    # given: an exited household
    procedure = _to_notice(county, household)
    days_pass(7)
    for step, user in (
        (E.NOTICE_CLOSE, county.secretary_a1),
        (E.TOWNSHIP_REVIEW, county.staff_a),
        (E.COUNTY_APPROVE, county.county_official),
    ):
        procedure = exit_procedure_sign(procedure=procedure, step=step, user=user)

    # then: a return needs the county and a reason
    with pytest.raises(PermissionDenied):
        household_return_to_poverty(household=household, reason="因病", user=county.staff_a)
    with pytest.raises(ValidationError):
        household_return_to_poverty(household=household, reason=" ", user=county.county_official)

    # when
    household = household_return_to_poverty(
        household=household, reason="因病返贫", user=county.county_official
    )

    # then
    assert household.status == HouseholdStatusChoices.RETURNED
    history = list(household.status_changes.values_list("to_status", flat=True))
    assert history[-2:] == [HouseholdStatusChoices.EXITED, HouseholdStatusChoices.RETURNED]
    assert ExitProcedure.objects.get(pk=procedure.pk).state == S.APPROVED  # the exit record stays
    # and a returned household can exit again through a new procedure
    again = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    assert again.state == S.PROPOSED


def test_only_registered_poor_households_can_be_proposed(county: Any) -> None:
    set_line(county.county)
    exited = ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        exit_procedure_propose(household=exited, year=YEAR, user=county.secretary_a1)
    assert "已脱贫" in refused.value.message_dict["household"][0]
    assert ExitProcedure.objects.count() == 0


def test_withdrawing_needs_a_reason_and_frees_the_household(county: Any, household: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    with pytest.raises(ValidationError):
        exit_procedure_sign(procedure=procedure, step=E.WITHDRAW, user=county.secretary_a1)
    procedure = exit_procedure_sign(
        procedure=procedure, step=E.WITHDRAW, user=county.secretary_a1, comment="收入不稳定"
    )
    assert procedure.state == S.WITHDRAWN
    assert not any(exit_can_transition(procedure, step) for step in EXIT_TRANSITIONS)
    again = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    assert again.pk != procedure.pk
