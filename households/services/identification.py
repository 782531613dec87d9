"""The identification procedure (精准识别): stages, signatures, public notice and objections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.scoping import ensure_can

from ..choices import (
    IdentificationStageChoices,
    ObjectionStatusChoices,
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

# -- identification procedure (精准识别) -------------------------------------------------------------

STAGE = IdentificationStageChoices
STAGE_ORDER: tuple[str, ...] = tuple(STAGE.values)
# Who may sign each stage.
STAGE_CAPABILITY: dict[str, str] = {
    STAGE.APPLICATION: Capability.PROPOSE,
    STAGE.SURVEY: Capability.SIGN_VILLAGE_STEP,
    STAGE.CROSS_CHECK: Capability.SIGN_TOWNSHIP_STEP,
    STAGE.DEMOCRATIC_REVIEW: Capability.SIGN_VILLAGE_STEP,
    STAGE.PUBLIC_NOTICE: Capability.SIGN_VILLAGE_STEP,
    STAGE.TOWNSHIP_REVIEW: Capability.SIGN_TOWNSHIP_STEP,
    STAGE.COUNTY_APPROVAL: Capability.APPROVE,
}


@transaction.atomic
def procedure_start(*, household: Household, user: Any) -> IdentificationProcedure:
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
    if procedure.notice_started_on is None:
        return None
    return procedure.notice_started_on + dt.timedelta(days=procedure.notice_min_days)


@transaction.atomic
def procedure_sign(
    *,
    procedure: IdentificationProcedure,
    stage: str,
    user: Any,
    decision: str = StepDecisionChoices.PASS,
    comment: str = "",
) -> IdentificationStep:
    """Sign the next stage. Stages cannot be skipped; the time is the server's (no backdating);
    the signature is insert-only. Rejecting needs a reason and ends the procedure; passing the
    county approval registers the household."""
    ensure_can(user, STAGE_CAPABILITY.get(stage, Capability.APPROVE), procedure)
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status != ProcedureStatusChoices.IN_PROGRESS:
        raise ValidationError(
            _("This procedure is finished; start a new one to identify the household again.")
        )
    if stage != procedure.next_stage:
        raise ValidationError(
            {
                "stage": _("Steps cannot be skipped: the next step to sign is “%(next)s”.")
                % {"next": STAGE(procedure.next_stage).label}
            }
        )
    if decision not in StepDecisionChoices.values:
        raise ValidationError({"decision": _("Choose pass or reject.")})
    comment = (comment or "").strip()
    if decision == StepDecisionChoices.REJECT and not comment:
        raise ValidationError({"comment": _("Give the reason for rejecting the candidate.")})
    now = clock.now()
    last = procedure.steps.order_by("-signed_at").first()
    if last and now < last.signed_at:
        raise ValidationError(_("A step cannot be signed before the previous one."))
    today = clock.today()
    if decision == StepDecisionChoices.PASS:
        if (
            stage == STAGE.CROSS_CHECK
            and CrossCheckMatch.objects.filter(
                household=procedure.household, status=ReviewStatusChoices.PENDING
            ).exists()
        ):
            raise ValidationError(_("Cross-department matches for this household are still awaiting review."))
        if stage == STAGE.PUBLIC_NOTICE:
            ends = procedure_notice_ends_on(procedure)
            if ends is None or today < ends:
                raise ValidationError(
                    _("The public notice runs at least %(days)d days, until %(date)s.")
                    % {"days": procedure.notice_min_days, "date": ends}
                )
            if procedure.objections.filter(status=ObjectionStatusChoices.OPEN).exists():
                raise ValidationError(_("Resolve every objection before closing the public notice."))
    step = IdentificationStep.objects.create(
        procedure=procedure,
        stage=stage,
        decision=decision,
        signed_by=user,
        signer_name=user.display_name,
        signer_role=user.role,
        signed_at=now,
        comment=comment,
    )
    if decision == StepDecisionChoices.REJECT:
        _procedure_reject(procedure, user=user, reason=comment, source_step=stage)
        return step
    position = STAGE_ORDER.index(stage)
    values: dict[str, Any] = {}
    if stage == STAGE.DEMOCRATIC_REVIEW:
        values["notice_started_on"] = today
    if position + 1 < len(STAGE_ORDER):
        values["next_stage"] = STAGE_ORDER[position + 1]
    else:
        values.update(next_stage="", status=ProcedureStatusChoices.APPROVED, finished_at=now)
        household = procedure.household
        household_status_change(
            household=household,
            to_status=S.REGISTERED,
            user=user,
            reason=comment or _("Identified by county approval"),
            source=f"identification:{procedure.pk}",
        )
        if not household.year_identified:
            Household.objects.filter(pk=household.pk).update(year_identified=today.year)
    IdentificationProcedure.objects.filter(pk=procedure.pk).update(**values)
    return step


def _procedure_reject(
    procedure: IdentificationProcedure, *, user: Any, reason: str, source_step: str
) -> None:
    IdentificationProcedure.objects.filter(pk=procedure.pk).update(
        status=ProcedureStatusChoices.REJECTED,
        next_stage="",
        rejection_reason=reason,
        finished_at=clock.now(),
    )
    household_status_change(
        household=procedure.household,
        to_status=S.REJECTED,
        user=user,
        reason=reason,
        source=f"identification:{procedure.pk}",
    )


@transaction.atomic
def objection_record(
    *, procedure: IdentificationProcedure, user: Any, raised_on: dt.date, content: str, raised_by: str = ""
) -> NoticeObjection:
    """Record an objection heard while the village public notice is posted."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.next_stage != STAGE.PUBLIC_NOTICE or procedure.notice_started_on is None:
        raise ValidationError(_("Objections are recorded while the public notice is posted."))
    errors = {}
    if not (content or "").strip():
        errors["content"] = _("Write down what the objection says.")
    if raised_on > clock.today() or raised_on < procedure.notice_started_on:
        errors["raised_on"] = _("The date must fall within the public notice (from %(d)s to today).") % {
            "d": procedure.notice_started_on
        }
    if errors:
        raise ValidationError(errors)
    return NoticeObjection.objects.create(
        procedure=procedure,
        raised_on=raised_on,
        raised_by=raised_by,
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def objection_resolve(
    *, objection: NoticeObjection, user: Any, upheld: bool, resolution: str
) -> NoticeObjection:
    """Resolve an objection after checking it. An upheld objection ends the procedure: the candidate
    is rejected with the resolution as the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatusChoices.OPEN:
        raise ValidationError(_("This objection is already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Write down how the objection was checked and resolved.")})
    NoticeObjection.objects.filter(pk=objection.pk).update(
        status=ObjectionStatusChoices.UPHELD if upheld else ObjectionStatusChoices.DISMISSED,
        resolution=resolution.strip(),
        resolved_by=user,
        resolved_at=clock.now(),
    )
    if upheld:
        procedure = objection.procedure
        if procedure.status == ProcedureStatusChoices.IN_PROGRESS:
            _procedure_reject(
                procedure,
                user=user,
                reason=_("Objection upheld: %(r)s") % {"r": resolution.strip()},
                source_step=STAGE.PUBLIC_NOTICE,
            )
    objection.refresh_from_db()
    return objection
