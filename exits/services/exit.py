"""The household exit procedure (脱贫退出): proposal, signatures, objections and return to poverty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.exceptions import ConflictError
from core.scoping import ensure_can
from core.services import versioned_update
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household
from households.services import household_status_change

from ..choices import (
    EXIT_FINAL_STATES,
    ObjectionStatusChoices,
)
from ..models import (
    ExitObjection,
    ExitProcedure,
    ExitSignoff,
)
from ..selectors import (
    exit_eligibility,
    exit_settings_for,
)
from .transitions import (
    EXIT_TRANSITIONS,
    E,
    S,
    _check_year,
    _step_refused,
    exit_can_transition,
    exit_next_steps,
)

# -- household exit ---------------------------------------------------------------------------------


def _signoff(
    procedure: ExitProcedure, *, step: str, from_state: str, to_state: str, user: Any, comment: str
) -> ExitSignoff:
    return ExitSignoff.objects.create(
        procedure=procedure,
        step=step,
        from_state=from_state,
        to_state=to_state,
        signed_by=user,
        role=user.role,
        signed_at=clock.now(),
        comment=comment,
    )


def _eligibility_error(household: Household, year: int) -> ValidationError | None:
    result = exit_eligibility(household, year)
    if result.eligible:
        return None
    return ValidationError({"household": [f"{c.label}: {c.message}" for c in result.failing]})


@transaction.atomic
def exit_procedure_propose(*, household: Household, year: int, user: Any, comment: str = "") -> ExitProcedure:
    """Propose a registered household's exit (village first secretary or township). It must meet the
    exit rule now; every failing condition is named."""
    ensure_can(user, Capability.PROPOSE, household)
    _check_year(year)
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if household.status not in POOR_STATUSES:
        raise ValidationError(
            {
                "household": _("Only a registered poor household can exit; this one is “%(status)s”.")
                % {"status": HouseholdStatusChoices(household.status).label}
            }
        )
    if household.exit_procedures.exclude(state__in=EXIT_FINAL_STATES).exists():
        raise ValidationError({"household": _("This household already has an exit procedure under way.")})
    error = _eligibility_error(household, year)
    if error is not None:
        raise error
    try:
        with transaction.atomic():
            procedure = ExitProcedure.objects.create(household=household, year=year, proposed_by=user)
    except IntegrityError as exc:  # a concurrent proposal won
        raise ValidationError(
            {"household": _("This household already has an exit procedure under way.")}
        ) from exc
    _signoff(procedure, step=E.PROPOSE, from_state="", to_state=S.PROPOSED, user=user, comment=comment)
    return procedure


@transaction.atomic
def exit_procedure_sign(
    *, procedure: ExitProcedure, step: str, user: Any, comment: str = "", expected_version: int | None = None
) -> ExitProcedure:
    """Sign the next step of an exit procedure. Refuses a step that does not follow the current state
    (no skipping), a signer whose role lacks the step's capability, and a stale version."""
    rule = EXIT_TRANSITIONS.get(step)
    if rule is None:
        raise ValidationError({"step": _("Unknown step.")})
    ensure_can(user, rule.capability, procedure)
    locked = (
        ExitProcedure.objects.select_for_update().select_related("household__village").get(pk=procedure.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    if not exit_can_transition(locked, step):
        raise _step_refused(S(locked.state).label, E(step).label, exit_next_steps(locked), E)
    comment = (comment or "").strip()
    if rule.comment_required and not comment:
        message = (
            _("Name who signed the consent form (and attach the scan).")
            if step == E.HOUSEHOLD_CONSENT
            else _("Give the reason.")
        )
        raise ValidationError({"comment": message})
    today = clock.today()
    fields: dict[str, Any] = {"state": rule.target}
    if step == E.NOTICE_START:
        fields["notice_started_on"] = today
    elif step == E.NOTICE_CLOSE:
        minimum = exit_settings_for(locked.household.village).notice_min_days
        shown = (today - locked.notice_started_on).days if locked.notice_started_on else 0
        if shown < minimum:
            raise ValidationError(
                {
                    "step": _(
                        "The public notice has been up %(shown)d days; it must stay up at least %(min)d days "
                        "(until %(until)s)."
                    )
                    % {
                        "shown": shown,
                        "min": minimum,
                        "until": (locked.notice_started_on or today) + dt.timedelta(days=minimum),
                    }
                }
            )
        if locked.objections.filter(status=ObjectionStatusChoices.OPEN).exists():
            raise ValidationError({"step": _("Decide the open objections before closing the notice.")})
    elif step in (E.SEND_BACK, E.COUNTY_REFUSE):
        fields["sent_back_reason"] = comment
        fields["notice_started_on"] = None
    elif step == E.COUNTY_APPROVE:
        error = _eligibility_error(locked.household, locked.year)
        if error is not None:
            raise error
        fields["approved_on"] = today
        household_status_change(
            household=locked.household,
            to_status=HouseholdStatusChoices.EXITED,
            user=user,
            reason=_("Exit approved by the county"),
            source=f"exit:{locked.pk}",
        )
    _signoff(locked, step=step, from_state=locked.state, to_state=rule.target, user=user, comment=comment)
    return versioned_update(locked, expected_version=locked.version, fields=fields)


@transaction.atomic
def exit_objection_record(
    *, procedure: ExitProcedure, content: str, user: Any, raised_by: str = ""
) -> ExitObjection:
    """Record an objection raised against a household's exit during the public notice."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    locked = ExitProcedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.state != S.IN_NOTICE:
        raise ValidationError({"procedure": _("Objections are recorded while the public notice is up.")})
    if not (content or "").strip():
        raise ValidationError({"content": _("Write down the objection.")})
    return ExitObjection.objects.create(
        procedure=locked,
        received_on=clock.today(),
        raised_by=raised_by[:60],
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def exit_objection_decide(*, objection: ExitObjection, upheld: bool, reason: str, user: Any) -> ExitObjection:
    """The township decides an objection; an upheld one sends the procedure back with the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    locked = ExitObjection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatusChoices.OPEN:
        raise ValidationError({"objection": _("This objection has already been decided.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    status = ObjectionStatusChoices.UPHELD if upheld else ObjectionStatusChoices.DISMISSED
    locked = versioned_update(
        locked,
        expected_version=locked.version,
        fields={
            "status": status,
            "decided_by": user,
            "decided_at": clock.now(),
            "decision_reason": reason,
        },
    )
    if upheld:
        exit_procedure_sign(
            procedure=locked.procedure,
            step=E.SEND_BACK,
            user=user,
            comment=_("Objection upheld: %(reason)s") % {"reason": reason},
        )
    return locked


@transaction.atomic
def household_return_to_poverty(*, household: Household, reason: str, user: Any) -> Household:
    """Return an exited (or monitored) household to poverty (返贫); the status history keeps the exit."""
    ensure_can(user, Capability.APPROVE, household)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status not in (HouseholdStatusChoices.EXITED, HouseholdStatusChoices.MONITORING):
        raise ValidationError(
            {"household": _("Only an exited or monitored household can return to poverty.")}
        )
    return household_status_change(
        household=household,
        to_status=HouseholdStatusChoices.RETURNED,
        user=user,
        reason=reason.strip(),
        source="exits:return",
    )
