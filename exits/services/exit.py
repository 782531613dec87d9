"""The household exit procedure (脱贫退出): proposal, signatures, objections and return to poverty."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.procedures.engine import notice_objection_decide, notice_objection_record, procedure_advance
from core.scoping import ensure_can
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household
from households.services import household_status_change

from ..choices import (
    EXIT_FINAL_STATES,
)
from ..models import (
    ExitObjection,
    ExitProcedure,
    ExitSignoff,
)
from .transitions import (
    EXIT_WORKFLOW,
    E,
    S,
    _check_year,
    _eligibility_error,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- household exit ---------------------------------------------------------------------------------


@transaction.atomic
def exit_procedure_propose(
    *, household: Household, year: int, user: User, comment: str = ""
) -> ExitProcedure:
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
    ExitSignoff.objects.create(
        procedure=procedure,
        step=E.PROPOSE,
        from_state="",
        to_state=S.PROPOSED,
        signed_by=user,
        role=user.role,
        signed_at=clock.now(),
        comment=comment,
    )
    return procedure


def exit_procedure_sign(
    *, procedure: ExitProcedure, step: str, user: User, comment: str = "", expected_version: int | None = None
) -> ExitProcedure:
    """Sign the next step of an exit procedure (core.procedures.engine runs EXIT_WORKFLOW): refuses a
    step that does not follow the current state, a signer whose role lacks the step's capability or who
    signed another level of this case, and a stale version."""
    advance = procedure_advance(
        EXIT_WORKFLOW, obj=procedure, step=step, user=user, comment=comment, expected_version=expected_version
    )
    return cast(ExitProcedure, advance.obj)


@transaction.atomic
def exit_objection_record(
    *, procedure: ExitProcedure, content: str, user: User, raised_by: str = ""
) -> ExitObjection:
    """Record an objection raised against a household's exit during the public notice."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    locked = ExitProcedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.state != S.IN_NOTICE:
        raise ValidationError({"procedure": _("Objections are recorded while the public notice is up.")})
    objection: ExitObjection = notice_objection_record(
        ExitObjection,
        procedure=locked,
        user=user,
        raised_on=clock.today(),
        content=content,
        raised_by=raised_by,
    )
    return objection


@transaction.atomic
def exit_objection_decide(
    *, objection: ExitObjection, upheld: bool, reason: str, user: User
) -> ExitObjection:
    """The township decides an objection; an upheld one sends the procedure back with the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    decided: ExitObjection = notice_objection_decide(objection, upheld=upheld, reason=reason, user=user)
    if upheld:
        exit_procedure_sign(
            procedure=decided.procedure,
            step=E.SEND_BACK,
            user=user,
            comment=_("Objection upheld: %(reason)s") % {"reason": decided.decision_reason},
        )
    return decided


@transaction.atomic
def household_return_to_poverty(*, household: Household, reason: str, user: User) -> Household:
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
