"""Work counts per cadre and per team for assessment (考核)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from areas.models import Area
from core import clock

from ..choices import FollowUpStatusChoices
from ..models import (
    Cadre,
    FollowUp,
    Visit,
    WorkTeam,
)

# -- assessment (考核) -----------------------------------------------------------------------------


@dataclass
class WorkCounts:
    key: Any
    label: str
    visits: int = 0
    households_visited: int = 0
    follow_ups_promised: int = 0
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0


def _work_counts(
    area: Area, *, start: dt.date, end: dt.date, today: dt.date, group: str
) -> dict[Any, WorkCounts]:
    visits = Visit.objects.filter(
        household__village__code__startswith=area.prefix, visited_on__gte=start, visited_on__lte=end
    )
    result: dict[Any, WorkCounts] = {}
    for row in (
        visits.order_by()
        .values(group)
        .annotate(n=Count("pk"), households=Count("household", distinct=True))
        .filter(**{f"{group}__isnull": False})
    ):
        result[row[group]] = WorkCounts(
            key=row[group], label="", visits=row["n"], households_visited=row["households"]
        )
    # The visit filter again on the follow-ups' own join, not `visit__in=visits`: that nests the visits in
    # themselves, and planned with stale statistics it ran for many minutes on a demo county.
    follow_ups = (
        FollowUp.objects.filter(
            visit__household__village__code__startswith=area.prefix,
            visit__visited_on__gte=start,
            visit__visited_on__lte=end,
        )
        .order_by()
        .values(f"visit__{group}")
        .annotate(
            promised=Count("pk"),
            done=Count("pk", filter=Q(status=FollowUpStatusChoices.DONE)),
            overdue=Count("pk", filter=Q(status=FollowUpStatusChoices.OPEN, due_date__lt=today)),
        )
    )
    for row in follow_ups:
        counts = result.get(row[f"visit__{group}"])
        if counts is not None:
            counts.follow_ups_promised = row["promised"]
            counts.follow_ups_done = row["done"]
            counts.follow_ups_overdue = row["overdue"]
    return result


def work_counts_by_cadre(
    area: Area, *, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[WorkCounts]:
    """Visits made, households visited and follow-ups promised, kept and overdue per cadre, for visits
    in [start, end] to households under `area`."""
    counts = _work_counts(area, start=start, end=end, today=today or clock.today(), group="cadre_id")
    for cadre in Cadre.objects.filter(pk__in=list(counts)):
        counts[cadre.pk].label = str(cadre)
    return sorted(counts.values(), key=lambda c: (-c.visits, c.label))


def work_counts_by_team(
    area: Area, *, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[WorkCounts]:
    """The same counts per work team (visits logged by the team's members in its villages)."""
    counts = _work_counts(area, start=start, end=end, today=today or clock.today(), group="team_id")
    for team in WorkTeam.objects.filter(pk__in=list(counts)):
        counts[team.pk].label = team.name
    return sorted(counts.values(), key=lambda c: (-c.visits, c.label))
