"""core.procedures: the rules every signed procedure shares, checked on all three (identification,
household exit, monitoring): one person signs one level of a case, one notice-period rule with one
message, the version check, and versioned objections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import RoleChoices
from core import clock
from core.exceptions import ConflictError
from exits.choices import ExitStepChoices as E
from exits.choices import MonitoringCategoryChoices, MonitoringSourceChoices, RiskChoices
from exits.choices import MonitoringStepChoices as MS
from exits.services import (
    exit_objection_decide,
    exit_objection_record,
    exit_procedure_propose,
    exit_procedure_sign,
    monitoring_case_report,
    monitoring_case_sign,
)
from households.choices import HouseholdStatusChoices, IdentificationStageChoices
from households.services import (
    objection_record,
    objection_resolve,
    procedure_sign,
    procedure_start,
)
from tests.exits.builders import YEAR, ready_household, set_line
from tests.factories import make_household, make_user, set_policy, set_population

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
ST = IdentificationStageChoices
LEVEL_REFUSED = "另一级环节"


def _candidate(county: Any) -> Any:
    return make_household(county.village_a1, status=HouseholdStatusChoices.CANDIDATE, members=2)


@pytest.fixture
def county(county: Any) -> Any:
    """The shared county, with a second township staff member for the township's signatures."""
    county.staff_a2 = make_user(RoleChoices.TOWNSHIP_STAFF, county.town_a, username="staff_a2")
    set_line(county.county)
    return county


def _exit_in_notice(county: Any) -> Any:
    set_population(county.village_a1, YEAR, 100)
    household = ready_household(county.village_a1, members=3)
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    for step in (E.VILLAGE_VERIFY, E.DEMOCRATIC_REVIEW, E.HOUSEHOLD_CONSENT, E.NOTICE_START):
        procedure = exit_procedure_sign(procedure=procedure, step=step, user=county.staff_a, comment="同意")
    return procedure


def _monitoring_in_notice(county: Any) -> Any:
    household = ready_household(county.village_a1, members=2, status=HouseholdStatusChoices.EXITED)
    case = monitoring_case_report(
        household=household,
        category=MonitoringCategoryChoices.UNSTABLE_EXITED,
        source=MonitoringSourceChoices.CADRE_VISIT,
        risks=[RiskChoices.SERIOUS_ILLNESS],
        user=county.secretary_a1,
    )
    case = monitoring_case_sign(case=case, step=MS.VERIFY, user=county.staff_a, comment="户主签字同意")
    case = monitoring_case_sign(case=case, step=MS.VILLAGE_REVIEW, user=county.staff_a)
    return monitoring_case_sign(case=case, step=MS.NOTICE_START, user=county.staff_a)


# -- one person, one level --------------------------------------------------------------------------


def test_identification_a_village_signer_may_not_sign_for_the_township(county: Any) -> None:
    # given: township staff (who may sign both levels) signed the village survey
    procedure = procedure_start(household=_candidate(county), user=county.staff_a)
    procedure_sign(procedure=procedure, stage=ST.APPLICATION, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=ST.SURVEY, user=county.staff_a)

    # when / then: the same person cannot also sign the township's cross-check
    with pytest.raises(ValidationError) as refused:
        procedure_sign(procedure=procedure, stage=ST.CROSS_CHECK, user=county.staff_a)
    assert LEVEL_REFUSED in refused.value.message_dict["stage"][0]
    assert procedure.steps.count() == 2

    # a second person of the township can
    procedure_sign(procedure=procedure, stage=ST.CROSS_CHECK, user=county.staff_a2)
    assert procedure.steps.count() == 3


def test_exit_a_village_signer_may_not_sign_the_township_review(county: Any, days_pass: Any) -> None:
    procedure = _exit_in_notice(county)
    days_pass(7)
    procedure = exit_procedure_sign(procedure=procedure, step=E.NOTICE_CLOSE, user=county.staff_a)

    with pytest.raises(ValidationError) as refused:
        exit_procedure_sign(procedure=procedure, step=E.TOWNSHIP_REVIEW, user=county.staff_a)
    assert LEVEL_REFUSED in refused.value.message_dict["step"][0]

    procedure = exit_procedure_sign(procedure=procedure, step=E.TOWNSHIP_REVIEW, user=county.staff_a2)
    assert procedure.signoffs.filter(step=E.TOWNSHIP_REVIEW, signed_by=county.staff_a2).exists()


def test_monitoring_a_village_signer_may_not_sign_the_township_review(county: Any, days_pass: Any) -> None:
    case = _monitoring_in_notice(county)
    days_pass(10)

    with pytest.raises(ValidationError) as refused:
        monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a)
    assert LEVEL_REFUSED in refused.value.message_dict["step"][0]
    case = monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a2)
    assert case.signoffs.count() == 4


# -- one notice rule, one message -------------------------------------------------------------------


def test_the_notice_period_is_one_rule_with_one_message(county: Any) -> None:
    # given: each procedure's notice has just been posted
    set_policy(county.county, {"exits.notice_min_days": 7, "exits.monitoring_notice_min_days": 5})
    exit_procedure = _exit_in_notice(county)
    case = _monitoring_in_notice(county)
    identification = procedure_start(household=_candidate(county), user=county.staff_a)
    for stage, user in (
        (ST.APPLICATION, county.staff_a),
        (ST.SURVEY, county.secretary_a1),
        (ST.CROSS_CHECK, county.staff_a),
        (ST.DEMOCRATIC_REVIEW, county.secretary_a1),
    ):
        procedure_sign(procedure=identification, stage=stage, user=user)

    # when: each is closed at once
    refusals = []
    for close in (
        lambda: exit_procedure_sign(procedure=exit_procedure, step=E.NOTICE_CLOSE, user=county.secretary_a1),
        lambda: monitoring_case_sign(case=case, step=MS.TOWNSHIP_REVIEW, user=county.staff_a2),
        lambda: procedure_sign(procedure=identification, stage=ST.PUBLIC_NOTICE, user=county.secretary_a1),
    ):
        with pytest.raises(ValidationError) as refused:
            close()
        refusals.append(refused.value.messages[0])

    # then: the same sentence, with each procedure's minimum
    shapes = {m.replace("7", "N").replace("5", "N").split("（")[0] for m in refusals}
    assert len(shapes) == 1, refusals
    assert "已公示0天" in refusals[0]


# -- locking, versions, objections --------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_writes_nothing(county: Any) -> None:
    household = ready_household(county.village_a1, members=2)
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    read = procedure.version
    exit_procedure_sign(
        procedure=procedure, step=E.VILLAGE_VERIFY, user=county.secretary_a1, expected_version=read
    )

    with pytest.raises(ConflictError):
        exit_procedure_sign(
            procedure=procedure, step=E.DEMOCRATIC_REVIEW, user=county.secretary_a1, expected_version=read
        )
    assert procedure.signoffs.count() == 2


def test_objections_of_both_procedures_are_versioned_and_decided_once(county: Any) -> None:
    # given
    exit_procedure = _exit_in_notice(county)
    identification = procedure_start(household=_candidate(county), user=county.staff_a)
    for stage, user in (
        (ST.APPLICATION, county.staff_a),
        (ST.SURVEY, county.secretary_a1),
        (ST.CROSS_CHECK, county.staff_a),
        (ST.DEMOCRATIC_REVIEW, county.secretary_a1),
    ):
        procedure_sign(procedure=identification, stage=stage, user=user)
    exit_objection = exit_objection_record(procedure=exit_procedure, content="有车", user=county.staff_a)
    notice_objection = objection_record(
        procedure=identification, user=county.staff_a, raised_on=clock.today(), content="有车"
    )
    assert (exit_objection.version, notice_objection.version) == (1, 1)

    # when
    exit_objection = exit_objection_decide(
        objection=exit_objection, upheld=False, reason="已核实", user=county.staff_a2
    )
    notice_objection = objection_resolve(
        objection=notice_objection, user=county.staff_a, upheld=False, resolution="已核实"
    )

    # then
    assert (exit_objection.version, notice_objection.version) == (2, 2)
    assert exit_objection.decided_by == county.staff_a2
    assert notice_objection.decision_reason == "已核实"
    with pytest.raises(ValidationError):
        objection_resolve(objection=notice_objection, user=county.staff_a, upheld=True, resolution="再议")


def test_household_status_and_the_project_lifecycle_are_workflows_with_the_one_refusal(county: Any) -> None:
    """The two plain lifecycles use the procedures' declaration type, its one check and one message."""
    from core.procedures.workflow import Workflow
    from funds.choices import ProjectStatusChoices as P
    from funds.services import PROJECT_WORKFLOW, project_transition
    from households.models import Household
    from households.services import HOUSEHOLD_STATUS_WORKFLOW, household_status_change
    from tests.funds.conftest import build_money

    assert isinstance(HOUSEHOLD_STATUS_WORKFLOW, Workflow)
    assert isinstance(PROJECT_WORKFLOW, Workflow)
    household = _candidate(county)
    with pytest.raises(ValidationError) as household_refused:
        household_status_change(household=household, to_status=HouseholdStatusChoices.EXITED)
    assert household_refused.value.message_dict == {
        "status": [
            f"当前为“{HouseholdStatusChoices.CANDIDATE.label}”，不能进行“{HouseholdStatusChoices.EXITED.label}”："
            f"不能跳过环节。下一步：{HouseholdStatusChoices.REGISTERED.label}、"
            f"{HouseholdStatusChoices.REJECTED.label}、{HouseholdStatusChoices.MONITORING.label}、"
            f"{HouseholdStatusChoices.CANCELLED.label}。"
        ]
    }
    assert Household.objects.get(pk=household.pk).status == HouseholdStatusChoices.CANDIDATE

    money = build_money(county)  # its project is approved
    version = money.project.version
    with pytest.raises(ValidationError) as project_refused:
        project_transition(project=money.project, to_status=P.ACCEPTED, user=money.official)
    assert project_refused.value.message_dict == {
        "status": [
            f"当前为“{P.APPROVED.label}”，不能进行“{P.ACCEPTED.label}”：不能跳过环节。下一步：{P.IN_PROGRESS.label}。"
        ]
    }
    money.project.refresh_from_db()
    assert (money.project.status, money.project.version) == (P.APPROVED, version)
