"""Reminders for visits and follow-ups that are due, and the job that raises them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from core.scoping import ensure_can
from core.services import notification_raise

if TYPE_CHECKING:
    from accounts.models import User

# -- reminders ------------------------------------------------------------------------------------


def reminders_raise_for_area(*, area: Area, today: dt.date, visit_days: int) -> dict[str, int]:
    """Raise in-app reminders in `area` (a township, usually): households not visited in
    `visit_days` days go to their cadre; overdue follow-ups go to whoever promised them and to the
    household's cadre. Keys make a rerun raise nothing new."""
    from ..selectors import follow_ups_overdue, households_not_visited

    # (kind, user, key, title, body, url) for every reminder due; notification_raise says which it
    # created (the unique (user, key) constraint decides, even against a concurrent run).
    due: list[tuple[str, Any, str, str, str, str]] = []
    for household in households_not_visited(area, today=today, visit_days=visit_days):
        user = household.active_cadre_user  # type: ignore[attr-defined]  # annotated by the selector
        if user is None:
            continue
        last_visit = household.last_visit  # type: ignore[attr-defined]  # annotated by the selector
        since = last_visit.isoformat() if last_visit else "never"
        due.append(
            (
                "visits",
                user,
                f"assistance:visit-due:{household.pk}:{since}",
                _("%(household)s: not visited for %(days)d days")
                % {"household": household.label, "days": visit_days},
                _("Last visit: %(date)s.") % {"date": since if last_visit else _("never")},
                reverse("assistance:household", args=[household.pk]),
            )
        )
    for follow_up in follow_ups_overdue(area, today=today):
        cadre_user = follow_up.active_cadre_user  # type: ignore[attr-defined]  # annotated by the selector
        recipients = {u for u in (follow_up.visit.visitor, cadre_user) if u is not None}
        for user in sorted(recipients, key=lambda u: u.pk):
            due.append(
                (
                    "follow_ups",
                    user,
                    f"assistance:follow-up-overdue:{follow_up.pk}",
                    _("%(household)s: a follow-up is overdue") % {"household": follow_up.household.label},
                    _("“%(what)s” was due on %(date)s.")
                    % {"what": follow_up.description, "date": follow_up.due_date.isoformat()},
                    reverse("assistance:household", args=[follow_up.household_id]),
                )
            )
    raised = {"visits": 0, "follow_ups": 0}
    for kind, user, key, title, body, url in due:
        if notification_raise(user=user, key=key, title=title, body=body, url=url):
            raised[kind] += 1
    return raised


@transaction.atomic
def reminders_job_start(*, area: Area, user: User, visit_days: int) -> Any:
    """Queue a job that raises the reminders for `area` now, township by township, with progress."""
    from core.services import job_create, job_enqueue

    from ..tasks import reminders_job_task

    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=area)
    if visit_days < 1 or visit_days > 366:
        raise ValidationError({"visit_days": _("Choose between 1 and 366 days.")})
    job = job_create(kind="assistance.reminders", user=user, area=area, params={"visit_days": visit_days})
    job_enqueue(job, reminders_job_task)
    return job
