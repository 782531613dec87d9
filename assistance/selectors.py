"""Reads on assistance. Other apps (dashboards, supervision, exits) use `active_cadre_for`,
`coverage_for_area` and the per-cadre and per-team counts for assessment (考核)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from areas.models import Area
from core import clock
from households.choices import ASSISTED_STATUSES
from households.models import Household

from .choices import FollowUpStatusChoices, TeamMemberRoleChoices
from .filters import (
    AssistancePlanFilterSet,
    AssistedHouseholdFilterSet,
    CadreFilterSet,
    CadrePairingFilterSet,
    FollowUpFilterSet,
    MeasureFilterSet,
    VillagePlanFilterSet,
    VisitFilterSet,
    WorkTeamFilterSet,
)
from .models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    TeamMembership,
    TeamVillage,
    VillagePlan,
    Visit,
    WorkTeam,
)

DEFAULT_VISIT_DAYS = 30


def default_visit_days() -> int:
    """How many days may pass without a visit before a household counts as not visited
    (settings.ASSISTANCE_VISIT_DAYS; 30 when unset)."""
    return int(getattr(settings, "ASSISTANCE_VISIT_DAYS", DEFAULT_VISIT_DAYS))


# -- one household --------------------------------------------------------------------------------


def active_pairing_for(household: Household) -> CadrePairing | None:
    return CadrePairing.objects.filter(household=household, end__isnull=True).select_related("cadre").first()


def active_cadre_for(household: Household) -> Cadre | None:
    """The household's responsible cadre today, or None."""
    pairing = active_pairing_for(household)
    return pairing.cadre if pairing else None


def active_cadre_ids_for(household_ids: Iterable[int]) -> dict[int, int]:
    """Each household's responsible cadre id today (households without one are left out), in one
    query: `active_cadre_for` for many households."""
    return dict(
        CadrePairing.objects.filter(household_id__in=list(household_ids), end__isnull=True).values_list(
            "household_id", "cadre_id"
        )
    )


def cadres_eligible_for(household: Household, *, include_left: bool = False) -> QuerySet[Cadre]:
    """Cadres in post who may be paired with the household: those registered in its village or in an
    area above it (its township, its county...). A village's first secretary sees township cadres
    here even though the cadre list, scoped to the village, does not show them. `include_left` keeps
    the cadres no longer in post (to tell "left" from "works elsewhere")."""
    village = household.village
    ancestors = [a.pk for a in village.ancestors()]
    qs = Cadre.objects.all() if include_left else Cadre.objects.filter(is_active=True)
    return (
        qs.filter(Q(area_id__in=ancestors) | Q(area__code__startswith=village.prefix))
        .select_related("area")
        .order_by("name", "id")
    )


def active_team_for_village(village: Area) -> WorkTeam | None:
    link = TeamVillage.objects.filter(village=village, end__isnull=True).select_related("team").first()
    return link.team if link else None


def household_assistance(
    household: Household, *, today: dt.date | None = None, visits: int = 5
) -> dict[str, Any]:
    """Everything the household page shows about who helps and how, in a fixed number of queries."""
    today = today or clock.today()
    pairings = list(
        CadrePairing.objects.filter(household=household).select_related("cadre").order_by("-start", "-id")
    )
    active = next((p for p in pairings if p.end is None), None)
    recent = list(
        Visit.objects.filter(household=household)
        .select_related("visitor", "cadre")
        .prefetch_related("follow_ups")
        .order_by("-visited_on", "-id")[:visits]
    )
    open_follow_ups = list(
        FollowUp.objects.filter(household=household, status=FollowUpStatusChoices.OPEN).order_by(
            "due_date", "id"
        )
    )
    plans = {p.year: p for p in AssistancePlan.objects.filter(household=household)}
    measures = list(
        Measure.objects.filter(household=household)
        .select_related("member", "plan")
        .order_by("-start_date", "-id")
    )
    return {
        "household": household,
        "pairing": active,
        "cadre": active.cadre if active else None,
        "pairings": pairings,
        "visits": recent,
        "last_visit": recent[0].visited_on if recent else None,
        "open_follow_ups": open_follow_ups,
        "overdue_follow_ups": [f for f in open_follow_ups if f.due_date < today],
        "plan": plans.get(today.year),
        "plans": sorted(plans.values(), key=lambda p: -p.year),
        "measures": measures,
        "team": active_team_for_village(household.village),
        "today": today,
        "needs_cadre": household.status in ASSISTED_STATUSES,
    }


# -- coverage -------------------------------------------------------------------------------------


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


def _assistance_annotations(qs: QuerySet, *, today: dt.date, with_cadre_user: bool = False) -> QuerySet:
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
    qs = qs.annotate(
        active_cadre_id=Subquery(active.values("cadre_id")[:1]),
        has_plan=Exists(AssistancePlan.objects.filter(household=OuterRef("pk"), year=today.year)),
        last_visit=Subquery(last_visit),
        overdue_count=Subquery(overdue),
    )
    if with_cadre_user:
        qs = qs.annotate(active_cadre_user_id=Subquery(active.values("cadre__user_id")[:1]))
    return qs


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
    groups: Counter = Counter()
    overdue_in: Counter = Counter()
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
        flags = {
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
    households = list(
        _assistance_annotations(assisted_households_in(area), today=today, with_cadre_user=True)
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff))
        .select_related("head", "village__parent")
        .order_by("pk")
    )
    users = get_user_model().objects.in_bulk(
        {h.active_cadre_user_id for h in households if h.active_cadre_user_id}
    )
    for household in households:
        household.active_cadre_user = users.get(household.active_cadre_user_id)
    return households


def follow_ups_overdue(area: Area, *, today: dt.date) -> list[FollowUp]:
    """Open follow-ups under `area` past their due date, each with `active_cadre_user`."""
    active_user = CadrePairing.objects.filter(household=OuterRef("household"), end__isnull=True).values(
        "cadre__user_id"
    )[:1]
    items = list(
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
        {f.active_cadre_user_id for f in items if f.active_cadre_user_id}
    )
    for item in items:
        item.active_cadre_user = users.get(item.active_cadre_user_id)
    return items


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


# -- lists (pages and API) ------------------------------------------------------------------------


def cadre_list(*, user: Any, filters: dict | None = None) -> QuerySet[Cadre]:
    qs = (
        Cadre.objects.visible_to(user)
        .select_related("area", "user")
        .annotate(household_count=Count("pairings", filter=Q(pairings__end__isnull=True)))
        .order_by("name", "id")
    )
    return CadreFilterSet(filters or {}, queryset=qs).qs


def team_list(*, user: Any, filters: dict | None = None) -> QuerySet[WorkTeam]:
    qs = (
        WorkTeam.objects.visible_to(user)
        .select_related("area", "predecessor")
        .prefetch_related(
            Prefetch(
                "village_links",
                queryset=TeamVillage.objects.select_related("village").order_by("village__code"),
            ),
            Prefetch(
                "memberships", queryset=TeamMembership.objects.select_related("cadre").order_by("role", "id")
            ),
        )
    )
    return WorkTeamFilterSet(filters or {}, queryset=qs).qs


def team_history(team: WorkTeam) -> list[WorkTeam]:
    """The team's chain of rotations, earliest first (每一任驻村工作队). A rotation hands the same
    villages over, so every team of the chain has served one of this team's villages: one query
    fetches them all, and the chain is followed in memory (a team outside it is fetched on its own)."""
    village_ids = TeamVillage.objects.filter(team=team).values("village_id")
    known = {t.pk: t for t in WorkTeam.objects.filter(village_links__village_id__in=village_ids).distinct()}
    known[team.pk] = team

    def fetch(pk: int) -> WorkTeam:
        if pk not in known:
            known[pk] = WorkTeam.objects.get(pk=pk)
        return known[pk]

    successor_of = {t.predecessor_id: t for t in known.values() if t.predecessor_id}
    chain = [team]
    current = team
    while current.predecessor_id:
        current = fetch(current.predecessor_id)
        chain.insert(0, current)
    current = team
    while True:
        nxt = successor_of.get(current.pk) or WorkTeam.objects.filter(predecessor=current).first()
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return chain


def first_secretary_of(team: WorkTeam) -> Cadre | None:
    for membership in team.memberships.all():
        if membership.role == TeamMemberRoleChoices.FIRST_SECRETARY:
            return membership.cadre
    return None


def pairing_list(*, user: Any, filters: dict | None = None) -> QuerySet[CadrePairing]:
    qs = CadrePairing.objects.visible_to(user).select_related(
        "household__village", "household__head", "cadre"
    )
    return CadrePairingFilterSet(filters or {}, queryset=qs).qs


def visit_list(*, user: Any, filters: dict | None = None) -> QuerySet[Visit]:
    qs = (
        Visit.objects.visible_to(user)
        .select_related("household__village", "household__head", "visitor", "cadre", "team")
        .annotate(follow_up_count=Count("follow_ups"))
        .order_by("-visited_on", "-id")
    )
    return VisitFilterSet(filters or {}, queryset=qs).qs


def follow_up_list(*, user: Any, filters: dict | None = None) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.visible_to(user).select_related(
        "household__village", "household__head", "visit__visitor", "visit__cadre"
    )
    return FollowUpFilterSet(filters or {}, queryset=qs).qs


def plan_list(*, user: Any, filters: dict | None = None) -> QuerySet[AssistancePlan]:
    qs = (
        AssistancePlan.objects.visible_to(user)
        .select_related("household__village", "household__head")
        .annotate(measure_count=Count("measures"))
        .order_by("-year", "household__village__code", "household__number")
    )
    return AssistancePlanFilterSet(filters or {}, queryset=qs).qs


def measure_list(*, user: Any, filters: dict | None = None) -> QuerySet[Measure]:
    qs = Measure.objects.visible_to(user).select_related(
        "household__village", "household__head", "member", "plan"
    )
    return MeasureFilterSet(filters or {}, queryset=qs).qs


def village_plan_list(*, user: Any, filters: dict | None = None) -> QuerySet[VillagePlan]:
    qs = VillagePlan.objects.visible_to(user).select_related("village__parent", "team")
    return VillagePlanFilterSet(filters or {}, queryset=qs).qs


def assisted_household_list(
    *, user: Any, filters: dict | None = None, today: dt.date | None = None, visit_days: int | None = None
) -> QuerySet[Household]:
    """Assisted households in the user's scope, each annotated with its active cadre (id and name), a
    plan for this year, its last visit, whether a visit is due and its overdue follow-ups."""
    from django.db.models import BooleanField, Case, Value, When

    today = today or clock.today()
    cutoff = today - dt.timedelta(days=visit_days or default_visit_days())
    active = CadrePairing.objects.filter(household=OuterRef("pk"), end__isnull=True)
    qs = (
        _assistance_annotations(
            Household.objects.visible_to(user)
            .filter(status__in=ASSISTED_STATUSES)
            .select_related("village", "head"),
            today=today,
        )
        .annotate(
            active_cadre_name=Subquery(active.values("cadre__name")[:1]),
            visit_due=Case(
                When(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("village__code", "number")
    )
    return AssistedHouseholdFilterSet(filters or {}, queryset=qs).qs
