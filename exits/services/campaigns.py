"""Re-verification campaigns and their check tasks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from assistance.selectors import active_cadre_ids_for
from core import clock
from core.scoping import ensure_can
from core.services import model_update
from households.choices import ASSISTED_STATUSES
from households.models import Household

from ..choices import (
    CheckTaskStateChoices,
)
from ..models import (
    Campaign,
    CheckTask,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- re-verification campaigns ----------------------------------------------------------------------


@transaction.atomic
def campaign_start(*, area: Area, title: str, starts_on: dt.date, due_on: dt.date, user: User) -> Campaign:
    """Start a re-verification campaign (回头看) over an area: one check task per household in scope."""
    ensure_can(user, Capability.APPROVE, area=area)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the campaign a title.")
    if due_on < starts_on:
        errors["due_on"] = _("The due date cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        area=area, title=title.strip()[:200], starts_on=starts_on, due_on=due_on, started_by=user
    )
    ids = list(
        Household.objects.filter(village__code__startswith=area.prefix, status__in=ASSISTED_STATUSES)
        .order_by("village__code", "number")
        .values_list("pk", flat=True)
    )
    cadres = active_cadre_ids_for(ids)
    CheckTask.objects.bulk_create(
        [CheckTask(campaign=campaign, household_id=hid, cadre_id=cadres.get(hid)) for hid in ids],
        batch_size=2000,
    )
    return model_update(campaign, fields={"task_count": len(ids)})


@transaction.atomic
def check_task_complete(
    *, task: CheckTask, state: str, user: User, findings: str = "", expected_version: int | None = None
) -> CheckTask:
    ensure_can(user, Capability.LOG_VISIT, task)
    if state not in (CheckTaskStateChoices.CONFIRMED, CheckTaskStateChoices.PROBLEM):
        raise ValidationError({"state": _("Confirm the record or report a problem.")})
    if state == CheckTaskStateChoices.PROBLEM and not (findings or "").strip():
        raise ValidationError({"findings": _("Describe the problem found.")})
    return model_update(
        task,
        expected_version=task.version if expected_version is None else expected_version,
        fields={"state": state, "findings": findings.strip(), "done_by": user, "done_at": clock.now()},
    )
