"""The assistance part of the start page (core.worklist): a cadre's own paired households, the
households not visited for a month and the follow-ups past their date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, RoleChoices
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, household_title, register

from .choices import FollowUpStatusChoices
from .models import Cadre, FollowUp
from .selectors import assisted_household_list, visit_days_for_user

R = RoleChoices


def _own_cadre(user: Any) -> Cadre | None:
    return Cadre.objects.filter(user=user).first()


def _visit_action(household_id: int) -> dict[str, str]:
    return {"url": reverse("assistance:visit-new", args=[household_id]), "label": _("Log a visit")}


def _last_visit_text(last_visit: dt.date | None, today: dt.date) -> str:
    if last_visit is None:
        return _("never visited")
    return _("last visit %(date)s (%(days)d days ago)") % {
        "date": last_visit.isoformat(),
        "days": (today - last_visit).days,
    }


def my_households(user: Any, today: dt.date) -> WorkSection | None:
    """一户一干部: the households paired with this user's cadre record, the longest unvisited first."""
    cadre = _own_cadre(user)
    if cadre is None:
        return None
    days = visit_days_for_user(user)
    qs = (
        assisted_household_list(user=user, filters={"cadre": cadre.pk}, today=today, visit_days=days)
        .select_related("village__parent")
        .order_by("-visit_due", "last_visit", "pk")
    )
    rows = list(qs[:50])
    items = []
    for household in rows[: ITEMS_SHOWN + 2]:
        detail = _last_visit_text(household.last_visit, today)
        if household.overdue_count:
            detail += " · " + _("%(n)d follow-ups overdue") % {"n": household.overdue_count}
        items.append(
            WorkItem(
                title=household_title(household, user),
                url=reverse("assistance:household", args=[household.pk]),
                detail=detail,
                overdue=bool(household.visit_due or household.overdue_count),
                action=_visit_action(household.pk),
            )
        )
    return WorkSection(
        key="my-households",
        title=gettext_lazy("My paired households"),
        count=qs.count(),
        items=items,
        more_url=reverse("assistance:households") + f"?cadre={cadre.pk}",
        empty=gettext_lazy("No household is paired with you yet."),
    )


def not_visited(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.LOG_VISIT):
        return None
    days = visit_days_for_user(user)
    qs = (
        assisted_household_list(user=user, today=today, visit_days=days)
        .filter(visit_due=True)
        .select_related("village__parent")
        .order_by("last_visit", "pk")
    )
    return WorkSection(
        key="not-visited",
        title=gettext_lazy("Not visited for %(days)d days") % {"days": days},
        count=qs.count(),
        items=[
            WorkItem(
                title=household_title(h, user),
                url=reverse("assistance:household", args=[h.pk]),
                detail=_last_visit_text(h.last_visit, today),
                overdue=True,
                action=_visit_action(h.pk),
            )
            for h in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("assistance:households") + "?gap=not_visited",
        empty=gettext_lazy("Every household was visited within the month."),
    )


def overdue_follow_ups(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.LOG_VISIT):
        return None
    qs = FollowUp.objects.visible_to(user).filter(status=FollowUpStatusChoices.OPEN, due_date__lt=today)
    if user.role == R.CADRE:
        cadre = _own_cadre(user)
        mine = Q(visit__visitor=user)
        if cadre is not None:
            mine |= Q(household__cadre_pairings__cadre=cadre, household__cadre_pairings__end__isnull=True)
        qs = qs.filter(mine).distinct()
    qs = qs.select_related("household__head", "household__village__parent").order_by("due_date", "pk")
    return WorkSection(
        key="overdue-follow-ups",
        title=gettext_lazy("Follow-ups past their date"),
        count=qs.count(),
        items=[
            WorkItem(
                title=household_title(f.household, user),
                url=reverse("assistance:household", args=[f.household_id]),
                detail=_("“%(what)s”, due %(date)s")
                % {"what": f.description, "date": f.due_date.isoformat()},
                when=f.due_date,
                overdue=True,
                action=_visit_action(f.household_id),
            )
            for f in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("assistance:follow-ups") + "?status=open&overdue=true",
        empty=gettext_lazy("No follow-up is past its date."),
        tone="danger",
    )


def register_sources() -> None:
    register(
        WorkSource(
            "assistance.overdue-follow-ups",
            frozenset({R.WORK_TEAM, R.CADRE}),
            overdue_follow_ups,
            5,
        ),
        WorkSource("assistance.my-households", frozenset({R.CADRE, R.WORK_TEAM}), my_households, 8),
        WorkSource("assistance.not-visited", frozenset({R.WORK_TEAM}), not_visited, 12),
    )
