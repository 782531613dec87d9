"""Reads on the registry shared by other apps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from areas.models import Area
from areas.selectors import rural_population

from .choices import POOR_STATUSES
from .models import Member


@dataclass(frozen=True)
class Incidence:
    """Poverty incidence (贫困发生率) = registered poor people still in poverty / rural registered
    population. `rate` is a percentage with two decimals, None when the population is unknown or 0."""

    poor_people: int
    population: int

    @property
    def rate(self) -> Decimal | None:
        if not self.population:
            return None
        return (Decimal(self.poor_people) * 100 / Decimal(self.population)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


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


__all__ = ["Incidence", "household_counts_by_status", "incidence_live", "poor_people_in"]
