"""The identification procedure (精准识别): ordered, signed, insert-only steps; notice days as data;
objections recorded and resolved; a rejected candidate keeps its record and reason."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from areas.services import policy_set
from core import clock
from households.choices import (
    HouseholdStatusChoices,
    IdentificationStageChoices,
    ObjectionStatusChoices,
    ProcedureStatusChoices,
    StepDecisionChoices,
)
from households.models import IdentificationStep
from households.policy import NOTICE_MIN_DAYS
from households.services import objection_record, objection_resolve, procedure_sign, procedure_start

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
ST = IdentificationStageChoices


def _sign_until(procedure: Any, county: Any, stop: str) -> None:
    signers = {
        ST.APPLICATION: county.staff_a,
        # one person signs one level of a case: the village work team, then the township
        ST.SURVEY: county.secretary_a1,
        ST.CROSS_CHECK: county.staff_a,
        ST.DEMOCRATIC_REVIEW: county.secretary_a1,
        ST.PUBLIC_NOTICE: county.secretary_a1,
        ST.TOWNSHIP_REVIEW: county.staff_a,
        ST.COUNTY_APPROVAL: county.county_official,
    }
    for stage in ST.values:
        if stage == stop:
            return
        procedure_sign(procedure=procedure, stage=stage, user=signers[stage], comment="ok")


@pytest.fixture
def later(time_machine: Any) -> Any:
    """`with later(8):` the clock is eight days ahead (the notice must really have run), then back."""

    @contextlib.contextmanager
    def ahead(days: int) -> Iterator[None]:
        start = clock.now()
        time_machine.move_to(start + dt.timedelta(days=days), tick=True)
        try:
            yield
        finally:
            time_machine.move_to(start)

    return ahead


def test_full_procedure_registers_the_household(county: Any, register: Any, later: Any) -> None:
    # given
    household = register()
    procedure = procedure_start(household=household, user=county.staff_a)

    # when
    _sign_until(procedure, county, ST.PUBLIC_NOTICE)
    with later(8):
        procedure_sign(procedure=procedure, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1)
        procedure_sign(procedure=procedure, stage=ST.TOWNSHIP_REVIEW, user=county.staff_a)
        procedure_sign(
            procedure=procedure, stage=ST.COUNTY_APPROVAL, user=county.county_official, comment="公告"
        )
        approved_in = clock.today().year  # identified in the year of the county's approval

    # then
    procedure.refresh_from_db()
    household.refresh_from_db()
    assert procedure.status == ProcedureStatusChoices.APPROVED
    assert household.status == HouseholdStatusChoices.REGISTERED
    assert household.year_identified == approved_in
    steps = list(procedure.steps.order_by("signed_at"))
    assert [s.stage for s in steps] == list(ST.values)
    assert steps[-1].role == "county_official"
    assert household.status_changes.get().source == f"identification:{procedure.pk}"


def test_steps_cannot_be_skipped(county: Any, register: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    with pytest.raises(ValidationError) as exc:
        procedure_sign(procedure=procedure, stage=ST.SURVEY, user=county.staff_a)
    assert "stage" in exc.value.message_dict
    assert not procedure.steps.exists()


def test_each_stage_needs_its_role(county: Any, register: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    with pytest.raises(PermissionDenied):
        procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.cadre_a)
    procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=ST.SURVEY, user=county.secretary_a1)  # the village work team
    with pytest.raises(PermissionDenied):
        procedure_sign(procedure=procedure, stage=ST.CROSS_CHECK, user=county.secretary_a1)
    assert procedure.steps.count() == 2


def test_signatures_are_insert_only_in_the_database(county: Any, register: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    step = procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.staff_a, comment="申请")

    with pytest.raises(DatabaseError), transaction.atomic():
        IdentificationStep.objects.filter(pk=step.pk).update(
            comment="改过", signed_at=clock.now() - dt.timedelta(days=30)
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        IdentificationStep.objects.filter(pk=step.pk).delete()

    step.refresh_from_db()
    assert step.comment == "申请"


def test_the_public_notice_runs_the_configured_minimum_days(county: Any, register: Any, later: Any) -> None:
    # given: the township sets ten days (policy is data, not code)
    policy_set(area=county.town_a, user=county.county_admin, values={NOTICE_MIN_DAYS.name: 10})
    procedure = procedure_start(household=register(), user=county.staff_a)
    assert procedure.notice_min_days == 10
    _sign_until(procedure, county, ST.PUBLIC_NOTICE)

    # when: closing the notice after seven days
    with later(7), pytest.raises(ValidationError) as exc:
        procedure_sign(procedure=procedure, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1)

    # then
    assert "10" in exc.value.messages[0]
    procedure.refresh_from_db()
    assert procedure.next_stage == ST.PUBLIC_NOTICE
    with later(10):
        procedure_sign(procedure=procedure, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1)
    procedure.refresh_from_db()
    assert procedure.next_stage == ST.TOWNSHIP_REVIEW


def test_a_step_cannot_be_signed_before_the_previous_one(county: Any, register: Any, later: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.staff_a)
    with later(-1), pytest.raises(ValidationError):
        procedure_sign(procedure=procedure, stage=ST.SURVEY, user=county.staff_a)
    assert procedure.steps.count() == 1


def test_open_objections_block_the_notice_and_an_upheld_one_rejects(
    county: Any, register: Any, later: Any
) -> None:
    # given
    household = register()
    procedure = procedure_start(household=household, user=county.staff_a)
    _sign_until(procedure, county, ST.PUBLIC_NOTICE)
    objection = objection_record(
        procedure=procedure,
        user=county.staff_a,
        raised_on=clock.today(),
        raised_by="村民",
        content="家里有车",
    )

    # when / then: the notice cannot close while the objection is open
    with later(8), pytest.raises(ValidationError):
        procedure_sign(procedure=procedure, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1)

    objection_resolve(objection=objection, user=county.staff_a, upheld=True, resolution="核实有小轿车一辆")
    procedure.refresh_from_db()
    household.refresh_from_db()
    assert procedure.status == ProcedureStatusChoices.REJECTED
    assert "核实有小轿车一辆" in procedure.rejection_reason
    assert household.status == HouseholdStatusChoices.REJECTED
    objection.refresh_from_db()
    assert objection.status == ObjectionStatusChoices.UPHELD


def test_a_dismissed_objection_lets_the_notice_close(county: Any, register: Any, later: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    _sign_until(procedure, county, ST.PUBLIC_NOTICE)
    objection = objection_record(
        procedure=procedure, user=county.staff_a, raised_on=clock.today(), content="x"
    )
    with pytest.raises(ValidationError) as exc:
        objection_resolve(objection=objection, user=county.staff_a, upheld=False, resolution="  ")
    assert "resolution" in exc.value.message_dict
    objection_resolve(
        objection=objection, user=county.staff_a, upheld=False, resolution="车辆登记在已分户的儿子名下"
    )
    with later(8):
        procedure_sign(procedure=procedure, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1)
    procedure.refresh_from_db()
    assert procedure.next_stage == ST.TOWNSHIP_REVIEW


def test_objections_only_while_the_notice_is_posted(county: Any, register: Any) -> None:
    procedure = procedure_start(household=register(), user=county.staff_a)
    with pytest.raises(ValidationError):
        objection_record(procedure=procedure, user=county.staff_a, raised_on=clock.today(), content="x")
    assert not procedure.objections.exists()


def test_a_rejected_candidate_keeps_record_and_reason_and_may_be_identified_again(
    county: Any, register: Any
) -> None:
    # given
    household = register()
    procedure = procedure_start(household=household, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.staff_a)

    # when: rejecting without a reason is refused; with one, the candidate is rejected
    with pytest.raises(ValidationError) as exc:
        procedure_sign(
            procedure=procedure, stage=ST.SURVEY, user=county.staff_a, decision=StepDecisionChoices.REJECT
        )
    assert "comment" in exc.value.message_dict
    procedure_sign(
        procedure=procedure,
        stage=ST.SURVEY,
        user=county.staff_a,
        decision=StepDecisionChoices.REJECT,
        comment="人均收入明显高于标准",
    )

    # then
    household.refresh_from_db()
    procedure.refresh_from_db()
    assert household.status == HouseholdStatusChoices.REJECTED
    assert household.members.count() == 2  # the record stays
    assert procedure.rejection_reason == "人均收入明显高于标准"
    with pytest.raises(ValidationError):
        procedure_sign(procedure=procedure, stage=ST.CROSS_CHECK, user=county.staff_a)
    again = procedure_start(household=household, user=county.staff_a)
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.CANDIDATE
    assert again.pk != procedure.pk


def test_only_one_running_procedure_and_only_for_candidates(county: Any, register: Any) -> None:
    from tests.factories import make_household

    household = register()
    procedure_start(household=household, user=county.staff_a)
    with pytest.raises(ValidationError):
        procedure_start(household=household, user=county.staff_a)
    with pytest.raises(ValidationError):
        procedure_start(
            household=make_household(county.village_a1, number="X-1"), user=county.staff_a
        )  # registered
    assert household.procedures.count() == 1
