"""The identification procedure (精准识别): stages, signatures, public notice and objections."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core import clock
from core.procedures.engine import (
    Advance,
    notice_ends_on,
    notice_objection_decide,
    notice_objection_record,
    notice_period_check,
    open_objections_check,
    procedure_advance,
)
from core.procedures.workflow import LevelChoices, Transition, Workflow
from core.scoping import ensure_can
from core.services import model_update

from ..choices import (
    IdentificationStageChoices,
    ProcedureStatusChoices,
    ReviewStatusChoices,
    StepDecisionChoices,
)
from ..models import (
    CrossCheckMatch,
    Household,
    IdentificationProcedure,
    IdentificationStep,
    NoticeObjection,
)
from ..selectors import policy_for
from .status import S, household_status_change

if TYPE_CHECKING:
    from accounts.models import User

# -- identification procedure (精准识别) -------------------------------------------------------------

STAGE = IdentificationStageChoices
STAGE_ORDER: tuple[str, ...] = tuple(STAGE.values)
P = ProcedureStatusChoices
VILLAGE, TOWNSHIP, COUNTY = LevelChoices.VILLAGE, LevelChoices.TOWNSHIP, LevelChoices.COUNTY


def _state(procedure: IdentificationProcedure) -> str:
    """A running procedure is at its next stage; a finished one is approved or rejected."""
    return procedure.next_stage if procedure.status == P.IN_PROGRESS else procedure.status


def _state_values(target: str, advance: Advance) -> dict[str, Any]:
    if target in STAGE.values:
        return {"next_stage": target}
    values: dict[str, Any] = {"next_stage": "", "status": target, "finished_at": advance.now}
    if target == P.REJECTED:
        values["rejection_reason"] = advance.comment
    return values


def _cross_checked(advance: Advance) -> None:
    household = advance.obj.household
    if CrossCheckMatch.objects.filter(household=household, status=ReviewStatusChoices.PENDING).exists():
        raise advance.refuse(_("Cross-department matches for this household are still awaiting review."))


def _notice_served(advance: Advance) -> None:
    procedure = advance.obj
    notice_period_check(
        started_on=procedure.notice_started_on,
        min_days=procedure.notice_min_days,
        today=advance.today,
        field="stage",
    )
    open_objections_check(advance)


def _notice_posted(advance: Advance) -> None:
    advance.fields["notice_started_on"] = advance.today


def _registered(advance: Advance) -> None:
    household = advance.obj.household
    household_status_change(
        household=household,
        to_status=S.REGISTERED,
        user=advance.user,
        reason=advance.comment or _("Identified by county approval"),
        source=f"identification:{advance.obj.pk}",
    )
    if not household.year_identified:
        model_update(household, fields={"year_identified": advance.today.year})


def _rejected(advance: Advance) -> None:
    household_status_change(
        household=advance.obj.household,
        to_status=S.REJECTED,
        user=advance.user,
        reason=advance.comment,
        source=f"identification:{advance.obj.pk}",
    )


def _stage(stage: str, capability: str, level: str = "", **extra: Any) -> Transition:
    position = STAGE_ORDER.index(stage)
    target = STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else P.APPROVED
    return Transition(
        frozenset({stage}),
        target,
        capability,
        level=level,
        reject_target=P.REJECTED,
        reject_effects=(_rejected,),
        comment_message=gettext_lazy("Give the reason for rejecting the candidate."),
        **extra,
    )


# The identification procedure (精准识别): seven stages signed in order, each may reject the candidate.
IDENTIFICATION_WORKFLOW = Workflow(
    name="identification",
    model=IdentificationProcedure,
    state_labels=STAGE,
    step_labels=STAGE,
    step_field="stage",
    signoff_model=IdentificationStep,
    signoff_step="stage",
    signoffs="steps",
    select_related=("household__village",),
    state_of=_state,
    state_values=_state_values,
    signoff_values=lambda a: {"decision": a.decision, "signer_name": a.user.display_name},
    transitions={
        STAGE.APPLICATION: _stage(STAGE.APPLICATION, Capability.PROPOSE),
        STAGE.SURVEY: _stage(STAGE.SURVEY, Capability.SIGN_VILLAGE_STEP, VILLAGE),
        STAGE.CROSS_CHECK: _stage(
            STAGE.CROSS_CHECK, Capability.SIGN_TOWNSHIP_STEP, TOWNSHIP, guards=(_cross_checked,)
        ),
        STAGE.DEMOCRATIC_REVIEW: _stage(
            STAGE.DEMOCRATIC_REVIEW, Capability.SIGN_VILLAGE_STEP, VILLAGE, effects=(_notice_posted,)
        ),
        STAGE.PUBLIC_NOTICE: _stage(
            STAGE.PUBLIC_NOTICE, Capability.SIGN_VILLAGE_STEP, VILLAGE, guards=(_notice_served,)
        ),
        STAGE.TOWNSHIP_REVIEW: _stage(STAGE.TOWNSHIP_REVIEW, Capability.SIGN_TOWNSHIP_STEP, TOWNSHIP),
        STAGE.COUNTY_APPROVAL: _stage(
            STAGE.COUNTY_APPROVAL, Capability.APPROVE, COUNTY, effects=(_registered,)
        ),
    },
)
# Who may sign each stage.
STAGE_CAPABILITY: dict[str, str] = {
    stage: rule.capability for stage, rule in IDENTIFICATION_WORKFLOW.transitions.items()
}


@transaction.atomic
def procedure_start(*, household: Household, user: User) -> IdentificationProcedure:
    """Open an identification procedure for a candidate (or a previously rejected household)."""
    ensure_can(user, Capability.PROPOSE, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.procedures.filter(status=ProcedureStatusChoices.IN_PROGRESS).exists():
        raise ValidationError(_("An identification procedure is already running for this household."))
    if household.status in (S.REJECTED, S.MONITORING):
        household_status_change(
            household=household, to_status=S.CANDIDATE, user=user, reason=_("Identification restarted")
        )
    elif household.status != S.CANDIDATE:
        raise ValidationError(
            _("Only a candidate household can go through identification; this one is “%(s)s”.")
            % {"s": S(household.status).label}
        )
    return IdentificationProcedure.objects.create(
        household=household,
        next_stage=STAGE.APPLICATION,
        notice_min_days=policy_for(household.village).notice_min_days,
        started_by=user,
    )


def procedure_notice_ends_on(procedure: IdentificationProcedure) -> dt.date | None:
    return notice_ends_on(procedure.notice_started_on, procedure.notice_min_days)


def procedure_sign(
    *,
    procedure: IdentificationProcedure,
    stage: str,
    user: User,
    decision: str = StepDecisionChoices.PASS,
    comment: str = "",
) -> IdentificationStep:
    """Sign the next stage (core.procedures.engine runs IDENTIFICATION_WORKFLOW). Stages cannot be
    skipped; the time is the server's (no backdating); the signature is insert-only; one person signs
    one level. Rejecting needs a reason and ends the procedure; the county approval registers the
    household."""
    if not IdentificationProcedure.objects.filter(pk=procedure.pk, status=P.IN_PROGRESS).exists():
        raise ValidationError(
            _("This procedure is finished; start a new one to identify the household again.")
        )
    advance = procedure_advance(
        IDENTIFICATION_WORKFLOW, obj=procedure, step=stage, user=user, comment=comment, decision=decision
    )
    assert isinstance(advance.signoff, IdentificationStep)  # noqa: S101 (the workflow's sign-off model)
    return advance.signoff


@transaction.atomic
def objection_record(
    *, procedure: IdentificationProcedure, user: User, raised_on: dt.date, content: str, raised_by: str = ""
) -> NoticeObjection:
    """Record an objection heard while the village public notice is posted."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.next_stage != STAGE.PUBLIC_NOTICE or procedure.notice_started_on is None:
        raise ValidationError(_("Objections are recorded while the public notice is posted."))
    if raised_on > clock.today() or raised_on < procedure.notice_started_on:
        raise ValidationError(
            {
                "raised_on": _("The date must fall within the public notice (from %(d)s to today).")
                % {"d": procedure.notice_started_on}
            }
        )
    objection: NoticeObjection = notice_objection_record(
        NoticeObjection,
        procedure=procedure,
        user=user,
        raised_on=raised_on,
        content=content,
        raised_by=raised_by,
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, objection: NoticeObjection, user: User, upheld: bool, resolution: str
) -> NoticeObjection:
    """Resolve an objection after checking it. An upheld objection ends the procedure: the candidate
    is rejected with the resolution as the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    objection = notice_objection_decide(
        objection, upheld=upheld, reason=resolution, user=user, reason_field="resolution"
    )
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=objection.procedure_id)
    if upheld and procedure.status == ProcedureStatusChoices.IN_PROGRESS:
        reason = _("Objection upheld: %(r)s") % {"r": objection.decision_reason}
        model_update(
            procedure,
            fields={
                "status": P.REJECTED,
                "next_stage": "",
                "rejection_reason": reason,
                "finished_at": clock.now(),
            },
        )
        household_status_change(
            household=procedure.household,
            to_status=S.REJECTED,
            user=user,
            reason=reason,
            source=f"identification:{procedure.pk}",
        )
    return objection
