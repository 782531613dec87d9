"""Reads about one household's assistance: its cadre, team and plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from areas.models import Area
from areas.selectors import areas_top_for, policy_get
from core import clock
from households.choices import ASSISTED_STATUSES
from households.models import Household

from ..choices import FollowUpStatusChoices
from ..models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    TeamVillage,
    Visit,
    WorkTeam,
)
from ..policy import VISIT_DAYS

if TYPE_CHECKING:
    from accounts.models import User


def visit_days_for(area: Area | None) -> int:
    """How many days may pass without a visit before a household of `area` counts as not visited
    (the policy value assistance.visit_days in force there)."""
    return policy_get(VISIT_DAYS, area)


def visit_days_for_user(user: User) -> int:
    """The visit window of the county the user works in (their first area's)."""
    return visit_days_for(areas_top_for(user).order_by("code").first())


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


def household_card_assistance(household: Household, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the printed household card (明白卡) says about help: today's responsible cadre with the
    phone the household calls, and the measures running in this calendar year (started by its end,
    not ended before its start)."""
    today = today or clock.today()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    measures = (
        Measure.objects.filter(household=household, start_date__lte=year_end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year_start))
        .order_by("start_date", "id")
    )
    return {"cadre": active_cadre_for(household), "measures": list(measures), "year": today.year}


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
