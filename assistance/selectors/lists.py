"""Scoped lists for pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from core import clock
from core.filtering import filter_rows
from households.choices import ASSISTED_STATUSES
from households.models import Household

from ..choices import TeamMemberRoleChoices
from ..filters import (
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
from ..models import (
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
from .coverage import _assistance_annotations
from .household import visit_days_for_user

if TYPE_CHECKING:
    from accounts.models import User

# -- lists (pages and API) ------------------------------------------------------------------------


def cadre_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Cadre]:
    qs = (
        Cadre.objects.visible_to(user)
        .select_related("area", "user")
        .annotate(household_count=Count("pairings", filter=Q(pairings__end__isnull=True)))
        .order_by("name", "id")
    )
    return filter_rows(CadreFilterSet, filters, qs)


def team_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[WorkTeam]:
    qs = (
        WorkTeam.objects.visible_to(user)
        .select_related("area", "predecessor")
        # one prefetch a call: their querysets differ, and one call would type them as `object`
        .prefetch_related(
            Prefetch(
                "village_links",
                queryset=TeamVillage.objects.select_related("village").order_by("village__code"),
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships", queryset=TeamMembership.objects.select_related("cadre").order_by("role", "id")
            )
        )
    )
    return filter_rows(WorkTeamFilterSet, filters, qs)


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


def pairing_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[CadrePairing]:
    qs = CadrePairing.objects.visible_to(user).select_related(
        "household__village", "household__head", "cadre"
    )
    return filter_rows(CadrePairingFilterSet, filters, qs)


def visit_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Visit]:
    qs = (
        Visit.objects.visible_to(user)
        .select_related("household__village", "household__head", "visitor", "cadre", "team")
        .annotate(follow_up_count=Count("follow_ups"))
        .order_by("-visited_on", "-id")
    )
    return filter_rows(VisitFilterSet, filters, qs)


def follow_up_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.visible_to(user).select_related(
        "household__village", "household__head", "visit__visitor", "visit__cadre"
    )
    return filter_rows(FollowUpFilterSet, filters, qs)


def plan_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[AssistancePlan]:
    qs = (
        AssistancePlan.objects.visible_to(user)
        .select_related("household__village", "household__head")
        .annotate(measure_count=Count("measures"))
        .order_by("-year", "household__village__code", "household__number")
    )
    return filter_rows(AssistancePlanFilterSet, filters, qs)


def measure_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Measure]:
    qs = Measure.objects.visible_to(user).select_related(
        "household__village", "household__head", "member", "plan"
    )
    return filter_rows(MeasureFilterSet, filters, qs)


def village_plan_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[VillagePlan]:
    qs = VillagePlan.objects.visible_to(user).select_related("village__parent", "team")
    return filter_rows(VillagePlanFilterSet, filters, qs)


def assisted_household_list(
    *,
    user: User,
    filters: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    visit_days: int | None = None,
) -> QuerySet[Household]:
    """Assisted households in the user's scope, each annotated with its active cadre (id and name), a
    plan for this year, its last visit, whether a visit is due and its overdue follow-ups."""
    from django.db.models import BooleanField, Case, Value, When

    today = today or clock.today()
    cutoff = today - dt.timedelta(days=visit_days or visit_days_for_user(user))
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
    return filter_rows(AssistedHouseholdFilterSet, filters, qs)
