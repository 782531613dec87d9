"""Reads on the registry shared by other apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Prefetch, QuerySet

from accounts.models import User
from areas.models import Area
from areas.selectors import policy_values, rural_population
from core.filtering import filter_rows
from core.numbers import percent

from .choices import POOR_STATUSES, ReviewStatusChoices
from .models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    Household,
    IdentificationProcedure,
    Member,
)
from .policy import NOTICE_MIN_DAYS, WEIGHT_KEYS


@dataclass(frozen=True)
class Incidence:
    """Poverty incidence (贫困发生率) = registered poor people still in poverty / rural registered
    population. `rate` is a percentage with two decimals, None when the population is unknown or 0."""

    poor_people: int
    population: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.poor_people, self.population)


def poor_people_in(area: Area) -> int:
    """People currently in registered-poor (or returned-to-poverty) households under the area."""
    return Member.objects.filter(
        household__village__code__startswith=area.prefix, household__status__in=POOR_STATUSES
    ).count()


def incidence_live(area: Area, year: int) -> Incidence:
    """Incidence computed now from the registry (dashboards store dated snapshots; this is the live
    figure a procedure checks at the moment it runs)."""
    return Incidence(poor_people=poor_people_in(area), population=rural_population(area, year))


def household_counts_by_status(area: Area) -> dict[str, int]:
    rows = (
        Member.objects.filter(household__village__code__startswith=area.prefix)
        .values("household__status")
        .annotate(people=Count("id"), households=Count("household", distinct=True))
    )
    return {row["household__status"]: row["households"] for row in rows if row["household__status"]}


@dataclass(frozen=True)
class PolicyValues:
    notice_min_days: int
    weights: dict[str, Decimal]


def policy_for(area: Area) -> PolicyValues:
    """The registry policy in force for an area (households.policy; areas.selectors.policy_values:
    the most specific enclosing area that set a value wins, otherwise the declared default)."""
    values = policy_values(area, [NOTICE_MIN_DAYS, *WEIGHT_KEYS.values()])
    return PolicyValues(
        notice_min_days=values[NOTICE_MIN_DAYS.name],
        weights={look: values[key.name] for look, key in WEIGHT_KEYS.items()},
    )


def household_list(
    *, user: User, filters: Mapping[str, Any] | None = None, strict: bool = False
) -> QuerySet[Household]:
    """Households the user may see, filtered by the shared FilterSet. A page (a slice) is read keys
    first (core.paging.keys_first): its ids by the filters and the search index alone, then the
    village, its township and the head joined for those rows only. `strict` (exports): an invalid
    filter value, such as another township's village, raises core.filtering.FilterRefused instead of
    being dropped."""
    from core.filtering import strict_qs
    from core.paging import keys_first

    from .filters import HouseholdFilterSet

    qs = Household.objects.visible_to(user).select_related("village", "village__parent", "head")
    filterset = HouseholdFilterSet(filters or {}, queryset=qs, user=user)
    filtered: QuerySet[Household] = strict_qs(filterset) if strict else filterset.qs
    return keys_first(filtered)


def household_registered_on(household: Household) -> dt.date:
    """The day the household entered the registry (建档): the earliest of the day its record was made, the
    first day of the year it was identified, its first status change and its first member's joining.
    A record entered today for a household identified in 2016 was registered in 2016, not today."""
    from core import clock

    days = [clock.localtime(household.created_at).date()] if household.created_at else [clock.today()]
    if household.year_identified:
        days.append(dt.date(household.year_identified, 1, 1))
    first = household.status_changes.aggregate(first=Min("effective_date"))["first"]
    joined = household.membership_periods.aggregate(first=Min("joined_on"))["first"]
    days += [d for d in (first, joined) if d is not None]
    return min(days)


def household_detail(*, user: User, pk: int | str) -> Household:
    from core.scoping import get_visible_or_404

    qs = Household.objects.select_related("village", "village__parent", "head").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("id")),
    )
    return get_visible_or_404(qs, user, pk=pk)


def household_procedures(household: Household) -> QuerySet[IdentificationProcedure]:
    return household.procedures.prefetch_related("steps", "objections").order_by("-created_at")


def duplicate_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[DuplicateCandidate]:
    from .filters import DuplicateCandidateFilterSet

    qs = DuplicateCandidate.objects.visible_to(user).select_related(
        "member_a__household__village", "member_b__household__village", "reviewed_by"
    )
    filtered: QuerySet[DuplicateCandidate] = DuplicateCandidateFilterSet(
        filters or {"status": ReviewStatusChoices.PENDING}, queryset=qs
    ).qs
    return filtered


def cross_check_batches(*, user: User) -> QuerySet[CrossCheckBatch]:
    return CrossCheckBatch.objects.visible_to(user).select_related("area", "uploaded_by")


def cross_check_match_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[CrossCheckMatch]:
    from .filters import CrossCheckMatchFilterSet

    qs = CrossCheckMatch.objects.visible_to(user).select_related(
        "batch", "member", "household__village", "reviewed_by"
    )
    return filter_rows(CrossCheckMatchFilterSet, filters, qs)


__all__ = [
    "Incidence",
    "PolicyValues",
    "household_counts_by_status",
    "household_list",
    "incidence_live",
    "policy_for",
    "poor_people_in",
]
