"""Coverage of an area: who is visited, planned and paired, and what is overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django_stubs_ext import WithAnnotations

from areas.models import Area
from households.choices import ASSISTED_STATUSES
from households.models import Household

from ..choices import FollowUpStatusChoices
from ..models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    TeamVillage,
    Visit,
    WorkTeam,
)

# -- coverage -------------------------------------------------------------------------------------


class _Assisted(TypedDict):
    """What _assistance_annotations adds to each household."""

    active_cadre_id: int | None
    has_plan: bool
    last_visit: dt.date | None
    overdue_count: int | None


if TYPE_CHECKING:
    # a household as the assistance lists read it (the API serializes these annotations)
    AssistedHousehold: TypeAlias = WithAnnotations[Household, _Assisted]


class _Flags(TypedDict):
    """The arguments of CoverageRow.add for one group of households."""

    count: int
    has_cadre: bool
    has_plan: bool
    visited: bool
    overdue: int
    with_overdue: int


@dataclass
class CoverageRow:
    """Coverage figures for one group of households (a village, a team's villages, a cadre's)."""

    key: Any
    label: str
    code: str = ""  # the area code, for village rows
    households: int = 0
    without_cadre: int = 0
    without_plan: int = 0
    not_visited: int = 0
    overdue_follow_ups: int = 0
    households_with_overdue: int = 0

    def add(
        self, *, count: int, has_cadre: bool, has_plan: bool, visited: bool, overdue: int, with_overdue: int
    ) -> None:
        """Count `count` households sharing these flags, with `overdue` follow-ups between them."""
        self.households += count
        self.without_cadre += 0 if has_cadre else count
        self.without_plan += 0 if has_plan else count
        self.not_visited += 0 if visited else count
        self.overdue_follow_ups += overdue
        self.households_with_overdue += with_overdue

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "code": self.code,
            "households": self.households,
            "without_cadre": self.without_cadre,
            "without_plan": self.without_plan,
            "not_visited": self.not_visited,
            "overdue_follow_ups": self.overdue_follow_ups,
            "households_with_overdue": self.households_with_overdue,
        }


@dataclass
class Coverage:
    area: Area
    today: dt.date
    visit_days: int
    year: int
    total: CoverageRow
    by_village: list[CoverageRow] = field(default_factory=list)
    by_team: list[CoverageRow] = field(default_factory=list)
    by_cadre: list[CoverageRow] = field(default_factory=list)


def _assistance_annotations(
    qs: QuerySet[Household], *, today: dt.date
) -> QuerySet[WithAnnotations[Household, _Assisted]]:
    active = CadrePairing.objects.filter(household=OuterRef("pk"), end__isnull=True).order_by()
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    overdue = (
        FollowUp.objects.filter(
            household=OuterRef("pk"), status=FollowUpStatusChoices.OPEN, due_date__lt=today
        )
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return qs.annotate(
        active_cadre_id=Subquery(active.values("cadre_id")[:1]),
        has_plan=Exists(AssistancePlan.objects.filter(household=OuterRef("pk"), year=today.year)),
        last_visit=Subquery(last_visit),
        overdue_count=Subquery(overdue),
    )


def assisted_households_in(area: Area) -> QuerySet[Household]:
    """Households that must have a responsible cadre (registered, returned, monitored, exited)."""
    return Household.objects.filter(village__code__startswith=area.prefix, status__in=ASSISTED_STATUSES)


def coverage_for_area(area: Area, *, today: dt.date, visit_days: int) -> Coverage:
    """Who is left out under `area`: households without an active cadre, without a plan for
    `today`'s year, not visited in the last `visit_days` days (never visited counts), and overdue
    follow-ups; in total and per village, per stationed work team and per responsible cadre.
    Three queries whatever the size of the area."""
    cutoff = today - dt.timedelta(days=visit_days)
    rows = _assistance_annotations(assisted_households_in(area).order_by(), today=today).values_list(
        "village_id", "active_cadre_id", "has_plan", "last_visit", "overdue_count"
    )
    # Fold the households into (village, cadre, flags) groups first: far fewer than households.
    groups: Counter[tuple[int, int | None, bool, bool, bool]] = Counter()
    overdue_in: Counter[tuple[int, int | None, bool, bool, bool]] = Counter()
    for village_id, cadre_id, has_plan, last_visit, overdue in rows.iterator(chunk_size=5000):
        key = (
            village_id,
            cadre_id,
            bool(has_plan),
            last_visit is not None and last_visit >= cutoff,
            bool(overdue),
        )
        groups[key] += 1
        if overdue:
            overdue_in[key] += overdue
    total = CoverageRow(key=area.pk, label=area.name)
    villages: dict[int, CoverageRow] = {}
    cadres: dict[int, CoverageRow] = {}
    teams: dict[Any, CoverageRow] = {}
    village_names = {
        pk: (name, code)
        for pk, name, code in Area.objects.filter(code__startswith=area.prefix, level="village").values_list(
            "pk", "name", "code"
        )
    }
    team_of_village: dict[int, WorkTeam] = {
        link.village_id: link.team
        for link in TeamVillage.objects.filter(
            village__code__startswith=area.prefix, end__isnull=True
        ).select_related("team")
    }
    for key, count in groups.items():
        village_id, cadre_id, has_plan, visited, _has_overdue = key
        flags: _Flags = {
            "count": count,
            "has_cadre": cadre_id is not None,
            "has_plan": has_plan,
            "visited": visited,
            "overdue": overdue_in[key],
            "with_overdue": count if _has_overdue else 0,
        }
        total.add(**flags)
        name, code = village_names.get(village_id, ("", ""))
        villages.setdefault(village_id, CoverageRow(key=village_id, label=name, code=code)).add(**flags)
        team = team_of_village.get(village_id)
        team_key = team.pk if team else None
        teams.setdefault(team_key, CoverageRow(key=team_key, label=team.name if team else "")).add(**flags)
        if cadre_id is not None:
            cadres.setdefault(cadre_id, CoverageRow(key=cadre_id, label="")).add(**flags)
    names = {
        pk: f"{name}（{unit}）" if unit else name  # as Cadre.__str__, without building 20,000 models
        for pk, name, unit in Cadre.objects.filter(pk__in=list(cadres)).values_list("pk", "name", "unit")
    }
    for cadre_id, row in cadres.items():
        row.label = names.get(cadre_id, "")
    return Coverage(
        area=area,
        today=today,
        visit_days=visit_days,
        year=today.year,
        total=total,
        by_village=sorted(villages.values(), key=lambda r: r.label),
        by_team=sorted(teams.values(), key=lambda r: (r.key is None, r.label)),
        by_cadre=sorted(cadres.values(), key=lambda r: (-r.not_visited, -r.overdue_follow_ups, r.label)),
    )


def households_not_visited(area: Area, *, today: dt.date, visit_days: int) -> list[Household]:
    """Assisted households under `area` not visited in `visit_days` days, each with `last_visit` and
    `active_cadre_user` (None when the cadre has no account)."""
    cutoff = today - dt.timedelta(days=visit_days)
    active = CadrePairing.objects.filter(household=OuterRef("pk"), end__isnull=True).order_by()
    households = list(
        _assistance_annotations(assisted_households_in(area), today=today)
        .annotate(active_cadre_user_id=Subquery(active.values("cadre__user_id")[:1]))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff))
        .select_related("head", "village__parent")
        .order_by("pk")
    )
    users = get_user_model().objects.in_bulk(
        {h.active_cadre_user_id for h in households if h.active_cadre_user_id}
    )
    for household in households:
        household.active_cadre_user = users.get(household.active_cadre_user_id)  # type: ignore[attr-defined]  # for the page
    found: list[Household] = list(households)
    return found


def follow_ups_overdue(area: Area, *, today: dt.date) -> list[FollowUp]:
    """Open follow-ups under `area` past their due date, each with `active_cadre_user`."""
    active_user = CadrePairing.objects.filter(household=OuterRef("household"), end__isnull=True).values(
        "cadre__user_id"
    )[:1]
    annotated = list(
        FollowUp.objects.filter(
            household__village__code__startswith=area.prefix,
            status=FollowUpStatusChoices.OPEN,
            due_date__lt=today,
        )
        .select_related("household__head", "household__village__parent", "visit__visitor")
        .annotate(active_cadre_user_id=Subquery(active_user))
        .order_by("due_date", "pk")
    )
    users = get_user_model().objects.in_bulk(
        {f.active_cadre_user_id for f in annotated if f.active_cadre_user_id}
    )
    for item in annotated:
        item.active_cadre_user = users.get(item.active_cadre_user_id)  # type: ignore[attr-defined]  # for the page
    items: list[FollowUp] = list(annotated)
    return items
