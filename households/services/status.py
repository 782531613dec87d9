"""Household status: the transition map and the one function that changes a status."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from core import clock
from core.procedures.workflow import Workflow, transition_map
from core.services import model_update

from ..choices import (
    HouseholdStatusChoices,
)
from ..models import (
    Household,
    HouseholdStatusChange,
)

if TYPE_CHECKING:
    from accounts.models import User

S = HouseholdStatusChoices

# Which status may follow which (a transition per target status, with the statuses it may follow);
# every status change goes through household_status_change.
HOUSEHOLD_STATUS_WORKFLOW = Workflow(
    name="household_status",
    model=Household,
    state_field="status",
    step_field="status",
    state_labels=S,
    step_labels=S,
    transitions=transition_map(
        {
            S.CANDIDATE: {S.REJECTED, S.MONITORING},
            S.REGISTERED: {S.CANDIDATE, S.MONITORING},
            S.REJECTED: {S.CANDIDATE, S.MONITORING},
            S.MONITORING: {S.CANDIDATE, S.REJECTED, S.EXITED},
            S.EXITED: {S.REGISTERED, S.RETURNED, S.MONITORING},
            S.RETURNED: {S.EXITED, S.MONITORING},
            S.CANCELLED: {S.CANDIDATE, S.REGISTERED, S.RETURNED},
        }
    ),
)
STATUS_TRANSITIONS = HOUSEHOLD_STATUS_WORKFLOW.transitions


def household_can_transition(household: Household, to_status: str) -> bool:
    return HOUSEHOLD_STATUS_WORKFLOW.can(household, to_status)


@transaction.atomic
def household_status_change(
    *,
    household: Household,
    to_status: str,
    user: User | None = None,
    reason: str = "",
    source: str = "",
    effective_date: dt.date | None = None,
) -> Household:
    """Move a household to a new status and keep the history row; refuses transitions not in the map.

    Callers (identification and exit procedures, monitoring) have checked their own rules; this
    function guards the status itself, with the row locked so two procedures cannot race.
    """
    locked = Household.objects.select_for_update().get(pk=household.pk)
    HOUSEHOLD_STATUS_WORKFLOW.check(locked, to_status)
    now = clock.now()
    HouseholdStatusChange.objects.create(
        household=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_at=now,
        effective_date=effective_date or clock.today(),
        changed_by=user if getattr(user, "pk", None) else None,
        reason=reason[:300],
        source=source[:60],
    )
    return model_update(locked, fields={"status": to_status, "status_changed_at": now})
