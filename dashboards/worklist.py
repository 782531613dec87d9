"""The oversight start page's indicators (core.worklist): incidence of each area below the user's,
from the latest complete snapshot, each linking to that area's dashboard. Read-only by nature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import RoleChoices
from areas.selectors import areas_top_for
from core.worklist import WorkItem, WorkSection, WorkSource, register

from .selectors import area_figures, children_figures, snapshot_dates


def _rate(value: Any) -> str:
    return "—" if value is None else f"{value}%"


def _row(name: str, code: str, figures: dict[str, Any], *, strong: bool = False) -> WorkItem:
    return WorkItem(
        title=name,
        url=reverse("dashboards:area", args=[code]),
        cells=[
            _rate(figures["incidence"]),
            str(figures["poor_people"]),
            str(figures["exited_people"]),
            _rate(figures["exit_share"]),
        ],
        strong=strong,
    )


def indicators(user: Any, today: dt.date) -> WorkSection | None:
    items: list[WorkItem] = []
    as_of = None
    for area in areas_top_for(user)[:3]:
        dates = snapshot_dates(area)
        if not dates:
            continue
        as_of = dates[0]
        total = area_figures(area, as_of, user)
        if total:
            items.append(_row(area.name, area.code, total, strong=True))
        items.extend(_row(r["name"], r["code"], r) for r in children_figures(area, as_of, user)[:20])
    return WorkSection(
        key="indicators",
        title=gettext_lazy("Poverty incidence as of %(date)s") % {"date": as_of.isoformat()}
        if as_of
        else gettext_lazy("Poverty incidence"),
        count=len(items),
        items=items,
        more_url=reverse("dashboards:index"),
        more_label=gettext_lazy("Open the dashboards"),
        empty=gettext_lazy("No incidence snapshot covers your areas yet."),
        kind="info",
        columns=[_("Incidence"), _("Poor people"), _("Exited people"), _("Share exited")],
    )


def register_sources() -> None:
    register(WorkSource("dashboards.indicators", frozenset({RoleChoices.OVERSIGHT}), indicators, 1))
