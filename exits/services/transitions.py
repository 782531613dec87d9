"""The exit and monitoring procedures as declarations run by core.procedures.engine: for each step the
states it follows, the state it leads to, who signs it at which level, and its small guards and effects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core import clock
from core.procedures.engine import Advance, notice_period_check, open_objections_check
from core.procedures.workflow import LevelChoices, Transition, Workflow
from core.scoping import ensure_can
from households.choices import HouseholdStatusChoices
from households.models import Household, IncomeRecord
from households.services import household_can_transition, household_status_change

from ..choices import (
    EXIT_FINAL_STATES,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
)
from ..models import ExitProcedure, ExitSignoff, MonitoringCase, MonitoringSignoff
from ..selectors import exit_eligibility, exit_settings_for, poverty_line_for

if TYPE_CHECKING:
    from accounts.models import User

S = ExitProcedureStateChoices
E = ExitStepChoices
M = MonitoringStateChoices
MS = MonitoringStepChoices
VILLAGE, TOWNSHIP, COUNTY = LevelChoices.VILLAGE, LevelChoices.TOWNSHIP, LevelChoices.COUNTY
CONSENT_MESSAGE = gettext_lazy("Name who signed the consent form (and attach the scan).")


def _eligibility_error(household: Household, year: int) -> ValidationError | None:
    result = exit_eligibility(household, year)
    if result.eligible:
        return None
    return ValidationError({"household": [f"{c.label}: {c.message}" for c in result.failing]})


# -- guards and effects shared by both procedures -----------------------------------------------------


def _notice_start(advance: Advance) -> None:
    advance.fields["notice_started_on"] = advance.today


def _household_to(status: str, reason: Any, *, only_if_allowed: bool = False) -> Any:
    def effect(advance: Advance) -> None:
        household = advance.obj.household
        if only_if_allowed and not household_can_transition(household, status):
            return
        household_status_change(
            household=household,
            to_status=status,
            user=advance.user,
            reason=str(reason),
            source=f"{advance.workflow.name}:{advance.obj.pk}",
        )

    return effect


# -- household exit ---------------------------------------------------------------------------------


def _exit_notice_served(advance: Advance) -> None:
    notice_period_check(
        started_on=advance.obj.notice_started_on,
        min_days=exit_settings_for(advance.obj.household.village).notice_min_days,
        today=advance.today,
        field="step",
    )
    open_objections_check(advance)


def _exit_eligible(advance: Advance) -> None:
    error = _eligibility_error(advance.obj.household, advance.obj.year)
    if error is not None:
        raise error


def _exit_sent_back(advance: Advance) -> None:
    advance.fields.update(sent_back_reason=advance.comment, notice_started_on=None)


def _exit_approved(advance: Advance) -> None:
    advance.fields["approved_on"] = advance.today


_OPEN_EXIT = frozenset(set(S.values) - set(EXIT_FINAL_STATES))

EXIT_WORKFLOW = Workflow(
    name="exit",
    model=ExitProcedure,
    state_labels=S,
    step_labels=E,
    signoff_model=ExitSignoff,
    select_related=("household__village",),
    signoff_values=lambda a: {"from_state": a.from_state, "to_state": a.target},
    transitions={
        E.VILLAGE_VERIFY: Transition(
            frozenset({S.PROPOSED, S.SENT_BACK}), S.VERIFIED, Capability.SIGN_VILLAGE_STEP, level=VILLAGE
        ),
        E.DEMOCRATIC_REVIEW: Transition(
            frozenset({S.VERIFIED}), S.REVIEWED, Capability.SIGN_VILLAGE_STEP, level=VILLAGE
        ),
        E.HOUSEHOLD_CONSENT: Transition(
            frozenset({S.REVIEWED}),
            S.CONSENTED,
            Capability.SIGN_VILLAGE_STEP,
            comment_required=True,
            comment_message=CONSENT_MESSAGE,
            level=VILLAGE,
        ),
        E.NOTICE_START: Transition(
            frozenset({S.CONSENTED}),
            S.IN_NOTICE,
            Capability.SIGN_VILLAGE_STEP,
            level=VILLAGE,
            effects=(_notice_start,),
        ),
        E.NOTICE_CLOSE: Transition(
            frozenset({S.IN_NOTICE}),
            S.NOTICE_CLOSED,
            Capability.SIGN_VILLAGE_STEP,
            level=VILLAGE,
            guards=(_exit_notice_served,),
        ),
        E.TOWNSHIP_REVIEW: Transition(
            frozenset({S.NOTICE_CLOSED}), S.TOWNSHIP_REVIEWED, Capability.SIGN_TOWNSHIP_STEP, level=TOWNSHIP
        ),
        E.COUNTY_APPROVE: Transition(
            frozenset({S.TOWNSHIP_REVIEWED}),
            S.APPROVED,
            Capability.APPROVE,
            level=COUNTY,
            guards=(_exit_eligible,),
            effects=(
                _exit_approved,
                _household_to(HouseholdStatusChoices.EXITED, gettext_lazy("Exit approved by the county")),
            ),
        ),
        E.COUNTY_REFUSE: Transition(
            frozenset({S.TOWNSHIP_REVIEWED}),
            S.SENT_BACK,
            Capability.APPROVE,
            comment_required=True,
            level=COUNTY,
            effects=(_exit_sent_back,),
        ),
        E.SEND_BACK: Transition(
            frozenset({S.IN_NOTICE, S.NOTICE_CLOSED, S.TOWNSHIP_REVIEWED}),
            S.SENT_BACK,
            Capability.SIGN_TOWNSHIP_STEP,
            comment_required=True,
            level=TOWNSHIP,
            effects=(_exit_sent_back,),
        ),
        E.WITHDRAW: Transition(_OPEN_EXIT, S.WITHDRAWN, Capability.PROPOSE, comment_required=True),
    },
)

# -- monitoring (防返贫监测): verification with consent, review, notice, township and county -------------


def _monitoring_notice_served(advance: Advance) -> None:
    notice_period_check(
        started_on=advance.obj.notice_started_on,
        min_days=exit_settings_for(advance.obj.household.village).monitoring_notice_min_days,
        today=advance.today,
        field="step",
    )


def _risk_gone(advance: Advance) -> None:
    case, today = advance.obj, advance.today
    months = exit_settings_for(case.household.village).risk_stable_months
    earliest = clock.add_months(case.included_on or today, months)
    if today < earliest:
        raise advance.refuse(
            _("Risk can be removed after %(months)d stable months, on %(date)s at the earliest.")
            % {"months": months, "date": earliest.isoformat()}
        )
    income = IncomeRecord.objects.filter(household=case.household).order_by("-year").first()
    line = poverty_line_for(case.household.village, income.year) if income else None
    if income is None or line is None or income.per_capita_net_income <= line:
        raise advance.refuse(
            _("Risk can be removed only when the latest per-capita income is above the line.")
        )


def _included(advance: Advance) -> None:
    advance.fields["included_on"] = advance.today


def _risk_removed(advance: Advance) -> None:
    advance.fields["removed_on"] = advance.today
    case = advance.obj
    household, back = case.household, case.status_before
    if (
        household.status == HouseholdStatusChoices.MONITORING
        and back
        and household_can_transition(household, back)
    ):
        household_status_change(
            household=household,
            to_status=back,
            user=advance.user,
            reason=advance.comment,
            source=f"monitoring:{case.pk}",
        )


MONITORING_WORKFLOW = Workflow(
    name="monitoring",
    model=MonitoringCase,
    state_labels=M,
    step_labels=MS,
    signoff_model=MonitoringSignoff,
    signoff_parent="case",
    select_related=("household__village",),
    signoff_values=lambda a: {"from_state": a.from_state, "to_state": a.target},
    transitions={
        MS.VERIFY: Transition(
            frozenset({M.REPORTED}),
            M.VERIFIED,
            Capability.SIGN_VILLAGE_STEP,
            comment_required=True,
            comment_message=CONSENT_MESSAGE,
            level=VILLAGE,
        ),
        MS.VILLAGE_REVIEW: Transition(
            frozenset({M.VERIFIED}), M.REVIEWED, Capability.SIGN_VILLAGE_STEP, level=VILLAGE
        ),
        MS.NOTICE_START: Transition(
            frozenset({M.REVIEWED}),
            M.IN_NOTICE,
            Capability.SIGN_VILLAGE_STEP,
            level=VILLAGE,
            effects=(_notice_start,),
        ),
        MS.TOWNSHIP_REVIEW: Transition(
            frozenset({M.IN_NOTICE}),
            M.TOWNSHIP_REVIEWED,
            Capability.SIGN_TOWNSHIP_STEP,
            level=TOWNSHIP,
            guards=(_monitoring_notice_served,),
        ),
        MS.COUNTY_INCLUDE: Transition(
            frozenset({M.TOWNSHIP_REVIEWED}),
            M.INCLUDED,
            Capability.APPROVE,
            level=COUNTY,
            effects=(
                _included,
                _household_to(
                    HouseholdStatusChoices.MONITORING,
                    gettext_lazy("Included as a monitoring object"),
                    only_if_allowed=True,
                ),
            ),
        ),
        MS.COUNTY_REJECT: Transition(
            frozenset({M.REPORTED, M.VERIFIED, M.REVIEWED, M.IN_NOTICE, M.TOWNSHIP_REVIEWED}),
            M.NOT_INCLUDED,
            Capability.APPROVE,
            comment_required=True,
            level=COUNTY,
        ),
        MS.REMOVE_RISK: Transition(
            frozenset({M.INCLUDED}),
            M.RISK_REMOVED,
            Capability.APPROVE,
            comment_required=True,
            level=COUNTY,
            guards=(_risk_gone,),
            effects=(_risk_removed,),
        ),
    },
)

EXIT_TRANSITIONS: dict[str, Transition] = EXIT_WORKFLOW.transitions
MONITORING_TRANSITIONS: dict[str, Transition] = MONITORING_WORKFLOW.transitions


def exit_can_transition(procedure: ExitProcedure, step: str) -> bool:
    return EXIT_WORKFLOW.can(procedure, step)


def monitoring_can_transition(case: MonitoringCase, step: str) -> bool:
    return MONITORING_WORKFLOW.can(case, step)


def exit_next_steps(procedure: ExitProcedure) -> list[str]:
    return EXIT_WORKFLOW.next_steps(procedure)


def monitoring_next_steps(case: MonitoringCase) -> list[str]:
    return MONITORING_WORKFLOW.next_steps(case)


def _ensure_any(user: User, capabilities: tuple[str, ...], obj: Any) -> None:
    ensure_can(user, Capability.VIEW, obj)  # scope first: 404 out of area
    if not any(user.has_capability(c) for c in capabilities):
        raise PermissionDenied(_("Your role does not allow this action."))


def _check_year(year: Any) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
