"""Rectifications past their deadline, on the start page (core.worklist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, register

from .choices import ProblemStatusChoices
from .models import Problem

R = RoleChoices


def _area_label(area: Any) -> str:
    # villages share names across townships: name the township too
    if area.level == AreaLevelChoices.VILLAGE and area.parent_id:
        return f"{area.parent.name} {area.name}"
    return area.name


def overdue_rectifications(user: Any, today: dt.date) -> WorkSection | None:
    qs = (
        Problem.objects.visible_to(user)
        .filter(deadline__lt=today)
        .exclude(status=ProblemStatusChoices.CLOSED)
        .select_related("area__parent", "responsible_person")
        .order_by("deadline", "pk")
    )
    if user.role == R.TOWNSHIP_STAFF:
        qs = qs.filter(responsible_person=user)
    return WorkSection(
        key="overdue-rectifications",
        title=gettext_lazy("Rectifications past their deadline"),
        count=qs.count(),
        items=[
            WorkItem(
                title=f"{_area_label(p.area)} · {p.get_category_display()}",
                url=reverse("supervision:problem", args=[p.pk]),
                detail=_("%(unit)s, due %(date)s (%(days)d days late)")
                % {
                    "unit": p.responsible_unit,
                    "date": p.deadline.isoformat(),
                    "days": (today - p.deadline).days,
                },
                when=p.deadline,
                overdue=True,
            )
            for p in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("supervision:problems") + "?overdue=true",
        empty=gettext_lazy("No rectification is past its deadline."),
        tone="danger",
    )


def register_sources() -> None:
    register(
        WorkSource(
            "supervision.overdue-rectifications",
            frozenset({R.COUNTY_OFFICIAL, R.OVERSIGHT, R.SYSTEM_ADMIN, R.TOWNSHIP_STAFF}),
            overdue_rectifications,
            30,
        )
    )
