from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from .choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from .filters import AreaFilterSet
from .models import Area, AreaPopulation


def area_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Area]:
    qs = Area.objects.visible_to(user).select_related("parent").annotate(children_count=Count("children"))
    filtered: QuerySet[Area] = AreaFilterSet(filters or {}, queryset=qs).qs
    return filtered


def areas_top_for(user: Any) -> QuerySet[Area]:
    """The highest areas a user covers: where their browsing starts."""
    if user.is_superuser:
        return Area.objects.filter(parent__isnull=True)
    own: QuerySet[Area] = user.areas.all()
    return own


def rural_population(area: Area, year: int) -> int:
    """Rural registered population of an area for a year: the sum over its villages."""
    total = AreaPopulation.objects.filter(
        year=year, area__code__startswith=area.prefix, area__level=AreaLevelChoices.VILLAGE
    ).aggregate(total=Sum("rural_population"))["total"]
    return int(total or 0)


def with_population(qs: QuerySet[Area], year: int) -> QuerySet[Area]:
    """Annotate each village with its population for `year` (higher levels: use rural_population)."""
    pop = AreaPopulation.objects.filter(area=OuterRef("pk"), year=year).values("rural_population")[:1]
    return qs.annotate(rural_population=Subquery(pop))


def prefix_of(code: str, level: str) -> str:
    return code[: LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)]]


def time_zone_names() -> dict[str, str]:
    """{code prefix: IANA zone} for every area that sets its own clock (read by core.clock)."""
    return {area.prefix: area.time_zone for area in Area.objects.exclude(time_zone="").only("code", "level")}
